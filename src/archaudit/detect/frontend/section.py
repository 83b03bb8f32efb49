"""Section "Front ends": the stack of each front-end package, read from its package.json (evidence
at the dependency's line), its tsconfig (strictness followed through "extends") and its code
(circuit breakers, request-id headers), plus the front/back API contract check (`contract.py`).

A category with no declared library is stated as absent for that app ("no i18n library declared"),
which is a verifiable fact about the manifest, not a guess about the code.
"""

from __future__ import annotations

from archaudit.detect.frontend.contract import contract_tables
from archaudit.detect.frontend.packages import FRAMEWORKS, front_packages
from archaudit.findings import Evidence, Message
from archaudit.model import Fact, Section, Table
from archaudit.repo import Repo
from archaudit.resolve.typescript_index import JsPackage, dep_line, package_of, ts_facts, tsconfig_options

CATEGORIES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        Message("build tool"),
        (
            ("vite", "Vite"),
            ("next", "Next.js"),
            ("webpack", "webpack"),
            ("react-scripts", "Create React App"),
            ("@angular/cli", "Angular CLI"),
            ("parcel", "Parcel"),
            ("esbuild", "esbuild"),
            ("rollup", "Rollup"),
            ("@sveltejs/kit", "SvelteKit"),
            ("nuxt", "Nuxt"),
        ),
    ),
    (
        Message("state management"),
        (
            ("@reduxjs/toolkit", "Redux Toolkit"),
            ("redux", "Redux"),
            ("zustand", "Zustand"),
            ("mobx", "MobX"),
            ("recoil", "Recoil"),
            ("jotai", "Jotai"),
            ("pinia", "Pinia"),
            ("vuex", "Vuex"),
            ("@ngrx/store", "NgRx"),
            ("@tanstack/react-query", "TanStack Query"),
            ("swr", "SWR"),
        ),
    ),
    (
        Message("forms and validation"),
        (
            ("react-hook-form", "React Hook Form"),
            ("formik", "Formik"),
            ("yup", "Yup"),
            ("zod", "Zod"),
            ("vee-validate", "VeeValidate"),
            ("joi", "Joi"),
        ),
    ),
    (
        Message("HTTP client"),
        (
            ("axios", "axios"),
            ("ky", "ky"),
            ("ofetch", "ofetch"),
            ("@apollo/client", "Apollo Client"),
            ("graphql-request", "graphql-request"),
            ("@angular/common", "Angular HttpClient"),
        ),
    ),
    (
        Message("resilience"),
        (
            ("axios-retry", "axios-retry"),
            ("opossum", "opossum (circuit breaker)"),
            ("cockatiel", "cockatiel"),
            ("p-retry", "p-retry"),
            ("retry-axios", "retry-axios"),
        ),
    ),
    (
        Message("generated API client"),
        (
            ("openapi-typescript-codegen", "openapi-typescript-codegen"),
            ("orval", "orval"),
            ("@openapitools/openapi-generator-cli", "openapi-generator-cli"),
            ("openapi-typescript", "openapi-typescript"),
            ("@hey-api/openapi-ts", "openapi-ts"),
            ("swagger-typescript-api", "swagger-typescript-api"),
        ),
    ),
    (
        Message("i18n"),
        (
            ("react-i18next", "react-i18next"),
            ("i18next", "i18next"),
            ("react-intl", "react-intl"),
            ("vue-i18n", "vue-i18n"),
            ("next-intl", "next-intl"),
            ("next-i18next", "next-i18next"),
            ("@lingui/react", "Lingui"),
            ("svelte-i18n", "svelte-i18n"),
            ("@ngx-translate/core", "ngx-translate"),
        ),
    ),
    (
        Message("tests"),
        (
            ("vitest", "Vitest"),
            ("jest", "Jest"),
            ("cypress", "Cypress"),
            ("@playwright/test", "Playwright"),
            ("@storybook/react", "Storybook"),
            ("storybook", "Storybook"),
            ("@storybook/vue3", "Storybook"),
            ("@testing-library/react", "Testing Library"),
            ("@testing-library/vue", "Testing Library"),
            ("msw", "MSW (API mocks)"),
        ),
    ),
    (
        Message("lint and format"),
        (("eslint", "ESLint"), ("prettier", "Prettier"), ("stylelint", "Stylelint"), ("@biomejs/biome", "Biome")),
    ),
    (
        Message("accessibility"),
        (
            ("eslint-plugin-jsx-a11y", "eslint-plugin-jsx-a11y"),
            ("axe-core", "axe-core"),
            ("@axe-core/react", "@axe-core/react"),
            ("jest-axe", "jest-axe"),
            ("cypress-axe", "cypress-axe"),
            ("@axe-core/playwright", "@axe-core/playwright"),
            ("@storybook/addon-a11y", "Storybook a11y"),
            ("eslint-plugin-vuejs-accessibility", "eslint-plugin-vuejs-accessibility"),
        ),
    ),
)
_GENERATORS = (
    "openapi-typescript-codegen",
    "orval",
    "openapi-generator-cli",
    "openapi-typescript",
    "openapi-ts",
    "swagger-typescript-api",
    "openapi-generator",
)
_REQUEST_ID = ("x-request-id", "x-correlation-id", "x-trace-id")


def _dep_line(repo: Repo, pkg: JsPackage, dep: str) -> int:
    return dep_line(repo, pkg.manifest, dep)


def _strictness(repo: Repo, pkg: JsPackage) -> tuple[str, Evidence]:
    tsconfig = pkg.prefix() + "tsconfig.json"
    if not repo.has(tsconfig):
        return Message("no tsconfig.json"), Evidence(pkg.manifest, 0)
    opts, origin = tsconfig_options(repo, pkg.folder)
    if "strict" not in opts:
        return Message("strict not set (TypeScript default: off)"), Evidence(tsconfig, 0)
    where = origin["strict"]
    line = repo.line_of(where, '"strict"')
    return ("strict" if opts["strict"] is True else "strict: false"), Evidence(where, line)


def _code_signals(repo: Repo, pkg: JsPackage) -> list[tuple[str, str, Evidence]]:
    """Resilience signals in the code: a CircuitBreaker class, request-id headers."""
    out: list[tuple[str, str, Evidence]] = []
    for path, facts in repo.derived(ts_facts).items():
        owner = package_of(repo, path)
        if owner is None or owner.folder != pkg.folder:
            continue
        for cls in facts["classes"]:
            if "circuitbreaker" in cls["name"].lower():
                out.append((Message("resilience"), f"class {cls['name']}", Evidence(path, cls["line"])))
        for h in facts["headers"]:
            if h["name"].lower() in _REQUEST_ID:
                signal = Message("{header} header set in code", header=h["name"])
                out.append((Message("resilience"), signal, Evidence(path, h["line"])))
                break
    return out


def _app_rows(repo: Repo, pkg: JsPackage, label: str) -> tuple[list[dict[str, object]], list[Fact]]:
    app = pkg.folder or Message("(root)")
    deps = pkg.all_deps
    fw_dep = next(dep for dep, lbl in FRAMEWORKS if lbl == label)
    rows: list[dict[str, object]] = [
        {
            "app": app,
            "aspect": Message("framework"),
            "value": f"{label} {deps[fw_dep]}",
            "file": pkg.manifest,
            "line": _dep_line(repo, pkg, fw_dep),
        }
    ]
    strict, ev = _strictness(repo, pkg)
    rows.append({"app": app, "aspect": "TypeScript", "value": strict, "file": ev.path, "line": ev.line})
    absent = []
    for category, libs in CATEGORIES:
        found = [(dep, lbl) for dep, lbl in libs if dep in deps]
        for dep, lbl in found:
            rows.append(
                {
                    "app": app,
                    "aspect": category,
                    "value": f"{lbl} {deps[dep]}",
                    "file": pkg.manifest,
                    "line": _dep_line(repo, pkg, dep),
                }
            )
        if not found and category in ("i18n", "tests", "accessibility", "lint and format"):
            absent.append(category)
    for name, script in sorted(pkg.scripts.items()):
        if any(g in script for g in _GENERATORS):
            line = repo.line_of(pkg.manifest, f'"{name}"')
            rows.append(
                {
                    "app": app,
                    "aspect": Message("generated API client"),
                    "value": f"script {name}: {script[:80]}",
                    "file": pkg.manifest,
                    "line": line,
                }
            )
    for aspect, value, ev in _code_signals(repo, pkg):
        rows.append({"app": app, "aspect": aspect, "value": value, "file": ev.path, "line": ev.line})
    facts = [Fact(Message("{app}: {label} front end ({strict})",
                          app=app, label=label, strict=strict), (Evidence(pkg.manifest, 0),))]
    if absent:
        missing = Message.joined(", ", [Message("no {category}", category=c) for c in absent])
        facts.append(Fact(Message("{app}: {names} library declared", app=app, names=missing),
                          (Evidence(pkg.manifest, 0),)))
    return rows, facts


def section(repo: Repo) -> Section:
    fronts = front_packages(repo)
    if not fronts:
        return Section(key="frontend", title="Front ends")
    rows: list[dict[str, object]] = []
    facts: list[Fact] = []
    for pkg, label in fronts:
        r, f = _app_rows(repo, pkg, label)
        rows += r
        facts += f
    contract_facts, contract = contract_tables(repo)
    tables = (Table("frontend_stack", "Front-end stack", ("app", "aspect", "value"), tuple(rows)), *contract)
    headline = "; ".join(f"{pkg.folder or '(root)'}: {label}" for pkg, label in fronts)
    return Section(
        key="frontend", title="Front ends", facts=tuple(facts + contract_facts), tables=tables, headline=headline
    )
