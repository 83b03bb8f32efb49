"""OBS003 (no request correlation): Sentry tracing gives requests a trace id; the true absence is
still reported where the app is built."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report_of, write_tree

_MAIN = ("import sentry_sdk\nfrom fastapi import FastAPI\n\n"
         "sentry_sdk.init(dsn='https://k@o.ingest.sentry.io/1'{extra})\napp = FastAPI()\n")


def _hits(root: Path, rule: str) -> list[str]:
    return [f.evidence[0].ref for f in report_of(root).findings if f.rule == rule]


def test_obs003_sentry_with_tracing_on_gives_requests_a_trace_id(tmp_path: Path) -> None:
    for name, extra in (("rate", ", traces_sample_rate=0.1"), ("flag", ", enable_tracing=True")):
        write_tree(tmp_path / name, {"requirements.txt": "fastapi==0.110.0\nsentry-sdk==2.0.0\n",
                                     "app/__init__.py": "", "app/main.py": _MAIN.format(extra=extra)})
        assert _hits(tmp_path / name, "OBS003") == [], name


def test_obs003_sentry_for_errors_only_is_no_correlation(tmp_path: Path) -> None:
    for name, extra in (("plain", ""), ("off", ", traces_sample_rate=0")):
        write_tree(tmp_path / name, {"requirements.txt": "fastapi==0.110.0\nsentry-sdk==2.0.0\n",
                                     "app/__init__.py": "", "app/main.py": _MAIN.format(extra=extra)})
        assert _hits(tmp_path / name, "OBS003") == ["app/main.py:5"], name

