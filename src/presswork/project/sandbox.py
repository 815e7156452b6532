"""Jinja2 for theme templates, built-in or from a project: a sandbox, a loader confined to the theme folders,
and template errors reported as ``file:line``."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos

#: The largest string, list or number of digits a template may build with ``*``, ``**`` or a
#: method such as ``ljust``; larger ones are a template error, not gigabytes of memory.
MAX_TEMPLATE_SIZE = 1_000_000


class ThemeLoader(jinja2.BaseLoader):
    """Templates from an ordered list of theme folders: a name is a relative path (no ``..``, no
    absolute path), and a file that is a link to somewhere outside its theme folder is refused."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = [os.path.realpath(folder) for folder in folders]

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        """The text of ``template`` from the first theme folder that has it, its real path, and an up-to-date check."""
        pieces = template_pieces(template)
        for folder in self.folders:
            candidate = posixpath.join(folder, *pieces)
            if not os.path.lexists(candidate):
                continue
            real = os.path.realpath(candidate)
            if os.path.commonpath([real, folder]) != folder:
                raise SecurityError(f"template {template!r} is a link to a file outside the theme folder")
            if not os.path.isfile(real):
                continue
            with open(real, encoding="utf-8") as fh:
                source = fh.read()
            mtime = os.path.getmtime(real)

            def uptodate(real: str = real, mtime: float = mtime) -> bool:
                try:
                    return os.path.getmtime(real) == mtime
                except OSError:
                    return False

            return source, real, uptodate
        raise jinja2.TemplateNotFound(template, f"no template {template!r} in the theme")

    def list_templates(self) -> list[str]:
        """Every template name the theme folders offer (links that leave their folder left out)."""
        found: set[str] = set()
        for folder in self.folders:
            for dirpath, _dirs, files in os.walk(folder):
                for name in files:
                    path = os.path.join(dirpath, name)
                    if os.path.commonpath([os.path.realpath(path), folder]) == folder:
                        found.add(os.path.relpath(path, folder).replace(os.sep, "/"))
        return sorted(found)


def template_pieces(template: str) -> list[str]:
    """The path segments of a template name; a name that could leave the theme folder is refused."""
    if "\x00" in template or "\\" in template or template.startswith("/") or ":" in template.split("/", 1)[0]:
        raise SecurityError(f"template name {template!r} must be a path relative to the theme folder")
    pieces = [p for p in template.split("/") if p not in ("", ".")]
    if ".." in pieces or not pieces:
        raise SecurityError(f"template name {template!r} must be a path inside the theme folder")
    return pieces


class ThemeEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox every theme template runs in: no attribute starting with ``_`` or internal to Python,
    no mutation of lists and dicts, and no string, list or number larger than :data:`MAX_TEMPLATE_SIZE`."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        """``*`` and ``**`` with a bounded result (``'x' * 10**9`` and ``10**10**10`` are refused)."""
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1:
            if right * abs(left).bit_length() > 4 * MAX_TEMPLATE_SIZE:
                raise SecurityError(f"{left} ** {right} is too large for a template")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if (
                    isinstance(seq, (str, list, tuple))
                    and isinstance(count, int)
                    and len(seq) * count > MAX_TEMPLATE_SIZE
                ):
                    raise SecurityError(f"a sequence of {len(seq) * count:,} items is too large for a template")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Call ``__obj`` if the sandbox allows it; a method of a string may not be given a size over the limit."""
        if isinstance(getattr(__obj, "__self__", None), str):
            for value in (*args, *kwargs.values()):
                if isinstance(value, int) and value > MAX_TEMPLATE_SIZE:
                    raise SecurityError(f"{value} is too large an argument in a template")
        return super().call(__context, __obj, *args, **kwargs)


def make_environment(folders: Sequence[Path]) -> jinja2.Environment:
    """The Jinja2 environment of a theme: sandboxed, autoescape on, undefined names are errors."""
    return ThemeEnvironment(
        loader=ThemeLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def template_error(exc: Exception, template: str, root: Path | None) -> PressworkError:
    """A PressworkError naming the template file and line where rendering ``template`` failed
    (project-relative when the template is in the project)."""
    where, line = _template_position(exc)
    if where and root is not None:
        real, base = Path(os.path.realpath(where)), Path(os.path.realpath(root))
        if real.is_relative_to(base):
            where = real.relative_to(base).as_posix()
    if isinstance(exc, SecurityError):
        message = f"unsafe template code: {exc}"
    elif isinstance(exc, jinja2.TemplateError):
        message = f"theme template error: {exc.message or exc}"
    else:
        message = f"theme template error: {type(exc).__name__}: {exc}"
    return PressworkError(message, Pos(where or template, line))


def _template_position(exc: BaseException) -> tuple[str, int]:
    """The innermost template file and line of ``exc``: from a syntax error, or from the template frames
    of the traceback Jinja2 rewrote (those frames carry the template's file name and line)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.filename or exc.name or "", exc.lineno or 0
    where, line = "", 0
    tb = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            where, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return where, line
