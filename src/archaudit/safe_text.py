"""Text that can always be written: lone surrogates replaced by U+FFFD; integers that can always be
printed (`wide_int`).

Repository text can carry lone surrogates even though every file is decoded strictly: escape
sequences in literals (`"\\udcff"` in Python, `"\\ud800"` in JSON) decode to them, and the OS
hands over undecodable file names surrogate-escaped. UTF-8 cannot encode them, so every output
(report files, stdout, hashes) passes through here instead of failing on the first one.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD (the same object when there is none)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def utf8(text: str) -> bytes:
    """UTF-8 bytes of any text (lone surrogates as U+FFFD), for hashes and files."""
    return encodable(text).encode("utf-8")


MAX_INT_BITS = 1024  # ~308 digits: wider integer literals are kept as a description, never as a number


def wide_int(value: object) -> bool:
    """True for an integer literal too wide to keep: `str()` of one past 4,300 digits raises, and
    even below that its text would be an unreadable cell. Repositories do write them (hex blobs)."""
    return type(value) is int and value.bit_length() > MAX_INT_BITS
