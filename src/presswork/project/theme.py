"""Theme lookup: a chain of theme folders (a theme may extend another) and one Jinja2 environment."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

from presswork.core.config import suggest
from presswork.core.diagnostics import PressworkError, UsageError
from presswork.project.sandbox import make_environment, template_error


def builtin_themes_dir() -> Path:
    """The folder holding the built-in themes (shipped in the wheel as ``presswork/themes``)."""
    package = Path(__file__).resolve().parent.parent  # the presswork package folder
    packaged = package / "themes"
    if packaged.is_dir():
        return packaged
    return package.parents[1] / "themes"  # source checkout / editable install: <repo>/src/presswork


def builtin_themes() -> list[str]:
    """Names of the built-in themes."""
    base = builtin_themes_dir()
    return sorted(p.name for p in base.iterdir() if (p / "theme.toml").is_file()) if base.is_dir() else []


@dataclass
class Theme:
    """A resolved theme: its folders, most specific first, and merged options from theme.toml files."""

    name: str
    dirs: list[Path]
    options: dict[str, Any] = field(default_factory=dict)
    #: The project folder (template errors name files inside it relative to it); None = not known.
    root: Path | None = None

    def find(self, relpath: str) -> Path | None:
        """The first file ``relpath`` along the extends chain, or None."""
        for d in self.dirs:
            candidate = d / relpath
            if candidate.is_file():
                return candidate
        return None

    def path(self, relpath: str) -> Path:
        """Like :meth:`find`, but a missing file is an error."""
        found = self.find(relpath)
        if found is None:
            raise PressworkError(f"theme {self.name!r} has no file {relpath!r}")
        return found

    def read_text(self, relpath: str) -> str:
        """The text of a theme file."""
        return self.path(relpath).read_text(encoding="utf-8")

    @cached_property
    def jinja(self) -> jinja2.Environment:
        """The build's Jinja2 environment, the same sandbox for built-in and project templates
        (see :mod:`presswork.project.sandbox`): autoescape on, undefined names are errors."""
        return make_environment(self.dirs)

    def render(self, template: str, **context: Any) -> str:
        """Render a theme template with ``context``; any failure of the template (unsafe code
        included) is a PressworkError naming the template's file and line."""
        try:
            return self.jinja.get_template(template).render(theme=self.options, **context)
        except PressworkError:
            raise
        except Exception as exc:  # a template is data: whatever it does wrong is the theme's error, not a bug
            raise template_error(exc, template, self.root) from exc


def load_theme(name_or_path: str, project_root: Path) -> Theme:
    """Resolve a theme by built-in name, project ``themes/<name>`` folder, or path, following ``extends``."""
    dirs: list[Path] = []
    options: dict[str, Any] = {}
    current: str | None = name_or_path
    seen: set[Path] = set()
    first_name = ""
    while current:
        folder = _locate(current, project_root, exclude=seen)
        if folder in seen:
            raise PressworkError(f"theme {current!r} extends itself")
        seen.add(folder)
        try:
            data = tomllib.loads((folder / "theme.toml").read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise PressworkError(f"invalid theme.toml: {exc}", str(folder / "theme.toml")) from exc
        first_name = first_name or str(data.get("name", folder.name))
        dirs.append(folder)
        for key, value in data.get("options", {}).items():
            options.setdefault(key, value)
        current = data.get("extends")
    return Theme(first_name, dirs, options, project_root)


def _locate(name: str, project_root: Path, exclude: set[Path]) -> Path:
    candidates = [project_root / "themes" / name, builtin_themes_dir() / name]
    as_path = Path(name)
    if as_path.is_absolute() or "/" in name or name.startswith("."):
        candidates = [as_path if as_path.is_absolute() else project_root / as_path]
    for c in candidates:
        c = c.resolve()
        if (c / "theme.toml").is_file() and c not in exclude:
            return c
    choices = builtin_themes()
    raise UsageError(f"unknown theme {name!r}{suggest(name, choices)}; built-in themes: {', '.join(choices)}")
