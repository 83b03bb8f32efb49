"""SEC112 shell-command-from-request."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import ts_facts
from archaudit.rules.base import PYTHON, TYPESCRIPT, Rule
from archaudit.rules.security._sinks import CODE, hit, python_calls, python_input, ts_imports, ts_input, ts_sinks

_WITH_SHELL = ("subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
               "subprocess.Popen")
_ALWAYS_SHELL = ("os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
                 "asyncio.create_subprocess_shell", "commands.getoutput")
_QUOTING = frozenset({"quote", "int", "float", "len"})
_FACT = Message("the command text comes from the request")


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at commands run through a shell: `subprocess.*(..., shell=True)`, `os.system`,
    `os.popen`, `subprocess.getoutput`; in TypeScript `child_process.exec`/`execSync` (and `spawn`
    with `shell: true`). A command that is a literal, a module constant or a list of arguments
    without a shell is silent; a piece passed through `shlex.quote` is the code's choice. The
    command's text is followed one step (local variables, a route handler's parameters): request
    data is a finding; a value whose source is not established (a helper's parameter, `self.cmd`)
    is reported as not determined."""
    yield from _python(repo)
    yield from _typescript(repo)


def _python(repo: Repo) -> Iterator[Hit]:
    for path, call, name in python_calls(repo, *_WITH_SHELL, *_ALWAYS_SHELL):
        if name in _WITH_SHELL and call["kwargs"].get("shell") is not True:
            continue
        found = python_input(repo, path, call, call["name"].rsplit(".", 1)[-1], 0, ("args", "cmd", "command"),
                             safe=_QUOTING)
        if found is None or found.state == CODE:
            continue
        yield hit(path, call["line"], Message("{name}() runs a shell command built from {what}: shell "
                                              "metacharacters in it run as commands.",
                                              name=name, what=found.what), found, _FACT, key=name)


def _child_process(repo: Repo, path: str, callee: str) -> bool:
    """The callee is child_process's: a name imported from it, or a member of its namespace."""
    if "child_process" not in ts_imports(repo, path):
        return False
    root = callee.rpartition(".")[0]
    functions: set[str] = set()
    namespaces = {"child_process", "childProcess", "cp"}
    for imp in repo.derived(ts_facts)[path]["imports"]:
        if imp["module"].removeprefix("node:") != "child_process":
            continue
        if not imp["names"]:  # `const exec = require('child_process').exec`: the local name is not recorded
            functions.update(("exec", "execSync", "spawn", "spawnSync"))
        for name in imp["names"]:
            local = name.rsplit(" as ", 1)[-1]
            (namespaces if name.startswith(("* as ", "default as ")) else functions).add(local)
    return callee in functions if not root else root.rsplit(".", 1)[-1] in namespaces or root == "require()"


def _typescript(repo: Repo) -> Iterator[Hit]:
    for path, s in ts_sinks(repo, "shell"):
        if not _child_process(repo, path, s["callee"]):
            continue
        last = s["callee"].rsplit(".", 1)[-1]
        if last in ("spawn", "spawnSync") and "shell" not in s["keys"]:
            continue  # an argument vector without a shell
        found = ts_input(s)
        if found.state == CODE:
            continue
        yield hit(path, s["line"], Message("{callee}() runs a shell command built from {what}: shell metacharacters "
                                           "in it run as commands.",
                                           callee=s['callee'], what=found.what), found, _FACT, key=s["callee"])


RULE = Rule(
    id="SEC112",
    name="shell-command-from-request",
    axis=Axis.SECURITY,
    severity=Severity.HIGH,
    title="A shell command is built from request data",
    impact="Anyone who can send the request can run any command on the server with the application's rights.",
    action="Run the program with an argument list and no shell (subprocess.run([...]), execFile/spawn without "
           "shell), validate the value against an allow-list, or quote it (shlex.quote).",
    check=check,
    languages=PYTHON | TYPESCRIPT,
    example_bad='subprocess.run(f"convert {request.args[\'file\']} out.png", shell=True)',
    example_good='subprocess.run(["convert", filename, "out.png"])',
)
