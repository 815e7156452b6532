"""citeproc-py's BibTeX reader (0.11.x), made tolerant: names with stray whitespace parse, and an entry it cannot read is skipped and reported instead of failing the bibliography.

citeproc-py builds every reference while it opens the file, so one entry its name parser trips
on (``author = {Matti Picus\n   }``: a trailing newline loses the family name and raises
``UnboundLocalError``) stopped the whole book. The reader here repeats its constructor entry by
entry, which reaches its parser and macro classes: hence a module of its own, with the version
range it was written for.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from presswork.compat.versions import Range

__all__ = ["RANGE", "SkippedEntry", "read_bibtex"]

#: The citeproc-py versions this module was written for (pyproject.toml bounds the same).
RANGE = Range("citeproc-py", "0.11", "0.12")

#: A year range written with a hyphen or a dash and spaces ("2010 - 2025").
_YEAR_RANGE = re.compile(r"^\s*(\d{4})\s*(?:-+|\u2013|\u2014)\s*(\d{4})\s*$")

#: BibTeX fields that hold ``and``-separated names.
_NAME_FIELDS = ("author", "editor", "translator", "bookauthor")


#: biblatex entry types citeproc-py does not know, as the CSL types Pandoc's citeproc gives them.
_BIBLATEX_TYPES = {
    "online": "webpage", "electronic": "webpage", "www": "webpage",
    "collection": "book", "mvbook": "book", "mvcollection": "book", "bookinbook": "chapter",
    "inreference": "entry-encyclopedia", "reference": "book", "patent": "patent",
    "periodical": "article-journal", "software": "article", "dataset": "article",
}  # fmt: skip


@dataclass(frozen=True)
class SkippedEntry:
    """One BibTeX entry citeproc-py could not read: its key, the line of its ``@type{key``, and why."""

    key: str
    line: int
    reason: str


def _entry_lines(text: str) -> dict[str, int]:
    """The line of each ``@type{key,`` in a BibTeX file, by key in lower case."""
    lines: dict[str, int] = {}
    for match in re.finditer(r"@\s*\w+\s*[{(]\s*([^,\s]+)\s*,", text):
        lines.setdefault(match.group(1).lower(), text.count("\n", 0, match.start()) + 1)
    return lines


def read_bibtex(path: Path, text: str, title_case: Callable[[Any], Any]) -> tuple[Any, list[SkippedEntry]]:
    """citeproc-py's BibTeX source for ``path`` (whose text is ``text``), each title passed through
    ``title_case``, and the entries it had to leave out."""
    RANGE.require()
    from citeproc.source.bibtex import BibTeX
    from citeproc.source.bibtex.bibparse import BibTeXParser
    from citeproc.source.bibtex.latex import parse_latex
    from citeproc.source.bibtex.latex.macro import Macro, NewCommand

    class TolerantBibTeX(BibTeX):  # type: ignore[misc]
        types = {**BibTeX.types, **_BIBLATEX_TYPES}

        def __init__(self) -> None:  # BibTeX.__init__, one entry at a time
            database = BibTeXParser(str(path), "utf-8")
            self.preamble_macros: dict[str, Any] = {}
            parse_latex(
                database.preamble,
                {
                    "newcommand": NewCommand(self.preamble_macros),
                    "mbox": Macro(1, "{0}"),
                    "cite": Macro(1, "CITE({0})"),
                },
            )
            lines = _entry_lines(text)
            self.skipped: list[SkippedEntry] = []
            for key, entry in database.items():
                try:
                    self.add(self.create_reference(key, entry))
                except Exception as exc:  # noqa: BLE001 - one unreadable entry is reported, not fatal
                    self.skipped.append(SkippedEntry(key, lines.get(key.lower(), 0), f"{type(exc).__name__}: {exc}"))

        def _parse_year(self, year: Any) -> Any:
            # "2010 - 2025" (a hyphen, spaces) as the en dash range citeproc-py reads ("2010--2025")
            if isinstance(year, str) and (found := _YEAR_RANGE.match(year)):
                year = f"{found.group(1)}--{found.group(2)}"
            return super()._parse_year(year)

        def _bibtex_to_csl(self, bibtex_entry: Any) -> Any:
            for name in _NAME_FIELDS:
                if isinstance(bibtex_entry.get(name), str):
                    bibtex_entry[name] = " ".join(bibtex_entry[name].split())
            fields = super()._bibtex_to_csl(bibtex_entry)
            if "title" in fields:
                fields["title"] = title_case(fields["title"])
            return fields

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Unsupported BibTeX field" for fields no style uses (url, isbn...)
        source = TolerantBibTeX()
    return source, source.skipped
