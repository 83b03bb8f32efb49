"""PERF003 unlocked-shared-state-in-async."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.languages.python.facts import ModuleFacts, expr_text
from archaudit.repo import Repo
from archaudit.rules.base import Rule

_CONTAINER_CALLS = ("dict(", "list(", "set(", "defaultdict(", "OrderedDict(", "deque(", "collections.")


def _is_container(value: object) -> bool:
    return isinstance(value, dict | list) or expr_text(value).startswith(_CONTAINER_CALLS)


def _shared_classes(repo: Repo) -> set[str]:
    """Class names instantiated once for the whole process: at module level or on `app.state`."""
    out = set()
    for _, facts in repo.python_items():
        for a in facts["assigns"]:
            if a["func"] and not a["target"].startswith("app.state."):
                continue
            head = expr_text(a["value"]).split("(", 1)[0]
            if head and expr_text(a["value"]).endswith(")"):
                out.add(head.rsplit(".", 1)[-1])
    return out


def _containers(facts: ModuleFacts) -> set[tuple[str, str]]:
    """(class, "self.attr") pairs whose attribute holds a dict/list/set."""
    out = {(a["cls"], a["target"]) for a in facts["assigns"]
           if a["cls"] and a["target"].startswith("self.") and _is_container(a["value"])}
    for cls in facts["classes"]:
        out.update((cls["name"], "self." + f["name"]) for f in cls["fields"] if _is_container(f["value"]))
    return out


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at classes instantiated once per process (module-level or app.state instance) and reports
    dict/list/set attributes (`self.x = {}` / `[]`...) that their `async` methods (other than
    __init__) mutate outside any `with`/`async with` on a lock: item assignment, append, pop,
    update, remove... One finding per attribute, with every unlocked mutation as evidence."""
    shared = _shared_classes(repo)
    for path, facts in repo.python_items():
        if repo.by_path[path].role == "test" or not facts["mutations"]:
            continue
        functions = {f["qualname"]: f for f in facts["functions"]}
        containers = _containers(facts)
        grouped: dict[tuple[str, str], list[int]] = {}
        for m in facts["mutations"]:
            fn = functions.get(m["func"])
            if m["locked"] or m["kind"] == "assign" or fn is None or not fn["is_async"] or not fn["cls"] \
                    or fn["name"] == "__init__" or fn["cls"] not in shared:
                continue
            attr = m["target"].split("[", 1)[0]
            if (fn["cls"], attr) in containers:
                grouped.setdefault((fn["cls"], attr), []).append(m["line"])
        for (cls, attr), lines in sorted(grouped.items()):
            lines = sorted(set(lines))
            yield Hit(path, lines[0], Message("{cls}.{attr} is shared by every request and mutated by async methods "
                                              "without a lock ({n} place(s)).",
                                              cls=cls, attr=attr[5:], n=len(lines)),
                      also=tuple(Evidence(path, n) for n in lines[1:6]), key=f"{cls}.{attr}")


RULE = Rule(
    id="PERF003",
    name="unlocked-shared-state-in-async",
    axis=Axis.PERFORMANCE,
    severity=Severity.MEDIUM,
    title="Shared in-memory state mutated by async methods without a lock",
    impact="Coroutines interleave at every await: a check-then-update on a shared dict/list can lose "
           "updates or raise 'dictionary changed size during iteration'; the state also lives in one "
           "process only, so it diverges as soon as more than one worker runs.",
    action="Guard the read-modify-write with an asyncio.Lock, or move the state to a shared store "
           "(Redis, database) when several workers must see it.",
    check=check,
    example_bad="class SessionStore:\n    def __init__(self):\n        self.sessions = {}\n\n"
                "    async def add(self, sid, ws):\n        await ws.accept()\n        self.sessions[sid] = ws\n\n"
                "store = SessionStore()",
    example_good="class SessionStore:\n    def __init__(self):\n        self.sessions = {}\n"
                 "        self.lock = asyncio.Lock()\n\n    async def add(self, sid, ws):\n"
                 "        async with self.lock:\n            self.sessions[sid] = ws",
)
