"""Where CORS lets any origin in: CORSMiddleware / flask-cors calls and CORS settings, with whether
credentials are allowed too. Shared by CFG003 (wildcard) and CFG009 (wildcard + credentials)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from archaudit.detect.config.settings import Setting, find_settings, truthy
from archaudit.findings import Evidence, Message
from archaudit.languages.python.facts import CallFact, expr_text
from archaudit.repo import Repo
from archaudit.resolve.context import Context, context_of
from archaudit.resolve.python_index import calls_by_method, calls_named, qualified_names_ending
from archaudit.rules.config_security._helpers import not_in_production, referenced_setting

_CORS_SETTING = re.compile(r"cors|origins", re.IGNORECASE)
_DJANGO_ALL = ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")


@dataclass(frozen=True)
class WildcardCors:
    place: Evidence  # where the wildcard is written
    credentials: bool
    message: str
    also: tuple[Evidence, ...] = ()


def _wild(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip() in ("*", ".*") or "*" in [v.strip() for v in value.split(",")]
    return isinstance(value, list) and "*" in value


def _is_cors_call(name: str, call: CallFact) -> str:
    """"starlette" / "flask" for a CORS configuration call, "" otherwise."""
    first = expr_text(call["args"][0]) if call["args"] else ""
    middleware = name.endswith("add_middleware") or name.rsplit(".", 1)[-1] == "Middleware"
    if middleware and first.endswith("CORSMiddleware"):
        return "starlette"
    if name == "flask_cors.CORS":
        return "flask"
    return ""


def _flask_origins(call: CallFact) -> Any:
    kw = call["kwargs"]
    if "origins" in kw:
        return kw["origins"]
    resources = kw.get("resources")
    if isinstance(resources, dict):
        return ["*"] if any(isinstance(v, dict) and _wild(v.get("origins")) for v in resources.values()) else []
    return "*" if "resources" not in kw else []  # CORS(app): every origin, flask-cors' default


_AMBIENT = re.compile(r"cookie|SessionMiddleware|flask_login|login_user|django\.contrib\.sessions|"
                      r"express-session|passport\.session", re.IGNORECASE)
_AMBIENT_LOWER = re.compile(_AMBIENT.pattern.lower())
# the only characters outside ASCII that IGNORECASE matches to an ASCII letter (dotted/dotless i, long s, Kelvin)
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")
_MATCH_ALL = ("^.*$", ".*", "^/.*$", "")


def _ambient_in(text: str) -> bool:
    """`_AMBIENT.search(text)`, five times faster: a case-insensitive search of an alternation tries every
    branch at every position, a lower-case one skips to the branches' first letters. Characters outside
    ASCII cannot be part of a match (but for the four that fold to a letter: then the exact search)."""
    if not text.isascii():
        if any(c in text for c in _FOLDS_TO_ASCII):
            return _AMBIENT.search(text) is not None
        text = text.encode("ascii", "replace").decode("ascii")
    return _AMBIENT_LOWER.search(text.lower()) is not None


def _ambient_credentials(repo: Repo) -> bool:
    """The application uses cookies or server sessions: credentials a browser attaches by itself.
    Without them, "credentials allowed" changes nothing (a header token lives in the front end's
    own storage, which another site cannot read), and Starlette answers "*" to a cookie-less call."""
    return any(context_of(repo, f.path) is Context.PRODUCTION and f.language in ("python", "typescript", "javascript")
               and _ambient_in(repo.text(f.path) or "") for f in repo.files)


def _path_limited(repo: Repo, s: Setting) -> bool:
    """Django's CORS_URLS_REGEX next to the setting limits CORS to some paths (a public /api/)."""
    return any(c.file == s.file and isinstance(c.value, str) and c.value.strip() not in _MATCH_ALL
               for c in find_settings(repo) if c.name == "CORS_URLS_REGEX")


def _usages(repo: Repo) -> list[WildcardCors]:
    out, used = [], set()
    ambient = repo.derived(_ambient_credentials)
    names = {*qualified_names_ending(repo, "add_middleware"), "flask_cors.CORS"}
    refs = calls_named(repo, *names) + repo.derived(calls_by_method).get("Middleware", [])
    for path, call, name in sorted(refs, key=lambda r: (r[0], r[1]["line"])):
        kind = _is_cors_call(name, call)
        if not kind or repo.by_path[path].role == "test" or (kind == "flask" and not call["args"]):
            continue  # `cors = CORS()`: an unbound extension, configured from app.config at init_app
        kw = call["kwargs"]
        origins = _flask_origins(call) if kind == "flask" else kw.get("allow_origins", kw.get("allow_origin_regex"))
        creds_value = kw.get("supports_credentials" if kind == "flask" else "allow_credentials")
        creds_setting = referenced_setting(repo, creds_value)
        creds = ambient and (creds_value is True or bool(creds_setting and truthy(creds_setting.value)))
        here = Evidence(path, call["line"])
        setting = referenced_setting(repo, origins)
        if _wild(origins):
            out.append(WildcardCors(here, creds, Message("CORS accepts every origin (\"*\") with credentials allowed.")
                                    if creds else Message("CORS accepts every origin (\"*\").")))
        elif setting and setting.has_default and _wild(setting.value):
            used.add(id(setting))
            where = f"{path}:{call['line']}"
            out.append(WildcardCors(Evidence(setting.file, setting.line), creds, Message(
                "{name} defaults to \"*\" and configures CORS at {place} with credentials allowed.",
                name=setting.name, place=where) if creds else Message(
                "{name} defaults to \"*\" and configures CORS at {place}.", name=setting.name, place=where), (here,)))
    for s in find_settings(repo):
        if id(s) in used or not_in_production(s) or not s.has_default:
            continue
        if _CORS_SETTING.search(s.name) and s.name not in _DJANGO_ALL and _wild(s.value):
            out.append(WildcardCors(Evidence(s.file, s.line), False, Message("{name} defaults to \"*\".", name=s.name)))
        elif s.name in _DJANGO_ALL and s.value is True and not _path_limited(repo, s):
            creds = ambient and any(c.value is True and c.file == s.file for c in find_settings(repo)
                                    if c.name == "CORS_ALLOW_CREDENTIALS")
            out.append(WildcardCors(Evidence(s.file, s.line), creds, Message(
                "{name} = True accepts every origin with CORS_ALLOW_CREDENTIALS = True.", name=s.name) if creds
                else Message("{name} = True accepts every origin.", name=s.name)))
    return sorted(out, key=lambda w: (w.place, w.message))


def find_wildcard_cors(repo: Repo) -> list[WildcardCors]:
    """Every place configuring CORS for any origin (memoised)."""
    return repo.derived(_usages)
