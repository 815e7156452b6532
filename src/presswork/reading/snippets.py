"""``pymdownx.snippets``, expanded before a page of an MkDocs project is read, as MkDocs does.

Forms: a line ``--8<-- "file.md"`` (indented: the included lines are indented alike), a block of
file names between two ``--8<--`` lines, ``file.md:3:8`` (lines 3 to 8), ``file.md:name`` (the lines
between ``--8<-- [start:name]`` and ``--8<-- [end:name]``), and ``;--8<--`` (kept as written,
without the ``;``). Section markers never show. Files named by ``auto_append`` are appended to every
page (reference links and abbreviations shared by the site). File names are relative to the
``base_path`` folders (the project folder by default), tried in order.

Every file is read through the asset gate (inside the project only). A file that cannot be found
is a warning at the ``file:line`` of the snippet (MkDocs leaves it out silently); a file that
includes itself is left out, as MkDocs does. The result keeps, for every line, the file and line it
came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from presswork.core import files
from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.reading.includes import Expanded, Resolver

#: A snippet line: ``--8<-- "path"`` (inline) or ``--8<--`` alone (opens or closes a block of paths).
_SNIPPET = re.compile(
    r"""^(?P<space>[ \t]*)(?P<escape>;*)(?:(?P<inline>-+8<-+[ \t]+)(?P<path>"(?:\\"|[^"])+?"|'(?:\\'|[^'])+?')"""
    r"""|(?P<block>-+8<-+))[ \t]*$"""
)
_SECTION = re.compile(
    r"(?i)^(?P<pre>.*?)(?P<escape>;*)-+8<-+[ \t]+\[[ \t]*(?P<type>start|end)[ \t]*:[ \t]*(?P<name>[a-z][-_0-9a-z]*)[ \t]*\]"
)
_TARGET = re.compile(r"(?i)^(?P<path>.*?)(?::(?P<first>-?\d*)(?::(?P<last>-?\d*))?|:(?P<section>[a-z][-_0-9a-z]*))?$")

#: Report a problem (a missing snippet file) at a position.
Warn = Callable[[str, Pos], None]


@dataclass(frozen=True)
class Snippets:
    """The ``pymdownx.snippets`` settings of an MkDocs project."""

    base_paths: tuple[str, ...] = (".",)  #: Folders (project-relative) that snippet file names are relative to.
    auto_append: tuple[str, ...] = ()  #: Files appended to every page.


def has_snippets(text: str, snippets: Snippets) -> bool:
    """Whether ``text`` may need expanding (a quick test)."""
    return bool(snippets.auto_append) or "8<-" in text


def expand_snippets(
    text: str, rel: str, snippets: Snippets, resolve: Resolver, root: Path, warn: Warn, max_bytes: int = 10_000_000
) -> Expanded:
    """Expand the snippets of ``text`` (the contents of project file ``rel``); see the module doc."""
    out = Expanded("", [], size=len(text.encode("utf-8", "surrogatepass")))
    lines = [(line, Pos(rel, n)) for n, line in enumerate(text.split("\n"), start=1)]
    if snippets.auto_append:
        end = Pos(rel, len(lines))
        block = ["", "", "--8<--", *"\n\n".join(snippets.auto_append).split("\n"), "--8<--", ""]
        lines += [(line, end) for line in block]
    walker = _Walker(snippets, resolve, root.resolve(), warn, max_bytes, out)
    result = walker.walk(lines, (rel,), in_section=False)
    out.text = "\n".join(line for line, _ in result)
    out.origins = [pos for _, pos in result]
    return out


@dataclass
class _Walker:
    """One expansion: the settings, the gate, and what was read so far."""

    snippets: Snippets
    resolve: Resolver
    root: Path
    warn: Warn
    max_bytes: int
    out: Expanded

    def walk(self, lines: list[tuple[str, Pos]], chain: tuple[str, ...], in_section: bool) -> list[tuple[str, Pos]]:
        """``lines`` with their snippets expanded (``chain``: the files being expanded, outermost first)."""
        result: list[tuple[str, Pos]] = []
        block = False
        for line, pos in lines:
            m = _SNIPPET.match(line) if "8<-" in line else None
            if m and m.group("escape"):
                result.append((line.replace(";", "", 1), pos))
                continue
            if m and m.group("block"):
                block = not block
                continue
            if m and not block:
                path = m.group("path")[1:-1].strip()
                result += self.include(path, m.group("space").expandtabs(4), pos, chain)
                continue
            if block:
                path = line.strip()
                if not path:
                    result.append(("", pos))
                elif not path.startswith(";"):
                    result += self.include(path, line[: len(line) - len(line.lstrip())].expandtabs(4), pos, chain)
                continue
            section = _SECTION.match(line) if not in_section and "8<-" in line else None
            if section is not None and not section.group("escape"):
                continue  # a section marker of the page itself never shows
            if section is not None:
                line = line.replace(";", "", 1)
            result.append((line, pos))
        return result

    def include(self, ref: str, indent: str, pos: Pos, chain: tuple[str, ...]) -> list[tuple[str, Pos]]:
        """The lines of the snippet ``ref`` (with its selector) named at ``pos``, each indented by ``indent``."""
        target = _TARGET.match(ref)
        name = target.group("path").strip() if target else ref
        if not name or name.lower().startswith(("http://", "https://")):
            if name:
                self.warn(f"snippet {name!r} is a URL: not downloaded, left out", pos)
            return []
        found = self.find(name, pos)
        if found is None:
            self.warn(
                f"snippet file {name!r} not found (looked in {', '.join(self.snippets.base_paths)}); left out", pos
            )
            return []
        real, key = found
        if key in chain:
            return []  # MkDocs skips a file that includes itself
        if len(chain) > 20:
            raise PressworkError("snippets nested more than 20 deep", pos)
        text = self.load(real, key, name, pos)
        lines = [(line, Pos(key, n)) for n, line in enumerate(text.split("\n"), start=1)]
        if text.endswith("\n"):
            lines.pop()
        assert target is not None
        section = target.group("section")
        if section:
            lines = _section(lines, section)
        elif target.group("first") is not None:
            lines = _line_range(lines, target.group("first"), target.group("last"))
        nested = self.walk(lines, (*chain, key), in_section=bool(section))
        return [(indent + line if line.strip() else line, p) for line, p in nested]

    def find(self, name: str, pos: Pos) -> tuple[Path, str] | None:
        """The real path and project-relative name of the snippet file ``name`` (None when no base folder holds it)."""
        for base in self.snippets.base_paths:
            ref = name if base in (".", "") else f"{base.rstrip('/')}/{name}"
            try:
                real = self.resolve(ref, "", pos).resolve()
            except PressworkError:
                continue
            if real.is_file() and real.is_relative_to(self.root):
                return real, real.relative_to(self.root).as_posix()
        return None

    def load(self, real: Path, key: str, name: str, pos: Pos) -> str:
        """The text of the snippet file ``real`` (read once per expansion, counted against ``max_bytes``)."""
        if key not in self.out.loaded:
            try:
                data = files.read_bytes(real, [self.root], name, pos)
            except OSError as exc:
                raise PressworkError(f"cannot read snippet file {name!r}: {exc.strerror or exc}", pos) from None
            from presswork.reading import decode

            self.out.included.append(real)
            self.out.loaded[key] = decode(data, key).removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        text = self.out.loaded[key]
        self.out.size += len(text.encode("utf-8", "surrogatepass"))
        if self.out.size > self.max_bytes:
            raise PressworkError(
                f"snippets make the page larger than max_file_bytes ({self.max_bytes:,} bytes): "
                f"{self.out.size:,} bytes so far",
                pos,
            )
        return text


def _section(lines: list[tuple[str, Pos]], name: str) -> list[tuple[str, Pos]]:
    """The lines between ``--8<-- [start:name]`` and ``--8<-- [end:name]`` (none when the section is missing)."""
    kept: list[tuple[str, Pos]] = []
    inside = False
    for line, pos in lines:
        m = _SECTION.match(line) if "8<-" in line else None
        if m and not m.group("escape") and m.group("name").lower() == name.lower():
            if m.group("type").lower() == "start":
                inside = True
                continue
            if inside:
                break
        if inside and not (m and not m.group("escape")):
            kept.append((line, pos))
    return kept


def _line_range(lines: list[tuple[str, Pos]], first: str, last: str | None) -> list[tuple[str, Pos]]:
    """Lines ``first`` to ``last`` (1-based, inclusive; empty bounds mean the file's first and last line)."""
    start = int(first) if first and first != "-" else 1
    end = int(last) if last and last != "-" else len(lines)
    if start < 0:
        start = max(len(lines) + start + 1, 1)
    if end < 0:
        end = len(lines) + end + 1
    return lines[max(start, 1) - 1 : end]
