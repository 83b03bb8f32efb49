"""TS111 ts-graphql-csrf-prevention-off."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.config_security._ts_settings import shipped_settings
from archaudit.rules.config_security.typescript.debug_on import graphql_options


def check(repo: Repo) -> Iterator[Hit]:
    """Reads GraphQL server options (an object literal with autoSchemaFile/typePaths/typeDefs/resolvers/
    driver/schema in a file importing a graphql/apollo package: NestJS GraphQLModule.forRoot, new
    ApolloServer) outside tests for the literal `csrfPrevention: false`. Apollo Server 4 turns the
    protection on by default, so only the explicit literal is a fact; a computed value
    (`csrfPrevention: isProd`) and development branches are silent."""
    for path, facts, setting in shipped_settings(repo, "csrfPrevention"):
        if setting["value"] is False and graphql_options(facts, setting):
            yield Hit(path, setting["line"],
                      Message("`csrfPrevention: false` turns off Apollo's CSRF prevention: a simple cross-site "
                              "request (a form post, a GET with a query) is executed with the visitor's cookies."),
                      key="csrfPrevention")


RULE = Rule(
    id="TS111",
    name="ts-graphql-csrf-prevention-off",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="Apollo GraphQL CSRF prevention is turned off",
    impact="Apollo's csrfPrevention rejects requests a browser sends cross-site without a preflight. Turned off, "
           "any page a signed-in user visits can run queries and mutations with the user's cookies (or from the "
           "user's network position), the classic CSRF the option exists to stop.",
    action="Remove `csrfPrevention: false` (Apollo Server 4 enables it by default) and have clients send a "
           "Content-Type: application/json or an `apollo-require-preflight` header; if a client cannot, "
           "list the header it can send in csrfPrevention.requestHeaders.",
    check=check,
    example_bad="GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver,\n"
                "  autoSchemaFile: true, csrfPrevention: false })",
    example_good="GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver,\n  autoSchemaFile: true })",
)
