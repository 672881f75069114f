"""The layers of DESIGN.md hold in CI: `make lint` fails on an upward import or an upward template."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from cop_portal.lint_templates import Checker, installed_libraries, layers_from_pyproject

ROOT = Path(__file__).resolve().parent.parent
APPS = ["members", "communities", "meetings", "knowledge", "discussions", "cop_portal"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def tree_copy(tmp_path):
    """Copy the apps and pyproject.toml, where a test may write a module breaking the layers."""
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layers_contract_orders_the_apps_as_the_design_says():
    assert layers_from_pyproject() == ["cop_portal", "discussions", "knowledge", "meetings", "communities", "members"]


def test_the_real_tree_keeps_its_import_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("members/_upward.py", "from communities.models import Community\n"),
        ("communities/_upward.py", "def later():\n    from meetings import selectors\n"),
        ("meetings/_upward.py", "import knowledge.models\n"),
        ("knowledge/_upward.py", "from discussions import models\n"),
        ("discussions/_upward.py", "from cop_portal import digests\n"),
    ],
)
def test_an_upward_import_breaks_the_lint(tree_copy, module, source):
    assert lint_imports(tree_copy).returncode == 0  # the copy itself is clean
    (tree_copy / module).write_text(source)
    result = lint_imports(tree_copy)
    assert result.returncode == 1
    assert "1 broken" in result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout


def test_a_downward_import_keeps_the_lint(tree_copy):
    (tree_copy / "knowledge" / "_downward.py").write_text("from meetings.models import Meeting\nimport members\n")
    assert lint_imports(tree_copy).returncode == 0


# --- templates ------------------------------------------------------------------------------------


def template_checker(*extra_dirs: Path) -> Checker:
    dirs = [*extra_dirs, *(Path(d) for d in settings.TEMPLATES[0]["DIRS"])]
    return Checker(template_dirs=dirs, layers=layers_from_pyproject(), libraries=installed_libraries())


def test_the_real_templates_load_and_include_nothing_from_above():
    assert template_checker().check() == []


def test_the_meeting_page_loading_knowledge_tags_fails_the_template_lint(tmp_path):
    (tmp_path / "meetings").mkdir()
    (tmp_path / "meetings" / "meeting_detail.html").write_text(
        '{% extends "base.html" %}\n{% load i18n meeting_tags knowledge_tags %}\n{% meeting_comments meeting %}\n'
    )
    violations = template_checker(tmp_path).check()
    assert [(v.template, v.line) for v in violations] == [("meetings/meeting_detail.html", 2)]
    assert "knowledge_tags" in violations[0].message


def test_including_a_higher_apps_template_fails_even_through_a_shared_partial(tmp_path):
    (tmp_path / "members").mkdir()
    (tmp_path / "partials").mkdir()
    (tmp_path / "members" / "page.html").write_text(
        '{% include "partials/_relay.html" %}\n{% include "communities/people/_person_card.html" %}\n'
    )
    (tmp_path / "partials" / "_relay.html").write_text("{% load design %}{{ x }}\n")
    messages = sorted(str(v) for v in template_checker(tmp_path).check())
    assert messages == [
        "members/page.html:2: members includes communities's template 'communities/people/_person_card.html'",
        "partials/_relay.html:1: members loads cop_portal's tag library 'design' (through members/page.html)",
    ]


def test_loading_a_lower_apps_library_or_a_hook_template_passes(tmp_path):
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "knowledge" / "page.html").write_text(
        '{% load i18n meeting_tags %}{% include "meetings/partials/_meeting_card.html" %}{% include hook_template %}'
    )
    assert template_checker(tmp_path).check() == []


def test_make_lint_runs_both_checks():
    lint = (ROOT / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "lint-imports" in lint
    assert "cop_portal.lint_templates" in lint
