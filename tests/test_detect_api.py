"""API surface: endpoints of FastAPI, Flask and Django fixture repositories, with full paths,
guards and evidence."""

from __future__ import annotations

from pathlib import Path

from archaudit.detect.api.section import api_inventory, find_endpoints, section
from tests.conftest import FIXTURES, repo_of, write_tree


def _rows(name: str) -> set[tuple[str, str, str, bool | None, str]]:
    repo = repo_of(FIXTURES / "repos" / name)
    return {(e.method, e.path, e.handler, e.auth, e.ref) for e in find_endpoints(repo)}


def test_fastapi_prefixes_compose_across_modules_and_settings() -> None:
    assert _rows("api_fastapi") == {
        ("GET", "/api/v1/admin/stats", "stats", True, "app/api/routes/admin.py:8"),
        ("POST", "/api/v1/admin/stats", "stats", True, "app/api/routes/admin.py:8"),
        ("GET", "/api/v1/items/", "read_items", True, "app/api/routes/items.py:9"),
        ("POST", "/api/v1/items/public", "public_item", False, "app/api/routes/items.py:19"),
        ("GET", "/api/v1/items/{item_id}", "read_item", True, "app/api/routes/items.py:14"),
        ("POST", "/api/v1/login/access-token", "login_access_token", False, "app/api/routes/login.py:6"),
        ("GET", "/health", "health", False, "app/main.py:10"),
    }


def test_fastapi_auth_evidence_response_model_and_version() -> None:
    repo = repo_of(FIXTURES / "repos" / "api_fastapi")
    by_handler = {e.handler: e for e in find_endpoints(repo)}
    assert by_handler["read_items"].auth_evidence == "Depends(get_current_user)"  # via CurrentUser alias
    assert by_handler["read_item"].auth_evidence == "Depends(get_item_owner)"  # transitive guard
    assert by_handler["stats"].auth_evidence == "Depends(deps.get_current_user)"  # router dependencies
    assert by_handler["read_items"].response_model == "list[ItemOut]"
    assert by_handler["read_item"].is_async is True
    assert (by_handler["read_item"].version, by_handler["health"].version) == ("v1", "")
    assert (by_handler["read_items"].handler_line, by_handler["read_items"].framework) == (10, "fastapi")


def test_flask_blueprints_methodview_and_spectree() -> None:
    assert _rows("api_flask") == {
        ("DELETE", "/admin/users/<int:user_id>", "UserAPI.delete", True, "pcapi/routes/views.py:20"),
        ("GET", "/admin/users/<int:user_id>", "UserAPI.get", True, "pcapi/routes/views.py:20"),
        ("GET", "/health", "health", False, "pcapi/app.py:21"),
        ("GET", "/public/offers", "list_offers", False, "pcapi/routes/public/offers.py:16"),
        ("POST", "/public/offers", "list_offers", False, "pcapi/routes/public/offers.py:16"),
        ("GET", "/public/offers/<int:offer_id>", "get_offer", True, "pcapi/routes/public/offers.py:9"),
        ("GET", "/v2/offers", "list_offers_v2", False, "pcapi/routes/public/offers.py:22"),
    }
    repo = repo_of(FIXTURES / "repos" / "api_flask")
    models = {e.handler: e.response_model for e in find_endpoints(repo)}
    assert models["get_offer"] == "OfferResponse"
    assert models["list_offers"] == "OffersResponse"
    assert repo.derived(api_inventory).notes == [
        "pcapi/app.py:12: register_blueprint(unknown_bp) could not be resolved to a router defined in the "
        "repository"]


def test_django_includes_drf_router_and_guards() -> None:
    assert _rows("api_django") == {
        ("ANY", "/", "home", False, "mysite/urls.py:10"),
        ("ANY", "/admin/", "admin.site.urls", True, "mysite/urls.py:7"),
        ("ANY", "/api/v1/catalog/", "PublicCatalogViewSet", False, "shop/urls.py:8"),
        ("GET", "/api/v1/ping/", "ping", True, "shop/urls.py:11"),
        ("ANY", "/api/v1/products/", "ProductViewSet", True, "shop/urls.py:7"),
        ("GET", "/blog/<int:pk>/edit/", "post_edit", True, "blog/urls.py:6"),
        ("POST", "/blog/<int:pk>/edit/", "post_edit", True, "blog/urls.py:6"),
        ("GET", "/blog/post/(?P<pk>\\d+)/", "PostView.get", False, "blog/urls.py:7"),
        ("POST", "/blog/post/(?P<pk>\\d+)/", "PostView.post", False, "blog/urls.py:7"),
    }


def test_section_table_facts_and_headline() -> None:
    sec = section(repo_of(FIXTURES / "repos" / "api_fastapi"))
    assert sec.key == "api"
    assert sec.headline == "7 endpoints (FastAPI), 4 routers, versions v1"
    rows = sec.tables[0].rows
    assert [(r["method"], r["path"]) for r in rows][:2] == [("GET", "/api/v1/admin/stats"),
                                                           ("POST", "/api/v1/admin/stats")]
    assert rows[2]["auth"] == "yes (Depends(get_current_user))"
    assert (rows[2]["file"], rows[2]["line"]) == ("app/api/routes/items.py", 9)
    texts = [f.text for f in sec.facts]
    assert "3 of 7 endpoints have no visible auth guard" in texts
    assert "Endpoints per version prefix: /v1 6" in texts


def test_no_guard_mechanism_means_not_determined(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.py": "from fastapi import FastAPI\napp = FastAPI()\n\n"
                                     "@app.get('/items')\ndef items():\n    return []\n"})
    repo = repo_of(tmp_path)
    [ep] = find_endpoints(repo)
    assert (ep.path, ep.auth, ep.line) == ("/items", None, 4)
    assert any("protected is not determined" in f.text for f in section(repo).facts)


def test_unmounted_router_and_dynamic_prefix_are_reported(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "routes.py": "from fastapi import APIRouter\nrouter = APIRouter(prefix='/r')\n\n"
                     "@router.get('/x')\ndef x():\n    return 1\n",
        "main.py": "from fastapi import FastAPI\nfrom routes import router\napp = FastAPI()\n"
                   "app.include_router(router, prefix=get_prefix())\n",
        "orphan.py": "from fastapi import APIRouter\nother = APIRouter()\n",
    })
    inv = repo_of(tmp_path).derived(api_inventory)
    assert [e.path for e in inv.endpoints] == ["/{get_prefix()}/r/x"]
    assert inv.notes == [
        "orphan.py:2: router `other` is never mounted by a call the audit could resolve; its endpoints are "
        "listed without an outer prefix",
        "routes.py:4: path /{get_prefix()}/r/x is partly computed at run time (shown as {expression})",
    ]


def test_router_factory_and_broken_input(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "api.py": "from fastapi import APIRouter\n\ndef create_router():\n    router = APIRouter()\n\n"
                  "    @router.get('/health')\n    async def health():\n        return {}\n\n"
                  "    return router\n",
        "main.py": "from fastapi import FastAPI\nfrom api import create_router\napp = FastAPI()\n"
                   "app.include_router(create_router(), prefix='/api/v1')\n",
        "broken.py": "@app.get('/x'\ndef f(:\n",
    })
    [ep] = find_endpoints(repo_of(tmp_path))
    assert (ep.path, ep.handler, ep.router, ep.is_async) == (
        "/api/v1/health", "create_router.health", "router", True)


def test_add_api_route_websocket_security_and_inline_annotated(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.py": (
        "from typing import Annotated\n"
        "from fastapi import APIRouter, Depends, FastAPI, Security\n"
        "app = FastAPI()\n"
        "router = APIRouter(prefix='/v2')\n\n"
        "def list_things():\n    return []\n\n"
        "router.add_api_route('/things', list_things, methods=['GET', 'HEAD'])\n\n"
        "@router.websocket('/ws')\nasync def ws(user=Security(scopes_check)):\n    pass\n\n"
        "@router.get('/me')\ndef me(user: Annotated[dict, Depends(get_current_user)]):\n    return user\n\n"
        "@router.get('/data')\ndef data(svc=Depends(get_user_service)):\n    return 1\n\n"
        "app.include_router(router, prefix='/api')\n")})
    got = {(e.method, e.path, e.handler, e.auth, e.auth_evidence, e.line)
           for e in find_endpoints(repo_of(tmp_path))}
    assert got == {
        ("GET", "/api/v2/things", "list_things", False, "", 9),
        ("HEAD", "/api/v2/things", "list_things", False, "", 9),
        ("WS", "/api/v2/ws", "ws", True, "Security(scopes_check)", 11),
        ("GET", "/api/v2/me", "me", True, "Depends(get_current_user)", 15),
        ("GET", "/api/v2/data", "data", False, "", 19),
    }


_INLINE_URLS = '''from django.urls import include, path

from conf import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path(
        "event/<slug:event>/",
        include(
            [
                path("", views.EventDashboard.as_view(), name="event.dashboard"),
                path("delete", views.EventDelete.as_view(), name="event.delete"),
                path(
                    "mails/<int:pk>/",
                    include([path("delete", views.MailDelete.as_view(), name="mail.delete")]),
                ),
            ]
        ),
    ),
    path("locale/set", views.LocaleSet.as_view(), name="locale.set_global"),
]
'''
_INLINE_VIEWS = '''from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import TemplateView, View

from conf.mixins import PermissionRequired


class LoginView(TemplateView):
    template_name = "login.html"


class EventDashboard(PermissionRequired, TemplateView):
    permission_required = "event.view"


class EventDelete(PermissionRequired, View):
    def post(self, request, *args, **kwargs):
        return None


class TeamMixin(PermissionRequired):
    permission_required = "event.update_team"


class MailDelete(TeamMixin, View):
    def post(self, request, *args, **kwargs):
        return None


class LocaleSet(View):
    def get(self, request, *args, **kwargs):
        return None
'''


def test_django_inline_include_lists_prefix_nested_paths_and_guards_are_inherited(tmp_path: Path) -> None:
    """`path("event/<slug>/", include([...]))` prefixes every path written inside the list (nested
    lists too), and a guard mixin inherited through the project's own base classes counts."""
    repo = repo_of(write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "conf"\ndependencies = ["django"]\n',
        "conf/__init__.py": "", "conf/urls.py": _INLINE_URLS, "conf/views.py": _INLINE_VIEWS,
        "conf/mixins.py": "from django.contrib.auth.mixins import PermissionRequiredMixin\n\n\n"
                          "class PermissionRequired(PermissionRequiredMixin):\n    raise_exception = True\n",
    }))
    rows = {(e.method, e.path, e.handler, e.auth, e.ref) for e in find_endpoints(repo)}
    assert rows == {
        ("ANY", "/login/", "LoginView", False, "conf/urls.py:6"),
        ("ANY", "/event/<slug:event>/", "EventDashboard", True, "conf/urls.py:11"),
        ("POST", "/event/<slug:event>/delete", "EventDelete.post", True, "conf/urls.py:12"),
        ("POST", "/event/<slug:event>/mails/<int:pk>/delete", "MailDelete.post", True, "conf/urls.py:15"),
        ("GET", "/locale/set", "LocaleSet.get", False, "conf/urls.py:20"),
    }
    assert repo.derived(api_inventory).notes == []


def test_flask_appbuilder_views_registered_classes_prefixes_builtins_and_guards() -> None:
    """ModelRestApi built-ins kept by include_route_methods (resolved through a constants class),
    custom @expose methods (one filtered out by include_route_methods), resource_name/version,
    route_base, an inherited @expose and an unregistered view."""
    repo = repo_of(FIXTURES / "repos" / "api_fab")
    fab = [e for e in find_endpoints(repo) if e.framework == "flask-appbuilder"]
    assert {(e.method, e.path, e.handler, e.auth, e.ref) for e in fab} == {
        ("GET", "/api/v1/contact/", "ContactApi.get_list", True, "app/api.py:11"),
        ("GET", "/api/v1/contact/<int:pk>", "ContactApi.get", True, "app/api.py:11"),
        ("DELETE", "/api/v1/contact/<pk>", "ContactApi.delete", True, "app/api.py:11"),
        ("GET", "/api/v1/contact/export/", "ContactApi.export", True, "app/api.py:13"),
        ("GET", "/api/v2/greeting/hello", "GreetingApi.hello", True, "app/api.py:28"),
        ("POST", "/api/v2/greeting/hello", "GreetingApi.hello", True, "app/api.py:28"),
        ("POST", "/reports/delete/<int:pk>", "ReportView.delete", False, "app/views.py:18"),
        ("GET", "/reports/list/", "ReportView.list", True, "app/views.py:13"),
        ("GET", "/reports/ping", "BaseAppView.ping", False, "app/views.py:5"),
    }
    by_key = {(e.method, e.path): e for e in fab}
    export = by_key[("GET", "/api/v1/contact/export/")]
    assert (export.auth_evidence, export.handler_file, export.handler_line, export.router, export.version) == (
        "@protect()", "app/api.py", 15, "ContactApi", "v1")
    builtin = by_key[("GET", "/api/v1/contact/")]
    assert (builtin.auth_evidence, builtin.handler_file, builtin.handler_line) == (
        "@protect() (FAB ModelRestApi)", "", 0)
    assert by_key[("GET", "/reports/list/")].auth_evidence == "@has_access"
    assert by_key[("GET", "/api/v2/greeting/hello")].version == "v2"
    assert repo.derived(api_inventory).notes == [
        "app/views.py:24: 1 Flask-AppBuilder view method(s) of classes no add_view/add_view_no_menu/add_api call "
        "registers (base classes, or views registered in a way the audit cannot follow) in 1 file(s) are not "
        "mapped to endpoints"]


def test_flask_appbuilder_unregistered_unresolved_and_other_frameworks_are_noted(tmp_path: Path) -> None:
    """Nothing registered: no endpoint is invented; a computed include_route_methods, an unresolvable
    registration and Flask-Admin's @expose are each said not mapped."""
    repo = repo_of(write_tree(tmp_path, {
        "requirements.txt": "flask-appbuilder==4.5\n",
        "app/__init__.py": "",
        "app/charts/api.py": "from flask_appbuilder.api import BaseApi, expose\n\n\nclass ChartRestApi(BaseApi):\n"
                             "    include_route_methods = load_methods()\n\n"
                             "    @expose('/<pk>', methods=('GET',))\n    def get(self, pk):\n        return pk\n",
        "app/init.py": "from app.charts.api import ChartRestApi\n\n\ndef init(appbuilder, apis):\n"
                       "    appbuilder.add_api(ChartRestApi)\n    for api in apis:\n        appbuilder.add_api(api)\n",
        "app/admin.py": "from flask_admin import BaseView, expose\n\n\nclass Stats(BaseView):\n"
                        "    @expose('/')\n    def index(self):\n        return 'ok'\n",
    }))
    assert find_endpoints(repo) == []
    assert repo.derived(api_inventory).notes == [
        "app/admin.py:5: 1 @expose class-view method(s) of a framework other than Flask-AppBuilder (e.g. "
        "Flask-Admin) in 1 file(s) are not mapped to endpoints",
        "app/charts/api.py:4: Flask-AppBuilder view `ChartRestApi`: routes not listed "
        "(include/exclude_route_methods is not a constant)",
        "app/init.py:7: appbuilder.add_api(api) could not be resolved to a view class of the repository; its "
        "routes are not listed",
    ]


def test_django_apps_on_sys_path_and_named_pattern_lists(tmp_path: Path) -> None:
    """`include('tasks.urls')` names `project/tasks/urls.py` (apps folder on sys.path), and
    `include((_api_urlpatterns, app_name), namespace=...)` / `include(_urlpatterns)` prefix the
    entries of those module-level lists instead of serving them at the root."""
    repo = repo_of(write_tree(tmp_path, {
        "project/__init__.py": "", "project/manage.py": "",
        "project/core/__init__.py": "",
        "project/core/urls.py": (
            "from django.urls import include, re_path\n\n"
            "urlpatterns = [\n    re_path(r'^', include('tasks.urls')),\n"
            "    re_path(r'^', include('projects.urls')),\n]\n"),
        "project/tasks/__init__.py": "", "project/projects/__init__.py": "",
        "project/tasks/views.py": "class TaskAPI:\n    def get(self, request, pk):\n        return None\n",
        "project/projects/views.py": "class ProjectAPI:\n    def get(self, request, pk):\n        return None\n",
        "project/tasks/urls.py": (
            "from django.urls import include, path\n\nfrom . import views\n\napp_name = 'tasks'\n\n"
            "_api_urlpatterns = [\n    path('<int:pk>/', views.TaskAPI.as_view()),\n]\n\n"
            "urlpatterns = [\n    path('api/tasks/', include((_api_urlpatterns, app_name), namespace='api')),\n]\n"),
        "project/projects/urls.py": (
            "from django.urls import include, path\n\nfrom . import views\n\n"
            "_urlpatterns = [\n    path('<int:pk>/', views.ProjectAPI.as_view()),\n]\n\n"
            "urlpatterns = [\n    path('api/projects/', include(_urlpatterns)),\n]\n"),
    }))
    got = sorted((e.method, e.path, e.handler) for e in find_endpoints(repo))
    assert got == [("GET", "/api/projects/<int:pk>/", "ProjectAPI.get"), ("GET", "/api/tasks/<int:pk>/", "TaskAPI.get")]
