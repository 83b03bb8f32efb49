"""TypeScript/JavaScript support: tree-sitter extraction into plain facts (see facts.py)."""
