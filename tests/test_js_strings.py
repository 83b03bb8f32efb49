"""The per-file string facts behind npm usage (archaudit.scan.js_strings), collected at parse time."""

from __future__ import annotations

from archaudit.scan.js_strings import scan_node_paths, scan_strings


def test_quoted_strings_outside_comments_are_collected_sorted() -> None:
    text = ("app.set('view engine', \"pug\");\n// require('not-this')\n/* 'nor-this'\n*/\n"
            "const url = 'http://x.test//y';\nconst t = `karma`;\n")
    assert scan_strings("src/app.ts", text) == ["http://x.test//y", "karma", "pug", "view engine"]


def test_an_unterminated_block_comment_hides_the_rest_of_the_file_and_stays_linear() -> None:
    assert scan_strings("src/a.js", "'kept' /* " + "'x' " * 50_000) == ["kept"]


def test_only_sources_outside_node_modules_and_below_the_size_bound_are_read() -> None:
    assert scan_strings("README.md", "'pug'") == []
    assert scan_strings("node_modules/x/index.js", "'pug'") == []
    assert scan_strings("data/big.json", '"pug", ' * 100_000) == []
    assert scan_strings("frontend/App.vue", "import x from 'vue-router'") == ["vue-router"]


def test_node_modules_paths_name_their_package() -> None:
    html = "<script src=\"/node_modules/@scope/pkg/dist/x.js\"></script>{% static 'node/bootstrap/css' %}"
    assert scan_node_paths("templates/base.html", html) == ["@scope/pkg", "bootstrap"]
    assert scan_node_paths("app.py", "x = 1") == []


def test_a_line_comment_needs_no_word_colon_or_quote_before_it_as_before_the_literal_first_rewrite() -> None:
    """The tokenizer's branches start with a literal character (fast skipping); the lookbehind that
    keeps `http://` and `'a'//` out of the comments is taken after the first slash: same tokens."""
    assert scan_strings("a.ts", "//'c1'\nx = 'kept' // 'c2'\n") == ["kept"]  # a comment at the start, after a space
    assert scan_strings("a.ts", "u = 'http://h/x'\nv = 'a'//'b'\n") == ["a", "b", "http://h/x"]
    assert scan_strings("a.ts", "k = x://'q'\n") == ["q"]  # after a colon: not a comment
    assert scan_node_paths("x.html", "'node/a' \"node/b\" /node/c node_modules/d xnode/e") == ["a", "b", "c", "d"]
