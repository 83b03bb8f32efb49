"""The HTML report without a browser: escaping of hostile repository text, offline (no resource fetched
from anywhere), every finding once in the table, every inventory row present, the verdict slot, the CLI."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import Markup

from archaudit.cli import main
from archaudit.findings import Evidence, Premise, Undetermined
from archaudit.model import Fact, Report, Section, Table
from archaudit.report import render_html
from tests.conftest import report_of, write_tree

EXAMPLE = Path(__file__).parents[1] / "examples" / "shop-api"
ATTACK = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
RESOURCE_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "data", "poster", "background", "xlink:href"}


class Page(HTMLParser):
    """The parsed page: every start tag with its attributes, the text of <style>, the <script> count."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.styles: list[str] = []
        self.scripts = 0
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self.scripts += tag == "script"
        self._in = tag if tag in ("style", "script") else None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.styles.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def with_class(self, tag: str, cls: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and cls in a.get("class", "").split()]


@pytest.fixture(scope="module")
def example() -> Report:
    return report_of(EXAMPLE)


def hostile(report: Report) -> Report:
    """The example's report with attacker-controlled text in every kind of field the page shows."""
    first = report.findings[0]
    evil = dataclasses.replace(
        first, title=ATTACK, message=ATTACK, impact=ATTACK, action=ATTACK,
        evidence=(Evidence(f"app/{ATTACK}.py", 3, ATTACK),),
        premises=(Premise(ATTACK, evidence=(Evidence("app/x.py", 1, ATTACK),)),))
    table = Table("evil", ATTACK, ("name", ATTACK), ({"name": ATTACK, ATTACK: ATTACK, "file": ATTACK, "line": 2},))
    section = Section("evil", ATTACK, facts=(Fact(ATTACK, (Evidence(ATTACK, 1),)),), tables=(table,),
                      undetermined=(ATTACK,), headline=ATTACK)
    return dataclasses.replace(
        report, root_name=ATTACK, findings=[evil, *report.findings[1:]], sections=[*report.sections, section],
        strengths=[Fact(ATTACK)], undetermined=[Undetermined(ATTACK, ATTACK, first.rule, (Evidence(ATTACK, 1),))],
        summary={**report.summary, "headlines": [ATTACK]})


def test_hostile_repository_text_renders_as_text(example: Report) -> None:
    html = render_html.render(hostile(example))
    assert "<script>window.pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html
    page = Page(html)
    assert page.scripts == 1  # only the page's own script
    assert not [a for _, a in page.tags if any(k.startswith("on") for k in a)]  # no event handler attribute


def test_hostile_text_from_a_real_repository_is_escaped(tmp_path: Path) -> None:
    repo = write_tree(tmp_path, {
        "app/settings.py": ("from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
                            f"    APP_NAME: str = '{ATTACK}'\n    DEBUG: bool = True  # {ATTACK}\n"),
        "requirements.txt": "fastapi==0.110.0\npydantic-settings==2.2.0\n",
    })
    html = render_html.render(report_of(repo))
    assert "window.pwned" in html, "the hostile text should reach the page (else this test proves nothing)"
    assert "<script>window.pwned" not in html and Page(html).scripts == 1


def test_no_resource_is_fetched_from_the_network(example: Report) -> None:
    html = render_html.render(example)
    page = Page(html)
    assert not [t for t, _ in page.tags if t in ("link", "iframe", "object", "embed", "base")]
    for tag, attrs in page.tags:
        for name in RESOURCE_ATTRIBUTES & attrs.keys():
            assert attrs[name].startswith("#"), f"<{tag} {name}={attrs[name]!r}>: only in-page links"
    assert page.styles and not any("url(" in s or "@import" in s for s in page.styles)
    # a URL quoted in the evidence stays text: the check above told references from mentions
    assert "https://api.exchangerate.host" in html


def test_every_finding_appears_once_in_the_findings_table(example: Report) -> None:
    rows = Page(render_html.render(example)).with_class("tbody", "finding")
    assert sorted(a["data-fp"] for a in rows) == sorted(f.fingerprint for f in example.findings)
    assert len({a["data-fp"] for a in rows}) == len(example.findings) > 10
    first = rows[0]
    assert first["data-severity"] == example.findings[0].severity.value
    assert first["data-paths"].split("\n")[0] == example.findings[0].evidence[0].path.lower()


def test_every_inventory_row_is_in_the_page(example: Report) -> None:
    html = render_html.render(example)
    tables = [(s, t) for s in example.sections for t in s.tables if t.rows]
    assert tables
    for s, t in tables:
        start = html.index(f'id="tbl-{s.key}-{t.key}"')
        block = html[start:html.index("</table>", start)]
        assert block.count("<tr>") == len(t.rows) + 1, t.title  # + the header row


def test_rule_advice_is_said_once_and_claims_sit_beside_the_rule(example: Report) -> None:
    rule = example.findings[0].rule
    claim = Undetermined("a claim", "the guard could not be resolved", rule, (Evidence("app/guard.py", 7),))
    report = dataclasses.replace(example, undetermined=[*example.undetermined, claim])
    html = render_html.render(report)
    impact = Markup.escape(example.findings[0].impact)
    assert html.count(str(impact)) == 1
    start = html.index(f'id="rule-{rule}"')
    block = html[start:html.index("</article>", start)]
    assert "the guard could not be resolved" in block and "app/guard.py:7" in block


def test_premises_are_shown_as_the_chain_of_evidence(example: Report) -> None:
    first = dataclasses.replace(example.findings[0], premises=(
        Premise("the handler is served", evidence=(Evidence("app/main.py", 9),)),))
    html = render_html.render(dataclasses.replace(example, findings=[first, *example.findings[1:]]))
    assert "Chain of evidence" in html and "the handler is served" in html and "app/main.py:9" in html


def test_the_verdict_comes_first_with_its_diagram_drawn_inline(example: Report) -> None:
    html = render_html.render(example)
    assert example.verdict is not None
    assert html.index('id="verdict"') < html.index(example.verdict.summary[:40]) < html.index('id="summary"')
    diagram = html[html.index('<svg class="diagram"'):html.index("</svg>", html.index('<svg class="diagram"'))]
    assert all(c.name[:34] in diagram for c in example.verdict.overview.components)
    assert diagram.count('class="edge"') == len(example.verdict.overview.edges)
    assert "Coverage and confidence" in html


def test_the_verdict_slot_takes_given_markup_and_stays_empty_without_a_verdict(example: Report) -> None:
    bare = render_html.render(dataclasses.replace(example, verdict=None))
    assert "<!-- archaudit:verdict-slot -->" in bare and 'id="verdict"' not in bare
    fed = render_html.render(example, verdict=Markup('<p class="v">A FastAPI backend.</p>'))
    assert fed.index('id="verdict"') < fed.index('<p class="v">A FastAPI backend.</p>') < fed.index('id="summary"')


def test_secrets_never_reach_the_page(tmp_path: Path) -> None:
    secret = "s3cr3t-Value-that-must-never-leak"
    repo = write_tree(tmp_path, {"app/settings.py": f'SECRET_KEY = "{secret}"\nDEBUG = True\n',
                                 ".env": f"DATABASE_URL=postgresql://app:{secret}@db/app\n", "README.md": "# x\n"})
    html = render_html.render(report_of(repo))
    assert "SECRET_KEY" in html and secret not in html


def test_same_input_same_page(example: Report) -> None:
    assert render_html.render(example) == render_html.render(report_of(EXAMPLE))


def test_cli_writes_html_and_replaces_its_own_page(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"README.md": "# x\n", "app/main.py": "print(1)\n"})
    out = tmp_path / "out"
    for _ in range(2):  # the second run replaces the page it wrote without --force
        result = CliRunner().invoke(main, ["audit", str(repo), "--format", "md,html", "-o", str(out), "--quiet",
                                           "--no-cache"])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.md"]
    assert (out / "report.html").read_text().startswith("<!DOCTYPE html>")
    foreign = tmp_path / "page.html"
    foreign.write_text("<!DOCTYPE html><p>mine</p>")
    result = CliRunner().invoke(main, ["audit", str(repo), "--format", "html", "-o", str(foreign), "--no-cache"])
    assert result.exit_code == 2 and foreign.read_text() == "<!DOCTYPE html><p>mine</p>"
