"""What a distribution is, as far as the audit can know without installing it: the modules it is
imported as, and the distributions it installs along with it. Knowledge comes from data
(`data.package_metadata`, generated from wheel metadata; `data.stack_catalog`, curated), plus a
normalisation of names for the many packages whose module is their name without decoration
(`py-ip2region` -> `ip2region`, `markdown-it-py` -> `markdown_it`, `django-money` -> `djmoney`,
`wagtail-font-awesome-svg` -> `wagtailfontawesomesvg`).

    import_names(dist)        -> dotted module names `dist` is imported as
    name_keys(dist)           -> squashed spellings a module of `dist` may have (see `module_keys`)
    module_keys(module)       -> squashed spellings of an imported dotted module
    requires(dist, extras)    -> distributions `dist` (with those extras) installs
    closure(dists)            -> every distribution installed along with `dists` (transitively)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from archaudit.data.package_metadata import WHEEL_IMPORT_NAMES, WHEEL_REQUIRES
from archaudit.data.stack_catalog import CURATED_REQUIRES, IMPORT_NAMES, NAMESPACE_PREFIXES
from archaudit.detect.dependencies.records import normalize

# Top-level packages shared by many distributions: a wheel listing only these says nothing useful.
_NAMESPACE_ROOTS = frozenset({"google", "azure", "opentelemetry", "nvidia", "jaraco", "backports", "zope",
                              "sphinxcontrib", "ruamel", "mpl_toolkits", "cuda", "paho", "proto"})
_VERSION_TAIL = re.compile(r"(?:_?v\d+\w*|3k|\d+)$")


def _squash(text: str) -> str:
    return re.sub(r"[-_.]", "", text).lower()


@lru_cache(maxsize=4096)
def import_names(dist: str) -> tuple[str, ...]:
    """Dotted module names `dist` is imported as (curated mismatches, wheel metadata, namespaces,
    else the name with "-" -> "_" and its usual decorations removed)."""
    name = normalize(dist)
    if name in IMPORT_NAMES:
        return IMPORT_NAMES[name]
    wheel = tuple(t for t in WHEEL_IMPORT_NAMES.get(name, ()) if t.split(".")[0] not in _NAMESPACE_ROOTS)
    for prefix in NAMESPACE_PREFIXES:
        if name.startswith(prefix) and name != prefix.rstrip("-"):
            head = prefix.rstrip("-").replace("-", ".")
            return (head + "." + name[len(prefix):].replace("-", "_"), *wheel)
    out = [*wheel, name.replace("-", "_")]
    if name.startswith("python-"):
        out.append(name[7:].replace("-", "_"))
    if name.startswith("django-"):  # django-csp -> csp, django-storages -> storages
        out.append(name[7:].replace("-", "_"))
    if name.endswith("-python"):
        out.append(name[:-7].replace("-", "_"))
    return tuple(out)


@lru_cache(maxsize=4096)
def name_keys(dist: str) -> frozenset[str]:
    """Squashed spellings (lower case, no separators) a top-level module of `dist` may have:
    the name itself and the name without a `py`/`python` prefix or suffix, a version tail
    (`newspaper3k`, `breadcrumbs2`), a framework prefix (`django-money` -> `money`, `djmoney`;
    `drf-jwt` -> `restframeworkjwt`). Compared with `module_keys` of what the code imports."""
    name = normalize(dist)
    bases = {name}
    for prefix in ("python-", "py-", "python", "py"):
        if name.startswith(prefix) and len(name) - len(prefix) >= 3:
            bases.add(name[len(prefix):])
    for suffix in ("-python", "-py", "python", "-py3", "py"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 3:
            bases.add(name[: -len(suffix)])
    for base in list(bases):
        if base.startswith("django-"):
            bases.update({base[7:], "dj" + base[7:]})
        if base.startswith("drf-"):
            bases.add("restframework" + base[4:])
    keys = {_squash(b) for b in bases}
    keys |= {_VERSION_TAIL.sub("", k) for k in keys}
    for module in import_names(dist):
        keys |= module_keys(module)
    return frozenset(k for k in keys if len(k) >= 3)


@lru_cache(maxsize=8192)
def module_keys(module: str) -> frozenset[str]:
    """Squashed spellings of an imported module: its top level (`ip2region`), and for namespace
    packages its first parts joined (`google.cloud.security.privateca_v1` ->
    `googlecloudsecurityprivateca`), each also without a version tail."""
    parts = module.split(".")
    if parts[0] in _NAMESPACE_ROOTS:
        heads = [".".join(parts[:i]) for i in range(2, min(len(parts), 5) + 1)]
    else:
        heads = [parts[0]]
    keys = {_squash(h) for h in heads}
    keys |= {_VERSION_TAIL.sub("", k) for k in keys}
    return frozenset(k for k in keys if len(k) >= 3)


def requires(dist: str, extras: Iterable[str] = ()) -> tuple[str, ...]:
    """The distributions `dist` installs (its unconditional requirements and those of `extras`)."""
    name = normalize(dist)
    out = [*WHEEL_REQUIRES.get(name, ()), *CURATED_REQUIRES.get(name, ())]
    for extra in extras:
        key = f"{name}[{normalize(extra)}]"
        out += [*WHEEL_REQUIRES.get(key, ()), *CURATED_REQUIRES.get(key, ())]
    return tuple(out)


@lru_cache(maxsize=1)
def _optional_index() -> dict[str, frozenset[str]]:
    """dist -> the distributions its curated feature extras install. Only the curated table: wheels'
    extras include catch-alls (`[all]`, `[dev]`, `[test]`) that would excuse any unused declaration."""
    out: dict[str, set[str]] = {}
    for key, names in CURATED_REQUIRES.items():
        if key.endswith("]") and "[" in key:
            out.setdefault(key.split("[", 1)[0], set()).update(normalize(n) for n in names)
    return {k: frozenset(v) for k, v in out.items()}


def optional_requires(dist: str) -> frozenset[str]:
    """What `dist` installs for one of its optional features (extras), whichever are declared:
    declaring `python3-saml` beside `django-allauth` enables allauth's SAML provider, as the
    `django-allauth[saml]` extra would."""
    return _optional_index().get(normalize(dist), frozenset())


def closure(dists: Iterable[tuple[str, tuple[str, ...]]]) -> set[str]:
    """Every distribution installed along with `dists` ((name, extras) pairs), the pairs' own names
    excluded unless another of them requires it."""
    out: set[str] = set()
    stack = [n for d, extras in dists for n in requires(d, extras)]
    while stack:
        name = stack.pop()
        if name not in out:
            out.add(name)
            stack.extend(requires(name))
    return out
