"""Readers: Markdown text -> SourceFile (front matter + tree blocks), through a reader plug-in.

Readers are found through the entry-point group ``presswork.readers`` and chosen by the
``markdown`` configuration key: ``gfm`` (CommonMark + GitHub Flavored Markdown on markdown-it-py,
the default) or ``python-markdown`` (the dialect MkDocs sites are written in). Both produce the
same tree. Whatever the reader, this module splits off the front matter, applies smart
punctuation and audits that every word of the source reached the tree.
"""

from __future__ import annotations

import contextlib
import gc
import pathlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Protocol

from presswork.core.diagnostics import PressworkError, Reporter, UsageError
from presswork.core.textcodec import bom_encoding, looks_like_utf16
from presswork.core.tree import Blocks, Pos
from presswork.reading.frontmatter import split_front_matter

__all__ = [
    "DEFAULT_READER",
    "GROUP",
    "Reader",
    "SourceFile",
    "available_readers",
    "decode",
    "get_reader",
    "read_file",
    "read_markdown",
]

GROUP = "presswork.readers"
DEFAULT_READER = "gfm"

#: Built-in readers, used when the package metadata is not installed (a source checkout on sys.path).
_BUILTIN = {
    "gfm": "presswork.reading.gfm:GfmReader",
    "mdbook": "presswork.reading.gfm:MdbookReader",
    "python-markdown": "presswork.reading.pymd:PyMarkdownReader",
    "myst": "presswork.reading.myst:MystReader",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Reader(Protocol):
    """A Markdown dialect: turns a file's body (front matter already blanked) into blocks."""

    name: str

    def read(self, body: str, path: str, reporter: Reporter, max_nesting: int) -> Blocks:
        """The blocks of ``body`` (the text of ``path``); positions are lines of the file."""
        ...


@dataclass(frozen=True)
class SourceFile:
    """One Markdown file read into blocks."""

    path: str  # project-relative path as given, used in Pos.file
    front_matter: dict[str, Any]  # raw YAML mapping ({} when none); dates stay strings
    blocks: Blocks  # the file's blocks, each with its source position
    audit: Any = field(default=None, compare=False, repr=False)  # reading.audit.Audit of this file, or None


def available_readers() -> dict[str, str]:
    """Installed readers by name -> ``module:Class`` (the built-in two even without package metadata)."""
    found = dict(_BUILTIN)
    for ep in entry_points(group=GROUP):
        found[ep.name] = ep.value
    return dict(sorted(found.items()))


_CACHE: dict[str, Reader] = {}


def get_reader(name: str) -> Reader:
    """The reader plug-in called ``name``; an unknown name is a usage error listing the installed ones."""
    if name in _CACHE:
        return _CACHE[name]
    readers = available_readers()
    if name not in readers:
        from presswork.core.config import suggest

        raise UsageError(
            f"unknown Markdown reader {name!r}{suggest(name, readers)}; installed readers: {', '.join(readers)}"
        )
    module, _, attr = readers[name].partition(":")
    try:
        import importlib

        cls = getattr(importlib.import_module(module), attr)
        reader: Reader = cls()
    except Exception as exc:  # a third-party plug-in may fail in any way
        raise PressworkError(f"reader plug-in {name!r} ({readers[name]}) cannot be loaded: {exc}") from exc
    _CACHE[name] = reader
    return reader


def read_markdown(
    text: str,
    path: str = "<string>",
    reporter: Reporter | None = None,
    max_nesting: int = 40,
    markdown: str = DEFAULT_READER,
    smart: bool = True,
    audit: bool = True,
) -> SourceFile:
    """Parse Markdown ``text`` (the contents of ``path``) into a SourceFile with reader ``markdown``.

    ``smart`` turns straight quotes, ``--``/``---`` and ``...`` of prose into typographic ones
    (never in code, math or URLs). ``audit`` compares the words of the source with the words of
    the tree and warns about every word lost without a warning naming its line.

    Raises PressworkError (naming ``path`` and the line) for broken front matter, nesting
    deeper than ``max_nesting`` levels, or anything the parser chokes on. Removed unsafe HTML,
    unwrapped unknown elements and other recoverable problems are warnings to ``reporter``.
    """
    with _gc_paused():
        return _read(text, path, reporter, max_nesting, markdown, smart, audit)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file is read.

    Reading allocates hundreds of thousands of small objects (tokens, nodes, tree nodes) that live
    until the end: each collection pass walks all of them again for nothing, which cost up to a
    third of the reading time on long inputs. Reading creates no reference cycles worth collecting
    meanwhile; whatever it leaves is collected as usual once the collector runs again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read(
    text: str, path: str, reporter: Reporter | None, max_nesting: int, markdown: str, smart: bool, audit: bool
) -> SourceFile:
    reporter = reporter if reporter is not None else Reporter()
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    front_matter, body = split_front_matter(text, path)
    if not body.strip():
        return SourceFile(path, front_matter, ())
    reader = get_reader(markdown)
    body = _CONTROL.sub("", body)
    if markdown == "myst" and front_matter:
        from presswork.reading.myst.substitutions import front_matter_substitutions, substitute_known

        body = substitute_known(body, front_matter_substitutions(front_matter))
    try:
        blocks = reader.read(body, path, reporter, max_nesting)
    except PressworkError:
        raise
    except RecursionError:
        raise PressworkError(f"nesting too deep to read (the limit is {max_nesting} levels)", Pos(path)) from None
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes one clear message
        raise PressworkError(f"cannot read Markdown: {type(exc).__name__}: {exc}", Pos(path)) from None
    if smart:
        from presswork.reading.smartquotes import smarten

        blocks = smarten(blocks)
    result = None
    if audit:
        from presswork.reading.audit import audit_words

        result = audit_words(body, blocks, path, reporter, markdown)
        reporter.audits.append(result)
    return SourceFile(path, front_matter, blocks, result)


def read_file(
    file: pathlib.Path,
    rel: str,
    reporter: Reporter | None = None,
    max_nesting: int = 40,
    markdown: str = DEFAULT_READER,
) -> SourceFile:
    """Read the UTF-8 Markdown file ``file`` (a BOM is dropped); ``rel`` is its project-relative path."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise PressworkError(f"cannot read file: {exc.strerror or exc}", Pos(rel)) from None
    return read_markdown(decode(data, rel), rel, reporter, max_nesting, markdown)


def decode(data: bytes, rel: str) -> str:
    """Decode UTF-8 text, or UTF-16/UTF-32 text that starts with its byte order mark (the BOM is
    dropped); binary data (NUL) or invalid text is an error naming the line."""
    codec = bom_encoding(data)
    if codec in ("utf-16", "utf-32"):
        name = codec.upper()
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].decode(codec, "replace").count("\n") + 1
            raise PressworkError(
                f"not {name} text, though it starts with a {name} byte order mark", Pos(rel, line)
            ) from None
        nul = text.find("\x00")
        if nul >= 0:
            raise PressworkError(
                f"not {name} text (binary data: NUL character)", Pos(rel, text.count("\n", 0, nul) + 1)
            )
        return text
    nul = data.find(b"\x00")
    if nul >= 0:
        if looks_like_utf16(data):
            raise PressworkError(
                "not UTF-8 text: it looks like UTF-16 without a byte order mark (save it as UTF-8, or as UTF-16 with a BOM)",
                Pos(rel, 1),
            )
        line = data.count(b"\n", 0, nul) + 1
        raise PressworkError("not UTF-8 text (binary data: NUL byte)", Pos(rel, line))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PressworkError(f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x})", Pos(rel, line)) from None
