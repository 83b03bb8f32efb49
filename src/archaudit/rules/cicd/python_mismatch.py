"""CI009 python-version-mismatch."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from archaudit.detect.deploy.pyversions import PythonVersion, find_python_versions, in_range
from archaudit.detect.structure import find_apps
from archaudit.findings import Axis, Evidence, Hit, Message, Severity
from archaudit.repo import Repo
from archaudit.rules.base import Rule


def _groups(repo: Repo, versions: list[PythonVersion]) -> dict[str, list[PythonVersion]]:
    """Declarations per Python app folder; files outside any app (CI, root) join the only app if
    there is exactly one, else the root group."""
    folders = sorted((a.folder for a in repo.derived(find_apps) if a.kind.startswith(("Python", "python"))),
                     key=len, reverse=True)
    out: dict[str, list[PythonVersion]] = defaultdict(list)
    for v in versions:
        folder = next((f for f in folders if f and v.file.startswith(f + "/")), None)
        if folder is None:
            folder = folders[0] if len(folders) == 1 else ""
        out[folder].append(v)
    return out


def _outside_range(group: list[PythonVersion]) -> list[tuple[PythonVersion, PythonVersion]]:
    """(declaration, range) for every pin or matrix entry the project's supported range excludes."""
    return [(v, r) for r in group if r.kind == "range" for v in group
            if v.kind in ("pin", "matrix") and v.version and in_range(r.declared, v.version) is False]


def _pins(group: list[PythonVersion], excluded: set[int]) -> Iterator[Hit]:
    """Runtime pins (Dockerfile, runtime.txt, .python-version...) that disagree with each other, and
    a runtime pin CI never checks the project on. CI jobs on different versions do not disagree: a
    set of CI versions is a matrix, and it is fine as long as it includes the runtime's version."""
    pins = [v for v in group if v.kind == "pin" and v.version and not v.ci]
    counts = Counter(v.version for v in pins)
    if len(counts) >= 2:
        # the reference is the most declared version; ties go to the first declaration in file order
        reference = max(counts, key=lambda ver: (counts[ver], -pins.index(next(p for p in pins if p.version == ver))))
        ref = next(p for p in pins if p.version == reference)
        for v in pins:
            if v.version != reference:
                excluded.add(id(v))
                yield Hit(v.file, v.line, Message("{source} declares Python {version}, but {source2} "
                                                  "({file}:{line}) declares {reference}.",
                                                  source=v.source, version=v.version, source2=ref.source,
                                                  file=ref.file, line=ref.line, reference=reference),
                          also=(Evidence(ref.file, ref.line),),
                          key=f"{v.source} {v.version} vs {reference}")
    checked = [v for v in group if v.ci and v.kind in ("pin", "matrix") and v.version]
    versions = {v.version for v in checked}
    for v in pins:
        if versions and v.version not in versions and id(v) not in excluded:
            ci = checked[0]
            listed = ", ".join(sorted(versions))
            yield Hit(v.file, v.line, Message("{source} declares Python {version}, but CI checks the project on "
                                              "{listed} only ({source2}, {file}:{line}).",
                                              source=v.source, version=v.version, listed=listed,
                                              source2=ci.source, file=ci.file, line=ci.line),
                      also=(Evidence(ci.file, ci.line),),
                      key=f"{v.source} {v.version} vs CI {listed}")


def _ranges(group: list[PythonVersion], excluded: set[int]) -> Iterator[Hit]:
    for v, r in _outside_range(group):
        excluded.add(id(v))
        yield Hit(v.file, v.line, Message("{source} uses Python {version}, outside {source2} {declared} "
                                          "({file}:{line}).",
                                          source=v.source, version=v.version, source2=r.source,
                                          declared=r.declared, file=r.file, line=r.line),
                  also=(Evidence(r.file, r.line),),
                  key=f"{v.source} {v.version} outside {r.declared}")


def check(repo: Repo) -> Iterator[Hit]:
    """Compares the Python versions declared for one application (by major.minor): runtime pins
    (runtime.txt, .python-version, Dockerfile FROM python:X, Pipfile, render.yaml PYTHON_VERSION,
    app.yaml runtime, .tool-versions) must agree with each other and be among the versions CI checks
    the project on (setup-python, matrix, image of jobs running tests, lint, build...); every pin or
    CI/tox matrix entry must satisfy requires-python / Poetry's python range. CI jobs on different
    versions are a matrix, not a disagreement; a job only running a tool (no project work) is not
    compared. Tool targets (mypy python_version, ruff target-version) are listed but not compared."""
    for _, group in sorted(_groups(repo, find_python_versions(repo)).items()):
        excluded: set[int] = set()  # one cause, one finding: a pin outside the range is not also "not in CI"
        yield from _ranges(group, excluded)
        yield from _pins(group, excluded)


RULE = Rule(
    id="CI009",
    name="python-version-mismatch",
    axis=Axis.REPRODUCIBILITY,
    severity=Severity.MEDIUM,
    title="Python versions disagree across the repository",
    impact="CI tests on one interpreter while production runs another: syntax, standard-library and "
           "wheel differences surface only after deployment.",
    action="Choose one Python version and declare it consistently (runtime.txt / .python-version, "
           "Dockerfile base image, CI setup-python) within the supported requires-python range.",
    check=check,
    example_bad='runtime.txt: python-3.11.9\nDockerfile: FROM python:3.12-slim\n'
                'pyproject.toml: requires-python = ">=3.12"',
    example_good='runtime.txt: python-3.12.4\nDockerfile: FROM python:3.12-slim\n'
                 'pyproject.toml: requires-python = ">=3.12"',
)
