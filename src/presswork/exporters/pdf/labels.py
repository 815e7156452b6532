"""PDF page labels that match the printed folios (roman front matter, arabic body), from WeasyPrint's layout.

WeasyPrint 70 writes no ``/PageLabels``. The folios a theme prints are read back from each
laid-out page's foot margin boxes; pages that print none (cover, title page, blank versos)
take their number from the nearest folio of the same sequence, so a viewer's page
numbers are the book's own. The labels are written into the catalog by a ``write_pdf`` finisher.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pydyf

from presswork.compat.weasyprint import page_box

if TYPE_CHECKING:  # WeasyPrint is imported when a layout is made (0.9 s), not by the EPUB's page list
    from weasyprint.formatting_structure.boxes import Box

_ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


@dataclass(frozen=True)
class Folio:
    """A page's number in its sequence: ``style`` "D" (arabic), "r" (lower roman) or "" (a named page)."""

    style: str
    value: int = 0
    prefix: str = ""


def to_roman(value: int) -> str:
    """``value`` as a lower-case roman numeral (14 -> "xiv")."""
    out = ""
    for number, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while value >= number:
            out, value = out + letters, value - number
    return out


def folio_text(folio: Folio) -> str:
    """The label a viewer shows for ``folio`` ("iv", "12", "Cover")."""
    if folio.style == "r":
        return folio.prefix + to_roman(folio.value)
    if folio.style == "D":
        return folio.prefix + str(folio.value)
    return folio.prefix


def roman_value(text: str) -> int:
    """The value of a lower-case roman numeral ("xiv" -> 14)."""
    total = 0
    for i, ch in enumerate(text):
        v = _ROMAN_VALUES[ch]
        total += -v if i + 1 < len(text) and _ROMAN_VALUES[text[i + 1]] > v else v
    return total


def parse_folio(text: str) -> Folio | None:
    """The folio printed as ``text`` ("iv", "12", "3 / 40"), or None when it is not a page number."""
    words = text.split()
    if not words:
        return None
    word = words[0].lower()
    if word.isdigit():
        return Folio("D", int(word))
    if _ROMAN.match(word):
        return Folio("r", roman_value(word))
    return None


def _text(box: Box) -> str:
    from weasyprint.formatting_structure.boxes import TextBox

    if isinstance(box, TextBox):
        return str(box.text)
    return " ".join(_text(child) for child in getattr(box, "children", ()))


def printed_folios(pages: Sequence[Any]) -> list[Folio | None]:
    """The folio printed in the foot margin of each WeasyPrint page (None where there is none)."""
    from weasyprint.formatting_structure.boxes import MarginBox

    out: list[Folio | None] = []
    for page in pages:
        box = page_box(page)
        found: Folio | None = None
        for child in box.children:
            if isinstance(child, MarginBox) and child.at_keyword.startswith("@bottom"):
                found = found or parse_folio(_text(child))
        out.append(found)
    return out


def page_name(page: Any) -> str:
    """The CSS page name of a laid-out page ("cover", "front", "main" or "")."""
    return str(getattr(page_box(page).page_type, "name", "") or "")


def fill_folios(folios: Sequence[Folio | None], names: Sequence[str]) -> list[Folio]:
    """Every page's folio: printed ones as they are, unprinted ones counted from the nearest
    printed folio after (or else before) them, a cover as "Cover"."""
    n = len(folios)
    out: list[Folio] = []
    for i in range(n):
        printed = folios[i]
        if printed is not None:
            out.append(printed)
            continue
        if names[i] == "cover":
            out.append(Folio("", 0, "Cover"))
            continue
        guess: Folio | None = None
        after = next((j for j in range(i + 1, n) if folios[j] is not None), None)
        if after is not None:
            f = folios[after]
            assert f is not None
            if f.value - (after - i) >= 1:
                guess = Folio(f.style, f.value - (after - i))
        if guess is None:
            before = next((j for j in range(i - 1, -1, -1) if folios[j] is not None), None)
            if before is not None:
                f = folios[before]
                assert f is not None
                guess = Folio(f.style, f.value + (i - before))
        out.append(guess or Folio("D", i + 1))
    return out


def label_ranges(folios: Sequence[Folio]) -> list[tuple[int, Folio]]:
    """The page-label ranges: (first page index, its folio) wherever a sequence starts afresh."""
    ranges: list[tuple[int, Folio]] = []
    for i, f in enumerate(folios):
        if ranges:
            start, first = ranges[-1]
            if f.style and f.style == first.style and f.value == first.value + (i - start):
                continue
        ranges.append((i, f))
    return ranges


def page_labels(pages: Sequence[Any]) -> list[Folio]:
    """The label of every laid-out page."""
    return fill_folios(printed_folios(pages), [page_name(p) for p in pages])


def labels_finisher(labels: Sequence[Folio]) -> Any:
    """A WeasyPrint ``write_pdf`` finisher that writes ``labels`` as the catalog's ``/PageLabels``."""

    def finish(document: Any, pdf: pydyf.PDF) -> None:
        nums = pydyf.Array()
        for index, folio in label_ranges(labels):
            entry = pydyf.Dictionary({"Type": "/PageLabel"})
            if folio.style:
                entry["S"] = "/" + folio.style
                entry["St"] = folio.value
            if folio.prefix:
                entry["P"] = pydyf.String(folio.prefix)
            nums.extend([index, entry])
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})

    return finish
