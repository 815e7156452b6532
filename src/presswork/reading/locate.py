"""Find the source line of each block by scanning forward through the original Markdown."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")
_NON_WORD = re.compile(r"\W+")
_TAG = re.compile(r"<[^>]*>")
# Markup that may precede a block's first word on its line: quotes, list markers,
# task boxes, heading hashes, definition colons, footnote labels, admonition openers.
_LEAD = re.compile(
    r"^\s*(?:>\s*)*(?:(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)?"
    r"(?:#{1,6}\s+|:\s+|\[\^[^\]]+\]:\s*|(?:!!!|\?\?\?\+?)\s*)?"
)
_HR = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")
_CODE_START = re.compile(r"^\s*(?:>\s*)*(?:```|~~~)|.*<pre", re.I)
_SETEXT = re.compile(r"^ {0,3}(=+|-+) *$")

#: What the start line of each kind of block looks like.
KINDS: dict[str, re.Pattern[str]] = {
    "heading": re.compile(r"^\s*(?:>\s*)*(?:(?:[-*+]|\d+[.)])\s+)?#{1,6}(\s|$)|<h[1-6]", re.I),
    "item": re.compile(r"^\s*(?:>\s*)*(?:[-*+]|\d{1,9}[.)])(\s|$)|<li", re.I),
    "para": re.compile(r"^(?!\s*(?:!!!|\?\?\?|#{1,6}\s|```|~~~|:::|\$\$))\s*\S"),
    "code": re.compile(r"^\s*(?:>\s*)*(?:```|~~~)|<pre|^(?: {4}|\t)", re.I),
    "table": re.compile(r"\||<table", re.I),
    "figure": re.compile(r"!\[|<img|<figure", re.I),
    "admonition": re.compile(r"^\s*(?:>\s*)*(?:!!!|\?\?\?)|<details|<div", re.I),
    "math": re.compile(r"\$\$|\\\[|\\begin\{"),
    "quote": re.compile(r"^\s*>|<blockquote", re.I),
    "div": re.compile(r"^\s*:::+\s*[^\s:]|<\w", re.I),
    "tab": re.compile(r"^\s*(?:>\s*)*===[+!]*\s"),
    "any": re.compile(r"\S"),
}


def _squash(text: str) -> str:
    """Lower-cased text with every non-word character removed."""
    return _NON_WORD.sub("", text).lower()


class Locator:
    """Assigns 1-based source lines to blocks visited in document order (0 = not found).

    A cursor moves forward through the file. A container's first child may start on the
    container's line; every other block starts after the previously located block.
    """

    WINDOW = 5000  # lines scanned per lookup

    def __init__(self, lines: list[str], start: int = 0) -> None:
        self.lines = lines
        self.cursor = start  # 0-based index of the last located line
        self.share = True  # may the next block start on the cursor line?
        self.current = start + 1 if start < len(lines) else 0

    def fork(self, line: int) -> Locator:
        """A locator for a detour (a footnote body) starting at 1-based ``line``."""
        return Locator(self.lines, max(line - 1, 0))

    def find(self, kind: str, text: str = "", container: bool = False) -> int:
        """Locate the next block of ``kind`` whose text starts with ``text``; advance the cursor."""
        start = self.cursor if self.share else self.cursor + 1
        line = self._scan(start, kind, text)
        if line:
            self.cursor = line - 1
            self.current = line
        self.share = container
        return line

    def skip_to(self, line: int) -> None:
        """Note that the last located block extends to 1-based ``line``."""
        if line - 1 > self.cursor:
            self.cursor = line - 1

    def extend(self, line: int, text: str) -> None:
        """Move the cursor to the end of a paragraph starting at ``line``: the first line (before a
        blank one) holding its last word, so the next block is not looked for inside it."""
        words = _WORD.findall(text)
        if not line or not words:
            return
        last = words[-1].lower()
        for i in range(line - 1, min(len(self.lines), line - 1 + self.WINDOW)):
            if not self.lines[i].strip():
                return
            if last in _squash(self.lines[i]):
                self.skip_to(i + 1)
                return

    def search(self, needle: str, start_line: int = 0) -> int:
        """The first line at or after ``start_line`` (default: the current block) containing ``needle``."""
        first = max((start_line or self.current or 1) - 1, 0)
        needle = needle.lower()
        for i in range(first, min(len(self.lines), first + self.WINDOW)):
            if needle in self.lines[i].lower():
                return i + 1
        return start_line or self.current

    def _scan(self, start: int, kind: str, text: str) -> int:
        m = _WORD.search(text)
        first_word = m.group(0).lower() if m else ""
        end = min(len(self.lines), start + self.WINDOW)
        loose = 0
        for i in range(start, end):
            if not self._looks_like(kind, i):
                continue
            if kind == "code":  # a fence, a <pre>, or the first line of an indented code block
                line = self.lines[i]
                if _CODE_START.match(line) or line.strip() == text.split("\n", 1)[0].strip():
                    return i + 1
                continue
            if not first_word:
                return i + 1
            body = _squash(_TAG.sub("", _LEAD.sub("", self.lines[i], count=1)))
            if body.startswith(first_word):
                return i + 1
            if not loose and first_word in body:
                loose = i + 1  # the word is there, but after some markup (a link's URL, an image)
        return loose

    def _looks_like(self, kind: str, i: int) -> bool:
        """Whether line ``i`` can start a block of ``kind``."""
        line = self.lines[i]
        if not line.strip():
            return False
        if kind == "hr":
            prev_blank = i == 0 or not self.lines[i - 1].strip()
            return (bool(_HR.match(line)) and (line.strip()[0] != "-" or prev_blank)) or "<hr" in line.lower()
        if kind == "heading" and i + 1 < len(self.lines) and _SETEXT.match(self.lines[i + 1]):
            return True
        return bool(KINDS[kind].search(line))
