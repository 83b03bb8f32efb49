"""YAML with line numbers: CI and deployment manifests composed into PyYAML nodes, once per audit.

`repo.yaml(path)` gives plain values without positions; findings about a CI step or a render.yaml
service need the line, so these helpers keep the node tree (each node knows its start line).
Aliases are never expanded into copies, and walks are bounded, so a hostile file cannot blow up.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from archaudit.findings import Message
from archaudit.repo import MAX_NESTING, Repo

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

Node = yaml.Node


def _cache(repo: Repo) -> dict[str, Node | None]:
    return {}


def compose(repo: Repo, path: str) -> Node | None:
    """The root node of the file's first YAML document, or None when absent or malformed."""
    cache = repo.derived(_cache)
    if path not in cache:
        text = repo.text(path)
        node = None
        if text is not None:
            try:
                node = next(iter(yaml.compose_all(text, Loader=_Loader)), None)
            except Exception:  # untrusted input: repo.yaml() records the parse problem
                repo.yaml(path)
                node = None
            if node is not None and _too_deep(node):
                repo.skip(path, Message("not valid YAML: nested deeper than {n} levels", n=MAX_NESTING))
                node = None
        cache[path] = node
    return cache[path]


def _too_deep(root: Node) -> bool:
    """True when the node tree nests deeper than MAX_NESTING (the bound repo.yaml() applies to
    values): walks of it would exhaust the stack. Iterative; aliases are shared nodes, seen once."""
    stack, seen = [(root, 0)], set()
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            return True
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend((part, depth + 1) for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((n, depth + 1) for n in node.value)
    return False


def line(node: Node | None) -> int:
    """1-based line where the node starts (0 when there is no node)."""
    return node.start_mark.line + 1 if node is not None else 0


def items(node: Node | None) -> Iterator[tuple[str, Node, Node]]:
    """(key text, key node, value node) of a mapping node, in file order; nothing otherwise."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value[:2000]:
            if isinstance(k, yaml.ScalarNode):
                yield str(k.value), k, v


def get(node: Node | None, key: str) -> Node | None:
    """The value node of `key` in a mapping node, or None."""
    for k, _, v in items(node):
        if k == key:
            return v
    return None


def seq(node: Node | None) -> list[Node]:
    """The elements of a sequence node ([] otherwise)."""
    return list(node.value[:2000]) if isinstance(node, yaml.SequenceNode) else []


def text(node: Node | None) -> str:
    """A scalar's text ("" for mappings, sequences and missing nodes)."""
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def scalars(node: Node | None) -> list[str]:
    """A scalar as [text], a sequence of scalars as their texts (e.g. a matrix axis)."""
    if isinstance(node, yaml.ScalarNode):
        return [str(node.value)]
    return [str(n.value) for n in seq(node) if isinstance(n, yaml.ScalarNode)]

