"""The contents' page numbers written into a front matter laid out once, over placeholders as wide as the numbers.

The front matter's contents print the page number of every chapter heading, so an edit that moved a
chapter's pages laid the front matter out again. Now it is laid out with a placeholder for each number
that points into a chapter batch, of the same digit count ("1234" style digits for a four-digit number).
Where the theme's digits are all as wide (tabular figures, which most text faces use by default), a
leader then ends exactly where it ends before the real number, and every line breaks where it would.

Each placeholder is drawn in a colour of its own, a sentinel no theme uses (:func:`mark_numbers`, in the
worker). Once the real numbers are known, :func:`write_numbers` finds each sentinel in the page's
content stream, puts the number's own colour back, and replaces the placeholder's glyphs with the real
digits' glyphs of the same font subset (its placeholders hold the digits). The numbers stay text, in
reading order and inside their links' tagged content, and the page is drawn as if laid out with them.
It is checked, and where it cannot be done exactly (proportional digits, a digit no placeholder of that
font holds, a number inside running text, a decorated or transparent link, kerning between the digits)
the front matter is laid out with its numbers, as before. The layout with placeholders is cached by the
numbers' digit counts: it is reused until a number gains a digit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["FrontNumbers", "NumberBox", "mark_numbers", "numbers_from_json", "placeholders", "write_numbers"]

_SENTINEL = 7e-6  # the red channel of every sentinel colour: far below 1/255, so no 8-bit colour has it
_STEP = 1e-6  # the green and blue channels count placeholders in steps a PDF writes exactly (6 decimals)
_SPAN = 3000  # placeholders per green step (all below 1/255, too)


@dataclass
class NumberBox:
    """A placeholder the worker marked: its page (0-based), the anchor whose page number it holds, and
    its colour's sRGB channels (put back when the number is written)."""

    page: int
    anchor: str
    color: tuple[float, float, float]


@dataclass
class FrontNumbers:
    """The marked placeholders of a front matter, in marking order (the n-th has sentinel colour n)."""

    boxes: list[NumberBox]


def placeholders(numbers: Mapping[str, int]) -> dict[str, int] | None:
    """For each page number a placeholder of the same digit count, the digits taken in turn (1, 2, ... 9, 12,
    34, 56, 78, 90, 123, ...) so that together they hold every digit, whose glyphs the real numbers are written
    with; None when they cannot (too few digits: such a short front matter is laid out with its numbers)."""
    out: dict[str, int] = {}
    cursor = 0
    for name in sorted(numbers):
        width = len(str(max(0, numbers[name])))
        digits = ""
        while len(digits) < width:
            digit = "0123456789"[cursor % 10]
            cursor += 1
            if digit == "0" and not digits:
                continue  # a number has no leading zero
            digits += digit
        out[name] = int(digits)
    return out if set("".join(str(n) for n in out.values())) == set("0123456789") else None


def numbers_from_json(data: Any) -> FrontNumbers | None:
    """:class:`FrontNumbers` read back from its JSON (None stays None)."""
    if data is None:
        return None
    return FrontNumbers(
        [NumberBox(b["page"], b["anchor"], (b["color"][0], b["color"][1], b["color"][2])) for b in data["boxes"]]
    )


def sentinel(index: int) -> tuple[float, float, float]:
    """The sRGB channels of placeholder ``index``'s sentinel colour."""
    return (_SENTINEL, _STEP * (1 + index % _SPAN), _STEP * (1 + index // _SPAN))


def _index(channels: list[float]) -> int | None:
    """The placeholder a fill colour marks, or None when it is not a sentinel."""
    if len(channels) != 3 or abs(channels[0] - _SENTINEL) > _STEP / 2:
        return None
    green, blue = round(channels[1] / _STEP) - 1, round(channels[2] / _STEP) - 1
    return None if green < 0 or blue < 0 or green >= _SPAN else blue * _SPAN + green


def mark_numbers(pages: list[Any], shown: Mapping[str, int], answered: int) -> FrontNumbers | None:
    """Draw each placeholder of ``pages`` (page boxes laid out with the placeholders ``shown``, anchor ->
    placeholder) in its sentinel colour, and describe them; None when they cannot all be written over:
    the ``answered`` lookups of foreign anchors did not each become one whole text box of its own in a
    link's ``::after``, drawn opaque, undecorated, in an sRGB colour."""
    from presswork.compat.weasyprint import recolor_text

    found: list[tuple[int, str, Any]] = []
    for n, page in enumerate(pages):
        for box, anchor in _after_texts(page):
            if anchor in shown and box.text == str(shown[anchor]):
                found.append((n, anchor, box))
    if len(found) != answered or len(found) >= _SPAN * _SPAN:
        return None
    boxes = []
    for n, anchor, box in found:
        style = box.style
        color = style["color"]
        if (
            style["text_decoration_line"] != "none"
            or style["visibility"] != "visible"
            or style["opacity"] != 1
            or style["letter_spacing"] != "normal"
            or color.space not in ("srgb", "hsl", "hwb")
            or color.alpha != 1
        ):
            return None
        r, g, b = color.to("srgb").coordinates
        boxes.append(NumberBox(n, anchor, (float(r), float(g), float(b))))
    for index, (_n, _anchor, box) in enumerate(found):
        recolor_text(box, sentinel(index))
    return FrontNumbers(boxes)


def _after_texts(page: Any) -> Iterator[tuple[Any, str]]:
    """Each text box inside a link's ``::after`` on ``page``, with the anchor its link points to."""
    from weasyprint.formatting_structure.boxes import TextBox

    stack: list[tuple[Any, str]] = [(page, "")]
    while stack:
        box, anchor = stack.pop()
        element = getattr(box, "element", None)
        tag = str(getattr(box, "element_tag", "") or "")
        if element is not None and tag == "a::after":
            href = element.get("href") or ""
            anchor = href[1:] if href.startswith("#") else ""
        if isinstance(box, TextBox):
            if tag == "a::after" and anchor:
                yield box, anchor
            continue
        stack.extend((child, anchor) for child in reversed(getattr(box, "children", ())))


_SHOW = {"Tj", "TJ", "'", '"'}
_COLOR = {"rg", "g", "k", "sc", "scn", "cs"}


def write_numbers(
    src: Any, numbers: FrontNumbers, shown: Mapping[str, int], values: Mapping[str, int]
) -> dict[int, bytes] | None:
    """The content streams of the front matter ``src`` (its PDF, open in pikepdf and only read here: the merge
    reads the same object; laid out with the marked placeholders ``shown``)
    with the real page numbers ``values`` (anchor -> number) written over them, by page index: each
    placeholder's glyphs replaced by the real digits' glyphs of the same font, its colour put back. None
    when that would not draw the pages exactly as a layout with the real numbers would (see the module's
    notes). The merge puts them in (the PDF's objects keep their numbers: its structure tree is renamed
    by them)."""
    import pikepdf

    by_page: dict[int, list[int]] = {}
    for index, box in enumerate(numbers.boxes):
        by_page.setdefault(box.page, []).append(index)
    pages: dict[int, tuple[list[Any], dict[int, tuple[int, int]]]] = {}  # page -> its operators and placeholders
    fonts: dict[Any, Any] = {}  # each font object the placeholders are drawn in
    glyphs: dict[Any, dict[str, bytes]] = {}  # font object -> digit -> glyph code (a subset serves the document)
    font_of: dict[int, Any] = {}  # placeholder -> its font object
    for page_number, indices in sorted(by_page.items()):
        if page_number >= len(src.pages):
            return None
        page = src.pages[page_number]
        ops = list(pikepdf.parse_content_stream(page))
        runs = _runs(ops)
        if runs is None or sorted(runs) != indices:
            return None
        font_dicts = page.obj.get("/Resources", pikepdf.Dictionary()).get("/Font", pikepdf.Dictionary())
        placed: dict[int, tuple[int, int]] = {}
        for index, (color_at, (name, show_at)) in sorted(runs.items()):
            font = font_dicts.get(name)
            codes = _codes(ops[show_at])
            digits = str(shown[numbers.boxes[index].anchor])
            if font is None or codes is None or len(codes) != len(digits):
                return None
            fonts[font.objgen] = font
            table = glyphs.setdefault(font.objgen, {})
            for digit, code in zip(digits, codes, strict=True):
                if table.setdefault(digit, code) != code:
                    return None
            placed[index] = (color_at, show_at)
            font_of[index] = font.objgen
        pages[page_number] = (ops, placed)
    for key, table in glyphs.items():
        widths = {_width(fonts[key], code) for code in table.values()}
        if len(widths) != 1 or None in widths:
            return None  # proportional digits (or a font these codes cannot be read from)
    contents: dict[int, bytes] = {}
    for page_number, (ops, placed) in pages.items():
        for index, (color_at, show_at) in placed.items():
            box = numbers.boxes[index]
            table = glyphs[font_of[index]]
            digits = str(values[box.anchor])
            if len(digits) != len(str(shown[box.anchor])) or any(d not in table for d in digits):
                return None  # another digit count, or a digit none of that font's placeholders holds
            ops[show_at] = _recoded(ops[show_at], [table[d] for d in digits])
            channels = [pikepdf.Object.parse(_number(c).encode()) for c in box.color]
            ops[color_at] = pikepdf.ContentStreamInstruction(channels, pikepdf.Operator("rg"))
        contents[page_number] = pikepdf.unparse_content_stream(ops)
    return contents


def _number(value: float) -> str:
    """A colour channel as a PDF number (as WeasyPrint writes them: six decimals, no trailing zeros)."""
    return str(int(value)) if float(value).is_integer() else f"{value:f}".rstrip("0")


def _runs(ops: list[Any]) -> dict[int, tuple[int, tuple[str, int]]] | None:
    """Each sentinel colour's placeholder: the index of its colour operator and (its font's resource name,
    the index of its one show-text operator); None when a placeholder is not exactly one show-text operator,
    or a sentinel is set twice."""
    runs: dict[int, tuple[int, tuple[str, int]]] = {}
    fonts = [""]  # the text font, per graphics state (q pushes, Q pops)
    marking: int | None = None
    color_at = -1
    shows: list[tuple[str, int]] = []
    for at, instruction in enumerate(ops):
        name = str(instruction.operator)
        if name == "q":
            fonts.append(fonts[-1])
        elif name == "Q" and len(fonts) > 1:
            fonts.pop()
        elif name == "Tf":
            fonts[-1] = str(instruction.operands[0])
        if name in _SHOW and marking is not None:
            shows.append((fonts[-1], at))
        elif name in _COLOR or name in ("Q", "EMC", "BDC", "BMC", "Do", "sh", "f", "f*", "S", "B", "b"):
            # The placeholder's run ends where anything else is drawn or set (the next box sets its own colour).
            if marking is not None:
                if len(shows) != 1 or marking in runs:
                    return None
                runs[marking] = (color_at, shows[0])
            marking, shows = None, []
            if name == "rg":
                marking = _index([float(v) for v in instruction.operands])
                color_at = at
    if marking is not None:
        if len(shows) != 1 or marking in runs:
            return None
        runs[marking] = (color_at, shows[0])
    return runs


def _codes(instruction: Any) -> list[bytes] | None:
    """The two-byte glyph codes a show-text operator draws; None when it also moves them (WeasyPrint writes
    a zero after each glyph of a ``TJ`` array: anything else is kerning or spacing)."""
    import pikepdf

    name = str(instruction.operator)
    if name == "TJ":
        items = list(instruction.operands[0])
    elif name == "Tj":
        items = [instruction.operands[0]]
    else:
        return None
    codes: list[bytes] = []
    for item in items:
        if isinstance(item, pikepdf.String):
            data = bytes(item)
            if len(data) % 2:
                return None
            codes += [data[k : k + 2] for k in range(0, len(data), 2)]
        elif float(item) != 0:
            return None
    return codes


def _recoded(instruction: Any, codes: list[bytes]) -> Any:
    """``instruction`` (a show-text operator :func:`_codes` read) drawing ``codes`` instead, glyph for glyph."""
    import pikepdf

    left = iter(codes)

    def swap(item: Any) -> Any:
        if isinstance(item, pikepdf.String):
            return pikepdf.String(b"".join(next(left) for _ in range(len(bytes(item)) // 2)))
        return item

    operand = instruction.operands[0]
    new = pikepdf.Array([swap(item) for item in operand]) if str(instruction.operator) == "TJ" else swap(operand)
    return pikepdf.ContentStreamInstruction([new], instruction.operator)


def _width(font: Any, code: bytes) -> float | None:
    """The width of a two-byte glyph code in a Type 0 font with the Identity-H encoding (from its CIDFont's
    ``/W`` widths, else ``/DW``), None for another kind of font."""
    import pikepdf

    if str(font.get("/Subtype")) != "/Type0" or str(font.get("/Encoding")) != "/Identity-H":
        return None
    cid = int.from_bytes(code, "big")
    descendant = font.DescendantFonts[0]
    widths = list(descendant.get("/W", []))
    at = 0
    while at < len(widths):
        first = int(widths[at])
        if at + 1 < len(widths) and isinstance(widths[at + 1], pikepdf.Array):  # first [w1 w2 ...]
            listed = list(widths[at + 1])
            if first <= cid < first + len(listed):
                return float(listed[cid - first])
            at += 2
        else:  # first last w
            last, width = int(widths[at + 1]), float(widths[at + 2])
            if first <= cid <= last:
                return width
            at += 3
    return float(descendant.get("/DW", 1000))
