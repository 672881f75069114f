"""Check that templates keep the layers: a lower app's template never loads or includes a higher app's.

import-linter holds the layers in Python (see [tool.importlinter] in pyproject.toml); this holds
them in templates, which it cannot see. A template under templates/<app>/ (or templates/admin/<app>/)
belongs to that app; a tag library belongs to the app whose templatetags package defines it. A
template fails when it `{% load %}`s a library of a higher app or `{% include %}`s a template of a
higher app. Templates outside the app folders (base.html, partials/, emails/...) are the shared
chrome: a lower app may include them, so what they load or include counts for the app including
them. Where a lower page must show something of a higher app, the higher app provides it through
a hook of communities/hooks.py, as the community home and the meeting page do.

Run by `make lint`: python -m cop_portal.lint_templates (exit status 1 on a violation).
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOAD = re.compile(r"{%-?\s*load\s+(.+?)\s*-?%}")
# Only a quoted name can be checked; `{% include some_variable %}` is how hooks hand a template over.
INCLUDE = re.compile(r"""{%-?\s*include\s+(["'])(.+?)\1""")
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml", ".ics", ".md", ".json", ".svg"}


@dataclass(frozen=True)
class Violation:
    template: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.message}"


def layers_from_pyproject(path: Path = BASE_DIR / "pyproject.toml") -> list[str]:
    """Return the apps of the import-linter layers contract, highest first (one list for both checks)."""
    config = tomllib.loads(path.read_text())["tool"]["importlinter"]
    for contract in config["contracts"]:
        if contract["type"] == "layers":
            return [layer.strip("()") for layer in contract["layers"]]
    raise LookupError("pyproject.toml has no import-linter layers contract")


def installed_libraries() -> dict[str, str]:
    """Return {library name: dotted module} of every tag library Django can load."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_portal.settings.development")
    django.setup()
    from django.template import engines

    return dict(engines["django"].engine.libraries)


class Checker:
    def __init__(self, *, template_dirs: list[Path], layers: list[str], libraries: dict[str, str]):
        self.template_dirs = [Path(d) for d in template_dirs]
        # Lower rank = lower layer; anything not an app (Django, allauth, humanize...) has no rank.
        self.rank = {app: len(layers) - index for index, app in enumerate(layers)}
        self.library_app = {name: module.split(".")[0] for name, module in libraries.items()}

    def owner(self, name: str) -> str | None:
        """Return the app a template name belongs to, or None for the shared chrome."""
        parts = name.split("/")
        if parts[0] == "admin" and len(parts) > 2:
            parts = parts[1:]
        return parts[0] if len(parts) > 1 and parts[0] in self.rank else None

    def source(self, name: str) -> str | None:
        for directory in self.template_dirs:
            path = directory / name
            if path.is_file():
                return path.read_text(encoding="utf-8")
        return None

    def templates(self) -> list[str]:
        names = set()
        for directory in self.template_dirs:
            for path in directory.rglob("*"):
                if path.is_file() and path.suffix in TEMPLATE_SUFFIXES:
                    names.add(path.relative_to(directory).as_posix())
        return sorted(names)

    def _higher(self, app: str | None, than: str) -> bool:
        return app is not None and app in self.rank and self.rank[app] > self.rank[than]

    def check_template(self, name: str, app: str, seen: frozenset = frozenset(), via: str = "") -> list[Violation]:
        """Check name against app's layer, following quoted includes into the shared chrome."""
        text = self.source(name)
        if text is None or name in seen:
            return []
        seen = seen | {name}
        found = []
        for match in LOAD.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            words = match.group(1).split()
            # `{% load tag from library %}` names the library last.
            libraries = words[-1:] if "from" in words else words
            for library in libraries:
                owner = self.library_app.get(library)
                if self._higher(owner, app):
                    found.append(Violation(name, line, f"{app} loads {owner}'s tag library '{library}'{via}"))
        for match in INCLUDE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            included = match.group(2)
            owner = self.owner(included)
            if self._higher(owner, app):
                found.append(Violation(name, line, f"{app} includes {owner}'s template '{included}'{via}"))
            elif owner is None:
                found += self.check_template(included, app, seen, via=f" (through {name})")
        return found

    def check(self) -> list[Violation]:
        violations = []
        for name in self.templates():
            app = self.owner(name)
            if app is not None:
                violations += self.check_template(name, app)
        return violations


def main(argv: list[str] | None = None) -> int:
    from django.conf import settings

    libraries = installed_libraries()
    template_dirs = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    layers = layers_from_pyproject()
    template_dirs += [BASE_DIR / app / "templates" for app in layers if (BASE_DIR / app / "templates").is_dir()]
    violations = Checker(template_dirs=template_dirs, layers=layers, libraries=libraries).check()
    for violation in violations:
        print(violation)
    checked = " > ".join(layers)
    print(f"Templates: {len(violations)} upward load(s) or include(s) across {checked}.")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
