"""Command line: flags -> run.audit() -> renderers -> files or stdout, and an exit code.

Exit codes: 0 done; 1 findings at or above --fail-on; 2 bad usage, unreadable PATH, invalid archaudit
configuration or refused write; 130 interrupted (Ctrl-C, SIGINT); 143 terminated (SIGTERM). An
interrupt kills the parsing workers at once: nothing is left running, no partial report is written.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from archaudit import __version__
from archaudit.config import ConfigError
from archaudit.i18n import LANGUAGES
from archaudit.redact import redact_text
from archaudit.run import Options, audit
from archaudit.safe_text import encodable, utf8

FORMATS = {"md": "report.md", "json": "report.json", "sarif": "report.sarif", "html": "report.html"}
DOCUMENT_FORMATS = {"md": "architecture.md", "html": "architecture.html"}
_SIGNATURES = (b"# Architecture audit:", b"# Audit d'architecture :", b"# Architecture document:",
               b"# Document d'architecture :",
               b'"tool": {\n    "name": "archaudit"',
               b'"driver": {\n          "name": "archaudit"', b'<meta name="generator" content="archaudit ')


EXIT_CODES = """\b
Exit codes:
  0    the audit was written
  1    a finding at or above --fail-on (with --compare: a new one)
  2    bad usage, unreadable PATH, invalid archaudit configuration, refused write
  130  interrupted (Ctrl-C, SIGINT)
  143  terminated (SIGTERM)"""


class UsageFailure(click.ClickException):
    """Exit 2 with a message; the message goes through the same redaction step as every report (it
    may quote a configuration value or a line of the audited repository)."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(redact_text(message))


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread; a BaseException so that no `except Exception` of a
    detector or rule swallows it on the way out."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated


def _interruptible(command: Callable[..., None]) -> Callable[..., None]:
    """Ctrl-C exits 130 and SIGTERM 143, after the worker pool is killed (run._parse_all), instead of
    click's "Aborted!" with exit 1."""

    @functools.wraps(command)
    def run(*args: object, **kwargs: object) -> None:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
        try:
            command(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo("archaudit: interrupted", err=True)
            sys.exit(130)
        except _Terminated:
            click.echo("archaudit: terminated", err=True)
            sys.exit(143)
        finally:
            signal.signal(signal.SIGTERM, previous)

    return run


def _timestamp(asked: bool) -> str | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).isoformat()
        except (ValueError, OverflowError, OSError) as exc:
            raise UsageFailure(f"SOURCE_DATE_EPOCH is not a Unix timestamp: {epoch!r}") from exc
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat() if asked else None


def _check_dir(path: Path) -> None:
    if not path.exists():
        raise UsageFailure(f"{path}: no such directory")
    if not path.is_dir() or not os.access(path, os.R_OK | os.X_OK):
        raise UsageFailure(f"{path}: not a readable directory")


def _parse_formats(value: str, names: dict[str, str] = FORMATS) -> list[str]:
    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in formats if f not in names]
    if unknown or not formats:
        raise UsageFailure(f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(names)}")
    return list(dict.fromkeys(formats))


def _ours(path: Path) -> bool:
    """True for a file archaudit itself wrote earlier (safe to replace without asking)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(200)
    except OSError:
        return False
    return any(sig in head for sig in _SIGNATURES)


def _targets(output: Path | None, formats: list[str], force: bool,
             names: dict[str, str] = FORMATS) -> dict[str, Path | None]:
    if output is None:
        if len(formats) > 1:
            raise UsageFailure("several formats need -o/--output DIRECTORY")
        return {formats[0]: None}
    if len(formats) == 1 and not output.is_dir():
        targets: dict[str, Path | None] = {formats[0]: output}
    else:
        if output.exists() and not output.is_dir():
            raise UsageFailure(f"{output} is a file; several formats need a directory")
        targets = {f: output / names[f] for f in formats}
    for path in targets.values():
        if path is not None and path.exists() and not force and not _ours(path):
            raise UsageFailure(f"{path} exists and was not written by archaudit; pass --force to overwrite it")
    return targets


def _emit(targets: dict[str, Path | None], render: Callable[[str], str]) -> None:
    """Each format's text to its file, or to stdout (bytes: the same UTF-8 whatever the locale)."""
    for f, target in targets.items():
        text = render(f)
        if target is None:
            click.echo(utf8(text), nl=False)
        else:
            _write(target, text)


def _write(path: Path, text: str) -> None:
    """Write a report as UTF-8; a lone surrogate (from an escape in a literal) becomes U+FFFD."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(utf8(text))
    except OSError as exc:
        raise UsageFailure(f"cannot write {path}: {exc.strerror}") from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(__version__, prog_name="archaudit")
def main() -> None:
    """archaudit: evidence-based architecture audits of backend repositories."""


def _reading_options(formats: str, quiet_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The options every command that reads a repository and writes documents shares."""
    def apply(fn: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed((
            click.argument("path", default=".", type=click.Path(path_type=Path)),
            click.option("--format", "fmt", default="md", show_default=True, help=f"Comma list of: {formats}."),
            click.option("-o", "--output", type=click.Path(path_type=Path), help="A file (one format) or a directory."),
            click.option("--quiet", is_flag=True, help=quiet_help),
            click.option("--no-cache", is_flag=True, help="Ignore and do not update the facts cache (cold run)."),
            click.option("--force", is_flag=True, help="Overwrite output files not written by archaudit."),
            click.option("--jobs", type=click.IntRange(0, 64), default=0, help="Worker processes (0: one per core)."),
        )):
            fn = option(fn)
        return fn
    return apply


@main.command("audit", epilog=EXIT_CODES)
@_reading_options("md, json, sarif, html", "No progress bar and no summary line on stderr.")
@click.option("--compare", type=click.Path(path_type=Path), help="A previous JSON report: show what changed.")
@click.option("--timestamp", is_flag=True, help="Stamp the report (SOURCE_DATE_EPOCH is honoured).")
@click.option("--fail-on", type=click.Choice(["critical", "high", "medium", "low"]), default=None,
              help="Exit 1 when a finding has this severity or worse (with --compare: a new finding).")
@click.option("--preview", is_flag=True,
              help="Also run rules in preview (measured precision below 85 % on the ecosystem corpus).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the Markdown and HTML reports (default: [tool.archaudit] lang, else en).")
@_interruptible
def audit_command(path: Path, fmt: str, output: Path | None, quiet: bool, no_cache: bool, force: bool,
                  compare: Path | None, timestamp: bool, fail_on: str | None, jobs: int, preview: bool,
                  lang: str | None) -> None:
    """Audit the repository at PATH (default: the current directory)."""
    from archaudit.history import compare_with
    from archaudit.report import render_html, render_json, render_markdown, render_sarif

    _check_dir(path)
    formats = _parse_formats(fmt)
    targets = _targets(output, formats, force)
    previous = _load_previous(compare) if compare else None
    options = Options(use_cache=not no_cache, jobs=jobs, timestamp=_timestamp(timestamp), preview=preview, lang=lang)
    try:
        with _progress(quiet) as progress:
            report = audit(path, options, progress)
    except ConfigError as exc:
        raise UsageFailure(f"invalid archaudit configuration: {exc}") from exc
    if previous is not None and compare is not None:
        report.comparison = compare_with(report.findings, previous, str(compare))
    renderers: dict[str, Callable[[Any], str]] = {
        "md": lambda r: render_markdown.render(r, lang=r.lang), "json": render_json.render,
        "sarif": render_sarif.render, "html": lambda r: render_html.render(r, lang=r.lang)}
    _emit(targets, lambda f: renderers[f](report))
    if not quiet and output is not None and sys.stderr.isatty():
        click.echo(encodable(f"archaudit: {len(report.findings)} findings; wrote "
                             + ", ".join(str(t) for t in targets.values())), err=True)
    gated = report.comparison.new if report.comparison else report.findings  # a ratchet with --compare
    if fail_on and any(f.severity.rank <= _rank(fail_on) for f in gated):
        sys.exit(1)


def _rank(name: str) -> int:
    from archaudit.findings import Severity

    return Severity(name).rank


def _load_previous(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageFailure(f"--compare {path}: not a readable archaudit JSON report ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise UsageFailure(f"--compare {path}: not an archaudit JSON report (no findings list)")
    return data


class _progress:
    """A Rich progress bar on stderr, only when stderr is a terminal and not --quiet."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()

        def update(stage: str, done: int, total: int) -> None:
            assert self.bar is not None
            if stage not in self.tasks:
                self.tasks[stage] = self.bar.add_task(stage, total=total)
            self.bar.update(self.tasks[stage], completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@main.command("architecture", epilog=EXIT_CODES)
@_reading_options("md, html", "No progress bar on stderr.")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the document (default: [tool.archaudit] lang, else en).")
@_interruptible
def architecture_command(path: Path, fmt: str, output: Path | None, quiet: bool, no_cache: bool, force: bool,
                         jobs: int, lang: str | None) -> None:
    """Write the architecture document of the repository at PATH, for newcomers: components, style,
    code organisation, background work, endpoints, how to add an endpoint or a job."""
    from archaudit.architecture_doc import build_document
    from archaudit.report.render_architecture import render_html, render_markdown
    from archaudit.run import build_repo

    _check_dir(path)
    targets = _targets(output, _parse_formats(fmt, DOCUMENT_FORMATS), force, DOCUMENT_FORMATS)
    try:
        with _progress(quiet) as progress:
            repo = build_repo(path, Options(use_cache=not no_cache, jobs=jobs), progress)
            doc = build_document(repo)
    except ConfigError as exc:
        raise UsageFailure(f"invalid archaudit configuration: {exc}") from exc
    language = lang or repo.config.lang
    renderers = {"md": render_markdown, "html": render_html}
    _emit(targets, lambda f: renderers[f](doc, language))
    if not quiet and output is not None and sys.stderr.isatty():
        click.echo(encodable("archaudit: wrote " + ", ".join(str(t) for t in targets.values())), err=True)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"]), default="table", show_default=True)
def rules_command(fmt: str) -> None:
    """List every rule: id, severity, axis, name and title."""
    from archaudit.rules import ALL_RULES
    from archaudit.rules.docs import rules_json, rules_markdown, rules_table

    click.echo({"json": rules_json, "md": rules_markdown, "table": rules_table}[fmt](ALL_RULES), nl=False)


@main.command("explain")
@click.argument("rule_id")
def explain_command(rule_id: str) -> None:
    """Explain RULE_ID: what it checks, why it matters, what to do, bad and good examples."""
    from archaudit.rules import RULES_BY_ID
    from archaudit.rules.docs import explain

    rule = RULES_BY_ID.get(rule_id.upper()) or next(
        (r for r in RULES_BY_ID.values() if r.name == rule_id.lower()), None)
    if rule is None:
        raise UsageFailure(f"unknown rule {rule_id!r}; see 'archaudit rules'")
    click.echo(explain(rule), nl=False)
