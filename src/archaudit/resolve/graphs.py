"""Graph algorithms the analyses share: written once, iterative (graphs built from untrusted code can
be deeper than the recursion limit), deterministic (nodes visited in sorted order)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


def strongly_connected(graph: Mapping[N, Iterable[N]]) -> list[list[N]]:
    """Every strongly connected component of `graph` (node -> successors), each as a sorted list,
    singletons included; Tarjan's algorithm. Successors missing from `graph` count as sinks."""
    index: dict[N, int] = {}
    low: dict[N, int] = {}
    stack: list[N] = []
    on_stack: set[N] = set()
    out: list[list[N]] = []

    def successors(node: N) -> list[N]:
        return sorted(graph.get(node, ()))  # type: ignore[type-var]

    for root in sorted(graph):  # type: ignore[type-var]
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors(root)))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp: list[N] = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                out.append(sorted(comp))  # type: ignore[type-var]
    return out
