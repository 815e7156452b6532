"""Read Markdown (Python-Markdown + pymdown-extensions) into the presswork document tree."""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass
from typing import Any

from .diagnostics import PressworkError, Reporter
from .reading.blocks import BlockBuilder
from .reading.engine import html_root, to_html
from .reading.frontmatter import split_front_matter
from .reading.locate import Locator
from .reading.preprocess import preprocess
from .tree import Blocks, Pos

__all__ = ["SourceFile", "read_file", "read_markdown"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class SourceFile:
    """One Markdown file read into blocks."""

    path: str  # project-relative path as given, used in Pos.file
    front_matter: dict[str, Any]  # raw YAML mapping ({} when none); dates stay strings
    blocks: Blocks  # the file's blocks, each with its source position


def read_markdown(text: str, path: str = "<string>", reporter: Reporter | None = None, max_nesting: int = 40) -> SourceFile:
    """Parse Markdown ``text`` (the contents of ``path``) into a SourceFile.

    Raises PressworkError (naming ``path`` and the line) for broken front matter, nesting
    deeper than ``max_nesting`` levels, or anything the Markdown parser chokes on. Removed
    unsafe HTML and other recoverable problems are reported as warnings to ``reporter``.
    """
    reporter = reporter if reporter is not None else Reporter()
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    front_matter, body = split_front_matter(text, path)
    if not body.strip():
        return SourceFile(path, front_matter, ())

    def warn(message: str, line: int) -> None:
        reporter.warn(message, Pos(path, line), "markdown")

    try:
        html = to_html(preprocess(_CONTROL.sub("", body), path, max_nesting, warn))
        root = html_root(html)
        builder = BlockBuilder(path, reporter, Locator(body.split("\n")), max_depth=4 * max_nesting + 64)
        blocks = builder.document(root)
    except PressworkError:
        raise
    except RecursionError:
        raise PressworkError(f"nesting too deep to read (the limit is {max_nesting} levels)", Pos(path)) from None
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes one clear message
        raise PressworkError(f"cannot read Markdown: {type(exc).__name__}: {exc}", Pos(path)) from None
    return SourceFile(path, front_matter, blocks)


def read_file(file: pathlib.Path, rel: str, reporter: Reporter | None = None, max_nesting: int = 40) -> SourceFile:
    """Read the UTF-8 Markdown file ``file`` (a BOM is dropped); ``rel`` is its project-relative path."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise PressworkError(f"cannot read file: {exc.strerror or exc}", Pos(rel)) from None
    return read_markdown(decode(data, rel), rel, reporter, max_nesting)


def decode(data: bytes, rel: str) -> str:
    """Decode UTF-8 text; binary data (NUL bytes) or invalid UTF-8 is an error naming the line."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise PressworkError("not UTF-8 text (binary data: NUL byte)", Pos(rel, line))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PressworkError(f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x})", Pos(rel, line)) from None
