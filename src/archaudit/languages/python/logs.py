"""What a logging or print call writes: the names, attribute chains and keyed reads in its
arguments (`settings.SECRET_KEY`, `request.headers[Authorization]`, `os.environ[API_KEY]`), kept at
parse time so the secret-logging rule reads facts instead of re-parsing files.

Reads that cannot reveal the value are left out: the arguments of `len()`, `bool()`, `type()`,
`isinstance()`, `mask*()` / `redact*()` / `hash*()` helpers, and a slice such as `token[:6]`.
"""

from __future__ import annotations

import ast

from archaudit.languages.python.values import dotted

LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "fatal"})
_LOGGERS = ("log", "logger", "logging", "_log", "_logger", "LOG", "LOGGER", "syslog", "structlog")
_HIDING = ("len", "bool", "type", "isinstance", "id", "hash", "mask", "redact", "obfuscate", "sha", "md5")
_MAX_READS = 20


def is_log_call(name: str) -> bool:
    """`print(...)`, `logger.info(...)`, `self.logger.warning(...)`, `current_app.logger.debug(...)`."""
    if name == "print":
        return True
    owner, _, method = name.rpartition(".")
    return method in LOG_METHODS and owner.rsplit(".", 1)[-1].lower().endswith(_LOGGERS)


def reads(call: ast.Call) -> list[str]:
    """The dotted reads in the call's arguments (positional and keyword), sorted, at most 20."""
    out: set[str] = set()
    stack: list[ast.AST] = [*call.args, *(k.value for k in call.keywords if k.arg not in ("exc_info", "extra"))]
    while stack and len(out) < _MAX_READS:
        node = stack.pop()
        if isinstance(node, ast.Name | ast.Attribute) or (isinstance(node, ast.Subscript)
                                                            and not isinstance(node.slice, ast.Slice)):
            name = dotted(node)
            if name:
                out.add(name)
                continue
        if isinstance(node, ast.Subscript):
            continue  # token[:6]: a prefix, not the value
        if isinstance(node, ast.Call):
            func = dotted(node.func)
            if func.rsplit(".", 1)[-1].lower().startswith(_HIDING):
                continue
            key = node.args[0] if node.args else None
            if func.endswith((".get", "getenv")) and isinstance(key, ast.Constant) and isinstance(key.value, str):
                owner = func.rsplit(".", 1)[0] if func.endswith(".get") else "os.environ"
                out.add(f"{'os.environ' if owner in ('os', 'os.environ') else owner}[{key.value}]")
                continue
            stack.extend([*node.args, *(k.value for k in node.keywords)])
            if isinstance(node.func, ast.Attribute):
                stack.append(node.func.value)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return sorted(out)
