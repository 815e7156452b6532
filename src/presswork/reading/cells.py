"""Quarto and R Markdown code cells before reading: chunk options, pictures of ``include_graphics``, hidden code, inline code.

No code is ever run. A cell (```` ```{r} ````, ```` ```{python} ````...) is read with its options, from
``#|`` lines at its top (YAML, Quarto's form) or from its header (``{r label, echo=FALSE}``, knitr's
form; ``fig.cap`` is ``fig-cap``), and becomes what Quarto would show where that needs no running:

- ``include: false``: nothing; ``echo: false``: no code (a cell with nothing else to show disappears);
- a cell whose only effect is ``knitr::include_graphics("path")`` (one or several): its picture(s) as a
  figure with the ``fig-cap`` caption, the ``fig-alt`` text and the ``label`` as its id (``fig-x`` makes it
  a numbered, cross-referenced figure);
- any other code: shown without its ``#|`` lines, with one warning (its output is not made), unless
  ``eval: false`` or ``output: false`` say it has none.

Inline code (```` `r nrow(x)` ````, ```` `{python} x` ````) would be replaced by its value: it is shown as
the expression in code style, with one warning per file giving the count and the first line. Lines keep
their numbers (what a cell loses becomes blank lines), so positions in warnings stay right.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from presswork.core.boundedyaml import BoundedSafeLoader
from presswork.core.diagnostics import Reporter
from presswork.core.tree import Pos

__all__ = ["Cell", "chunk_options", "quarto_cells"]

_FENCE = re.compile(r"^(?P<indent> *)(?P<mark>`{3,}|~{3,})(?P<info>.*)$")
_CELL = re.compile(r"^\s*\{(?P<engine>[A-Za-z][\w-]*)(?P<rest>[^}]*)\}\s*$")
#: Quarto cells that are diagrams, not programs: drawn by presswork.transforms.diagrams, left as they are here.
_DIAGRAM_CELLS = frozenset(("mermaid", "dot"))
#: knitr engines that run nothing: ``verbatim`` shows its text, ``cat`` shows it (and writes it to a file).
_TEXT_ENGINES = frozenset(("verbatim", "cat"))
_OPTION_LINE = re.compile(r"^\s*#\|\s?(?P<yaml>.*)$")
_CODE_SPAN = re.compile(r"(?<!`)(?P<ticks>`+)(?!`)(?P<body>.+?)(?<!`)(?P=ticks)(?!`)")
_INLINE_CODE = re.compile(r"^(?:\{(?P<braced>[A-Za-z]\w*)\}|(?P<bare>r))\s+(?P<expr>\S.*)$", re.S)
_GRAPHICS_CALL = re.compile(r"(?:knitr::)?include_graphics\s*\(")
_STRING = re.compile(r"\"(?P<dq>(?:[^\"\\]|\\.)*)\"|'(?P<sq>(?:[^'\\]|\\.)*)'")
#: Characters that would be Markdown in an attribute value (code, emphasis, math...): escaped to stay text.
_MARKUP = re.compile(r"[\\`*_\[\]<>&~$]")
_R_VALUES: dict[str, Any] = {"TRUE": True, "T": True, "FALSE": False, "F": False, "NULL": None}

#: Where line ``n`` of the text being processed came from.
Origin = Callable[[int], Pos]


@dataclass(frozen=True)
class Cell:
    """One executable cell: its engine, its options (names with ``-``), its code without option lines, and
    the number of option lines at its top."""

    engine: str
    options: dict[str, Any]
    code: list[str]
    option_lines: int


def quarto_cells(text: str, where: Origin, reporter: Reporter, defaults: dict[str, Any] | None = None) -> str:
    """``text`` with its executable cells and inline code turned into what Quarto shows without running them.

    Every cell starts from ``defaults`` (the project's ``execute:`` options), then the ``execute:`` of the
    file's front matter, then its own options."""
    if "`" not in text:
        return text
    defaults = {**(defaults or {}), **_front_matter_execute(text)}
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    inline: list[int] = []
    engines: set[str] = set()
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i].rstrip("\n"))
        cell = _CELL.match(fence.group("info")) if fence else None
        if fence is None or (cell is None and len(fence.group("indent")) > 3):  # cells may sit in list items
            out.append(_inline_code(lines[i], i + 1, inline, engines))
            i += 1
            continue
        end = _closing(lines, i + 1, fence.group("mark"))
        engine = cell.group("engine") if cell else ""
        if cell is None or engine.lower() in _DIAGRAM_CELLS:
            out.extend(lines[i : end + 1])
        else:
            body = [line.rstrip("\n") for line in lines[i + 1 : end]]
            parsed = _read_cell(engine, cell.group("rest"), body, where, i + 1, reporter, defaults)
            shown = _show(parsed, fence.group("indent"), fence.group("mark"), where(i + 1), reporter)
            span = end + 1 - i if end < len(lines) else end - i
            out.extend(shown + ["\n"] * max(0, span - len(shown)))
        i = end + 1
    if inline:
        names = " and ".join(sorted(engines))
        reporter.warn(
            f"{len(inline)} inline {names} expression(s) in this file are not run (code is never run): "
            "each is shown as its code instead of its value",
            where(inline[0]),
            "quarto",
        )
    return "".join(out)


def _front_matter_execute(text: str) -> dict[str, Any]:
    """The ``execute:`` options of the file's YAML front matter ({} when it has none, or no valid YAML: the
    reader reports front matter problems)."""
    if not text.startswith("---\n"):
        return {}
    end = text.find("\n---", 3)
    if end < 0:
        return {}
    try:
        data = yaml.load(text[4:end], Loader=_OptionLoader)  # noqa: S506 - a safe loader with budgets
    except yaml.YAMLError:
        return {}
    execute = data.get("execute") if isinstance(data, dict) else None
    if not isinstance(execute, dict):
        return {}
    return {str(k).replace(".", "-"): v for k, v in execute.items() if v is not _EXPR}


def _closing(lines: list[str], start: int, mark: str) -> int:
    """The index of the line that closes a fence opened with ``mark`` (``len(lines)`` when none does)."""
    for j in range(start, len(lines)):
        found = _FENCE.match(lines[j].rstrip("\n"))
        if found and found.group("mark")[0] == mark[0] and len(found.group("mark")) >= len(mark):
            if not found.group("info").strip():
                return j
    return len(lines)


def _inline_code(line: str, number: int, found: list[int], engines: set[str]) -> str:
    """``line`` with each inline cell (`` `r x` ``, `` `{python} x` ``) as the code span of its expression."""
    if "`" not in line:
        return line

    def replace(span: re.Match[str]) -> str:
        if len(span.group("ticks")) != 1:
            return span.group(0)
        code = _INLINE_CODE.match(span.group("body"))
        if code is None:
            return span.group(0)
        found.append(number)
        engines.add((code.group("braced") or code.group("bare")).lower())
        return f"`{code.group('expr').strip()}`"

    return _CODE_SPAN.sub(replace, line)


def _read_cell(
    engine: str, header: str, body: list[str], where: Origin, line: int, reporter: Reporter, defaults: dict[str, Any]
) -> Cell:
    """A cell's options (``defaults``, then its header, then its ``#|`` lines, which win) and its code."""
    options = {**defaults, **_header_options(header)}
    yaml_lines: list[str] = []
    while len(yaml_lines) < len(body) and (m := _OPTION_LINE.match(body[len(yaml_lines)])):
        yaml_lines.append(m.group("yaml"))
    if yaml_lines:
        options.update(chunk_options("\n".join(yaml_lines), where(line + 1), reporter))
    return Cell(engine, options, body[len(yaml_lines) :], len(yaml_lines))


class _OptionLoader(BoundedSafeLoader):
    """The YAML of cell options: ``!expr code`` (a value computed by running code) is read as :data:`_EXPR`."""


_EXPR = object()
_OptionLoader.add_constructor("!expr", lambda _loader, _node: _EXPR)


def chunk_options(text: str, pos: Pos, reporter: Reporter) -> dict[str, Any]:
    """Quarto's ``#|`` options (YAML, the ``#|`` removed) as a dict with ``-`` in names (``fig.cap`` is ``fig-cap``);
    options that are not YAML are a warning and ignored, and so is an option computed by code (``!expr``): the
    code is never run, so the option keeps its default."""
    try:
        data = yaml.load(text, Loader=_OptionLoader)  # noqa: S506 - a safe loader with budgets
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        reporter.warn(f"cell options ('#|' lines) are not valid YAML ({problem}); they are ignored", pos, "quarto")
        return {}
    if not isinstance(data, dict):
        reporter.warn("cell options ('#|' lines) are not 'name: value' pairs; they are ignored", pos, "quarto")
        return {}
    return {str(k).replace(".", "-"): v for k, v in data.items() if v is not _EXPR}


def _header_options(header: str) -> dict[str, Any]:
    """knitr's header options: ``r label, echo=FALSE, fig.cap="A plot"`` (after the engine) as a dict."""
    options: dict[str, Any] = {}
    for n, piece in enumerate(_split_commas(header)):
        name, equals, value = piece.partition("=")
        name = name.strip()
        if not equals:
            if n == 0 and name:
                options["label"] = name.strip("\"'")
            continue
        value = value.strip()
        string = _STRING.fullmatch(value)
        if string:
            options[name.replace(".", "-")] = (
                string.group("dq") if string.group("dq") is not None else string.group("sq")
            )
        elif value in _R_VALUES:
            options[name.replace(".", "-")] = _R_VALUES[value]
        else:
            options[name.replace(".", "-")] = value
    return options


def _split_commas(text: str) -> list[str]:
    """``text`` split at the commas outside quotes and brackets (R's argument list)."""
    pieces, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote and text[i - 1] != "\\" else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return [p for p in (p.strip() for p in pieces) if p]


def _flag(options: dict[str, Any], name: str, default: bool = True) -> bool:
    """A yes/no option; anything but ``false`` (``fenced``, a vector of line numbers...) counts as yes."""
    value = options.get(name, default)
    return value is not False and str(value).lower() not in ("false", "no", "hide")


def _show(cell: Cell, indent: str, mark: str, pos: Pos, reporter: Reporter) -> list[str]:
    """The Markdown lines that show ``cell`` as Quarto would, without running it."""
    options = cell.options
    if not _flag(options, "include"):
        return []
    code = "\n".join(cell.code).strip()
    if cell.engine.lower() in _TEXT_ENGINES:  # knitr's engines that show their text as it is
        if not code and "code" in options:
            reporter.warn(f"Quarto cell {{{cell.engine}}} shows text made by running code; left out", pos, "quarto")
        language = str(options.get("lang") or options.get("class-source") or "")
        return (
            [f"{indent}{mark}{language}\n", *(line + "\n" for line in cell.code), f"{indent}{mark}\n"] if code else []
        )
    runs = _flag(options, "eval")
    output = runs and _flag(options, "output") and _flag(options, "results")
    pictures = _graphics(cell.code) if output else None
    out: list[str] = []
    if _flag(options, "echo") and code:
        out += [f"{indent}{mark}{cell.engine}\n", *(line + "\n" for line in cell.code), f"{indent}{mark}\n"]
    if pictures:
        out += _figures(pictures, options, indent)
    elif output and code:
        label = str(options.get("label") or "")
        kind = {"fig-": "figure", "tbl-": "table"}.get(label[:4], "")
        made = f"; {kind} @{label} is not made" if kind else ""
        if out:
            reporter.warn(
                f"executable Quarto cell {{{cell.engine}}} is not run: its code is shown, without its output{made}",
                pos,
                "quarto",
            )
        elif made:
            reporter.warn(f"executable Quarto cell {{{cell.engine}}} is not run{made}", pos, "quarto")
    return out


def _graphics(code: list[str]) -> list[str] | None:
    """The paths shown by a cell whose only effect is ``knitr::include_graphics(...)`` (one call or more,
    each path a string or ``c("a", "b")``); None when the cell does anything else."""
    text = "\n".join(line for line in code if not line.strip().startswith("#")).strip()
    paths: list[str] = []
    pos = 0
    while pos < len(text):
        call = _GRAPHICS_CALL.match(text, pos)
        if call is None:
            return None
        end = _matching_paren(text, call.end())
        if end < 0:
            return None
        first = _split_commas(text[call.end() : end])
        argument = first[0] if first else ""
        argument = argument.split("=", 1)[1].strip() if re.match(r"path\s*=", argument) else argument
        if argument.startswith("c(") and argument.endswith(")"):
            argument = argument[2:-1]
        found = [m.group("dq") if m.group("dq") is not None else m.group("sq") for m in _STRING.finditer(argument)]
        if not found or _STRING.sub("", argument).strip(" ,"):
            return None
        paths += found
        pos = end + 1
        while pos < len(text) and text[pos] in " \t\n;":
            pos += 1
    return paths or None


def _matching_paren(text: str, start: int) -> int:
    """The index of the ``)`` closing the bracket opened just before ``start`` (-1 when none)."""
    depth, quote = 1, ""
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            quote = "" if ch == quote and text[i - 1] != "\\" else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _one_line(value: Any) -> str:
    """An option's text on one line (YAML's ``|`` blocks keep their line breaks)."""
    return " ".join(str(value).split()) if value is not None else ""


def _figures(paths: list[str], options: dict[str, Any], indent: str) -> list[str]:
    """Markdown images for ``paths``: each its own figure, the last with the caption and the label as its id
    (several pictures of one cell read as one group, with the caption under it, as in Quarto)."""
    captions = options.get("fig-cap")
    alts = options.get("fig-alt")
    label = str(options.get("label") or "")
    out = ["\n"]
    for n, path in enumerate(paths):
        last = n == len(paths) - 1
        caption = _pick(captions, n, last)
        alt = _pick(alts, n, True)
        target = f"<{path}>" if re.search(r"[\s()<>]", path) else path
        attrs = [f"#{label}"] if last and label and re.fullmatch(r"[\w:.-]+", label) else []
        if alt:
            alt = _MARKUP.sub(r"\\\g<0>", alt.replace("{", "(").replace("}", ")"))  # the alt is plain text
            alt = f"'{alt}'" if '"' in alt and "'" not in alt else '"' + alt.replace('"', "'") + '"'
            attrs.append(f"fig-alt={alt}")
        braces = "{" + " ".join(attrs) + "}" if attrs else ""
        out += [f"{indent}![{caption}]({target}){braces}\n", "\n"]
    return out


def _pick(value: Any, n: int, last: bool) -> str:
    """The ``n``-th of a vector option (``fig-cap: [a, b]``), or a single value (given to the last picture only
    unless ``last`` is already true for every picture)."""
    if isinstance(value, list):
        return _one_line(value[n]) if n < len(value) else ""
    return _one_line(value) if last else ""
