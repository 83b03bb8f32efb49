"""Secrets never leave the audit: the one place that decides what is masked, used on every output.

`redact_text` masks known token formats and the value of any `name = "value"` / `name: value` pair
whose name looks secret. `is_secret_name` is shared with detectors that present settings values.
"""

from __future__ import annotations

import re

MASK = "<redacted>"
_SECRET_NAME = re.compile(
    r"(secret|passw(or)?d|passwd|pwd|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|"
    r"client[_-]?secret|credentials?|auth[_-]?key|signing[_-]?key|salt|dsn|database[_-]?url|db[_-]?url|"
    r"redis[_-]?url|broker[_-]?url|webhook)",
    re.IGNORECASE,
)
TOKEN_PATTERNS = [
    ("private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b")),
    ("Stripe secret key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}\b")),
    ("OpenAI-style API key", re.compile(r"\bsk-[A-Za-z0-9_-]{20,}\b")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
    ("GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("SendGrid API key", re.compile(r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b")),
    ("Slack webhook URL", re.compile(r"https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+")),
    ("PyPI upload token", re.compile(r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}")),
]
# name (=|:) value, with the value quoted or bare up to a delimiter
_PAIR = re.compile(
    r"""(?P<name>[A-Za-z_][\w.-]*)"""
    r"""(?P<sep>["']?\s*(?::\s*[\w\[\]., |]+?\s*)?(?:=|:)\s*)"""  # an optional `: annotation` before `=`
    r"""(?P<q>["']?)(?P<value>[^\s"',}#)]+)(?P=q)"""
)
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]+:)(?P<pw>[^@\s/]+)(?P<at>@)", re.IGNORECASE)


_CODE_VALUE = re.compile(r"[A-Za-z_]\w*(\.\w+)+\(?|\w+\(|None|True|False|null|true|false|\d+|[A-Z_]+")


def is_secret_name(name: str) -> bool:
    """True for setting / variable names that usually hold a secret."""
    return bool(_SECRET_NAME.search(name))


_PLACEHOLDER_VALUE = re.compile(
    r"^(change[-_ ]?(this|me|it)\w*|x{3,}|\*{3,}|-{3,}|\.{3}|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|your[-_ ]\S*|"
    r"replace[-_ ]?(me|this)?\S*|todo|tbd|fixme|placeholder|dummy\S*|example\S*|not[-_ ]?set|none|null)$",
    re.IGNORECASE)


def is_placeholder_value(value: str) -> bool:
    """True for a value that only marks where a real one goes: empty, `changethis`, `xxx`, `---`,
    `<your-key>`, `${VAR}`, `your-secret`, `replace-me`, `example...`."""
    text = value.strip().strip("'\"")
    return not text or bool(_PLACEHOLDER_VALUE.match(text))


def redact_value(name: str, value: object) -> object:
    """The value to show for setting `name`: masked when the name looks secret and it is a string."""
    if isinstance(value, str) and value and is_secret_name(name):
        return MASK
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_text(text: str) -> str:
    """Mask tokens, URL passwords and secret-named values inside a line of text."""
    if not text:
        return text
    for _, pattern in TOKEN_PATTERNS:
        text = pattern.sub(MASK, text)
    text = _URL_PASSWORD.sub(lambda m: m.group("scheme") + MASK + m.group("at"), text)

    def pair(m: re.Match[str]) -> str:
        if not is_secret_name(m.group("name")) or m.group("value") == MASK:
            return m.group(0)
        value = m.group("value")
        if not m.group("q") and _CODE_VALUE.fullmatch(value):
            return m.group(0)  # code (settings.SECRET_KEY, os.getenv(, None), not a secret
        return f"{m.group('name')}{m.group('sep')}{m.group('q')}{MASK}{m.group('q')}"

    return _PAIR.sub(pair, text)
