"""OBS003 (no request correlation) and OBS004 (no error tracking): what a real project sets up
instead of the usual library counts; the true absence is still reported where the app is built."""

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


_FLASK = ("import logging\nfrom logging.handlers import SMTPHandler\nfrom flask import Flask\n\n\n"
          "def create_app():\n    app = Flask(__name__)\n{mail}    return app\n")


def test_obs004_error_logs_mailed_to_the_admins_are_error_alerting(tmp_path: Path) -> None:
    mail = "    handler = SMTPHandler(mailhost='smtp', fromaddr='a@b', toaddrs=['ops@b'], subject='fail')\n" \
           "    handler.setLevel(logging.ERROR)\n    app.logger.addHandler(handler)\n"
    write_tree(tmp_path / "mail", {"requirements.txt": "flask==3.0.0\n", "app/__init__.py": _FLASK.format(mail=mail)})
    assert _hits(tmp_path / "mail", "OBS004") == []
    write_tree(tmp_path / "none", {"requirements.txt": "flask==3.0.0\n", "app/__init__.py": _FLASK.format(mail="")})
    assert _hits(tmp_path / "none", "OBS004") == ["app/__init__.py:7"]


def test_obs004_django_admin_email_handler_in_logging_is_error_alerting(tmp_path: Path) -> None:
    settings = ("INSTALLED_APPS = ['django.contrib.admin']\nADMINS = [('ops', 'ops@example.org')]\n"
                "LOGGING = {'version': 1, 'handlers': {'mail_admins': {'level': 'ERROR', "
                "'class': 'django.utils.log.AdminEmailHandler'}}}\n")
    write_tree(tmp_path, {"requirements.txt": "django==5.0\n", "site/__init__.py": "", "site/settings.py": settings,
                          "site/views.py": "from django.http import HttpResponse\n"})
    assert _hits(tmp_path, "OBS004") == []
