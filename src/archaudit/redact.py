"""Secrets never leave the audit: the one place that decides what is masked, used on every output.

Two ways of knowing a secret span:

- by pattern (`redact_text`): token formats (cloud/API tokens, JWTs, private key blocks, bare key
  material), passwords inside connection URLs, and every string literal on the right-hand side of a
  secret-named target: an assignment or keyword (`SECRET_KEY = config("SECRET_KEY", default="...")`,
  `password="..."`), a key (`"token": "..."`, `app.config["SECRET_KEY"] = "..."`), an environment
  read (`os.getenv("API_TOKEN", "...")`, `os.environ.get("X_SECRET") or "..."`,
  `process.env.JWT_SECRET || "..."`), in Python, TS/JS, YAML, `.env`, INI and TOML forms. Bare
  (unquoted) values are masked too, except where they are visibly code (`settings.SECRET_KEY`,
  `get_secret()`, `None`) in a code file. A masked placeholder costs nothing; a shown secret is not
  recoverable, so any doubt masks.
- by fact (`known=`): values a rule or detector knows to be secret (a setting's default) are masked
  exactly, wherever they appear.

`redact_report` applies both to every string of a Report (findings, snippets, facts, table cells,
not-determined lines), so each renderer formats an already-safe value.

Every regular expression here runs in linear time on arbitrary input: quantifiers are bounded or
cannot overlap, and the secret-target scan is one tokenizer pass plus one bracket pass
(`tests/test_redact.py` times 60 KB adversarial lines).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from collections.abc import Iterable
from enum import Enum
from typing import Any

MASK = "<redacted>"
_SECRET_NAME = re.compile(
    r"(secret|passw(or)?d|passwd|pwd|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|"
    r"client[_-]?secret|credentials?|auth[_-]?key|signing[_-]?key|salt|dsn|database[_-]?url|db[_-]?url|"
    r"redis[_-]?url|broker[_-]?url|webhook)",
    re.IGNORECASE,
)
# Redaction masks more names than `is_secret_name` (which detectors and rules read): masking is free.
_REDACT_NAME = re.compile(
    _SECRET_NAME.pattern + r"|authorization|passphrase|(encryption|master|session|jwt|fernet|app|hmac|cookie)[_-]?key",
    re.IGNORECASE,
)
_REDACT_NAME_LOWER = re.compile(_REDACT_NAME.pattern)  # on lower-cased text: 2x faster than IGNORECASE
# The formats of `archaudit.scan.secrets` (kind, pattern). Unbounded runs here are each followed by a
# boundary their own class cannot produce, so a failed match never rescans: linear.
TOKEN_PATTERNS = [
    ("private key", re.compile(r"-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----")),
    ("AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b")),
    ("Stripe secret key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}\b")),
    ("OpenAI-style API key", re.compile(r"\bsk-[A-Za-z0-9_-]{20,}\b")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_])")),  # may end with "-": no \b
    ("JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
    ("GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("SendGrid API key", re.compile(r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![0-9A-Za-z_])")),
    ("Slack webhook URL", re.compile(r"https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+")),
    ("PyPI upload token", re.compile(r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}")),
]
# Masked in output but not reported by the scanner (broader, or without a placeholder filter).
_MASK_ONLY = [
    # a private key header with whatever key material follows it on the same text (escaped newlines too)
    ("PRIVATE KEY-----", re.compile(
        r"-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----(?:\\[rn]|(?!-----END)[A-Za-z0-9+/= \t\r\n:,-]){0,16384}"
        r"(?:-----END [A-Z ]{0,40}PRIVATE KEY-----)?")),
    ("github_pat_", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{22,}")),
    ("npm_", re.compile(r"\bnpm_[A-Za-z0-9]{36,}\b")),
    ("k_test_", re.compile(r"\b[sr]k_test_[A-Za-z0-9]{16,}\b")),
    ("xox", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
]
# Literal anchors of the token formats: a pattern only runs on text holding one (a substring search
# is ~50 times faster than a regex scan starting with `\b`).
_ANCHORS = {
    "private key": ("PRIVATE KEY-----",), "AWS access key id": ("AKIA", "ASIA"),
    "GitHub token": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), "Slack token": ("xox",),
    "Stripe secret key": ("k_live_",),
    "OpenAI-style API key": ("sk-",), "Google API key": ("AIza",), "JSON Web Token": ("eyJ",),
    "GitLab token": ("glpat-",), "SendGrid API key": ("SG.",), "Slack webhook URL": ("hooks.slack.com",),
    "PyPI upload token": ("pypi-",),
}
# a line that is nothing but key material (a PEM body line): long, base64, mixed case and digits
_KEY_LINE = re.compile(r"(?m)^[ \t]*([A-Za-z0-9+/]{40,}={0,2})[ \t]*$")
# `scheme://user:password@`: the scheme starts a run (lookbehind), every part is bounded
_URL_PASSWORD = re.compile(
    r"(?<![a-z0-9+.-])(?P<scheme>[a-z][a-z0-9+.-]{0,30}://[^\s:/@'\"`]{0,256}:)(?P<pw>[^\s/'\"`]{1,256})@",
    re.IGNORECASE,
)
_VAR_REF = re.compile(r"\$\{?[A-Za-z_]\w{0,100}\}?|\{\{[^{}]{0,100}\}\}|%\([A-Za-z_]\w{0,100}\)s")
_B64_RUN = re.compile(r"[A-Za-z0-9+/]{40}")

# One token per match, blanks before it included (so blanks make no tokens): a string literal (to the
# end of the line when unterminated; backtick strings may span lines), a name (dotted or dashed), a
# number, an operator or bracket, anything else. The alternatives start on disjoint characters.
_TOKENS = re.compile(
    r"""[ \t\r\f\v]*(?:"""
    r"""(?P<s>"[^"\\\n]*(?:\\.[^"\\\n]*)*"?|'[^'\\\n]*(?:\\.[^'\\\n]*)*'?|`[^`\\]*(?:\\.[^`\\]*)*`?)"""
    r"""|(?P<n>[A-Za-z_$][\w$]*(?:[.-][A-Za-z_$][\w$]*)*)"""
    r"""|(?P<d>\d[\w.]*)"""
    r"""|(?P<o>===?|!==?|:=|=>|\|\||&&|\?\?|[=:,;()\[\]{}\n&])"""
    r"""|(?P<x>[^\w$"'`=:,;()\[\]{}\n&!|?\s]+|.))""",
    re.DOTALL,
)
_SEPARATORS = frozenset({"=", ":", ":=", "==", "===", "!=", "!=="})
_FALLBACKS = frozenset({"||", "??", "or"})
_OPENERS, _CLOSERS = frozenset("([{"), frozenset(")]}")
_KEY_LIKE = re.compile(r"[A-Za-z_][\w.\- ]{0,80}")
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]{0,127}")
_ENV_READERS = frozenset({"getenv", "get", "config", "env", "str", "bool", "int", "setdefault", "environ", "pop",
                          "require", "required", "secret", "get_secret", "getsecret", "from_env"})
_BARE_LIMIT = 256
_LONG_TEXT = 16384
_MAX_TARGETS = 400  # more secret targets in one text is no real code: the rest of the text is masked whole
_NAME_LIMIT = 256  # a longer "name" is no identifier: only its last characters are read
# every `_REDACT_NAME` match contains one of these (substring search is far faster than the regex)
_NAME_HINTS = ("secret", "passw", "pwd", "token", "key", "credential", "salt", "dsn", "url", "webhook",
               "authorization", "passphrase")
_TOKEN_HINTS = ("://", "akia", "asia", "gh", "npm_", "xox", "k_live_", "k_test_", "sk-", "aiza", "eyj", "glpat-",
                "sg.", "pypi-", "begin")
_KEYWORDS = frozenset({"None", "True", "False", "null", "undefined", "true", "false", "nil", "~", "...", "[]", "{}",
                       "NotImplemented"})
_TYPE_NAMES = frozenset({"str", "bytes", "int", "bool", "float", "string", "number", "boolean", "any", "unknown",
                         "Optional", "Union", "Any", "Secret", "SecretStr", "SecretBytes", "object", "list", "dict"})
_CAMEL_TYPE = re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+")
_IDENT_CHAIN = re.compile(r"[A-Za-z_$][\w$]{0,200}(?:\.[A-Za-z_$][\w$]{0,200}){0,20}")
_DATA_KEEP = re.compile(r"\$\{?[A-Za-z_]\w{0,100}\}?|true|false|null|none|~|\[\]|\{\}|''|\"\"", re.IGNORECASE)
_SETTING_NAME = re.compile(r"[A-Z][A-Z0-9]{0,60}(?:_[A-Z0-9]{1,60}){1,10}")
_URL_PATH = re.compile(r"(?:/[\w.{}:-]{1,100}){1,30}/?")
_NUMBER = re.compile(r"[+-]?\d[\d_.]{0,30}")
_NOT_SECRET_LAST = frozenset({"minutes", "hours", "seconds", "days", "ttl", "length", "len", "min", "max", "expire",
                              "expires", "expiry", "lifetime", "rounds", "size", "count", "timeout", "age", "bits",
                              "iterations", "version", "enabled", "required", "delta", "interval", "period",
                              "limit", "attempts", "retries"})
_CODE_SUFFIXES = (".py", ".pyi", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
_MIN_KNOWN = 4
_MIN_GLOBAL = 8
_PLAIN_WORD = re.compile(r"[A-Za-z][a-z]*|[A-Z]+")
_Span = tuple[int, int]


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


def mode_of(path: str) -> str:
    """How bare values are read in text from `path`: "code" (Python, TS/JS: a bare word is a
    variable), "data" (.env, YAML, INI, TOML, Dockerfile...: a bare word is the value itself), or
    "text" for text not taken from a file (messages, table cells)."""
    if not path:
        return "text"
    return "code" if path.endswith(_CODE_SUFFIXES) else "data"


def redact_text(text: str, path: str = "", known: Iterable[str] = ()) -> str:
    """Mask tokens, key material, URL passwords, secret-named values and the `known` secret values
    inside `text` (a line, a snippet, a message, a cell). `path` tells how bare values are read
    (see `mode_of`). Idempotent, and linear in the length of `text`."""
    if not text:
        return text
    text = _mask_known(text, known)
    low = text.lower()
    named = any(h in low for h in _NAME_HINTS)
    if not named and not any(h in low for h in _TOKEN_HINTS) and _B64_RUN.search(text) is None:
        return text  # most table cells and messages: nothing that could be masked
    for anchor, pattern in _MASK_ONLY:  # first: the key block pattern reads the header the token pattern masks
        if anchor in text:
            text = pattern.sub(MASK, text)
    for kind, pattern in TOKEN_PATTERNS:
        if any(a in text for a in _ANCHORS.get(kind, ("",))):
            text = pattern.sub(MASK, text)
    if len(text) >= 40 and _B64_RUN.search(text):
        text = _KEY_LINE.sub(_key_line, text)
    if "://" in text:
        text = _URL_PASSWORD.sub(_url_password, text)
    if not named:
        return text
    if len(text) > _LONG_TEXT:
        return "".join(_redact_long_line(line, mode_of(path)) for line in text.splitlines(keepends=True))
    return _apply(text, _secret_spans(text, mode_of(path)))


def _redact_long_line(line: str, mode: str) -> str:
    """A line of a very long text: read precisely when short; when it is itself huge (minified code,
    a 60 KB requirement), masked from its first secret-looking name on (no real code to show there)."""
    if len(line) <= _LONG_TEXT:
        return _apply(line, _secret_spans(line, mode))
    low = line.lower()
    m = _REDACT_NAME_LOWER.search(low) if len(low) == len(line) else _REDACT_NAME.search(line)
    if m is None:
        return line
    end = len(line.rstrip("\r\n"))
    return line[:m.end()] + MASK + line[end:] if m.end() < end else line


@functools.lru_cache(maxsize=4096)
def _secret_named(name: str) -> bool:
    """`_REDACT_NAME` over a name, bounded (a 60 KB run of letters is no name) and pre-filtered."""
    tail = name[-_NAME_LIMIT:].lower()
    return any(h in tail for h in _NAME_HINTS) and _REDACT_NAME.search(tail) is not None


def _mask_known(text: str, known: Iterable[str]) -> str:
    for value in known:
        if len(value) >= _MIN_KNOWN and value != MASK and value in text:
            text = text.replace(value, MASK)
    return text


def _url_password(m: re.Match[str]) -> str:
    """`scheme://user:<redacted>@`; a variable reference (`:$HEROKU_API_KEY@`) is no password."""
    return m.group(0) if _VAR_REF.fullmatch(m.group("pw")) else m.group("scheme") + MASK + "@"


def _key_line(m: re.Match[str]) -> str:
    body = m.group(1)
    mixed = any(c.isdigit() for c in body) and any(c.isupper() for c in body) and any(c.islower() for c in body)
    return m.group(0).replace(body, MASK) if mixed else m.group(0)


def _apply(text: str, spans: list[_Span]) -> str:
    if not spans:
        return text
    out, pos = [], 0
    for start, end in sorted(spans):
        if end <= pos:
            continue
        start = max(start, pos)
        out.append(text[pos:start])
        out.append(MASK)
        pos = end
    out.append(text[pos:])
    return "".join(out)


class _Tokens:
    """One tokenizer pass over a text, and the bracket structure every secret target reads."""

    def __init__(self, text: str) -> None:
        self.text = text
        found = [(m.lastgroup or "x", m.span(m.lastgroup or 0)) for m in _TOKENS.finditer(text)]
        self.kinds = [k for k, _ in found]
        self.starts = [a for _, (a, _) in found]
        self.ends = [b for _, (_, b) in found]
        self.texts = [text[a:b] for _, (a, b) in found]
        self.n = len(found)
        self.literals = [i for i, k in enumerate(self.kinds) if k == "s"]
        self.term_end, self.close_end = self._ends()

    def tok(self, i: int) -> str:
        return self.texts[i] if 0 <= i < self.n else ""

    def next(self, i: int) -> int:
        """The index of the token after `i` (n when none): blanks make no tokens."""
        return min(i + 1, self.n)

    def prev(self, i: int) -> int:
        return i - 1

    def _ends(self) -> tuple[list[int], list[int]]:
        """For each token i: where an expression starting at i ends (a `,` or `;`, a newline outside
        brackets, or the bracket closing i's level), and where i's enclosing bracket closes. One
        left pass for depths, one right pass for ends: linear."""
        depth, depths = 0, []
        for kind, t in zip(self.kinds, self.texts, strict=True):
            depths.append(depth)
            if kind == "o":
                if t in _OPENERS:
                    depth += 1
                elif t in _CLOSERS:
                    depth = max(depth - 1, 0)
        term_end, close_end = [self.n] * self.n, [self.n] * self.n
        nt: dict[int, int] = {}
        nc: dict[int, int] = {}
        for j in range(self.n - 1, -1, -1):
            d = depths[j]
            if self.kinds[j] == "o":
                t = self.texts[j]
                if t in _CLOSERS or t == ";" or (t == "\n" and d == 0):
                    nt[d] = nc[d] = j
                elif t == ",":
                    nt[d] = j
            term_end[j] = nt.get(d, self.n)
            close_end[j] = nc.get(d, self.n)
        return term_end, close_end


def _secret_spans(text: str, mode: str, nested: bool = False) -> list[_Span]:
    """Character spans of `text` to mask: the values of its secret-named targets."""
    t = _Tokens(text)
    spans: list[_Span] = []
    lit_done = 0  # literals before this index are already decided (ranges are nested or disjoint)
    masked: set[int] = set()
    comments = _comment_tokens(t) if mode == "code" and ("#" in text or "//" in text) else set()
    targets = 0
    for i in _candidates(t):
        found = _target(t, i, mode == "text")
        if found is None:
            continue
        targets += 1
        if targets > _MAX_TARGETS:
            spans.append((t.starts[i], len(text)))
            break
        start, end, name = found
        lo = max(bisect.bisect_left(t.literals, start), lit_done)
        hi = bisect.bisect_left(t.literals, end)
        if bisect.bisect_left(t.literals, start) < hi:  # the value holds string literals: mask each one
            for li in t.literals[lo:hi]:
                if not _keep_literal(t, li):
                    masked.add(li)
                    spans.append(_literal_content(t, li))
            lit_done = max(lit_done, hi)
        elif start < end:
            span = _bare(t, start, end, "data" if i in comments else mode, name)
            if span:
                spans.append(span)
    if not nested:
        spans += _inside_literals(t, masked)
    return spans


def _candidates(t: _Tokens) -> list[int]:
    """Tokens that may start a secret target: a secret-named name or literal, or `ENV`/`ARG`."""
    return [i for i, (k, text) in enumerate(zip(t.kinds, t.texts, strict=True))
            if (k == "n" and (text in ("ENV", "ARG") or _secret_named(text)))
            or (k == "s" and len(text) <= 84 and _secret_named(text))]


def _comment_tokens(t: _Tokens) -> set[int]:
    """In a code file, the tokens after a `#` or `//` on their line: prose, its bare values read as data."""
    out: set[int] = set()
    inside = False
    for i, (k, text) in enumerate(zip(t.kinds, t.texts, strict=True)):
        if k == "o" and text == "\n":
            inside = False
        elif k == "x" and text.startswith(("#", "//")):
            inside = True
        elif inside:
            out.add(i)
    return out


def _target(t: _Tokens, i: int, prose: bool = False) -> tuple[int, int, str] | None:
    """(first token, end token, name) of the value of a secret target at token i, if i is one. In
    prose (`prose`: a message or a cell) only assignments and `name: value` pairs count, not `or`."""
    kind = t.kinds[i]
    if kind == "n":
        name = t.tok(i)
        if not _secret_named(name) or _duration_like(name):  # ACCESS_TOKEN_LIFETIME holds no secret
            return _dockerfile_env(t, i)
        j = t.next(i)
        sep = t.tok(j)
        if sep in _SEPARATORS or (sep in _FALLBACKS and not (prose and sep == "or")):
            a = t.next(j)
            return (a, t.term_end[a], name) if a < t.n else None
        return None
    if kind != "s":
        return None
    content = _content(t, i)
    if len(content) > 82 or not _KEY_LIKE.fullmatch(content) or not _secret_named(content) \
            or _duration_like(content):
        return None
    j = t.next(i)
    sep = t.tok(j)
    if sep in ("]", ")"):
        j = t.next(j)
        sep = t.tok(j)
        if sep not in ("=", ":=") and sep not in _FALLBACKS:
            return None
    if sep == ",":  # getenv("API_TOKEN", "..."), setdefault("SECRET_KEY", "..."): the rest of the call
        p = t.prev(i)
        while t.tok(p) == "\n":
            p -= 1
        a = t.next(j)
        return (a, t.close_end[i], content) if a < t.n and t.tok(p) == "(" else None
    if sep in _SEPARATORS or sep in _FALLBACKS:
        a = t.next(j)
        return (a, t.term_end[a], content) if a < t.n else None
    return None


def _dockerfile_env(t: _Tokens, i: int) -> tuple[int, int, str] | None:
    """`ENV API_TOKEN value` / `ARG DB_PASSWORD value` (Dockerfile, space-separated form)."""
    if t.tok(i) not in ("ENV", "ARG"):
        return None
    j = t.next(i)
    if j >= t.n or t.kinds[j] != "n" or not _secret_named(t.tok(j)):
        return None
    a = t.next(j)
    if a >= t.n or t.tok(a) in _SEPARATORS or t.tok(a) == "\n":
        return None
    end = a
    while end < t.n and t.tok(end) != "\n":
        end += 1
    return a, end, t.tok(j)


def _content(t: _Tokens, i: int) -> str:
    s, e = _literal_content(t, i)
    return t.text[s:e]


def _literal_content(t: _Tokens, i: int) -> _Span:
    """The span inside the quotes of literal token i (to its end when it is unterminated)."""
    start, end = t.starts[i], t.ends[i]
    quote = t.text[start]
    closed = end - start >= 2 and t.text[end - 1] == quote
    return start + 1, end - 1 if closed else end


def _keep_literal(t: _Tokens, i: int) -> bool:
    """An empty literal, an already-masked one, or the variable name an environment read takes
    (`os.getenv("SECRET_KEY", ...)`, `environ["API_TOKEN"]`): nothing secret to hide."""
    content = _content(t, i)
    if not content or content == MASK or _is_key(t, i):
        return True
    if not _ENV_NAME.fullmatch(content):
        return False
    p = t.prev(i)
    while t.tok(p) == "\n":
        p -= 1
    if t.tok(p) not in ("(", "["):
        return False
    p -= 1
    if t.tok(p) == ">":  # a type argument: `config.get<string>("JWT_SECRET")`
        p = next((k for k in range(p - 1, max(p - 8, -1), -1) if t.tok(k) == "<"), p) - 1
    return p >= 0 and t.kinds[p] == "n" and t.tok(p).rsplit(".", 1)[-1].lower() in _ENV_READERS


def _is_key(t: _Tokens, i: int) -> bool:
    """Literal i is an object/dict key (`{"sub": user.id, "exp": ...}`): a name, its value follows."""
    if t.tok(t.next(i)) != ":":
        return False
    p = t.prev(i)
    while t.tok(p) == "\n":
        p -= 1
    return t.tok(p) in ("{", ",")


def _bare(t: _Tokens, a: int, b: int, mode: str, name: str) -> _Span | None:
    """The span to mask of an unquoted value (tokens a..b), or None when it is visibly code."""
    start = t.starts[a]
    end = t.ends[b - 1] if b - 1 >= a else start
    if end - start > _BARE_LIMIT:  # long: an expression in code, a value anywhere else
        return None if mode == "code" else (start, end)
    value = t.text[start:end].rstrip()
    if mode == "code":
        for marker in (" #", "\t#", " //"):
            cut = value.find(marker)
            if cut >= 0:
                value = value[:cut].rstrip()
    if not value or value == MASK:
        return None
    if mode == "text":
        return _first_word(t.text, start, value)
    if _NUMBER.fullmatch(value) and _duration_like(name):
        return None
    if mode == "data":
        return None if _DATA_KEEP.fullmatch(value) else (start, start + len(value))
    return None if _is_code(value, t.tok(t.prev(a)), name) else (start, start + len(value))


def _first_word(text: str, start: int, value: str) -> _Span | None:
    """Text mode (a message, a table cell): only the first word is the value; `Bearer xyz`: two."""
    words = value.split()
    word = words[0]
    if word in _KEYWORDS or _NUMBER.fullmatch(word) or (_IDENT_CHAIN.fullmatch(word) and "." in word):
        return None
    if _URL_PATH.fullmatch(word):  # `TOKEN_URL: /api/v1/login/access-token`
        return None
    if _SETTING_NAME.fullmatch(word.rstrip(",.;)")):  # "secret-looking: DATABASE_URL, ...": names, not values
        return None
    if word.rstrip(",.;") == "":
        return None
    length = len(word)
    if word.lower() in ("bearer", "basic", "token") and len(words) > 1:
        length = value.find(words[1]) + len(words[1])
    return start, start + length


def _duration_like(name: str) -> bool:
    """`ACCESS_TOKEN_EXPIRE_MINUTES`, `PASSWORD_MIN_LENGTH`: a number there is not a secret."""
    last = re.split(r"[_.\-]", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name))[-1].lower()
    return last in _NOT_SECRET_LAST


def _is_code(value: str, sep: str, name: str) -> bool:
    """A bare value in a code file that is code, not a secret: a name, a call, an attribute,
    None/True/False, a type annotation (after `:`), a number of a duration/length setting."""
    if value in _KEYWORDS:
        return True
    if _NUMBER.fullmatch(value):
        return False
    chain = _IDENT_CHAIN.match(value)
    if chain is None:
        return value[:1] in "([{!" or value.startswith(("not ", "await ", "new "))
    ident = chain.group(0)
    rest = value[chain.end():]
    if sep == ":" and "." not in ident and not rest:
        return ident in _TYPE_NAMES or bool(_CAMEL_TYPE.fullmatch(ident))
    return True


def _inside_literals(t: _Tokens, masked: set[int]) -> list[_Span]:
    """Secret pairs inside the unmasked string literals (`"POSTGRES_PASSWORD=secret"`, a JSON string
    with escaped quotes), read as data. One level deep: each character is scanned at most twice."""
    spans: list[_Span] = []
    for i in t.literals:
        if i in masked:
            continue
        s, e = _literal_content(t, i)
        content = t.text[s:e]
        low = content.lower()
        if ("=" not in content and ":" not in content) or not any(h in low for h in _NAME_HINTS):
            continue
        inner = content.replace('\\"', ' "').replace("\\'", " '")  # same length: offsets stay valid
        for a, b in _secret_spans(inner, "data", nested=True):
            while b > a and content[b - 1] == "\\":  # the backslash of an escaped closing quote stays
                b -= 1
            spans.append((s + a, s + b))
    return spans


def redact_report(report: Any, known: Iterable[str] = ()) -> Any:
    """A copy of `report` (a Report, or any dataclass / list / dict tree of plain data) in which every
    string went through `redact_text`: evidence snippets read with their file's mode, the `known`
    secret values masked everywhere. Enum members, numbers and dict keys are kept as they are."""
    values = tuple(sorted({v for v in known if isinstance(v, str) and _worth_masking_everywhere(v)},
                          key=len, reverse=True))
    return _redact_tree(report, values, "")


def _worth_masking_everywhere(value: str) -> bool:
    """A known secret value masked across the whole report: not a plain word. `postgres`, `wagtail`,
    `False` as a password default are masked where they are assigned (by pattern), but masking every
    `postgresql://` or `wagtail.admin` of the report would make it unreadable and hide nothing."""
    v = value.strip()
    return len(v) >= _MIN_GLOBAL and v != MASK and not _PLAIN_WORD.fullmatch(v)


def _redact_tree(obj: Any, known: tuple[str, ...], path: str) -> Any:
    if type(obj) is str:
        return redact_text(obj, path, known)
    if obj is None or isinstance(obj, Enum | int | float | bool):
        return obj
    if isinstance(obj, str):  # report text with parts (findings.Message) redacts its parts itself
        parts = getattr(obj, "redacted", None)
        return parts(lambda s: redact_text(s, path, known)) if parts else redact_text(str(obj), path, known)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        own = getattr(obj, "path", path) if hasattr(obj, "snippet") else path
        changes = {f.name: _redact_tree(getattr(obj, f.name), known, own if f.name == "snippet" else "")
                   for f in dataclasses.fields(obj)}
        changed = {k: v for k, v in changes.items() if v is not getattr(obj, k)}
        return dataclasses.replace(obj, **changed) if changed else obj
    if isinstance(obj, list):
        return [_redact_tree(v, known, path) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_redact_tree(v, known, path) for v in obj)
    if isinstance(obj, dict):
        return {k: _redact_tree(v, known, path) for k, v in obj.items()}
    return obj
