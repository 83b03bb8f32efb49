"""Node kinds of the TypeScript/JavaScript grammars, and what the extractor's walk does with each.

The walk dispatches on `node.kind_id` (an int; `node.type` builds a new string per call), so each
grammar gets a table mapping its kind ids to flags, computed once from the kind names below. A kind
id always has the same name (`Language.node_kind_for_id`), so this is exactly a by-name dispatch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import tree_sitter_javascript as _tsj
import tree_sitter_typescript as _tst
from tree_sitter import Language, Parser

# kinds whose subtree never holds a fact: pruned (identifiers and literals are leaves, pruned cheaply)
SKIP = frozenset({
    "comment", "type_annotation", "interface_declaration", "type_alias_declaration", "regex", "number",
    "template_string", "jsx_text", "type_arguments", "type_parameters", "predefined_type", "hash_bang_line",
    "ambient_declaration", "property_identifier", "identifier", "type_identifier", "shorthand_property_identifier",
    "statement_identifier", "this", "true", "false", "null", "undefined",
})
BRANCHES = frozenset({"if_statement", "for_statement", "for_in_statement", "while_statement", "do_statement",
                      "switch_case", "catch_clause", "ternary_expression"})
STATEMENTS = frozenset({
    "expression_statement", "return_statement", "if_statement", "for_statement", "for_in_statement",
    "while_statement", "do_statement", "switch_statement", "try_statement", "throw_statement",
    "lexical_declaration", "variable_declaration", "break_statement", "continue_statement",
})
CLASSES = frozenset({"class_declaration", "abstract_class_declaration", "class"})
FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
METHODS = frozenset({"method_definition", "abstract_method_signature", "method_signature"})
FIELDS = frozenset({"public_field_definition", "field_definition"})
TOP = frozenset({"program", "export_statement"})
ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "del", "all", "head", "options"})

# flags of a kind in `Grammar.flags`
PRUNE, STATEMENT, BRANCH, HANDLED, ERROR = 1, 2, 4, 8, 16
_ERROR_ID = 0xFFFF  # tree-sitter's built-in error symbol: not counted in node_kind_count


@dataclass
class Grammar:
    """One grammar's parser and its kind-id tables (filled once at import)."""

    parser: Parser
    names: dict[int, str] = field(default_factory=dict)
    flags: bytearray = field(default_factory=lambda: bytearray(_ERROR_ID + 1))  # by kind id: faster than a dict
    handlers: dict[int, Any] = field(default_factory=dict)  # kind id -> handler(walker, node, func, rec)

    def bind(self, by_name: dict[str, Any]) -> None:
        """Mark the kinds in `by_name` as handled and map their ids to the handlers."""
        for kid, name in self.names.items():
            if name in by_name:
                self.handlers[kid] = by_name[name]
                self.flags[kid] |= HANDLED


def _grammar(language: Language) -> Grammar:
    g = Grammar(Parser(language))
    g.names = {k: language.node_kind_for_id(k) or "" for k in range(language.node_kind_count)}
    g.names[_ERROR_ID] = "ERROR"
    for kid, name in g.names.items():
        bits = (PRUNE * (name in SKIP) | STATEMENT * (name in STATEMENTS) | BRANCH * (name in BRANCHES)
                | ERROR * (name == "ERROR"))
        g.flags[kid] = bits
    return g


GRAMMARS = {
    "ts": _grammar(Language(_tst.language_typescript())),
    "tsx": _grammar(Language(_tst.language_tsx())),
    "js": _grammar(Language(_tsj.language())),
}
