"""Flask-AppBuilder endpoints: class-based views (BaseView/ModelView) and REST APIs (BaseApi/ModelRestApi)
registered with `appbuilder.add_view/add_view_no_menu/add_api`, one endpoint per `@expose(url, methods)`
method FAB registers, plus the built-in ModelRestApi/ModelView routes the class keeps.

FAB's rules (flask_appbuilder 4.3-5.x, baseviews.py and api/__init__.py): the blueprint prefix is
`route_base` when set, else "/" + class name lower-cased for views and
"/api/{version}/{resource_name}" for APIs (version "v1", resource_name the class name lower-cased);
a method is routed only if its name passes `include_route_methods` (when set) and is not in
`exclude_route_methods`; an override without `@expose` drops the inherited route.
"""

from __future__ import annotations

from archaudit.detect.api.endpoint import Endpoint, is_auth_name, new_endpoint, version_of
from archaudit.detect.api.fab_views import UNKNOWN, FabClass, attribute, fab_classes, methods_index
from archaudit.detect.api.routers import has_test_role, resolve_symbol
from archaudit.findings import Message
from archaudit.languages.python.facts import Decorator, FunctionFact, Value, expr_text
from archaudit.repo import Repo
from archaudit.resolve.python_index import calls_by_method

_REGISTER = ("add_api", "add_view", "add_view_no_menu")
_API_BASES = frozenset({"BaseApi", "ModelRestApi"})
_VIEW_BASES = frozenset({"AbstractViewApi", "BaseView", "BaseFormView", "BaseModelView", "BaseCRUDView", "ModelView"})
_GUARDS = frozenset({"protect", "has_access", "has_access_api", "login_required"})
_NOT_GUARDS = frozenset({"expose", "permission_name"})  # permission_name only renames the permission
# Built-in routes (method name, HTTP methods, url, guard), identical in flask_appbuilder 4.3 to 5.3.
_PROTECT = "@protect() (FAB ModelRestApi)"
_HAS_ACCESS = "@has_access (FAB ModelView)"
_IN_BODY = "sm.has_access in FAB's handler body"
_BUILTINS: dict[str, tuple[tuple[str, tuple[str, ...], str, str], ...]] = {
    "ModelRestApi": (("info", ("GET",), "/_info", _PROTECT), ("get", ("GET",), "/<int:pk>", _PROTECT),
                     ("get_list", ("GET",), "/", _PROTECT), ("post", ("POST",), "/", _PROTECT),
                     ("put", ("PUT",), "/<pk>", _PROTECT), ("delete", ("DELETE",), "/<pk>", _PROTECT)),
    "ModelView": (("list", ("GET",), "/list/", _HAS_ACCESS), ("show", ("GET",), "/show/<pk>", _HAS_ACCESS),
                  ("add", ("GET", "POST"), "/add", _HAS_ACCESS), ("edit", ("GET", "POST"), "/edit/<pk>", _HAS_ACCESS),
                  ("delete", ("GET", "POST"), "/delete/<pk>", _HAS_ACCESS),
                  ("download", ("GET",), "/download/<string:filename>", _HAS_ACCESS),
                  ("action", ("GET", "POST"), "/action/<string:name>/<pk>", _IN_BODY),
                  ("action_post", ("POST",), "/action_post", _IN_BODY)),
}


def fab_endpoints(repo: Repo) -> tuple[list[Endpoint], list[str]]:
    """Endpoints of the registered FAB classes (auth True with evidence, or None when no guard is
    visible: the caller decides between False and "not determined"), and notes on what is not mapped."""
    classes = repo.derived(fab_classes)
    if not classes:
        return [], _unmapped(repo, set(), set())
    registered, notes = _registered(repo, classes)
    out: list[Endpoint] = []
    seen: set[tuple[str, int]] = set()  # (file, line) of @expose lines of registered classes and their bases
    for key in sorted(registered):
        eps, note = _class_endpoints(repo, classes[key], seen)
        out += eps
        notes += [note] if note else []
    return out, notes + _unmapped(repo, seen, set(classes))


def _registered(repo: Repo, classes: dict[tuple[str, str], FabClass]) -> tuple[set[tuple[str, str]], list[str]]:
    """Classes passed to add_view/add_view_no_menu/add_api (a class or an instance), and the calls on an
    `appbuilder` object whose argument could not be resolved."""
    index = repo.derived(calls_by_method)
    found: set[tuple[str, str]] = set()
    notes: list[str] = []
    for method in _REGISTER:
        for path, call, _ in index.get(method, ()):
            if has_test_role(repo, path):
                continue
            arg = call["args"][0] if call["args"] else call["kwargs"].get("baseview")
            text = expr_text(arg).split("(", 1)[0]
            target = resolve_symbol(repo, path, text) if text else None
            if target in classes:
                found.add(target)  # type: ignore[arg-type]
            elif target is None and "appbuilder" in call["name"].lower():
                notes.append(Message("{path}:{line}: {name}({value}) could not be resolved to a view class of the "
                                     "repository; its routes are not listed",
                                     path=path, line=call['line'], name=call['name'], value=text or '?'))
    return found, notes


def _prefix(repo: Repo, cls: FabClass) -> tuple[str, str, int] | str:
    """(blueprint prefix, file, line of the attribute deciding it) or the reason it is not determined."""
    name = cls.fact["name"]
    route_base, file, line = attribute(repo, cls, "route_base")
    if route_base is UNKNOWN:
        return "route_base is not a constant"
    if isinstance(route_base, str):
        return route_base, file, line
    if not _API_BASES & set(cls.fab_bases):
        return "/" + name.lower(), cls.file, cls.fact["line"]
    version = attribute(repo, cls, "version")[0]
    resource, rfile, rline = attribute(repo, cls, "resource_name")
    if version is UNKNOWN or resource is UNKNOWN:
        return "version or resource_name is not a constant"
    version = "v1" if version is None else version
    resource = resource if isinstance(resource, str) else name
    return f"/api/{version}/{resource.lower()}", rfile or cls.file, rline or cls.fact["line"]


def _class_endpoints(repo: Repo, cls: FabClass, seen: set[tuple[str, int]]) -> tuple[list[Endpoint], str]:
    """Endpoints of one registered class, or a note saying why they cannot be listed."""
    name = cls.fact["name"]
    where = f"{cls.file}:{cls.fact['line']}: Flask-AppBuilder view `{name}`"
    methods: dict[str, tuple[str, FunctionFact]] = {}
    index = repo.derived(methods_index)
    for key in reversed(cls.ancestors):  # the first class of the MRO wins; overridden exposes are not served
        methods.update({m: (key[0], fn) for m, fn in index.get(key, {}).items()})
        seen.update((key[0], d["line"]) for fn in index.get(key, {}).values() for d in fn["decorators"]
                    if d["name"].rsplit(".", 1)[-1] == "expose")
    unknown = sorted(set(cls.fab_bases) - _API_BASES - _VIEW_BASES)
    if unknown:
        return [], f"{where} derives from FAB's {', '.join(unknown)}, whose own routes and prefix are not mapped"
    prefix = _prefix(repo, cls)
    include, ifile, iline = attribute(repo, cls, "include_route_methods")
    exclude = attribute(repo, cls, "exclude_route_methods")[0]
    if isinstance(prefix, str) or include is UNKNOWN or exclude is UNKNOWN:
        reason = prefix if isinstance(prefix, str) else "include/exclude_route_methods is not a constant"
        return [], f"{where}: routes not listed ({reason})"
    base, _, _ = prefix

    def served(method: str) -> bool:  # FAB's test, `in` on a set or (sic) on a string
        return (include is None or method in include) and not (exclude and method in exclude)  # type: ignore[operator]

    guard = next((f"@{d['name']}" for d in cls.fact["decorators"] if _is_guard(d)), "")
    out: list[Endpoint] = []
    for mname, (file, fn) in sorted(methods.items()):
        exposes = [d for d in fn["decorators"] if d["name"].rsplit(".", 1)[-1] == "expose"]
        if not exposes or not served(mname):
            continue
        evidence = guard or next((f"@{d['name']}" + ("()" if d["call"] else "") for d in fn["decorators"]
                                  if _is_guard(d)), "")
        for d in exposes:
            path = _join(base, _url(d))
            out += [new_endpoint(m, path, fn["qualname"], file, d["line"], file, fn["line"], "flask-appbuilder",
                                 name, True if evidence else None, evidence, "", False, version_of(path))
                    for m in _http_methods(d)]
    for fab in cls.fab_bases:
        for mname, verbs, url, evidence in _BUILTINS.get(fab, ()):
            if mname in methods or not served(mname):
                continue
            path = _join(base, url)
            file, line = (ifile, iline) if include is not None else (cls.file, cls.fact["line"])
            out += [new_endpoint(m, path, f"{name}.{mname}", file, line, "", 0, "flask-appbuilder", name, True,
                                 evidence, "", False, version_of(path)) for m in verbs]
    return out, ""


def _is_guard(d: Decorator) -> bool:
    last = d["name"].rsplit(".", 1)[-1]
    return last not in _NOT_GUARDS and (last in _GUARDS or is_auth_name(d["name"]))


def _url(d: Decorator) -> str:
    value: Value = d["args"][0] if d["args"] else d["kwargs"].get("url", "/")
    return value if isinstance(value, str) else "{" + (expr_text(value) or "?") + "}"


def _http_methods(d: Decorator) -> tuple[str, ...]:
    value = d["args"][1] if len(d["args"]) > 1 else d["kwargs"].get("methods")
    if value is None:
        return ("GET",)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(sorted({v.upper() for v in value}))
    return ("ANY",)


def _join(prefix: str, rule: str) -> str:
    """Flask's Blueprint rule joining: prefix without its trailing slash + "/" + rule without its leading one."""
    path = "/".join((prefix.rstrip("/"), rule.lstrip("/"))) if rule else prefix
    return path if path.startswith("/") else "/" + path


def _unmapped(repo: Repo, seen: set[tuple[str, int]], fab: set[tuple[str, str]]) -> list[str]:
    """Notes counting the `@expose` methods left out: FAB classes never registered (base classes,
    views registered in ways the audit cannot follow) and other frameworks' class views (Flask-Admin)."""
    groups: dict[str, list[tuple[str, int]]] = {"fab": [], "other": []}
    for path, facts in repo.python_items():
        if has_test_role(repo, path):
            continue
        for fn in facts["functions"]:
            for d in fn["decorators"]:
                if fn["cls"] and d["name"].rsplit(".", 1)[-1] == "expose" and (path, d["line"]) not in seen:
                    groups["fab" if (path, fn["cls"]) in fab else "other"].append((path, d["line"]))
    out: list[str] = []
    for kind, refs in groups.items():
        if refs:
            file, line = min(refs)
            place, n, files = f"{file}:{line}", len(refs), len({r[0] for r in refs})
            text = (Message("{n} Flask-AppBuilder view method(s) of classes no add_view/add_view_no_menu/add_api "
                            "call registers (base classes, or views registered in a way the audit cannot follow) in "
                            "{files} file(s) are not mapped to endpoints", n=n, files=files) if kind == "fab" else
                    Message("{n} @expose class-view method(s) of a framework other than Flask-AppBuilder (e.g. "
                            "Flask-Admin) in {files} file(s) are not mapped to endpoints", n=n, files=files))
            out.append(Message("{place}: {text}", place=place, text=text))
    return out
