"""CFG103 django-admin-default-url."""

from __future__ import annotations

from collections.abc import Iterator

from archaudit.findings import Axis, Hit, Message, Severity
from archaudit.languages.python.facts import expr_text
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_named
from archaudit.rules.base import Rule

_ROUTES = ("django.urls.path", "django.urls.re_path", "django.conf.urls.url", "django.urls.conf.path")
_DEFAULT = frozenset({"admin/", "^admin/", "^admin", "admin"})


def check(repo: Repo) -> Iterator[Hit]:
    """Looks at URL patterns (`path`, `re_path`, `url` from Django) outside tests that mount
    `admin.site.urls` at the default prefix `admin/`."""
    for path, call, _ in calls_named(repo, *_ROUTES):
        if repo.by_path[path].role == "test" or len(call["args"]) < 2:
            continue
        prefix, target = call["args"][0], expr_text(call["args"][1])
        if isinstance(prefix, str) and prefix in _DEFAULT and target.endswith("admin.site.urls"):
            yield Hit(path, call["line"], Message("The Django admin is served at the default URL /{value}.",
                                                  value=prefix.strip('^')),
                      key="admin default url")


RULE = Rule(
    id="CFG103",
    name="django-admin-default-url",
    axis=Axis.CONFIG_SECURITY,
    severity=Severity.LOW,
    title="The Django admin is served at its default URL",
    impact="/admin/ is the first path every scanner tries: the login form of the most privileged interface "
           "is found without effort and receives the brute-force and credential-stuffing traffic.",
    action="Mount the admin under a path of your own (from a setting), and restrict it (VPN, IP allow-list at "
           "the proxy, or 2FA) if it must stay reachable.",
    check=check,
    example_bad='urlpatterns = [path("admin/", admin.site.urls)]',
    example_good='urlpatterns = [path(settings.ADMIN_URL, admin.site.urls)]',
)
