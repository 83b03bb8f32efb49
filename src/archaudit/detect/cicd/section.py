"""CI/CD inventory: the jobs of GitHub Actions, GitLab CI and CircleCI pipelines, what each step
runs, classified (tests, lint, type-check, coverage, build, deploy, migrations), and the Python
versions CI uses.

`find_ci_jobs(repo)` is shared with the CI rules; steps keep their line so findings point at them.
"""

from __future__ import annotations

from dataclasses import dataclass

from archaudit.detect.cicd.commands import classify, composite_action, expand
from archaudit.detect.formats import yaml_nodes as y
from archaudit.findings import Evidence, Message
from archaudit.model import Fact, Section, Table
from archaudit.repo import Repo

_GITLAB_RESERVED = frozenset({"stages", "variables", "include", "default", "workflow", "image", "services",
                              "before_script", "after_script", "cache", "pages"})
_SYSTEMS = (("GitHub Actions", ".github/workflows/"), ("GitLab CI", ".gitlab-ci.yml"), ("CircleCI", ".circleci/"))


@dataclass(frozen=True)
class CiStep:
    name: str
    line: int
    run: str  # the shell command ("" for a `uses:` step)
    uses: str  # the action or orb used ("" for a shell step)
    kinds: tuple[str, ...]  # see commands.KINDS
    continue_on_error: int  # line of `continue-on-error: true`, 0 when the step can fail


@dataclass(frozen=True)
class CiJob:
    system: str
    file: str
    name: str
    line: int
    steps: tuple[CiStep, ...]
    continue_on_error: int  # line of a job-level `continue-on-error: true` / `allow_failure: true`, else 0
    python: tuple[tuple[str, int], ...]  # (version, line) from setup-python, matrix or image
    reusable: str = ""  # a job delegating to another workflow (`uses:` at job level)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted({k for s in self.steps for k in s.kinds}))


def _true(node: y.Node | None) -> int:
    """The node's line when it is the literal `true`, else 0 (expressions like ${{ matrix.x }} are not)."""
    return y.line(node) if y.text(node).strip().lower() == "true" else 0


def _step(repo: Repo, name: str, line: int, run: str, uses: str, coe: int) -> CiStep:
    kinds = classify(expand(repo, run) if run else "\n".join((uses, composite_action(repo, uses))))
    return CiStep(name or (run.strip().splitlines()[0][:80] if run.strip() else uses), line, run, uses, kinds, coe)


def _image_python(image: str) -> str:
    """`python:3.12-slim` / `cimg/python:3.11` -> "3.12" / "3.11"; "" otherwise."""
    name, _, tag = image.partition(":")
    if name.rsplit("/", 1)[-1] == "python" and tag[:1].isdigit():
        return tag.split("-")[0]
    return ""


def _github_python(job: y.Node) -> list[tuple[str, int]]:
    matrix = y.get(y.get(job, "strategy"), "matrix")
    out: list[tuple[str, int]] = []
    for st in y.seq(y.get(job, "steps")):
        if "setup-python" in y.text(y.get(st, "uses")):
            node = y.get(y.get(st, "with"), "python-version")
            value = y.text(node)
            if "matrix." in value:
                key = value.split("matrix.", 1)[1].split("}")[0].strip()
                axis = y.get(matrix, key)
                out += [(y.text(n), y.line(n)) for n in y.seq(axis)] or [(v, y.line(axis)) for v in y.scalars(axis)]
            elif value:
                out.append((value, y.line(node)))
    image = y.get(y.get(job, "container"), "image") or y.get(job, "container")
    if _image_python(y.text(image)):
        out.append((_image_python(y.text(image)), y.line(image)))
    return out


def _github(repo: Repo, path: str) -> list[CiJob]:
    out = []
    for name, key, job in y.items(y.get(y.compose(repo, path), "jobs")):
        steps = []
        for st in y.seq(y.get(job, "steps")):
            run, uses = y.get(st, "run"), y.get(st, "uses")
            steps.append(_step(repo, y.text(y.get(st, "name")), y.line(run or uses or st), y.text(run), y.text(uses),
                               _true(y.get(st, "continue-on-error"))))
        out.append(CiJob("GitHub Actions", path, name, y.line(key), tuple(steps),
                         _true(y.get(job, "continue-on-error")), tuple(_github_python(job)),
                         y.text(y.get(job, "uses"))))
    return out


def _gitlab(repo: Repo, path: str) -> list[CiJob]:
    root = y.compose(repo, path)
    default_image = y.text(y.get(root, "image")) or y.text(y.get(y.get(root, "image"), "name"))
    out = []
    for name, key, job in y.items(root):
        if name.startswith(".") or name in _GITLAB_RESERVED or y.get(job, "script") is None:
            continue
        steps = []
        for part in ("before_script", "script", "after_script"):
            node = y.get(job, part)
            for n in y.seq(node) or ([node] if node is not None else []):
                steps.append(_step(repo, "", y.line(n), y.text(n), "", 0))
        image_node = y.get(job, "image")
        image = y.text(image_node) or y.text(y.get(image_node, "name")) or default_image
        py = _image_python(image)
        out.append(CiJob("GitLab CI", path, name, y.line(key), tuple(steps), _true(y.get(job, "allow_failure")),
                         ((py, y.line(image_node) or y.line(y.get(root, "image"))),) if py else ()))
    return out


def _circleci(repo: Repo, path: str) -> list[CiJob]:
    out = []
    for name, key, job in y.items(y.get(y.compose(repo, path), "jobs")):
        steps = []
        for st in y.seq(y.get(job, "steps")):
            if isinstance(st, y.yaml.ScalarNode):
                steps.append(_step(repo, y.text(st), y.line(st), "", y.text(st), 0))
                continue
            run = y.get(st, "run")
            command = y.get(run, "command") if y.get(run, "command") is not None else run
            if command is not None:
                steps.append(_step(repo, y.text(y.get(run, "name")), y.line(command), y.text(command), "", 0))
            else:
                for orb, _, _ in y.items(st):
                    steps.append(_step(repo, orb, y.line(st), "", orb, 0))
        python = []
        for d in y.seq(y.get(job, "docker")):
            image = y.get(d, "image")
            if _image_python(y.text(image)):
                python.append((_image_python(y.text(image)), y.line(image)))
        out.append(CiJob("CircleCI", path, name, y.line(key), tuple(steps), 0, tuple(python)))
    return out


def ci_files(repo: Repo) -> list[str]:
    """Every CI configuration file (any system the walker recognises), sorted."""
    return [f.path for f in repo.files if f.role == "ci"]


def _compute(repo: Repo) -> list[CiJob]:
    out: list[CiJob] = []
    for path in ci_files(repo):
        if path.startswith(".github/workflows/") and path.endswith((".yml", ".yaml")):
            out += _github(repo, path)
        elif path.endswith(".gitlab-ci.yml"):
            out += _gitlab(repo, path)
        elif path.startswith(".circleci/") and path.endswith((".yml", ".yaml")):
            out += _circleci(repo, path)
    return sorted(out, key=lambda j: (j.file, j.line, j.name))


def find_ci_jobs(repo: Repo) -> list[CiJob]:
    """Jobs of GitHub Actions / GitLab CI / CircleCI pipelines, with classified steps (memoised)."""
    return repo.derived(_compute)


def unsupported_ci_files(repo: Repo) -> list[str]:
    """CI files whose jobs could not be read (Jenkinsfile, Travis, Azure, Bitbucket, malformed YAML...)."""
    read = {j.file for j in find_ci_jobs(repo)}
    return [p for p in ci_files(repo)
            if p not in read and (p.endswith((".yml", ".yaml")) or p.rsplit("/", 1)[-1] == "Jenkinsfile")]


def section(repo: Repo) -> Section:
    jobs = find_ci_jobs(repo)
    rows = []
    for job in jobs:
        if job.reusable:
            rows.append({"job": job.name, "step": "(reusable workflow)", "runs": job.reusable,
                         "kinds": Message.known("not determined"), "file": job.file, "line": job.line})
        for st in job.steps:
            runs = st.run.strip().replace("\n", "; ")[:160] if st.run else Message("uses {action}", action=st.uses)
            rows.append({"job": job.name, "step": st.name[:80], "runs": runs, "kinds": ", ".join(st.kinds) or "-",
                         "file": job.file, "line": st.line})
    facts = []
    systems = [label for label, marker in _SYSTEMS if any(marker in j.file for j in jobs)]
    for job in jobs:
        if job.kinds:
            facts.append(Fact(Message("{system} job {name} runs: {names}",
                                      system=job.system, name=job.name, names=', '.join(job.kinds)),
                              (Evidence(job.file, job.line),)))
        for version, line in job.python:
            facts.append(Fact(Message("{system} job {name} uses Python {version}",
                                      system=job.system, name=job.name, version=version), (Evidence(job.file, line),)))
    if not ci_files(repo):
        facts.append(Fact(Message("No CI configuration file was found (GitHub Actions, GitLab CI, CircleCI, "
                                  "Jenkins, Azure, Bitbucket, Travis)")))
    undetermined = [Message("the jobs of {path} could not be read (unsupported CI system or no jobs)", path=p)
                    for p in unsupported_ci_files(repo)]
    kinds = sorted({k for j in jobs for k in j.kinds})
    runs = ", ".join(kinds) or Message("no recognised check")
    headline = (Message("{systems}: {n} jobs; runs {checks}", systems=", ".join(systems), n=len(jobs), checks=runs)
                if jobs else (Message("no CI configuration found") if not ci_files(repo) else ""))
    return Section(key="cicd", title="CI/CD", facts=tuple(facts),
                   tables=(Table("ci_steps", "CI steps", ("job", "step", "runs", "kinds"), tuple(rows)),),
                   undetermined=tuple(undetermined), headline=headline)

