"""DOC003 (no architecture docs) and DOC002 (README without quick start): documentation written the
way real projects write it counts; the true absence is still reported."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report_of, write_tree


def _app(root: Path, files: dict[str, str]) -> Path:
    modules = {f"app/m{i}.py": f"def f{i}():\n    return {i}\n" for i in range(35)}
    return write_tree(root, {"requirements.txt": "fastapi==0.110.0\n", "app/__init__.py": "", **modules, **files})


def _rules(root: Path, rule: str) -> list[str]:
    return [f.evidence[0].ref if f.evidence else "" for f in report_of(root).findings if f.rule == rule]


def test_doc003_a_project_structure_section_in_the_root_readme_is_architecture_documentation(tmp_path: Path) -> None:
    for name, readme in (("md", "# svc\n\n## 5.1 Project Structure\n\n    app/  routers, services\n"),
                         ("rst", "svc\n===\n\nProject structure\n-----------------\n\n``app/`` routers\n")):
        _app(tmp_path / name, {f"README.{name}": readme})
        assert _rules(tmp_path / name, "DOC003") == [], name


def test_doc003_a_structure_heading_about_something_else_is_not_enough(tmp_path: Path) -> None:
    _app(tmp_path, {"README.md": "# svc\n\n## Install\n\n    pip install -r requirements.txt\n",
                    "docs/plugins.md": "# Plugins\n\n## Structure\n\nA plugin has a setup.py.\n"})
    assert _rules(tmp_path, "DOC003") == ["."]


def test_doc002_a_readme_pointing_to_a_tutorial_or_a_docs_quickstart_folder_has_a_quick_start(tmp_path: Path) -> None:
    tutorial = "# Microblog\n\nThe app of my [Mega-Tutorial](https://blog.example.org). See the tutorial for " \
               "instructions on how to work with it.\n"
    write_tree(tmp_path / "link", {"README.md": tutorial, "app.py": "x = 1\n"})
    assert _rules(tmp_path / "link", "DOC002") == []
    write_tree(tmp_path / "folder", {"README.rst": "Lemur\n=====\n\nLemur manages TLS certificates.\n",
                                     "docs/quickstart/index.rst": "Quickstart\n==========\n\npip install lemur\n",
                                     "app.py": "x = 1\n"})
    assert _rules(tmp_path / "folder", "DOC002") == []


def test_doc002_a_readme_that_only_describes_the_project_is_reported(tmp_path: Path) -> None:
    write_tree(tmp_path, {"README.md": "# Billing\n\nInternal service handling [invoices](https://example.org).\n",
                          "docs/api/index.rst": "API\n===\n", "app.py": "x = 1\n"})
    assert _rules(tmp_path, "DOC002") == ["README.md"]
