"""Every piece of report text that analysis builds (finding messages, premises, "not determined"
reasons, inventory facts, headlines and table values, the verdict) is a `findings.Message` whose
template has a French translation, so `--lang fr` leaves no English sentence behind.

What these tests check, and what to do when one fails:
- a rule or detector wrote report text as an f-string or a plain literal: build it with
  `Message("... {name} ...", name=value)` (findings.Message; the template must be a string literal);
- a Message has no French yet: run `python -m archaudit.i18n_catalog update`, write the msgstr in
  src/archaudit/locale/fr/LC_MESSAGES/archaudit.po (a French reviewer's register, not word for
  word), then `python -m archaudit.i18n_catalog check`;
- a field of a Message holds English words computed in code (`how = "defaults to True"`): make that
  value a Message too (fields that are names, paths, numbers or code stay plain: they are evidence).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archaudit import i18n_catalog
from archaudit.findings import Evidence, Message
from archaudit.i18n import translator
from archaudit.redact import MASK
from archaudit.report import render_markdown
from archaudit.rules import ALL_RULES
from archaudit.rules.base import Rule
from archaudit.rules.engine import run_rules
from archaudit.run import Options, audit
from tests.conftest import FIXTURES, repo_of

EXAMPLE = Path(__file__).parents[1] / "examples" / "shop-api"
REPOS = sorted(p for p in (FIXTURES / "repos").iterdir() if p.is_dir())
# English words that only prose has (a name, a path, a route or a command has none of them)
_ENGLISH = re.compile(r"\b(the|is|are|was|were|has|have|not|no|with|without|from|which|could|every|only|"
                      r"found|declared|imported|defined|used|of|and|or|by|to|in|on)\b", re.IGNORECASE)
_CODE = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\([^()]*\)|\S*[/.:=_<>{}\[\]]\S*")
# Report values that are data, not text: evidence, ids, names, numbers, fingerprints, rule texts
# (rule titles/impacts/actions and section/table titles are catalogued from the registry and the source)
_DATA_FIELDS = frozenset({"rule", "name", "title", "impact", "action", "fingerprint", "key", "columns",
                          "tool_version", "root_name", "generated_at", "summary_counts", "stats", "formula",
                          "rules", "evaluated", "not_examined", "path", "snippet", "lang", "kind"})
_DATA_COLUMNS = frozenset({"file", "line"})


def _prose(text: str) -> bool:
    """Plain English prose: at least two English words outside code spans, quotes and names."""
    return len(_ENGLISH.findall(_CODE.sub(" ", text))) >= 2


@pytest.fixture(scope="module")
def translated() -> set[str]:
    """The msgids the French catalogue translates (singular msgids of plural entries included)."""
    out = set()
    for entry in i18n_catalog.read("fr"):
        strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
        if entry.id and all(strings) and not entry.fuzzy:
            out.add(entry.id[0] if isinstance(entry.id, tuple) else entry.id)
    return out


def problems(text: str, where: str, translated: set[str]) -> Iterator[str]:
    """What keeps one report text from being said in French."""
    if not isinstance(text, Message):
        if _prose(text) and MASK not in text:  # a Message whose masking spans its fields stays English: masking wins
            yield f"{where}: plain English text, build it with findings.Message: {text!r}"
        return
    if text.lookup and text.template not in translated:
        yield f"{where}: no French for the template {text.template!r} (i18n_catalog update, then translate)"
    for name, value in text.params:
        if isinstance(value, Message):
            yield from problems(value, f"{where} {{{name}}}", translated)
        elif isinstance(value, str) and _prose(value):
            yield f"{where}: field {{{name}}} of {text.template!r} holds English words: {value!r} (make it a Message)"


def report_texts(obj: Any, where: str = "report") -> Iterator[tuple[str, str]]:
    """(text, where) of every string of a Report that is report text (not evidence, ids or data)."""
    if isinstance(obj, Evidence) or obj is None:
        return
    if isinstance(obj, str):
        yield obj, where
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name not in _DATA_FIELDS:
                yield from report_texts(getattr(obj, f.name), f"{where}.{f.name}")
    elif isinstance(obj, list | tuple):
        for i, value in enumerate(obj):
            yield from report_texts(value, f"{where}[{i}]")
    elif isinstance(obj, dict):
        for k, value in obj.items():
            if k not in _DATA_COLUMNS:
                yield from report_texts(value, f"{where}[{k!r}]")


def _report_problems(root: Path, translated: set[str]) -> list[str]:
    report = audit(root, Options(use_cache=False, jobs=1, preview=True))
    return [p for text, where in report_texts(report) for p in problems(text, where, translated)]


def test_every_text_of_the_example_report_has_french(translated: set[str]) -> None:
    found = _report_problems(EXAMPLE, translated)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("root", REPOS, ids=lambda p: p.name)
def test_every_text_of_the_fixture_repositories_has_french(root: Path, translated: set[str]) -> None:
    found = _report_problems(root, translated)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_every_rule_message_has_french(rule: Rule, translated: set[str]) -> None:
    """The rule's findings and "not determined" claims on its own bad fixture: a new rule must say
    its messages with Message templates translated into French (see the module docstring)."""
    findings, undetermined = run_rules(repo_of(FIXTURES / "rules" / rule.id / "bad"), [rule])
    texts = [(f.message, f"{rule.id} message") for f in findings]
    texts += [(p.fact, f"{rule.id} premise") for f in findings for p in f.premises]
    texts += [(u.why, f"{rule.id} not determined") for u in undetermined]
    found = [p for text, where in texts for p in problems(text, where, translated)]
    assert not found, "\n".join(found)


def test_message_templates_are_literals_with_matching_fields() -> None:
    """The catalogue collects templates from the source: an f-string template, or `{name}` without
    `name=`, would be a msgid nobody can translate or a KeyError at render time."""
    assert i18n_catalog.message_errors() == []


def test_the_checks_can_fail(translated: set[str]) -> None:
    assert list(problems("The engine logs every SQL statement.", "x", translated))
    assert list(problems(Message("A brand new {thing} nobody translated", thing="x"), "x", translated))
    assert list(problems(Message("{name} [{source}] {how}!", name="A", source="B", how="defaults to True"), "x",
                         translated))
    assert not list(problems(Message("{name} ({source}) defaults to True.", name="DEBUG", source="Settings"), "x",
                             translated))
    assert not list(problems("app/api/v1/products.py", "x", translated))


def test_a_message_is_its_english_and_renders_french() -> None:
    m = Message("{message} ({n} places)", message=Message("The repository root has no README."), n=3)
    assert m == "The repository root has no README. (3 places)"
    assert translator("fr").message(m) == "La racine du dépôt n'a pas de README. (3 endroits)"
    assert translator("en").message(m) == m
    plural = Message.plural("{n} file", "{n} files", n=1)
    assert plural == "1 file" and Message.plural("{n} file", "{n} files", n=2) == "2 files"
    one, two = (Message.plural("{folder}/ ({n} file)", "{folder}/ ({n} files)", folder="app", n=n) for n in (1, 2))
    assert (translator("fr").message(one), translator("fr").message(two)) == ("app/ (1 fichier)", "app/ (2 fichiers)")
    joined = Message.joined("; ", [Message("{n} ORM models", n=3), Message("{n} Alembic revisions", n=2)])
    assert joined == "3 ORM models; 2 Alembic revisions"
    assert translator("fr").message(joined) == "3 modèles ORM ; 2 révisions Alembic"


def test_the_report_cache_keeps_the_parts_of_messages() -> None:
    """A report read back from the cache (pickle) is translated like a fresh one."""
    import pickle

    m = Message("{message} ({n} places)", message=Message("The repository root has no README."), n=2)
    again = pickle.loads(pickle.dumps(m))
    assert again == m and translator("fr").message(again) == translator("fr").message(m) != m


def test_a_secret_inside_a_message_is_masked_in_every_language() -> None:
    from archaudit.redact import redact_report

    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    message = Message("{path} sets {key}={value}, and the file is not git-ignored.", path=".env",
                      key="GITHUB_TOKEN", value=token)
    masked = redact_report([message])[0]
    assert token not in masked and MASK in masked
    assert token not in translator("fr").message(masked) if isinstance(masked, Message) else token not in masked


def test_french_markdown_of_the_example_reads_as_french() -> None:
    """No finding message, fact or verdict sentence of the example stays English (the fixed template
    text is checked by tests/test_i18n.py)."""
    report = audit(EXAMPLE, Options(use_cache=False, jobs=1, preview=True, lang="fr"))
    md = render_markdown.render(report, lang="fr")
    fr = translator("fr").message
    for rule, fs in report.findings_by_rule():  # a rule's first message in full, the others by what they add
        assert fr(fs[0].message) in md or len(fs[0].message) > 200, rule
        for f in fs[1:]:
            said = render_markdown.difference(fr(f.message), fr(fs[0].message))
            assert not said or said in md or len(f.message) > 200, (rule, said)
    for f in report.findings:
        assert f"{f.message}" not in md or not _prose(f.message), (f.rule, f.message)


@pytest.mark.parametrize("root", [EXAMPLE, FIXTURES / "repos" / "ts_nest", FIXTURES / "repos" / "bg_celery"],
                         ids=lambda p: p.name)
def test_the_architecture_document_has_french_for_every_text(root: Path, translated: set[str]) -> None:
    from archaudit.architecture_doc import build_document
    from archaudit.run import build_repo

    doc = build_document(build_repo(root, Options(use_cache=False, jobs=1)))
    found = [p for text, where in report_texts(doc, "doc") for p in problems(text, where, translated)]
    assert not found, "\n".join(found)


def test_archaudit_architecture_lang_fr(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from archaudit.cli import main

    result = CliRunner().invoke(main, ["architecture", str(EXAMPLE), "--lang", "fr", "--no-cache", "--quiet"])
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    assert md.startswith("# Document d'architecture : shop-api")
    for french in ("## Vue d'ensemble", "## Style d'architecture", "## Organisation du code", "## Ajouter un endpoint",
                   "| Nom | Type | Détail | Preuves |", "contient la couche api"):
        assert french in md, french
    for english in ("## Overview", "Architecture style", "How to add", "holds the", "Not determined"):
        assert english not in md, english
    target = tmp_path / "architecture.html"
    html = CliRunner().invoke(main, ["architecture", str(EXAMPLE), "--lang", "fr", "--format", "html", "-o",
                                     str(target), "--no-cache", "--quiet"])
    assert html.exit_code == 0, html.stderr
    page = target.read_text(encoding="utf-8")
    assert '<html lang="fr">' in page and "<h2>Vue d'ensemble</h2>" in page and "<h2>Overview</h2>" not in page
    again = CliRunner().invoke(main, ["architecture", str(EXAMPLE), "--no-cache", "--quiet", "-o",
                                      str(tmp_path / "a.md")])
    assert again.exit_code == 0  # a French document is recognised as ours: no --force needed
    again = CliRunner().invoke(main, ["architecture", str(EXAMPLE), "--lang", "fr", "--no-cache", "--quiet", "-o",
                                      str(tmp_path / "a.md")])
    assert again.exit_code == 0 and (tmp_path / "a.md").read_text(encoding="utf-8").startswith("# Document d'arch")
