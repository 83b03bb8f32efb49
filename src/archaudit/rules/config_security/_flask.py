"""Shared reading of production's Flask configuration for the Flask hardening rules (CFG105-CFG107):
which applications to judge, the premises naming their configuration, and what a key's value says."""

from __future__ import annotations

from dataclasses import dataclass

from archaudit.detect.config.flask_config import FlaskConfig, Key, flask_configs, mentioned_elsewhere
from archaudit.findings import Evidence, Hit, Message, Premise
from archaudit.languages.python.facts import is_expr
from archaudit.repo import Repo


@dataclass(frozen=True)
class JudgedApp:
    """One Flask application whose production configuration is known, with the premise naming it."""

    config: FlaskConfig
    premises: tuple[Premise, ...]

    @property
    def anchor(self) -> Evidence:
        """Where a missing key belongs: the config class production loads, else the line creating the app."""
        classes = [e for e in self.config.loaded if e.snippet.startswith("class ")]
        return classes[-1] if classes else Evidence(self.config.app, self.config.created)


def production_apps(repo: Repo, claim: Message) -> tuple[list[JudgedApp], list[Hit]]:
    """The Flask applications to judge, and for each whose configuration cannot be followed one Hit
    carrying the unknown premise (the engine turns it into a "not determined" line)."""
    judged, unknown = [], []
    for config in flask_configs(repo):
        if config.unknown:
            unknown.append(Hit(config.app, 0, claim, key="not determined", premises=(
                Premise.unknown(Message("production's Flask configuration is known"), config.unknown),)))
            continue
        how = (Message("configuration loaded: {places}", places=", ".join(e.ref for e in config.loaded))
               if config.loaded else Message("the application loads no configuration object: Flask's defaults and its "
                                             "app.config items apply"))
        judged.append(JudgedApp(config, (Premise(how, evidence=config.loaded),)))
    return judged, unknown


def absent(repo: Repo, app: JudgedApp, name: str) -> tuple[bool, Premise | None]:
    """(the key is absent from production's configuration, the premise for that): absent only when
    nothing else in production code or deployment files names it; named elsewhere -> unknown premise."""
    if name in app.config.values:
        return False, None
    where = mentioned_elsewhere(repo, name, app.config)
    if where is not None:
        return True, Premise.unknown(Message("nothing else sets {name}",
                                             name=name), Message("{ref} names it",
                                                                          ref=where.ref))
    return True, None


def false_value(key: Key) -> str:
    """Why a boolean key is off ("" when it is on or not known): a false literal, or an environment
    read falling back to false; a key set under a condition or computed is not judged."""
    if key.conditional or is_expr(key.value) or key.value is None:
        return ""
    v = key.value
    off = v.strip().lower() in ("false", "0", "no", "off", "") if isinstance(v, str) else v is False or v == 0
    if not off:
        return ""
    return (Message("falls back to {value} when {env} is unset", value=repr(v), env=key.env) if key.env
            else Message("is set to {value}", value=repr(v)))
