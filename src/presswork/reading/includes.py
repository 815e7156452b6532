"""Includes, expanded before a file is read: mdBook's ``{{#include}}``, ``{{#rustdoc_include}}`` and
``{{#title}}``, and ``{{< include file >}}`` (Quarto's shortcode, also presswork's own include).

mdBook forms: ``{{#include path}}``, ``{{#include path:anchor}}`` (the lines between
``ANCHOR: anchor`` and ``ANCHOR_END: anchor``), ``{{#include path:10:20}}``, ``path:10:``,
``path::20`` and ``path:10`` (line ranges, 1-based, inclusive). ``{{#rustdoc_include}}`` takes
the same arguments and drops rustdoc's hidden lines (``# ``). Anchor lines never show.
``\\{{#include ...}}`` is kept as written (without the backslash).

Every file is read through the asset gate (inside the project only). A missing or unreadable file,
or a file outside the project (never read), is left out with a warning at the ``file:line`` of the
directive (an error under ``--strict``), so that one include never takes the book down. An include
cycle, or includes that make the text larger than ``max_file_bytes`` (the same file included 300 times
counts 300 times) is an error there.
The result keeps, for every line of the expanded text, the file and line it came from, so that
diagnostics point into the included file's own lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from presswork.core import files
from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos

_MDBOOK = re.compile(r"(?P<escape>\\)?\{\{#(?P<kind>include|rustdoc_include|title)\s+(?P<args>[^}]*?)\s*\}\}")
#: Any ``{{#name ...}}`` directive (the known ones are :data:`_MDBOOK`'s); ``\\{{#`` is an escaped one.
_ANY_DIRECTIVE = re.compile(r"(?P<escape>\\)?\{\{#(?P<kind>[A-Za-z_][\w-]*)(?P<args>[^}]*)\}\}")
_KNOWN = frozenset(("include", "rustdoc_include", "title"))
_FENCE = re.compile(r"^\s*(```|~~~)")
_SHORTCODE = re.compile(r"\{\{<\s*include\s+(?P<path>[^>]+?)\s*>\}\}")
_ANCHOR = re.compile(r"\b(ANCHOR|ANCHOR_END):\s*(?P<name>[\w-]+)")
_HIDDEN = re.compile(r"^\s*#(\s|$)(?!\[)")

#: Resolve ``ref`` written in project file ``base`` to a path inside the project (the asset gate).
Resolver = Callable[[str, str, Pos], Path]


class NotRead(PressworkError):
    """An included file that cannot be read: missing, unreadable, or outside the project (never read)."""


@dataclass
class Expanded:
    """A file's text with its includes expanded, and where each of its lines came from."""

    text: str
    origins: list[Pos]  #: ``origins[n - 1]``: the file and line that line ``n`` of ``text`` came from.
    included: list[Path] = field(default_factory=list)  #: Every file included (for ``presswork watch``).
    title: str = ""  #: The title given by ``{{#title ...}}`` ("" = none).
    size: int = 0  #: Bytes of expanded text so far (the file's own, and every included part): at most ``max_bytes``.
    #: Directives ``{{#name}}`` presswork does not know, each (where, as written): kept as written.
    unknown: list[tuple[Pos, str]] = field(default_factory=list)
    #: Includes left out, each (where, why): a missing file, an unreadable one or one outside the project.
    skipped: list[tuple[Pos, str]] = field(default_factory=list)
    #: The text of each file included so far, by project-relative path: a file included again is not read again.
    loaded: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    split: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)  #: Their lines.

    def origin(self, line: int) -> Pos | None:
        """Where line ``line`` (1-based) of the expanded text came from (None when out of range)."""
        return self.origins[line - 1] if 0 < line <= len(self.origins) else None


def has_includes(text: str) -> bool:
    """Whether ``text`` may hold an include (a quick test before expanding)."""
    return "{{#" in text or "{{<" in text or "include}" in text


def expand(text: str, rel: str, resolve: Resolver, root: Path, max_bytes: int = 10_000_000) -> Expanded:
    """Expand the includes of ``text`` (the contents of project file ``rel``); see the module doc."""
    out = Expanded("", [], size=len(text.encode("utf-8", "surrogatepass")))
    lines = _expand(text, rel, resolve, root, max_bytes, (rel,), out)
    out.text = "".join(line for line, _ in lines)
    out.origins = [pos for _, pos in lines]
    return out


def _expand(
    text: str,
    rel: str,
    resolve: Resolver,
    root: Path,
    max_bytes: int,
    chain: tuple[str, ...],
    out: Expanded,
    numbers: list[int] | None = None,
) -> list[tuple[str, Pos]]:
    """The lines of ``text`` (from ``rel``; ``numbers``: their line numbers there, default 1, 2, ...)
    with includes expanded, each with its origin."""
    result: list[tuple[str, Pos]] = []
    lines = text.splitlines(keepends=True)
    in_code = False
    numbered = iter(zip(numbers or range(1, len(lines) + 1), lines, strict=True))
    for number, line in numbered:
        pos = Pos(rel, number)
        myst = None if in_code else _MYST_INCLUDE.match(line)
        if myst is not None:
            options = _myst_options(myst.group("mark"), numbered)
            try:
                target, inner = _load(myst.group("path").strip(), rel, resolve, root, max_bytes, chain, pos, out)
            except NotRead as exc:
                out.skipped.append((pos, exc.message))
                continue
            inner = _myst_part(inner, options)
            _count(inner, max_bytes, chain, pos, out)
            if myst.group("kind") == "literalinclude" or "literal" in options or "code" in options:
                result.extend((t, pos) for t in _myst_code(inner, options).splitlines(keepends=True))
                continue
            result.extend(_expand(inner, target, resolve, root, max_bytes, (*chain, target), out))
            if result and not result[-1][0].endswith("\n"):
                result[-1] = (result[-1][0] + "\n", result[-1][1])
            continue
        if _FENCE.match(line):
            in_code = not in_code
        if "{{" not in line:
            result.append((line, pos))
            continue
        if not in_code:
            out.unknown.extend((pos, m.group(0)) for m in _unknown_directives(line))
        shortcode = _SHORTCODE.search(line)
        if shortcode and not line[: shortcode.start()].strip() and not line[shortcode.end() :].strip():
            try:
                target, inner = _load(
                    shortcode.group("path").strip().strip("\"'"), rel, resolve, root, max_bytes, chain, pos, out
                )
            except NotRead as exc:
                out.skipped.append((pos, exc.message))
                continue
            _count(inner, max_bytes, chain, pos, out)
            result.extend(_expand(inner, target, resolve, root, max_bytes, (*chain, target), out))
            if result and not result[-1][0].endswith("\n"):
                result[-1] = (result[-1][0] + "\n", result[-1][1])
            continue
        matches = list(_MDBOOK.finditer(line))
        if not matches:
            result.append((line, pos))
            continue
        alone = len(matches) == 1 and not line[: matches[0].start()].strip() and not line[matches[0].end() :].strip()
        text_out = ""
        cursor = 0
        for match in matches:
            text_out += line[cursor : match.start()]
            cursor = match.end()
            if match.group("escape"):
                text_out += match.group(0)[1:]
                continue
            kind, args = match.group("kind"), match.group("args").strip()
            if kind == "title":
                out.title = args
                continue
            path, selector = _split_args(args)
            try:
                target, inner = _load(path, rel, resolve, root, max_bytes, chain, pos, out)
            except NotRead as exc:
                out.skipped.append((pos, exc.message))
                continue
            chosen = _select(_lines(inner, target, out), selector, kind == "rustdoc_include", target, pos)
            _count("".join(t for t, _ in chosen), max_bytes, chain, pos, out)
            nested = _expand(
                "".join(t for t, _ in chosen),
                target,
                resolve,
                root,
                max_bytes,
                (*chain, target),
                out,
                [n for _, n in chosen],
            )
            if alone and match.group("kind") != "title":
                indent = line[: match.start()]
                result.extend((indent + t if t.strip() else t, p) for t, p in nested)
                break
            text_out += "".join(t for t, _ in nested).rstrip("\n")
        else:
            text_out += line[cursor:]
            if alone and not text_out.strip():
                continue  # a line holding only {{#title}}
            result.extend((t, pos) for t in text_out.splitlines(keepends=True))
    return result


def _unknown_directives(line: str) -> list[re.Match[str]]:
    """The ``{{#name}}`` directives of ``line`` that presswork does not know, outside code spans."""
    return [
        m
        for m in _ANY_DIRECTIVE.finditer(line)
        if not m.group("escape") and m.group("kind") not in _KNOWN and line[: m.start()].count("`") % 2 == 0
    ]


def _count(text: str, max_bytes: int, chain: tuple[str, ...], pos: Pos, out: Expanded) -> None:
    """Add the included ``text`` to the size of the expansion; past ``max_bytes`` an error at ``pos``."""
    out.size += len(text.encode("utf-8", "surrogatepass"))
    if out.size > max_bytes:
        raise PressworkError(
            f"includes make {chain[0]} larger than max_file_bytes ({max_bytes:,} bytes): {out.size:,} bytes so far",
            pos,
        )


#: MyST's include directive: ```` ```{include} path ```` or ``:::{include} path``, options on the lines below.
_MYST_INCLUDE = re.compile(r"^\s*(?P<mark>`{3,}|:{3,})\{(?P<kind>include|literalinclude)\}\s+(?P<path>\S.*?)\s*$")
_MYST_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")


def _myst_options(mark: str, lines: Iterator[tuple[int, str]]) -> dict[str, str]:
    """The options of a MyST include up to its closing fence (the lines are consumed)."""
    options: dict[str, str] = {}
    for _number, line in lines:
        stripped = line.strip()
        if len(stripped) >= len(mark) and set(stripped) == {mark[0]}:
            break
        if m := _MYST_OPTION.match(line):
            options[m.group("key")] = m.group("value")
    return options


def _myst_code(text: str, options: dict[str, str]) -> str:
    """An included file shown as code (``{literalinclude}``, or ``{include}`` with ``:literal:``/``:code:``):
    a code block in the file's language, with its ``:caption:``."""
    language = options.get("language") or options.get("code") or ""
    fence = "`" * max([3, *(len(m) + 1 for m in re.findall(r"`{3,}", text))])
    body = text if text.endswith("\n") or not text else text + "\n"
    caption = options.get("caption", "")
    head = f"{fence}{{code-block}} {language}\n:caption: {caption}\n\n" if caption else f"{fence}{language}\n"
    return f"{head}{body}{fence}\n"


def _myst_part(text: str, options: dict[str, str]) -> str:
    """The part of an included text a MyST include asks for (``:start-line:``, ``:end-line:``,
    ``:start-after:``, ``:end-before:``)."""
    if after := options.get("start-after"):
        text = text.split(after, 1)[1] if after in text else text
    if before := options.get("end-before"):
        text = text.split(before, 1)[0]
    lines = text.splitlines(keepends=True)
    if wanted := options.get("lines", ""):  # literalinclude's ":lines: 1-3,8" (1-based, inclusive)
        lines = [lines[n - 1] for n in _line_numbers(wanted, len(lines))]
    start, end = options.get("start-line", ""), options.get("end-line", "")
    first = int(start) if start.lstrip("-").isdigit() else None
    last = int(end) if end.lstrip("-").isdigit() else None
    return "".join(lines[first:last])


def _line_numbers(spec: str, count: int) -> list[int]:
    """The 1-based line numbers a ``:lines:`` option names (``1-3,8,10-``), within ``count`` lines."""
    numbers: list[int] = []
    for part in spec.split(","):
        first, dash, last = part.strip().partition("-")
        a = int(first) if first.isdigit() else 1
        b = (int(last) if last.isdigit() else count) if dash else a
        numbers.extend(n for n in range(a, b + 1) if 1 <= n <= count)
    return numbers


def _split_args(args: str) -> tuple[str, str]:
    """``path:selector`` -> (path, selector); the selector is "" (whole file), an anchor or a line range."""
    path, sep, selector = args.partition(":")
    return path.strip(), selector.strip() if sep else ""


def _load(
    ref: str, rel: str, resolve: Resolver, root: Path, max_bytes: int, chain: tuple[str, ...], pos: Pos, out: Expanded
) -> tuple[str, str]:
    """The project-relative path and text of the file ``ref`` included at ``pos`` of ``rel``."""
    if not ref:
        raise PressworkError("include without a file name", pos)
    try:
        path = resolve(ref, rel, pos)
    except NotRead:
        raise
    except PressworkError as exc:  # missing, or outside the project: the gate never reads it
        raise NotRead(exc.message, pos) from None
    if not path.resolve().is_relative_to(root):
        raise NotRead(f"included file {ref!r} is outside the project folder", pos)
    target = path.resolve().relative_to(root).as_posix()
    if target in chain:
        cycle = " -> ".join((*chain[chain.index(target) :], target))
        raise PressworkError(f"include cycle: {cycle}", pos)
    if len(chain) > 20:
        raise PressworkError("includes nested more than 20 deep", pos)
    if target in out.loaded:
        return target, out.loaded[target]
    try:
        data = files.read_bytes(path, [root], ref, pos)
    except files.Refused as exc:  # a link planted to a file outside: never read
        raise NotRead(exc.message, pos) from None
    except OSError as exc:
        raise NotRead(f"cannot read included file {ref!r}: {exc.strerror or exc}", pos) from None
    if len(data) > max_bytes:
        raise PressworkError(f"included file {ref!r} is {len(data):,} bytes, over max_file_bytes ({max_bytes:,})", pos)
    from presswork.reading import decode

    out.included.append(path.resolve())
    out.loaded[target] = decode(data, target).replace("\r\n", "\n").replace("\r", "\n")
    return target, out.loaded[target]


def _lines(text: str, target: str, out: Expanded) -> list[str]:
    """The lines of the included file ``target`` (split once per expansion)."""
    lines = out.split.get(target)
    if lines is None:
        lines = out.split[target] = text.splitlines(keepends=True)
    return lines


def _select(lines: list[str], selector: str, rustdoc: bool, target: str, pos: Pos) -> list[tuple[str, int]]:
    """The part of an included file (its ``lines``) that ``selector`` names, without anchor lines (and
    hidden lines for rustdoc)."""
    numbered = list(enumerate(lines, start=1))
    if selector and re.fullmatch(r"\d*(:\d*)?", selector):
        first_s, _, last_s = selector.partition(":")
        first = int(first_s) if first_s else 1
        last = int(last_s) if last_s else (first if ":" not in selector else len(lines))
        if first < 1 or first > max(len(lines), 1) or last < first:
            raise PressworkError(f"line range {selector!r} is outside {target} ({len(lines)} lines)", pos)
        numbered = numbered[first - 1 : last]
    elif selector:
        start = end = None
        for n, line in numbered:
            found = _ANCHOR.search(line)
            if found and found.group("name") == selector:
                if found.group(1) == "ANCHOR" and start is None:
                    start = n
                elif found.group(1) == "ANCHOR_END" and start is not None:
                    end = n
                    break
        if start is None:
            raise PressworkError(
                f"anchor {selector!r} not found in {target} (expected a line 'ANCHOR: {selector}')", pos
            )
        numbered = numbered[start : (end - 1) if end else len(lines)]
    kept = [(line, n) for n, line in numbered if not _ANCHOR.search(line)]
    if rustdoc:
        kept = [(line, n) for line, n in kept if not _HIDDEN.match(line)]
    if kept and not kept[-1][0].endswith("\n"):
        kept[-1] = (kept[-1][0] + "\n", kept[-1][1])
    if selector and not re.fullmatch(r"\d*(:\d*)?", selector):
        kept = _dedent_common(kept)
    return kept


def _dedent_common(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """mdBook removes the indentation an anchored region shares (a function body's lines)."""
    widths = [len(line) - len(line.lstrip(" ")) for line, _ in lines if line.strip()]
    cut = min(widths, default=0)
    return [(line[cut:] if line.strip() else line, n) for line, n in lines]
