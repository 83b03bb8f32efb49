"""Command line: flags -> run.audit() -> renderers -> files or stdout, and an exit code.

Exit codes: 0 done; 1 findings at or above --fail-on; 2 bad usage, unreadable PATH, invalid archaudit
configuration or refused write; 130 interrupted (Ctrl-C, SIGINT); 143 terminated (SIGTERM). An
interrupt kills the parsing workers at once: nothing is left running, no partial report is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from archaudit import __version__
from archaudit.config import ConfigError, unknown_selectors
from archaudit.gate import SIGNATURE as BASELINE_SIGNATURE
from archaudit.i18n import LANGUAGES
from archaudit.outputs import HEAD, written_by_archaudit
from archaudit.redact import redact_text
from archaudit.run import Options, audit
from archaudit.safe_text import encodable, utf8

# format -> the file it is written to in an output directory
FORMATS = {"md": "report.md", "json": "report.json", "sarif": "report.sarif", "html": "report.html",
           "github": "report.github", "junit": "report.junit.xml", "gitlab": "report.gitlab.json",
           "summary": "report.txt"}
DOCUMENT_FORMATS = {"md": "architecture.md", "html": "architecture.html"}
STDOUT = "-"


EXIT_CODES = """\b
Exit codes:
  0    the audit was written (also with --exit-zero whatever was found)
  1    a finding at or above --fail-on (with --baseline or --compare: a new one)
  2    bad usage, unreadable PATH, invalid archaudit configuration, refused write
  130  interrupted (Ctrl-C, SIGINT)
  143  terminated (SIGTERM)"""
COMPLETION = """

\b
Shell completion (bash; zsh_source and fish_source likewise), e.g. in ~/.bashrc:
  eval "$(_ARCHAUDIT_COMPLETE=bash_source archaudit)"
"""
WRITE_EXIT_CODES = """\b
Exit codes:
  0    written
  2    bad usage, unreadable PATH, invalid archaudit configuration, refused write
  130  interrupted (Ctrl-C, SIGINT)
  143  terminated (SIGTERM)"""
READ_EXIT_CODES = """\b
Exit codes:
  0    printed
  2    bad usage, unreadable history or report, unknown audit id
  130  interrupted (Ctrl-C, SIGINT)
  143  terminated (SIGTERM)"""
LIST_EXIT_CODES = """\b
Exit codes:
  0    printed
  2    bad usage (an unknown rule or format)"""


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
            _leave("archaudit: interrupted", 130)
        except _Terminated:
            _leave("archaudit: terminated", 143)
        finally:
            signal.signal(signal.SIGTERM, previous)

    return run


def entry() -> None:
    """The `archaudit` command: `main`, then the process ends at once, its streams flushed. Python's
    own exit would free every object of the audit one by one and tear every module down (tens of
    milliseconds on a large tree) for a process that is ending anyway; nothing is left to close by
    then (the worker pool is shut down, the history process closed). mypy ends the same way."""
    import archaudit.run

    archaudit.run.KEEP_UNTIL_EXIT = []
    try:
        main()
        code = 0
    except SystemExit as exc:  # click's standalone mode always ends here
        if isinstance(exc.code, str):
            click.echo(exc.code, err=True)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be said on it
            stream.flush()
    os._exit(code)


def _leave(message: str, code: int) -> None:
    """Say why and exit now. The worker pool is already killed; Python 3.11's exit hooks would still
    wake its management thread through a pipe that is gone and print a traceback (1 run in 10), so
    the process ends without running them: nothing is left to write or to close."""
    click.echo(message, err=True)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be said on it
            stream.flush()
    os._exit(code)


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


def _parse_formats(value: str | None, output: str | None, names: dict[str, str] = FORMATS) -> list[str]:
    """The formats asked for, case-insensitive ("MD" is "md"). Without --format: the concise summary when
    the audit goes to the terminal (no -o), the Markdown report when it goes to a file or directory."""
    if value is None:
        value = "summary" if output is None and "summary" in names else "md"
    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in formats if f not in names]
    if unknown or not formats:
        raise UsageFailure(f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(names)}")
    return list(dict.fromkeys(formats))


def _ours(path: Path) -> bool:
    """True for a file archaudit itself wrote earlier (safe to replace without asking)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD)
    except OSError:
        return False
    return written_by_archaudit(head) or BASELINE_SIGNATURE in head


def _targets(output: str | None, formats: list[str], force: bool,
             names: dict[str, str] = FORMATS) -> dict[str, Path | None]:
    """Where each format goes: None for stdout (no -o, or `-o -`), a file, or `DIR/<names[format]>` when
    -o is a directory, ends with "/" (created), or several formats are asked for. Only a regular file
    is checked for being archaudit's own: a device or a pipe (`-o /dev/stdout`) is never read."""
    if output is None or output == STDOUT:
        if len(formats) > 1:
            raise UsageFailure("several formats need -o/--output DIRECTORY" if output is None else
                               "only one format can go to stdout (-o -); write several to a directory")
        return {formats[0]: None}
    path = Path(output)
    if len(formats) == 1 and not output.endswith(("/", os.sep)) and not path.is_dir():
        targets: dict[str, Path | None] = {formats[0]: path}
    else:
        if path.exists() and not path.is_dir():
            raise UsageFailure(f"{output} is a file; several formats need a directory")
        targets = {f: path / names[f] for f in formats}
    for target in targets.values():
        if target is not None and target.is_file() and not force and not _ours(target):
            raise UsageFailure(f"{target} exists and was not written by archaudit; pass --force to overwrite it")
    return targets


def _emit(targets: dict[str, Path | None], render: Callable[[str], str]) -> None:
    """Each format's text to its file, or to stdout (bytes: the same UTF-8 whatever the locale). A reader
    that stops early (`| head`) is not an error: the rest is dropped, and the exit code still says
    how the audit went."""
    for f, target in targets.items():
        text = render(f)
        try:
            if target is None:
                click.echo(utf8(text), nl=False)
                sys.stdout.flush()
            else:
                _write(target, text)
        except BrokenPipeError:
            _drop_stdout()


def _drop_stdout() -> None:
    """After a broken pipe: later writes (and the flush at exit) go nowhere instead of raising."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _write(path: Path, text: str) -> None:
    """Write a report as UTF-8; a lone surrogate (from an escape in a literal) becomes U+FFFD."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(utf8(text))
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise UsageFailure(f"cannot write {path}: {exc.strerror}") from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES + COMPLETION)
@click.version_option(__version__, prog_name="archaudit")
def main() -> None:
    """archaudit: evidence-based architecture audits of backend repositories."""


def _reading_options(formats: str, quiet_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The options every command that reads a repository and writes documents shares."""
    def apply(fn: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed((
            click.argument("path", default=".", type=click.Path(path_type=Path)),
            click.option("--format", "fmt", default=None, metavar="LIST",
                         help=f"Comma list (any case) of: {formats}."),
            click.option("-o", "--output", type=click.Path(), metavar="PATH",
                         help="A file (one format), '-' for stdout, or a directory (existing, or ending in '/')."),
            click.option("--quiet", is_flag=True, help=quiet_help),
            click.option("--no-cache", is_flag=True, help="Ignore and do not update the facts cache (cold run)."),
            click.option("--force", is_flag=True, help="Overwrite output files not written by archaudit."),
            click.option("--jobs", type=click.IntRange(0, 64), default=0, help="Worker processes (0: one per core)."),
        )):
            fn = option(fn)
        return fn
    return apply


def _history_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Where the history of audits is kept (see archaudit.store)."""
    for option in reversed((
        click.option("--history", "history_path", type=click.Path(path_type=Path, dir_okay=False),
                     help="The history database file (default: archaudit/history.sqlite in the user's data "
                          "directory)."),
        click.option("--history-url", envvar="ARCHAUDIT_HISTORY_URL", default=None,
                     help="A shared history database, postgresql://user@host/db (env ARCHAUDIT_HISTORY_URL)."),
    )):
        fn = option(fn)
    return fn


def _selection_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--config, --select, --ignore, --preview: which settings and rules an audit uses."""
    for option in reversed((
        click.option("--config", "config_file", type=click.Path(path_type=Path),
                     help="Settings file (archaudit.toml or a pyproject.toml) instead of the repository's own."),
        click.option("--select", multiple=True, metavar="IDS",
                     help="Only these rules: ids or prefixes, comma-separated (SEC,CFG001); replaces `select`."),
        click.option("--ignore", multiple=True, metavar="IDS",
                     help="Never these rules: ids or prefixes, comma-separated; added to `disable`."),
        click.option("--preview", is_flag=True,
                     help="Also run rules in preview (measured precision below 85 % on the ecosystem corpus)."),
    )):
        fn = option(fn)
    return fn


def _selectors(values: tuple[str, ...], flag: str) -> tuple[str, ...]:
    """Comma lists of rule ids or prefixes, upper-cased; an unknown one is a usage error (exit 2)."""
    selectors = tuple(dict.fromkeys(v.strip().upper() for value in values for v in value.split(",") if v.strip()))
    if not selectors:  # nothing to check: the rule registry is imported later, while the workers parse
        return selectors
    from archaudit.rules import RULES_BY_ID

    unknown = unknown_selectors(selectors, RULES_BY_ID)
    if unknown:
        raise UsageFailure(f"{flag}: unknown rule id or prefix {', '.join(map(repr, unknown))}; see 'archaudit rules'")
    return selectors


def _options(no_cache: bool, jobs: int, preview: bool, config_file: Path | None, select: tuple[str, ...],
             ignore: tuple[str, ...], **more: Any) -> Options:
    return Options(use_cache=not no_cache, jobs=jobs, preview=preview, config_file=config_file,
                   select=_selectors(select, "--select"), ignore=_selectors(ignore, "--ignore"), **more)


@main.command("audit", epilog=EXIT_CODES)
@_reading_options("summary, md, json, sarif, html, github, junit, gitlab. Default: summary on the terminal, md "
                  "with -o", "No progress bar and no summary line on stderr.")
@click.option("--compare", type=click.Path(path_type=Path),
              help="A previous JSON report: show what changed (default: the previous audit in the history).")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path),
              help="A baseline (archaudit baseline): report what it lacks as new, and its entries now fixed.")
@_history_options
@click.option("--no-history", is_flag=True, envvar="ARCHAUDIT_NO_HISTORY",
              help="Do not record this audit, nor compare it with the history (env ARCHAUDIT_NO_HISTORY=1).")
@click.option("--timestamp", is_flag=True, help="Stamp the report (SOURCE_DATE_EPOCH is honoured).")
@click.option("--fail-on", type=click.Choice(["critical", "high", "medium", "low"], case_sensitive=False),
              default=None, help="Exit 1 when a finding has this severity or worse (with --baseline or --compare: "
              "a new finding); the findings that failed are listed on stderr.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when --fail-on fails (still listed on stderr).")
@_selection_options
@click.option("--lang", type=click.Choice(LANGUAGES, case_sensitive=False), default=None,
              help="Language of the Markdown and HTML reports (default: [tool.archaudit] lang, else en).")
@_interruptible
def audit_command(path: Path, fmt: str | None, output: str | None, quiet: bool, no_cache: bool, force: bool,
                  compare: Path | None, baseline_file: Path | None, history_path: Path | None,
                  history_url: str | None, no_history: bool, timestamp: bool, fail_on: str | None,
                  exit_zero: bool, jobs: int, preview: bool, config_file: Path | None, select: tuple[str, ...],
                  ignore: tuple[str, ...], lang: str | None) -> None:
    """Audit the repository at PATH (default: the current directory); record it in the history and
    say what changed since the previous audit."""
    from archaudit.gate import against

    _check_dir(path)
    formats = _parse_formats(fmt, output)
    targets = _targets(output, formats, force)
    previous = _load_previous(compare) if compare else None
    accepted = _load_baseline(baseline_file) if baseline_file else None
    options = _options(no_cache, jobs, preview, config_file, select, ignore, timestamp=_timestamp(timestamp),
                       lang=lang)
    opening = None if no_history else _history_process(history_path, history_url)
    try:
        try:
            with _progress(quiet) as progress:
                report = audit(path, options, progress)
        except ConfigError as exc:
            raise UsageFailure(f"invalid archaudit configuration: {exc}") from exc
        store = None if no_history else _open_history(history_path, history_url, required=False, opening=opening)
        report.comparison = _since_previous(store, history_path or history_url, path, report, previous, compare)
    finally:
        if opening is not None:
            opening.close()
    if accepted is not None:
        report.baseline = against(report.findings, accepted, str(baseline_file))
    _emit(targets, lambda f: _renderer(f)(report))
    written = [str(t) for t in targets.values() if t is not None]
    if not quiet and written and sys.stderr.isatty():
        click.echo(encodable(f"archaudit: {len(report.findings)} findings; wrote " + ", ".join(written)), err=True)
    if fail_on:
        _gate(report, fail_on.lower(), exit_zero)


_RENDERERS = {"md": "render_markdown", "json": "render_json", "sarif": "render_sarif", "html": "render_html",
              "github": "render_github", "junit": "render_junit", "gitlab": "render_gitlab",
              "summary": "render_summary"}
_WITH_LANG = frozenset({"md", "html"})


def _renderer(fmt: str) -> Callable[[Any], str]:
    """The renderer of one format, its module imported only when that format is asked for (the HTML
    one brings Jinja2)."""
    module = importlib.import_module(f"archaudit.report.{_RENDERERS[fmt]}")
    if fmt in _WITH_LANG:
        return lambda r: module.render(r, lang=r.lang)  # type: ignore[no-any-return]
    return module.render  # type: ignore[no-any-return]


def _gate(report: Any, fail_on: str, exit_zero: bool) -> None:
    """Exit 1 (unless --exit-zero) when findings fail --fail-on, after listing them on stderr."""
    from archaudit.gate import failing, gate_message

    failed, relative = failing(report, fail_on)
    if not failed:
        return
    click.echo(encodable(redact_text(gate_message(fail_on, failed, relative))), err=True, nl=False)
    if exit_zero:
        click.echo("archaudit: --exit-zero: not failing the run", err=True)
        return
    sys.exit(1)


def _load_baseline(path: Path) -> list[dict[str, Any]]:
    from archaudit.gate import BaselineError, load_baseline

    try:
        return load_baseline(path)
    except BaselineError as exc:
        raise UsageFailure(f"--baseline {path}: {exc}") from exc


@main.command("baseline", epilog=WRITE_EXIT_CODES)
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option("-o", "--output", default="-", show_default=True,
              help="The baseline file to write (meant to be committed); - for stdout.")
@_selection_options
@click.option("--quiet", is_flag=True, help="No progress bar and no summary line on stderr.")
@click.option("--no-cache", is_flag=True, help="Ignore and do not update the facts cache (cold run).")
@click.option("--force", is_flag=True, help="Overwrite an output file not written by archaudit.")
@click.option("--jobs", type=click.IntRange(0, 64), default=0, help="Worker processes (0: one per core).")
@_interruptible
def baseline_command(path: Path, output: str, preview: bool, config_file: Path | None, select: tuple[str, ...],
                     ignore: tuple[str, ...], quiet: bool, no_cache: bool, force: bool, jobs: int) -> None:
    """Write the findings of the repository at PATH as accepted debt: fingerprint, rule, path and
    title of each, sorted, no date. `archaudit audit --baseline FILE --fail-on high` then fails only
    on findings the file lacks."""
    from archaudit.gate import render_baseline

    _check_dir(path)
    target = None if output == "-" else Path(output)
    if target is not None and target.exists() and not force and (target.is_dir() or not _ours(target)):
        raise UsageFailure(f"{target} exists and is not an archaudit baseline; pass --force to overwrite it")
    try:
        with _progress(quiet) as progress:
            report = audit(path, _options(no_cache, jobs, preview, config_file, select, ignore), progress)
    except ConfigError as exc:
        raise UsageFailure(f"invalid archaudit configuration: {exc}") from exc
    _emit({"baseline": target}, lambda _: render_baseline(report.findings))
    if not quiet and target is not None:
        click.echo(encodable(f"archaudit: {len(report.findings)} findings accepted in {target}"), err=True)


def _rank(name: str) -> int:
    from archaudit.findings import Severity

    return Severity(name).rank


def _load_previous(path: Path, what: str = "--compare") -> dict[str, Any]:
    """A previous JSON report, validated (exit 2 with the reason: unreadable, not JSON, not archaudit's,
    damaged, or fingerprints of another scheme)."""
    from archaudit.history import PreviousReportError, check_previous

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise UsageFailure(f"{what} {path}: not a readable archaudit JSON report ({exc})") from exc
    try:
        return check_previous(data)
    except PreviousReportError as exc:
        raise UsageFailure(f"{what} {path}: {exc}") from exc


def _history_url(history_path: Path | None, history_url: str | None) -> str:
    from archaudit.store import default_url, sqlite_url

    return history_url or (sqlite_url(history_path) if history_path else default_url())


def _history_process(history_path: Path | None, history_url: str | None) -> Any:
    """The history store opening in a process of its own while the audit runs (`store/process.py`);
    None where fork is unavailable or the location is already wrong (`_open_history` then says why)."""
    if not hasattr(os, "fork"):
        return None
    from archaudit.store.process import StoreProcess

    try:
        return StoreProcess(_history_url(history_path, history_url))
    except OSError:
        return None


def _open_history(history_path: Path | None, history_url: str | None, required: bool,
                  opening: Any = None) -> Any:
    """The history store, or None: `opening` (a StoreProcess) once open, else one opened here. A store
    asked for explicitly (or `required`) that cannot be opened is an error (exit 2); the default one
    only costs a warning: the audit is still written."""
    from archaudit.store import StoreError

    explicit = history_path is not None or history_url is not None
    try:
        if opening is not None:
            opening.opened()
            return opening
        from archaudit.store import Store

        return Store(_history_url(history_path, history_url))
    except (StoreError, OSError) as exc:
        if explicit or required:
            raise UsageFailure(f"history: cannot open the database: {exc}") from exc
        click.echo(encodable(f"archaudit: history not recorded ({exc})"), err=True)
        return None


def _since_previous(store: Any, explicit: object, path: Path, report: Any, previous: dict[str, Any] | None,
                    compare: Path | None) -> Any:
    """Record the audit in the store (when there is one), then compare it with --compare or with the
    repository's previous recorded audit."""
    from archaudit.recording import record, since_previous

    recorded = None
    if store is not None:
        from archaudit.store import StoreError

        try:
            recorded = record(store, path, report, _recorded_at())
        except StoreError as exc:
            if explicit:
                raise UsageFailure(f"history: cannot record the audit: {exc}") from exc
            click.echo(encodable(f"archaudit: history not recorded ({exc})"), err=True)
    if recorded is None:  # no store is read: no store error (and no SQLAlchemy import under --no-history)
        comparison, note = since_previous(report, None, previous, str(compare or ""))
    else:
        from archaudit.store import StoreError

        try:
            comparison, note = since_previous(report, recorded, previous, str(compare or ""))
        except StoreError as exc:
            raise UsageFailure(f"history: cannot read the previous audit: {exc}") from exc
    if note:
        click.echo(encodable(f"archaudit: {note}"), err=True)
    return comparison


def _recorded_at() -> dt.datetime:
    """When this audit is recorded: now, or SOURCE_DATE_EPOCH (reproducible runs and tests)."""
    return dt.datetime.fromisoformat(_timestamp(True) or "")


class _progress:
    """Rich progress bars on stderr, only when stderr is a terminal and not --quiet: one line per phase
    (walking the tree, reading files, parsing files, inventory, rules) with its count done/total, the
    parse updated after every batch while the workers run."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=Console(stderr=True), transient=True)
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


@main.command("architecture", epilog=WRITE_EXIT_CODES)
@_reading_options("md, html", "No progress bar on stderr.")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the document (default: [tool.archaudit] lang, else en).")
@_interruptible
def architecture_command(path: Path, fmt: str | None, output: str | None, quiet: bool, no_cache: bool, force: bool,
                         jobs: int, lang: str | None) -> None:
    """Write the architecture document of the repository at PATH, for newcomers: components, style,
    code organisation, background work, endpoints, how to add an endpoint or a job."""
    from archaudit.architecture_doc import build_document
    from archaudit.report.render_architecture import render_html, render_markdown
    from archaudit.run import build_repo

    _check_dir(path)
    targets = _targets(output, _parse_formats(fmt, output, DOCUMENT_FORMATS), force, DOCUMENT_FORMATS)
    try:
        with _progress(quiet) as progress:
            repo = build_repo(path, Options(use_cache=not no_cache, jobs=jobs), progress)
            doc = build_document(repo)
    except ConfigError as exc:
        raise UsageFailure(f"invalid archaudit configuration: {exc}") from exc
    language = lang or repo.config.lang
    renderers = {"md": render_markdown, "html": render_html}
    _emit(targets, lambda f: renderers[f](doc, language))
    written = [str(t) for t in targets.values() if t is not None]
    if not quiet and written and sys.stderr.isatty():
        click.echo(encodable("archaudit: wrote " + ", ".join(written)), err=True)


@main.command("rules", epilog=LIST_EXIT_CODES)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"], case_sensitive=False), default="table",
              show_default=True)
def rules_command(fmt: str) -> None:
    """List every rule: id, severity, axis, name and title."""
    from archaudit.rules import ALL_RULES
    from archaudit.rules.docs import rules_json, rules_markdown, rules_table

    click.echo({"json": rules_json, "md": rules_markdown, "table": rules_table}[fmt.lower()](ALL_RULES), nl=False)


@main.command("explain", epilog=LIST_EXIT_CODES)
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


@main.command("history", epilog=READ_EXIT_CODES)
@click.argument("path", default=".", type=click.Path(path_type=Path))
@_history_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"], case_sensitive=False), default="table",
              show_default=True)
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True, help="The newest N audits.")
@_interruptible
def history_command(path: Path, history_path: Path | None, history_url: str | None, fmt: str, limit: int) -> None:
    """Past audits of the repository at PATH: date, commit, findings by severity, score per axis and
    its trend."""
    from archaudit.recording import repository_of
    from archaudit.report.render_history import history_json, history_table
    from archaudit.store import StoreError

    _check_dir(path)
    store = _open_history(history_path, history_url, required=True)
    try:
        repository = repository_of(store, path)
        rows = store.audits(repository, limit) if repository is not None else []
    except StoreError as exc:
        raise UsageFailure(f"history: cannot read the database: {exc}") from exc
    if not rows:
        click.echo(encodable(f"archaudit: no recorded audit of {path}"), err=True)
    click.echo(utf8(history_json(rows) if fmt.lower() == "json" else history_table(rows)), nl=False)


@main.command("diff", epilog=READ_EXIT_CODES)
@click.argument("old")
@click.argument("new")
@_history_options
@click.option("--format", "fmt", type=click.Choice(["md", "json"], case_sensitive=False), default="md",
              show_default=True)
@_interruptible
def diff_command(old: str, new: str, history_path: Path | None, history_url: str | None, fmt: str) -> None:
    """What changed from OLD to NEW: each a JSON report, or an audit id of the history (#12 or 12, as
    'archaudit history' lists them). New, fixed and persisting findings, score deltas."""
    from archaudit.history import diff
    from archaudit.report.render_history import diff_markdown
    from archaudit.store import StoreError

    store: list[Any] = []

    def load(ref: str) -> dict[str, Any]:
        candidate = Path(ref)
        if candidate.is_file() or not ref.lstrip("#").isdigit():
            return _load_previous(candidate, "diff:")
        if not store:
            store.append(_open_history(history_path, history_url, required=True))
        try:
            data = store[0].as_report(int(ref.lstrip("#")))
        except StoreError as exc:
            raise UsageFailure(f"history: cannot read the database: {exc}") from exc
        if data is None:
            raise UsageFailure(f"diff: no audit #{ref.lstrip('#')} in the history")
        return _checked(data, ref)

    result = diff(load(old), load(new))
    click.echo(utf8(json.dumps(result, indent=2, ensure_ascii=False) + "\n" if fmt.lower() == "json"
                    else diff_markdown(result)), nl=False)


def _checked(data: dict[str, Any], ref: str) -> dict[str, Any]:
    from archaudit.history import PreviousReportError, check_previous

    try:
        return check_previous(data)
    except PreviousReportError as exc:
        raise UsageFailure(f"diff: audit {ref}: {exc}") from exc
