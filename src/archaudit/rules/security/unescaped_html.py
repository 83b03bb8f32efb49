"""SEC110 unescaped-html-from-data."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import PYTHON, TYPESCRIPT, Rule
from archaudit.rules.security._sinks import CODE, hit, python_calls, python_input, ts_input, ts_sinks

_MARKERS = ("django.utils.safestring.mark_safe", "django.utils.safestring.SafeString",
            "django.utils.safestring.SafeText", "django.utils.html.mark_safe", "markupsafe.Markup", "flask.Markup",
            "jinja2.Markup")
# calls whose result is escaped or sanitised HTML (or rendered by an auto-escaping template)
_ESCAPING = frozenset({"escape", "conditional_escape", "format_html", "format_html_join", "strip_tags", "clean",
                       "json_script", "render_to_string", "render", "urlencode", "quote", "escapejs", "sanitize",
                       "int", "len", "reverse", "static",
                       "_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "pgettext", "ngettext"})
_FACT = Message("the HTML comes from the request")


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at HTML marked as safe so the template does not escape it: `mark_safe()`,
    `SafeString()`, `Markup()`; in TSX/JSX `dangerouslySetInnerHTML={{ __html: ... }}`. Constant
    markup, and pieces passed through `escape()`/`format_html()`/`bleach.clean()` or rendered by
    an auto-escaping template, are silent. The value is followed one step: request data is a
    finding (reflected XSS); data whose source is not established (a model field, a helper's
    parameter) is reported as not determined. Template filters (`|safe`) are not read."""
    for path, call, name in python_calls(repo, *_MARKERS):
        found = python_input(repo, path, call, call["name"].rsplit(".", 1)[-1], 0, ("s", "base", "object"),
                             safe=_ESCAPING)
        if found is None or found.state == CODE:
            continue
        yield hit(path, call["line"], Message("{value}() marks {what} as safe HTML: it is sent to the browser "
                                              "unescaped.",
                                              value=name.rsplit('.', 1)[-1], what=found.what), found, _FACT, key=name)
    for path, s in ts_sinks(repo, "html"):
        found = ts_input(s)
        if found.state == CODE:
            continue
        yield hit(path, s["line"], Message("dangerouslySetInnerHTML renders {what} unescaped.",
                                           what=found.what), found, _FACT,
                  key="dangerouslySetInnerHTML")


RULE = Rule(
    id="SEC110",
    name="unescaped-html-from-data",
    axis=Axis.SECURITY,
    severity=Severity.HIGH,
    title="Request data rendered as unescaped HTML",
    impact="A script in the data runs in every visitor's browser with their session (cross-site scripting).",
    action="Let the template escape the value, build markup with format_html()/escape(), or sanitise it with an "
           "allow-list sanitiser (bleach, DOMPurify) before marking it safe.",
    check=check,
    languages=PYTHON | TYPESCRIPT,
    example_bad='return HttpResponse(mark_safe(f"<p>{request.GET[\'q\']}</p>"))',
    example_good='return HttpResponse(format_html("<p>{}</p>", request.GET["q"]))',
)
