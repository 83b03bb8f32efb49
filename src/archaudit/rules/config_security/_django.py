"""Shared reading of production's Django settings for the deployment-checklist rules (CFG101-CFG103):
which modules to judge, the premise that names them, and what a setting's production value says."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archaudit.detect.config.django_deploy import Effective, Value, effective_settings, production_settings
from archaudit.detect.config.settings import settings_modules, truthy
from archaudit.findings import Evidence, Hit, Message, Premise
from archaudit.languages.python.facts import is_expr
from archaudit.repo import Repo


@dataclass(frozen=True)
class Judged:
    """One production settings module with its effective settings and the premises naming it."""

    path: str
    settings: Effective
    premises: tuple[Premise, ...]


def production_modules(repo: Repo, claim: Message) -> tuple[list[Judged], list[Hit]]:
    """The production settings modules to judge, and for what cannot be judged one Hit per unknown
    carrying the unknown premise (the engine turns it into a "not determined" line): production's
    module not determined, or its settings not followed. Nothing at all when Django is not used."""
    prod = production_settings(repo)
    if prod.unknown:
        first = sorted(repo.derived(settings_modules))
        if not prod.uses_django or not first:
            return [], []
        return [], [Hit(first[0], 0, claim, key="not determined", premises=(
            Premise.unknown(Message("production's Django settings module is known"), prod.unknown),))]
    judged, unknown = [], []
    for path, where in zip(prod.modules, prod.evidence, strict=True):
        named = Premise(Message("production loads this settings module"), evidence=(where,))
        eff = effective_settings(repo, path)
        if eff.unknown:
            unknown.append(Hit(path, 0, claim, key="not determined", premises=(
                Premise.unknown(Message("the settings {path} ends up with are known", path=path), eff.unknown),)))
            continue
        layered = Premise(Message("settings layering followed: {files}", files=" <- ".join(reversed(eff.files))),
                          evidence=tuple(Evidence(f, 0) for f in eff.files))
        judged.append(Judged(path, eff, (named, layered)))
    return judged, unknown


def insecure_flag(value: Value | None) -> str:
    """Why a boolean hardening setting is off in production ("" when it is on or not known): not set,
    set to a false literal, or read from the environment with a false fallback."""
    if value is None:
        return Message("not set (Django's default is False)")
    if value.conditional:
        return ""
    s = value.setting
    if s.env:
        return falls_back(s.value, s.env) if s.has_default and _false(s.value) else ""
    return Message("set to {value}", value=repr(s.value)) if _false(s.value) else ""


def falls_back(value: Any, env: str) -> Message:
    return Message("falls back to {value} when {env} is unset", value=repr(value), env=env)


def _false(value: Any) -> bool:
    if is_expr(value) or value is None:
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("false", "0", "no", "off", "")
    return not truthy(value)


def insecure_hsts(value: Value | None) -> str:
    """Why HSTS is off in production ("" when on or not known): not set, 0, or an environment read falling back to 0."""
    if value is None:
        return Message("not set (no Strict-Transport-Security header)")
    if value.conditional:
        return ""
    s = value.setting
    literal = not is_expr(s.value) and not isinstance(s.value, bool | list | dict)
    zero = literal and (s.value in (0, "0") if s.env else s.value in (0, "0", None)) and s.has_default
    if not zero:
        return ""
    return falls_back(s.value, s.env) if s.env else Message("set to {value}", value=repr(s.value))
