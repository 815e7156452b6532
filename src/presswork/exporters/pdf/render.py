"""The print flavour of the shared XHTML renderer: honest break points, ragged fallbacks, listing classes."""

from __future__ import annotations

import re

from presswork.core.tree import Chapter, Code, CodeBlock, Paragraph, Text, blocks_text
from presswork.exporters.common.breaking import RAGGED_RUN, is_breakable_token, longest_run
from presswork.exporters.common.html import HtmlRenderer, esc

#: Listings of at most this many lines are never split across pages.
SHORT_LISTING = 12


def breaking_html(text: str) -> str:
    """Escaped ``text`` whose URL-like tokens carry a zero-width space after ``/ . _ - ? & =`` and are never hyphenated.

    The break points are characters of the token's own text, not ``<wbr/>`` elements: WeasyPrint
    draws ``<wbr/>`` as generated content in a box of its own and often misses the break there
    (then breaks the URL anywhere), while Pango finds a zero-width space inside the text run. Pango
    gives it an empty glyph, which WeasyPrint writes to no text layer: text copied out of the PDF
    has the plain URL (checked with pdftotext in tests/exporters/pdf/test_typography.py).
    """
    out: list[str] = []
    for token in _tokens(text):
        if is_breakable_token(token):
            pieces = _split_points(token)
            out.append('<span class="token">' + "\u200b".join(esc(p) for p in pieces) + "</span>")
        else:
            out.append(esc(token))
    return "".join(out)


def _tokens(text: str) -> list[str]:
    """``text`` cut into alternating runs of non-space and space characters (nothing lost)."""
    out: list[str] = []
    current = ""
    for ch in text:
        if current and (ch.isspace() != current[-1].isspace()):
            out.append(current)
            current = ""
        current += ch
    if current:
        out.append(current)
    return out


def _split_points(token: str) -> list[str]:
    """``token`` cut after each break character that is followed by more of the token."""
    pieces: list[str] = []
    start = 0
    for i, ch in enumerate(token[:-1]):
        if ch in "/._-?&=" and token[i + 1] not in "/._-?&=":
            pieces.append(token[start : i + 1])
            start = i + 1
    pieces.append(token[start:])
    return pieces


_PIECES = re.compile(r"(<[^>]*>)")
_SPACES = re.compile(r"\s+")
_FOUR_LETTERS = re.compile(r"[^\W\d_]{4}")


def _last_word(piece: str) -> tuple[str, str, str] | None:
    """``piece`` as (text before its last word, the word, the spaces after it) when that word has four
    letters in a row, else None. Linear in the length of ``piece``: a pattern such as
    ``(\\S*[a-z]{4,}\\S*)\\s*$`` backtracks for minutes on one 400-letter word."""
    stripped = piece.rstrip()
    word = _SPACES.split(stripped)[-1] if stripped else ""
    if not _FOUR_LETTERS.search(word):
        return None
    return stripped[: len(stripped) - len(word)], word, piece[len(stripped) :]


def keep_last_word_whole(html: str) -> str:
    """``html`` (a paragraph) with its last word wrapped in ``<span class="last-word">``, which the
    stylesheet never hyphenates: a paragraph does not end on the stub of a broken word (the rule
    behind TeX's ``\\finalhyphendemerits``). Footnote calls and other words without four letters
    after it are passed over, so the wrapped word is the last real one."""
    pieces = _PIECES.split(html)
    for i in range(len(pieces) - 1, -1, -1):
        piece = pieces[i]
        if piece.startswith("<"):
            continue
        if pieces[i - 1 : i] and re.match(r'<span class="token">', pieces[i - 1]):
            return html  # the last word is a URL or identifier: never hyphenated anyway
        found = _last_word(piece)
        if found is None:
            if re.search(r"[^\W\d_]", piece):
                return html  # the last word is too short to hyphenate
            continue  # spaces, punctuation or a footnote call's number: look further back
        before, word, space = found
        pieces[i] = before + f'<span class="last-word">{word}</span>' + space
        return "".join(pieces)
    return html


class PrintRenderer(HtmlRenderer):
    """XHTML for WeasyPrint: URLs and identifiers break only after ``/ . _ - ? & =`` (no added hyphen),
    a paragraph with a long unbreakable run is set ragged, listings say whether they may split,
    and chapters that open no page are marked ``run-on``."""

    def __init__(self, *, breaks: dict[str, bool] | None = None, **kwargs: object) -> None:
        super().__init__(target="print", **kwargs)  # type: ignore[arg-type]
        self.breaks = breaks or {}
        #: The body XHTML of each chapter rendered so far (by chapter id), for the float pass (floats.py).
        self.bodies: dict[str, str] = {}

    def chapter(self, chapter: Chapter, classes: str = "") -> str:
        """The chapter section; ``run-on`` when the book's chapter breaks say it opens no page, ``depth-N``
        for a sub-chapter (its bookmarks nest under its chapter's, as the contents do)."""
        if not self.breaks.get(chapter.id, True):
            classes = f"{classes} run-on".strip()
        if chapter.depth > 1:
            classes = f"{classes} depth-{min(chapter.depth, 6)}".strip()
        return super().chapter(chapter, classes)

    def chapter_body(self, chapter: Chapter) -> str:
        """The chapter's blocks, remembered so that the float pass can rearrange them without rendering again."""
        body = super().chapter_body(chapter)
        self.bodies[chapter.id] = body
        return body

    def Text(self, node: Text) -> str:
        return breaking_html(node.text)

    def Code(self, node: Code) -> str:
        return f"<code>{breaking_html(node.text)}</code>"

    def Paragraph(self, node: Paragraph) -> str:
        classes = [self.lead_in_class()]
        if longest_run(blocks_text((node,))) >= RAGGED_RUN:
            classes.append("ragged")
        return keep_last_word_whole(self._para(node, cls=" ".join(c for c in classes if c)))

    def CodeBlock(self, node: CodeBlock) -> str:
        html = super().CodeBlock(node)
        kind = "listing-short" if node.code.rstrip("\n").count("\n") + 1 <= SHORT_LISTING else "listing-long"
        return html.replace(' class="code', f' class="{kind} code', 1)
