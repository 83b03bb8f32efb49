"""Which JS packages of the repository are front ends: those declaring a front-end framework
(and not NestJS). Shared by the "Front ends" section and the contract check."""

from __future__ import annotations

from archaudit.repo import Repo
from archaudit.resolve.typescript_index import JsPackage, js_packages

FRAMEWORKS = (
    ("next", "Next.js"),
    ("nuxt", "Nuxt"),
    ("@angular/core", "Angular"),
    ("@sveltejs/kit", "SvelteKit"),
    ("svelte", "Svelte"),
    ("vue", "Vue"),
    ("solid-js", "Solid"),
    ("react", "React"),
)


def front_packages(repo: Repo) -> list[tuple[JsPackage, str]]:
    """(package, framework label) of each package declaring a front-end framework."""
    out = []
    for pkg in repo.derived(js_packages):
        label = next((lbl for dep, lbl in FRAMEWORKS if dep in pkg.all_deps), "")
        if label and "@nestjs/core" not in pkg.deps:
            out.append((pkg, label))
    return out
