"""Architecture style of TypeScript backends, recognised from code and folders, never from README
claims: hexagonal layers (application/domain/infrastructure/building-blocks folders), CQS (classes
named *CommandHandler/*QueryHandler or decorated @CommandHandler/@QueryHandler), DDD bounded
contexts (sub-folders of a domain folder), and dependency injection (@Injectable providers,
constructor-injected types).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archaudit.repo import Repo
from archaudit.resolve.typescript_index import is_ts_test, ts_facts

HEX_LAYERS = {
    "application": "application",
    "domain": "domain",
    "infrastructure": "infrastructure",
    "infra": "infrastructure",
    "building-blocks": "building blocks",
    "adapters": "infrastructure",
    "ports": "domain",
}


@dataclass
class TsArchitecture:
    layers: dict[str, tuple[str, int]] = field(default_factory=dict)  # folder -> (layer, file count)
    commands: list[tuple[str, str, int]] = field(default_factory=list)  # (class, file, line)
    queries: list[tuple[str, str, int]] = field(default_factory=list)
    contexts: dict[str, int] = field(default_factory=dict)  # domain sub-folder -> file count
    injectables: int = 0
    injected: int = 0  # constructor parameters with a type (DI)
    first_injectable: tuple[str, int] = ("", 0)


def layer_of_path(path: str) -> tuple[str, str]:
    """(layer, folder) of a file from the outermost hexagonal folder in its path, ("", "") if none."""
    parts = path.split("/")[:-1]
    for i, part in enumerate(parts):
        layer = HEX_LAYERS.get(part)
        if layer:
            return layer, "/".join(parts[: i + 1])
    return "", ""


def _cqs_kind(cls: dict) -> str:  # type: ignore[type-arg]
    names = {d["name"].rsplit(".", 1)[-1] for d in cls["decorators"]}
    if "CommandHandler" in names or cls["name"].endswith("CommandHandler"):
        return "command"
    if "QueryHandler" in names or cls["name"].endswith("QueryHandler"):
        return "query"
    return ""


def ts_architecture(repo: Repo) -> TsArchitecture:
    """Hexagonal folders, CQS handlers, bounded contexts and DI counts of the TS code (tests excluded)."""
    arch = TsArchitecture()
    for path, facts in repo.derived(ts_facts).items():
        if is_ts_test(path):
            continue
        layer, folder = layer_of_path(path)
        if layer:
            count = arch.layers.get(folder, (layer, 0))[1]
            arch.layers[folder] = (layer, count + 1)
            rest = path[len(folder) + 1 :].split("/")
            if layer == "domain" and len(rest) > 1:
                ctx = f"{folder}/{rest[0]}"
                arch.contexts[ctx] = arch.contexts.get(ctx, 0) + 1
        for cls in facts["classes"]:
            kind = _cqs_kind(cls)  # type: ignore[arg-type]
            if kind:
                (arch.commands if kind == "command" else arch.queries).append((cls["name"], path, cls["line"]))
            if any(d["name"] == "Injectable" for d in cls["decorators"]):
                arch.injectables += 1
                if not arch.first_injectable[0]:
                    arch.first_injectable = (path, cls["line"])
            for m in cls["methods"]:
                if m["name"] == "constructor":
                    arch.injected += sum(1 for p in m["params"] if p["type"])
    arch.commands.sort(key=lambda c: (c[1], c[2]))
    arch.queries.sort(key=lambda c: (c[1], c[2]))
    arch.layers = dict(sorted(arch.layers.items()))
    arch.contexts = dict(sorted(arch.contexts.items()))
    return arch


def is_hexagonal(arch: TsArchitecture) -> bool:
    """Domain plus at least one of application/infrastructure folders."""
    kinds = {layer for layer, _ in arch.layers.values()}
    return "domain" in kinds and bool(kinds & {"application", "infrastructure"})
