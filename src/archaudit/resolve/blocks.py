"""Execution context of a block inside a file: documentation blocks and environment-guarded branches.

A file's context (`resolve.context`) says whether the file serves production; some blocks of a
serving file do not, and a rule must not judge them as if they did:

- documentation inside code: Python docstrings and other bare string statements, JSDoc blocks that
  carry an API description or an example (`@swagger`, `@openapi`, `@example`, apidoc's `@api...`);
- environment-guarded branches: the body of `if settings.DEBUG:`, `if ENV == "dev":`,
  `if os.getenv("ENVIRONMENT") != "production":`, the `else` of `if ENVIRONMENT == "production":`,
  and in TypeScript/JavaScript `if (process.env.NODE_ENV !== "production") {...}` or the branch of a
  (multi-line) `NODE_ENV === "development" ? a : b` that only runs outside production.

Blocks are found only in files a rule's hit points at (parsed on demand, memoised per audit), so an
audit without hits in serving code parses nothing here. A file that does not parse has no blocks: its
lines keep the file's context (never taken out of production on a guess).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from tree_sitter import Node

from archaudit.languages.typescript.kinds import GRAMMARS
from archaudit.languages.typescript.nodes import grammar_for
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of, fact_block_context


@dataclass(frozen=True)
class Block:
    """Lines `first`..`last` run in `context` (never production), for the reason shown in `why`."""

    first: int
    last: int
    context: Context
    why: str


_PY_SUFFIXES = (".py", ".pyi")
_TS_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")


def _memo(repo: Repo) -> dict[str, list[Block]]:
    """Per audit: path -> its blocks (filled on demand)."""
    return {}


def blocks_of(repo: Repo, path: str) -> list[Block]:
    """Every non-production block of one source file, innermost last (memoised)."""
    memo = repo.derived(_memo)
    if path not in memo:
        text = repo.text(path) if path.endswith(_PY_SUFFIXES + _TS_SUFFIXES) else None
        found: list[Block] = []
        if text:
            found = _python_blocks(text) if path.endswith(_PY_SUFFIXES) else _script_blocks(path, text)
        memo[path] = sorted(found, key=lambda b: b.first - b.last)  # widest first, innermost last
    return memo[path]


def block_at(repo: Repo, path: str, line: int) -> Block | None:
    """The innermost non-production block holding `line`, or None (the line has its file's context)."""
    if not line:
        return None
    inner = None
    for block in blocks_of(repo, path):
        if block.first <= line <= block.last:
            inner = block
    return inner


# -- environment guards: what a condition says about the environment --------------------------------
# A name (last dotted part, case-insensitive) whose truth means "not production"
_NONPROD_FLAGS = re.compile(r"^(is_?)?(debug|dev|develop|development|local|testing|test|staging|"
                            r"debug_mode|dev_mode|test_mode|local_dev)$", re.IGNORECASE)
_PROD_FLAGS = re.compile(r"^(is_?)?(prod|production|live)$", re.IGNORECASE)
# A name holding the environment's name, compared with a string
_ENV_NAMES = re.compile(r"^(env|environment|app_env|app_environment|flask_env|django_env|node_env|stage|"
                        r"deploy_env|deployment_env|environment_name|env_name|run_env|runtime_env|mode)$",
                        re.IGNORECASE)
_PROD_VALUES = frozenset({"prod", "production", "live"})
_NONPROD_VALUES = frozenset({"dev", "develop", "development", "local", "test", "testing", "staging", "stage",
                             "ci", "debug", "qa", "sandbox"})
_TEST_WORDS = re.compile(r"test", re.IGNORECASE)

# polarity: "dev"/"test" (true means not production), "prod" (true means production), "" (unknown)
_FLIP = {"dev": "prod", "test": "prod", "prod": "dev", "": ""}


def _kind_of_name(last: str) -> str:
    if _NONPROD_FLAGS.match(last):
        return "test" if _TEST_WORDS.search(last) else "dev"
    return "prod" if _PROD_FLAGS.match(last) else ""


def _kind_of_value(value: str) -> str:
    low = value.strip().lower()
    if low in _PROD_VALUES:
        return "prod"
    if low in _NONPROD_VALUES:
        return "test" if _TEST_WORDS.search(low) else "dev"
    return ""


def _and(kinds: list[str]) -> str:
    """`a and b` is true only where each part is: one non-production part makes it non-production."""
    nonprod = [k for k in kinds if k in ("dev", "test")]
    if nonprod:
        return nonprod[0]
    return "prod" if "prod" in kinds else ""


def _or(kinds: list[str]) -> str:
    """`a or b` is true where either is: non-production only when every part is."""
    if kinds and all(k in ("dev", "test") for k in kinds):
        return kinds[0]
    return "prod" if kinds and all(k == "prod" for k in kinds) else ""


# -- Python: documentation blocks (environment guards are in the Python facts, read once) ---------
def _python_blocks(text: str) -> list[Block]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    out: list[Block] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            out.append(Block(node.lineno, node.end_lineno or node.lineno, Context.DOCS, "docstring"))
    return out


_CONTEXT = {"dev": Context.DEV, "test": Context.TEST}

# -- TypeScript / JavaScript --------------------------------------------------------------------------
_DOC_TAGS = re.compile(r"@(swagger|openapi|example|api[A-Z]\w*|api)\b")
_TS_ENV = re.compile(r"^process\.env\.(\w+)$|^(?:\w+\.)*(\w+)$")


def _ts_name(text: str) -> str:
    m = _TS_ENV.match(text.replace("?.", ".").replace("!", ""))
    if not m:
        m2 = re.match(r"^process\.env\[['\"](\w+)['\"]\]$", text)
        return m2.group(1) if m2 else ""
    return m.group(1) or m.group(2) or ""


def ts_polarity(node: Node | None) -> str:
    """What a TS/JS condition says (the polarities above): `process.env.NODE_ENV !== "production"`,
    `isDev`, `config.isProduction`, `!isProd && x`."""
    if node is None:
        return ""
    t = node.type
    if t == "parenthesized_expression":
        inner = node.named_children
        return ts_polarity(inner[0]) if len(inner) == 1 else ""
    operator = node.child_by_field_name("operator")
    op = operator.type if operator is not None else ""
    if t == "unary_expression" and op == "!":
        return _FLIP[ts_polarity(node.child_by_field_name("argument"))]
    if t == "binary_expression":
        return _ts_binary(op, node.child_by_field_name("left"), node.child_by_field_name("right"))
    if t in ("identifier", "member_expression"):
        return _kind_of_name(_ts_name(_text(node)))
    return ""


def _ts_binary(op: str, left: Node | None, right: Node | None) -> str:
    if op in ("&&", "||"):
        kinds = [ts_polarity(left), ts_polarity(right)]
        return _and(kinds) if op == "&&" else _or(kinds)
    if op not in ("===", "==", "!==", "!=") or left is None or right is None:
        return ""
    if right.type != "string":
        left, right = right, left
    if right.type != "string" or not _ENV_NAMES.match(_ts_name(_text(left))):
        return ""
    kind = _kind_of_value(_text(right).strip("'\"`"))
    return _FLIP[kind] if op.startswith("!") else kind


def _text(node: Node | None) -> str:
    raw = node.text if node is not None else None
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""


def _line_span(node: Node) -> tuple[int, int]:
    return node.start_point[0] + 1, node.end_point[0] + 1


def _script_blocks(path: str, text: str) -> list[Block]:
    try:
        tree = GRAMMARS[grammar_for(path)].parser.parse(text.encode("utf-8", "surrogatepass"))
    except Exception:  # the binding may raise on pathological input: no blocks, never a crash
        return []
    out: list[Block] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        t = node.type
        if t == "comment":
            body = _text(node)
            if body.startswith("/**") and _DOC_TAGS.search(body):
                out.append(Block(*_line_span(node), Context.DOCS, "JSDoc API description or example"))
        elif t in ("if_statement", "ternary_expression"):
            out.extend(_ts_branches(node))
    return out


def _ts_branches(node: Node) -> list[Block]:
    cond = node.child_by_field_name("condition")
    kind = ts_polarity(cond) if cond is not None else ""
    if not kind:
        return []
    yes = node.child_by_field_name("consequence")
    no = node.child_by_field_name("alternative")
    branch, why = (yes, "") if kind in ("dev", "test") else (no, "else of ")
    if branch is None:
        return []
    first, last = _line_span(branch)
    cond_line = _line_span(cond)[1] if cond is not None else first - 1
    other = no if branch is yes else yes
    if other is not None:  # a line shared with the other branch runs in both worlds
        o_first, o_last = _line_span(other)
        if branch is yes and o_first <= last:
            last = o_first - 1
        elif branch is no and o_last >= first:
            first = o_last + 1
    first = max(first, cond_line + 1)  # nor does the condition's own line
    if first > last:
        return []
    context = _CONTEXT.get(kind, Context.DEV)
    return [Block(first, last, context, f"{why}{_text(cond)[:80]}")]


def context_at(repo: Repo, path: str, line: int) -> Context:
    """The execution context of one line: its file's, unless a block takes it out of production;
    the blocks the Python facts already mark first (parsed once), then documentation blocks and
    environment-guarded branches found here."""
    ctx = context_of(repo, path)
    if ctx is not Context.PRODUCTION or not line:
        return ctx
    marked = fact_block_context(repo, path, line)
    if marked is not None:
        return marked
    block = block_at(repo, path, line)
    return block.context if block else ctx
