"""How archaudit recognises the files it wrote itself, from their first bytes.

Two uses: an existing output file is replaced without --force only when archaudit wrote it (cli), and
a report written inside the audited tree is never audited by the next run (run.read_tree lists it as
skipped instead). Every renderer writes one of these marks near its start; a Markdown heading alone
is not enough (a person may title a document so), the "archaudit" of the generated-by line must
follow it.
"""

from __future__ import annotations

HEAD = 400  # bytes read to recognise a file

_MARKS = (
    b'"tool": {\n    "name": "archaudit"',  # JSON report
    b'"driver": {\n          "name": "archaudit"',  # SARIF
    b'<meta name="generator" content="archaudit ',  # HTML report and architecture document
    b"archaudit summary:",  # the terminal summary
    b"::debug::archaudit ",  # GitHub workflow commands
    b'<testsuites name="archaudit"',  # JUnit XML
    b'"engine_name": "archaudit"',  # GitLab Code Quality
)
_HEADINGS = (b"# Architecture audit:", b"# Audit d'architecture :", b"# Architecture document:",
             b"# Document d'architecture :")


def written_by_archaudit(head: bytes) -> bool:
    """True when these first bytes (HEAD of them) are those of a file archaudit wrote."""
    head = head[:HEAD]
    if any(mark in head for mark in _MARKS):
        return True
    return head.lstrip(b"\xef\xbb\xbf").startswith(_HEADINGS) and b"archaudit " in head
