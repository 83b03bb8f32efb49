"""Report languages: every shown string has a French translation, `--lang fr` and `lang = "fr"`
give a French report, English stays the default and byte-identical, the data stays English."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape

from archaudit import i18n_catalog
from archaudit.cli import main
from archaudit.i18n import translator
from archaudit.report import render_html, render_json, render_markdown
from archaudit.rules import ALL_RULES
from archaudit.run import Options, audit, read_tree
from tests.conftest import write_tree

EXAMPLE = Path(__file__).parents[1] / "examples" / "shop-api"
# A TypeScript backend whose report holds texts built from parse-time facts: a shell command built from a
# helper's parameter (not determined), @nestjs/config and validateConfig notes, a start process, a CFG010 hit
TS_FIXTURE = Path(__file__).parent / "fixtures" / "repos" / "ts_config_sinks"
NEST_FIXTURE = Path(__file__).parent / "fixtures" / "repos" / "ts_nest"
SMALL = {"README.md": "# x\n\n## Quick start\n", "app/main.py": "import os\n\nprint(os.name)\n"}
_PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


# Words only English prose has (French text, names, paths, code and evidence have none of them; `a`,
# `on`, `in`, `or`, `as` are left out: French or code uses them too)
_ENGLISH_WORDS = re.compile(
    r"\b(the|is|are|was|were|has|have|not|with|without|from|which|could|every|only|found|declared|imported|"
    r"defined|used|of|and|by|to|this|that|be|for|when|its|any|no|none|than|into|been|does|can|cannot|there|"
    r"their|should|must|will|would|because|these|those|after|before|since|yet|also|each|at|an|whose|where|"
    r"callers|followed|parameter|handled|stated|loads|reads|validated|sets|defaults)\b", re.IGNORECASE)
# What is evidence, not text: code spans, quoted values, link targets, URLs, paths, dotted names, calls
_NOT_TEXT = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\]\([^)]*\)|https?://\S+|\S*[/.:=_<>{}\[\]#@$]\S*")


def english_lines(text: str, html: bool = False) -> list[str]:
    """The lines (table cells, HTML blocks) of a French report that read as English prose: two English
    words or more outside code, quotes, paths and names. Fenced code and <code>/<pre> are evidence."""
    if html:
        from html.parser import HTMLParser

        class Blocks(HTMLParser):
            def __init__(self) -> None:
                super().__init__()
                self.skip, self.out, self.buf = 0, [], []  # type: ignore[var-annotated]

            def handle_starttag(self, tag: str, attrs: object) -> None:
                self.skip += tag in ("code", "pre", "script", "style", "svg")
                self.flush(tag)

            def handle_endtag(self, tag: str) -> None:
                self.skip -= tag in ("code", "pre", "script", "style", "svg") and self.skip > 0
                self.flush(tag)

            def handle_data(self, data: str) -> None:
                if not self.skip:
                    self.buf.append(data)

            def flush(self, tag: str) -> None:
                if tag in ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "div", "tr", "summary", "dt", "dd", "br"):
                    self.out.append(" ".join("".join(self.buf).split()))
                    self.buf = []

        parser = Blocks()
        parser.feed(text)
        parser.flush("p")
        lines = [(f"block {i}", block) for i, block in enumerate(parser.out, 1)]
    else:
        lines, fenced = [], False
        for number, line in enumerate(text.splitlines(), 1):
            fenced = fenced != line.startswith("```")
            if not fenced and not line.startswith("```"):
                cells = [c.strip() for c in line.split("|")] if line.startswith("|") else [line]
                lines += [(f"line {number}", c) for c in cells]
    return [f"{where}: {line}" for where, line in lines if len(_ENGLISH_WORDS.findall(_NOT_TEXT.sub(" ", line))) >= 2]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def french_md() -> str:
    code, out, err = run("audit", str(EXAMPLE), "--format", "md", "--lang", "fr", "--no-cache", "--preview",
                         "--no-history")
    assert code == 0, err
    return out


def test_every_template_rule_and_inventory_string_has_a_french_translation() -> None:
    messages = i18n_catalog.all_messages()
    # the extraction found what it must find: template text, rule texts, inventory titles
    assert "Nothing of this kind was found." in messages and "not determined" in messages
    assert all(r.title in messages and r.impact in messages and r.action in messages for r in ALL_RULES)
    assert "API surface" in messages and "read elsewhere?" in messages
    assert i18n_catalog.missing("fr") == []


def test_a_new_untranslated_rule_text_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    original = i18n_catalog.rule_messages

    def with_new_rule():  # type: ignore[no-untyped-def]
        yield from original()
        yield "A brand new rule title nobody translated", "rule NEW001 title"

    monkeypatch.setattr(i18n_catalog, "rule_messages", with_new_rule)
    assert i18n_catalog.missing("fr") == ["A brand new rule title nobody translated"]


def test_translations_keep_every_placeholder() -> None:
    """A msgstr that drops or renames %(n)s or {total} would raise or lie at render time."""
    catalog = i18n_catalog.read("fr")
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(_PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert sorted(_PLACEHOLDER.findall(text)) == wanted, (message.id, text)


def test_french_plural_forms() -> None:
    tr = translator("fr")
    assert tr.plural("%(num)s place", "%(num)s places", 0) == "%(num)s endroit"
    assert tr.plural("%(num)s place", "%(num)s places", 1) == "%(num)s endroit"
    assert tr.plural("%(num)s place", "%(num)s places", 2) == "%(num)s endroits"


def test_french_markdown_of_the_example_has_no_english_rule_text(french_md: str) -> None:
    assert french_md.startswith("# Audit d'architecture : shop-api")
    fired = set(re.findall(r"^\| P\d \| [^|]+ \| \[([A-Z]+\d+)\]\(#", french_md, re.MULTILINE))
    assert len(fired) > 20  # the example fires most rules: the check below is not vacuous
    for rule in ALL_RULES:  # finding messages and facts are French too (tests/test_i18n_messages.py)
        for english in (rule.title, rule.impact, rule.action):
            assert english not in french_md, (rule.id, english)
    for rule_id in fired:
        rule = next(r for r in ALL_RULES if r.id == rule_id)
        assert translator("fr")(rule.title) in french_md


@pytest.mark.parametrize("root", [EXAMPLE, TS_FIXTURE, NEST_FIXTURE], ids=lambda p: p.name)
def test_french_report_has_no_english_sentence(root: Path) -> None:
    """Markdown and HTML: every finding message, "not determined" reason, inventory fact, table value and
    template text is French. A line listed here is report text still built in English: find where it is
    made and build it as a findings.Message (see tests/test_i18n_messages.py), then translate it."""
    report = audit(root, Options(use_cache=False, jobs=1, preview=True, lang="fr"))
    found = english_lines(render_markdown.render(report, lang="fr"))
    found += [f"HTML {line}" for line in english_lines(render_html.render(report, lang="fr"), html=True)]
    assert not found, f"English text in the French report of {root.name}:\n" + "\n".join(found)


def test_the_english_sentence_check_can_fail() -> None:
    english = ("- exec() exécute une commande construite à partir de cmd (parameter of run). Non déterminé : "
               "cmd (parameter of run): its callers were not followed")
    assert english_lines(english) and english_lines(f"<ul><li>{english}</li></ul>", html=True)
    assert english_lines("| web | the environment is validated by validateConfig(process.env, ...) |")
    assert not english_lines("- La racine du dépôt n'a pas de README. `app/main.py:3`: `if x is not None and y:`")
    assert not english_lines("```\nthe file is not here and\n```\n")
    assert not english_lines("<pre>the file is not here</pre>", html=True)
    assert not english_lines("<p>Le fichier <code>is not the one with</code> est ignoré.</p>", html=True)


def test_the_comparison_section_is_french(tmp_path: Path) -> None:
    """"Since the previous audit": a fixed finding is said by its French title and place (the previous
    report holds English data only), the axes by their French labels."""
    before = tmp_path / "before.json"
    assert run("audit", str(EXAMPLE), "--no-cache", "--no-history", "--format", "json", "-o", str(before))[0] == 0
    now = tmp_path / "shop"
    shutil.copytree(EXAMPLE, now, ignore=shutil.ignore_patterns(".env"))
    code, md, err = run("audit", str(now), "--no-cache", "--no-history", "--lang", "fr", "--format", "md",
                        "--compare", str(before))
    assert code == 0, err
    section = md.split("## Évolutions depuis l'audit précédent", 1)[1].split("\n## ", 1)[0]
    fixed = [line for line in section.splitlines() if line.startswith("- Corrigé :")]
    assert fixed and all(line.endswith("`~~") for line in fixed), fixed  # title and place, no English message
    assert "| Sécurité de la configuration |" in section and "configuration-security" not in section
    assert not english_lines(section), english_lines(section)
    target = tmp_path / "report.html"
    assert run("audit", str(now), "--no-cache", "--no-history", "--lang", "fr", "--format", "html", "--compare",
               str(before), "-o", str(target))[0] == 0
    page = target.read_text(encoding="utf-8").split('<section id="changes">', 1)[1].split("</section>", 1)[0]
    assert "<td>Sécurité de la configuration</td>" in page and not english_lines(page, html=True)


def test_french_markdown_headings(french_md: str) -> None:
    headings = [line for line in french_md.splitlines() if line.startswith("## ")]
    assert headings[:5] == ["## Verdict", "## Constats", "## Notes", "## Points forts", "## Inventaire"]
    assert "### Plan d'action" in french_md and "**Principaux risques**" in french_md
    assert "- Pourquoi c'est important :" in french_md and "- Ce qu'il faut faire :" in french_md
    assert "| Priorité | Domaine | Constat | Endroits | Preuves |" in french_md
    assert "### 1. Structure du dépôt" in french_md and "Sécurité de la configuration" in french_md
    for english in ("## Findings", "## Scores", "## Inventory", "Why it matters", "What to do", "Action plan"):
        assert english not in french_md


def test_french_html_of_the_example() -> None:
    report = audit(EXAMPLE, Options(use_cache=False, jobs=1, preview=True, lang="fr"))
    html = render_html.render(report, lang=report.lang)
    assert '<html lang="fr">' in html and "<h2>Constats</h2>" in html
    assert 'data-template="{shown} affichés sur {total}"' in html
    for f in report.findings:
        rule = next(r for r in ALL_RULES if r.id == f.rule)
        assert f"{rule.id} {escape(translator('fr')(rule.title))}</a>" in html
        assert rule.impact not in html and rule.action not in html, rule.id


def test_english_is_the_default_and_unchanged() -> None:
    report = audit(EXAMPLE, Options(use_cache=False, jobs=1))
    assert report.lang == "en"
    md = render_markdown.render(report)
    assert md == render_markdown.render(report, lang="en")
    assert md.startswith("# Architecture audit: shop-api") and "## Findings" in md and "Constat" not in md
    assert render_html.render(report) == render_html.render(report, lang="en")


def test_json_is_the_same_in_both_languages() -> None:
    """Rule ids, evidence, fingerprints, keys and values: the data is English whatever the language."""
    english = audit(EXAMPLE, Options(use_cache=False, jobs=1))
    french = audit(EXAMPLE, Options(use_cache=False, jobs=1, lang="fr"))
    assert json.loads(render_json.render(english)) == json.loads(render_json.render(french))


def test_lang_setting_in_pyproject(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**SMALL, "pyproject.toml": '[tool.archaudit]\nlang = "fr"\n'})
    code, out, _ = run("audit", str(root), "--no-cache", "--format", "md")
    assert code == 0 and out.startswith("# Audit d'architecture")
    code, out, _ = run("audit", str(root), "--no-cache", "--format", "md", "--lang", "en")  # the flag wins
    assert code == 0 and out.startswith("# Architecture audit")


@pytest.mark.parametrize("value", ['"de"', "1", '["fr"]'])
def test_a_wrong_lang_setting_is_refused_with_exit_2(tmp_path: Path, value: str) -> None:
    root = write_tree(tmp_path, {**SMALL, "pyproject.toml": f"[tool.archaudit]\nlang = {value}\n"})
    code, _, err = run("audit", str(root), "--no-cache")
    assert code == 2 and "lang must be one of 'en', 'fr'" in err


def test_a_wrong_lang_flag_is_refused_with_exit_2(tmp_path: Path) -> None:
    code, _, err = run("audit", str(write_tree(tmp_path, SMALL)), "--lang", "de")
    assert code == 2 and "'de' is not one of 'en', 'fr'" in err


def test_the_report_cache_key_includes_the_language(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", SMALL)
    tree = read_tree(root)
    assert tree.digest("en") != tree.digest("fr")
    cache = Options(cache_dir=tmp_path / "cache", jobs=1)
    assert audit(root, cache).lang == "en"
    french = audit(root, Options(cache_dir=tmp_path / "cache", jobs=1, lang="fr"))
    assert french.lang == "fr" and "report_cached" not in french.stats
    again = audit(root, Options(cache_dir=tmp_path / "cache", jobs=1, lang="fr"))
    assert again.stats.get("report_cached") == 1 and render_markdown.render(again, lang=again.lang).startswith(
        "# Audit d'architecture")


def test_a_french_report_file_is_recognised_as_ours(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", SMALL)
    target = tmp_path / "report.md"
    assert run("audit", str(root), "--no-cache", "--lang", "fr", "-o", str(target))[0] == 0
    assert run("audit", str(root), "--no-cache", "-o", str(target))[0] == 0  # replaced without --force
