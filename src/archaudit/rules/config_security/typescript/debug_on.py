"""TS010 ts-debug-mode-hardcoded."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.typescript.facts import SettingFact, TsFacts
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import Rule
from archaudit.rules.config_security._ts_settings import shipped_settings, test_only

_GRAPHQL_KEYS = frozenset({"autoSchemaFile", "typePaths", "typeDefs", "resolvers", "driver", "schema"})
_WHAT = {
    "playground": Message("the GraphQL playground (an interactive console over the whole schema) is always served"),
    "debug": Message("GraphQL debug mode (stack traces in error responses) is always on"),
}


def graphql_options(facts: TsFacts, setting: SettingFact) -> bool:
    """An object literal with GraphQL server keys, in a file that imports a GraphQL server package."""
    imports_gql = any("graphql" in i["module"] or "apollo" in i["module"] for i in facts["imports"])
    return imports_gql and not setting["target"] and bool(_GRAPHQL_KEYS.intersection(setting["keys"]))


def _express_env(repo: Repo) -> Iterator[Hit]:
    """`app.set('env', 'development')` in a file importing express: dev error pages everywhere."""
    for path, facts in repo.derived(ts_facts).items():
        if test_only(path) or not any(i["module"] == "express" for i in facts["imports"]):
            continue
        for call in facts["calls"]:
            if call["callee"].endswith(".set") and call["args"][:2] == ["env", "development"]:
                yield Hit(path, call["line"], Message("Express environment hard-coded to 'development' (verbose "
                                                      "error pages and no view caching in every deployment)."),
                          key="express env")


def check(repo: Repo) -> Iterator[Hit]:
    """Flags debug switches hard-coded on in TypeScript/JavaScript backends outside tests: GraphQL
    server options (an object with autoSchemaFile/typePaths/typeDefs/resolvers/driver/schema, in a file
    importing a graphql/apollo package, e.g. NestJS GraphQLModule.forRoot or new ApolloServer) with the
    literal `playground: true` or `debug: true`, and Express `app.set('env', 'development')` in a file
    importing express. Values computed from the environment (`playground: !isProd`) are not flagged."""
    for path, facts, setting in shipped_settings(repo, "playground", "debug"):
        if setting["value"] is True and graphql_options(facts, setting):
            yield Hit(path, setting["line"], Message("`{key}: true`: {what}.",
                                                     key=setting['key'], what=_WHAT[setting['key']]),
                      key=setting["key"])
    yield from _express_env(repo)


RULE = Rule(
    id="TS010",
    name="ts-debug-mode-hardcoded",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.MEDIUM,
    title="Debug mode is hard-coded on (TypeScript backend)",
    impact="Production answers with stack traces and internal details, or serves an interactive console "
           "over the whole API, which helps anyone probing it for weaknesses.",
    action="Derive the switch from the environment: playground/debug: config.get('NODE_ENV') !== 'production' "
           "(or an explicit GRAPHQL_PLAYGROUND flag off by default); let NODE_ENV set Express's env.",
    check=check,
    example_bad="GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver,\n"
                "  autoSchemaFile: true, playground: true, debug: true })",
    example_good="GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver,\n"
                 "  autoSchemaFile: true, playground: process.env.NODE_ENV !== 'production' })",
)
