"""TS008 ts-typeorm-synchronize."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.typescript.facts import SettingFact, TsFacts
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.config_security._ts_settings import condition, shipped_settings, test_only, true_by_default

_TYPEORM = ("typeorm", "@nestjs/typeorm")
_TYPEORM_KEYS = frozenset({"entities", "autoLoadEntities", "migrations", "migrationsRun"})
_JSON_KEYS = ("synchronize", "dropSchema")
_JSON_KEY = re.compile(r'"(synchronize|dropSchema)"\s*:\s*true\b')


def _is_typeorm(path: str, facts: TsFacts, setting: SettingFact) -> bool:
    """The object is a TypeORM data source: the file imports TypeORM, is an ormconfig, or the object
    lists entities/migrations next to the flag."""
    name = path.rsplit("/", 1)[-1]
    return (
        name.startswith("ormconfig")
        or bool(_TYPEORM_KEYS.intersection(setting["keys"]))
        or any(i["module"] in _TYPEORM for i in facts["imports"])
    )


def _default_true_call(facts: TsFacts, setting: SettingFact, text: str) -> bool:
    """`synchronize: config.get('DB_SYNC', true)`: a configuration read whose default is true."""
    return any(
        c["line"] == setting["line"] and text.startswith(c["callee"] + "(") and len(c["args"]) > 1
        and c["args"][1] in (True, "true")
        for c in facts["calls"]
    )


def _verdict(facts: TsFacts, setting: SettingFact) -> str:
    value, key = setting["value"], setting["key"]
    if value is True:
        return f"`{key}: true`"
    text = condition(value)
    if text and true_by_default(text):
        return Message("`{key}` is on unless a variable turns it off ({condition})", key=key, condition=text[:80])
    if text and _default_true_call(facts, setting, text):
        return Message("`{key}` reads {condition} with a default of true", key=key, condition=text[:80])
    return ""


def _json_hits(repo: Repo) -> Iterator[Hit]:
    """ormconfig.json (TypeORM < 0.3): `"synchronize": true` outside entries named for tests (the
    matching lines are paired in order with the entries that set the flag)."""
    for f in repo.find(name="ormconfig.json"):
        if test_only(f.path):
            continue
        data = repo.json(f.path)
        entries = [e for e in (data if isinstance(data, list) else [data]) if isinstance(e, dict)]
        flagged = [
            "test" in str(e.get("name", "")).lower() for e in entries for k in e if k in _JSON_KEYS and e[k] is True
        ]
        found = [(n, m.group(1)) for n, raw in enumerate(repo.lines(f.path), 1) if (m := _JSON_KEY.search(raw))]
        if len(found) != len(flagged):
            continue  # not determined (duplicate keys, odd formatting)
        for (n, key), test_entry in zip(found, flagged, strict=True):
            if not test_entry:
                yield Hit(f.path, n, Message("TypeORM schema synchronisation: `\"{key}\": true` in {path}.",
                                             key=key, path=f.path), key=key)


def check(repo: Repo) -> Iterator[Hit]:
    """Flags TypeORM data sources that alter the database schema on start outside tests:
    `synchronize: true` / `dropSchema: true` (a property anywhere in TypeScript/JavaScript, e.g. in
    TypeOrmModule.forRoot({...}), new DataSource({...}), a useFactory or an ormconfig object, when the
    file imports TypeORM, is an ormconfig or the object lists entities/migrations), a value that is
    true unless a variable is set (`process.env.DB_SYNC !== 'false'`, `?? true`, `NODE_ENV !== 'test'`,
    `config.get('X', true)`), and `"synchronize": true` in ormconfig.json. Silent for false, for
    conditions tied to test/development (`NODE_ENV === 'test'`, `!== 'production'`) or opt-in
    variables (`=== 'true'`), and in test files, test-named configs and test-named functions."""
    for path, facts, setting in shipped_settings(repo, "synchronize", "dropSchema"):
        if not _is_typeorm(path, facts, setting):
            continue
        verdict = _verdict(facts, setting)
        if verdict:
            yield Hit(path, setting["line"], Message("TypeORM schema synchronisation: {verdict}.",
                                                     verdict=verdict), key=setting["key"])
    yield from _json_hits(repo)


RULE = Rule(
    id="TS008",
    name="ts-typeorm-synchronize-on",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.HIGH,
    title="TypeORM synchronises the database schema outside tests",
    impact="On every start TypeORM alters the live schema to match the entities: a renamed or removed "
           "property drops its column (and its data) in production, with no migration to review or roll back.",
    action="Set synchronize: false (and no dropSchema) outside tests, generate migrations "
           "(typeorm migration:generate) and run them in the deployment (migrationsRun or a release step).",
    check=check,
    example_bad="TypeOrmModule.forRoot({ type: 'postgres', url: process.env.DATABASE_URL,\n"
                "  autoLoadEntities: true, synchronize: true })",
    example_good="TypeOrmModule.forRoot({ type: 'postgres', url: process.env.DATABASE_URL,\n"
                 "  autoLoadEntities: true, synchronize: process.env.NODE_ENV === 'test',\n"
                 "  migrations: ['dist/migrations/*.js'], migrationsRun: true })",
)
