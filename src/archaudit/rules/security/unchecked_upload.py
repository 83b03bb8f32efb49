"""SEC009 upload-without-validation."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule
from archaudit.rules.observability._signals import names_matching
from archaudit.rules.security._uploads import login_and_upload_endpoints

# Identifiers that show some check of an upload's type or size somewhere in application code.
_VALIDATION = ("content_type", "mimetype", "mime_type", "content_length", "max_content_length", "allowed_ext",
               "allowed_type", "allowed_mime", "max_upload", "max_file_size", "file_size", "filesize", "splitext",
               "guess_type", "filetype", "magic", "imghdr", "secure_filename", "validate_file", "validate_upload",
               "check_file", "max_size", "size_limit", "upload_limit")


def check(repo: Repo) -> Iterator[Hit]:
    """Reads upload endpoints (UploadFile / FileStorage parameters, request.files) from the endpoint
    inventory and reports each one when no application module anywhere reads a content type, a size
    or a filename extension (content_type, mimetype, MAX_CONTENT_LENGTH, splitext, python-magic,
    secure_filename, ALLOWED_EXTENSIONS...). Any such check anywhere silences the rule."""
    uploads = [e for e, kind in login_and_upload_endpoints(repo) if kind == "upload"]
    if not uploads or names_matching(repo, *_VALIDATION):
        return
    for e in uploads:
        yield Hit(e.file, e.line, Message("{method} {path} accepts files, and no code checks an upload's type or "
                                          "size.",
                                          method=e.method, path=e.path),
                  key=f"{e.method} {e.path}")


RULE = Rule(
    id="SEC009",
    name="upload-without-validation",
    axis=Axis.SECURITY,
    severity=Severity.LOW,
    title="File uploads accepted without type or size checks",
    impact="Any file of any size is accepted: disk or memory exhaustion, stored malicious content served "
           "back to users, files that crash downstream parsers.",
    action="Check the declared and sniffed content type against an allow-list, cap the size (server limit "
           "and in the handler), and sanitise the filename before storing.",
    check=check,
    example_bad='@router.post("/avatar")\nasync def upload(file: UploadFile):\n'
                '    open(f"media/{file.filename}", "wb").write(await file.read())',
    example_good='if file.content_type not in {"image/png", "image/jpeg"} or file.size > 2_000_000:\n'
                 '    raise HTTPException(415)',
)
