"""No silent loss: compare the words of a source file with the words of its tree.

Every word of the source must reach the tree (as text, code, math, a URL, an alt text or an
attribute), or a warning must name its file and a line of the source block it stood in.
Front matter, HTML comments, tag and attribute names, link-reference labels and other markup
are left out of the count. Words are compared case-insensitively, as a set per file.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Blocks, Pos
from presswork.core.walk import collect_strings

__all__ = ["Audit", "audit_words", "source_words", "tree_words"]

_WORD = re.compile(r"[^\W_]+")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9_:.-]*((?:\s(?:[^<>\"']|\"[^\"]*\"|'[^']*')*)?)/?>")
_ATTR_VALUE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
#: A link reference definition (``[label]: url "title"``): not text; a used one's URL is in its Link.
_REF_DEF = re.compile(
    r"^[ \t]{0,3}\[(?P<label>[^\]]+)\]:[ \t]*\S*(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$", re.M
)
_REF_USE = re.compile(r"\]\[(?P<label>[^\]]*)\]")
_NOTE_LABEL = re.compile(r"\[\^(?P<label>[^\]\s]+)\]")
_TASK = re.compile(r"^([ \t]*(?:[-*+]|\d+[.)])[ \t]+)\[[ xX]\]", re.M)
_CAPTION = re.compile(r"^([ \t]*)Table:", re.M)
_NUMBER_MARKER = re.compile(r"^((?:[ \t]*>)*[ \t]*)(\d{1,9})(?=[.)](?:[ \t]|$))", re.M)
#: The ``callout-`` of a Quarto call-out (``::: callout-note``, ``::: {.callout-tip}``): markup, the kind is in the tree.
_CALLOUT = re.compile(r"^([ \t>]*:{3,}[ \t]*\{?[ \t]*\.?)callout(?=[-\s}]|$)", re.M)
#: How a Quarto call-out looks (``appearance="simple"``, ``collapse="true"``, ``icon=false``): presentation, not text.
_CALLOUT_LOOK = re.compile(r"^[ \t>]*:{3,}[ \t]*\{[^}\n]*\}", re.M)
_LOOK_ATTR = re.compile(r"""\b(?:appearance|collapse|icon)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s}]*)|\bcaption(?=\s*=)""")
#: Keys (``++ctrl+alt+del++``, ``++arrow-down++``): printed as key names or symbols (↓, /), not as written.
_KEYS = re.compile(r"\+\+[\w-]+(?:\+[\w-]+)*\+\+")
#: An emoji or icon shortcode (``:smile:``, ``:material-github:``): a picture, not words of the book.
_SHORTCODE = re.compile(r"(?<![\w:/]):[a-z][a-z0-9_+-]*:(?![\w:/])")
_ALERT = re.compile(r"\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]", re.I)


@dataclass(frozen=True)
class Audit:
    """The audit of one file: how many distinct words it has, and those lost without a warning (word, line)."""

    path: str
    words: int
    lost: tuple[tuple[str, int], ...]


def _blank(match: re.Match[str]) -> str:
    """Replace a match by spaces, keeping its newlines (line numbers stay right)."""
    text = match.group(0)
    return _NOT_NEWLINE.sub(" ", text) if "\n" in text else " " * len(text)


_NOT_NEWLINE = re.compile(r"[^\n]")


#: Attributes whose values are words of the book (an ``alt`` or ``title``) or a link's target. Every
#: other attribute (``align``, ``class``, ``style``, ``width``...) is presentation or markup, not text.
_TEXT_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "summary", "label", "href", "src", "cite"})


def _text_values(attributes: str) -> str:
    """The values of the text-carrying attributes (see ``_TEXT_ATTRIBUTES``) among ``attributes``."""
    return " ".join(
        next((v for v in m.groups()[1:] if v is not None), "")
        for m in _ATTR_VALUE.finditer(attributes)
        if m.group(1).lower() in _TEXT_ATTRIBUTES
    )


def _tag_values(match: re.Match[str]) -> str:
    """A tag replaced by the values of its text-carrying attributes."""
    newlines = match.group(0).count("\n")
    return " " + _text_values(match.group(1)) + "\n" * newlines + " "


_ATTR_ITEM = r"""(?:[#.][\w:.-]+|[\w:-]+\s*=\s*(?:"[^"\n]*"|'[^'\n]*'|[^\s}"']+))"""
#: An attribute list (``{ #id .class key="value" }``, Pandoc, Quarto, Python-Markdown's ``attr_list``).
_ATTR_LIST = re.compile(r"\{:?[ \t]*(" + _ATTR_ITEM + r"(?:[ \t]+" + _ATTR_ITEM + r")*)[ \t]*\}")


def _attr_list_values(match: re.Match[str]) -> str:
    """An attribute list replaced by the values of its text-carrying attributes (a ``title``), the rest
    (ids, classes, ``style``, ``data-toc-label``...) being markup: blanked, line length kept."""
    return _text_values(match.group(1)).ljust(len(match.group(0)))


def _clean(body: str, dialect: str = "") -> str:
    """The body without markup that carries no words of the book (line breaks kept); ``dialect`` is the
    reader's name (``myst`` markup has names and options of its own)."""
    if dialect == "myst":
        from presswork.reading.myst.audit import clean_myst

        body = clean_myst(body)
    text = _COMMENT.sub(_blank, body)
    text = _REF_DEF.sub(_blank, text)
    text = _NOTE_LABEL.sub(_blank, text)  # before reference uses: in "[^11][^12]" the "][^12]" is no reference
    text = _REF_USE.sub(_blank, text)
    text = _SHORTCODE.sub(_blank, text)
    text = _KEYS.sub(_blank, text)
    text = _TASK.sub(lambda m: m.group(1) + "   ", text)
    text = _CAPTION.sub(lambda m: m.group(1) + "      ", text)
    text = _CALLOUT.sub(lambda m: m.group(1) + "       ", text)
    text = _CALLOUT_LOOK.sub(lambda m: _LOOK_ATTR.sub(_blank, m.group(0)), text)
    text = _NUMBER_MARKER.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)  # list numbers: OrderedList.start
    text = _ATTR_LIST.sub(_attr_list_values, text)
    text = _TAG.sub(_tag_values, text)
    return html.unescape(text) if "&" in text else text


def source_words(body: str) -> dict[str, int]:
    """The words of a Markdown body (front matter already blanked), each with the first line it is on."""
    words: dict[str, int] = {}
    for number, line in enumerate(_clean(body).split("\n"), 1):
        for word in _WORD.findall(line.lower()):
            words.setdefault(word, number)
    return words


def tree_words(blocks: Blocks) -> set[str]:
    """The words of a tree (lower case).

    A URL in the tree is percent-encoded (``03-ünï%20é.md`` reads ``03-%C3%BCn%C3%AF%20%C3%A9.md``):
    its words are also taken as written (non-ASCII characters decoded, ``%20`` kept) and fully decoded
    (``%5B`` for ``[`` too), so that a working link is never counted as lost words."""
    out: list[str] = []
    collect_strings(blocks, out)
    text = "\n".join(out)
    if "%" in text:
        text += "\n" + _HIGH_ESCAPES.sub(_unquote, text) + "\n" + urllib.parse.unquote(text)
    return set(_WORD.findall((html.unescape(text) if "&" in text else text).lower()))


#: Percent-escapes of non-ASCII bytes (UTF-8 sequences), as markdown-it writes non-ASCII characters of URLs.
_HIGH_ESCAPES = re.compile(r"(?:%[89a-fA-F][0-9a-fA-F])+")


def _unquote(match: re.Match[str]) -> str:
    return urllib.parse.unquote(match.group(), errors="strict") if _valid_utf8(match.group()) else match.group()


def _valid_utf8(escapes: str) -> bool:
    try:
        urllib.parse.unquote_to_bytes(escapes).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _block_spans(body: str) -> list[tuple[int, int]]:
    """1-based (first, last) lines of the top-level blocks of ``body`` (markdown-it's token maps)."""
    from presswork.reading.gfm.parser import make_parser

    spans = []
    for token in make_parser().parse(body):
        if (
            token.map
            and token.level == 0
            and token.nesting >= 0
            or (token.map and token.nesting == 1 and token.level == 0)
        ):
            spans.append((token.map[0] + 1, token.map[1]))
    return spans


def audit_words(body: str, blocks: Blocks, path: str, reporter: Reporter, dialect: str = "") -> Audit:
    """Warn (category ``audit``) about each source line whose words vanished without a warning
    (``dialect``: the name of the reader that read ``body``)."""
    clean = _clean(body, dialect).lower()
    present = tree_words(blocks)
    source = set(_WORD.findall(clean))
    if source <= present:
        return Audit(path, len(source), ())
    missing = {}
    for number, text in enumerate(clean.split("\n"), 1):  # the first line of each missing word
        for word in _WORD.findall(text):
            if word not in present and word not in missing and not _ALERT.fullmatch(f"[!{word}]"):
                missing[word] = number
    if not missing:
        return Audit(path, len(source), ())
    warned = [w.pos.line for w in reporter.warnings if w.pos is not None and w.pos.file == path and w.pos.line]
    spans = _block_spans(body) if warned else []
    excused_lines: set[int] = set()
    for first, last in [*spans, *reporter.removed.get(path, ())]:
        if any(first <= line <= last for line in warned):
            excused_lines.update(range(first, last + 1))
    excused_lines.update(warned)
    lost = tuple(sorted(((w, line) for w, line in missing.items() if line not in excused_lines), key=lambda x: x[1]))
    by_line: dict[int, list[str]] = {}
    for word, line in lost:
        by_line.setdefault(line, []).append(word)
    for line, words in by_line.items():
        shown = ", ".join(repr(w) for w in words[:8]) + (", ..." if len(words) > 8 else "")
        reporter.warn(
            f"{len(words)} word(s) of the source missing from the book without a warning: {shown}",
            Pos(path, line),
            "audit",
        )
    return Audit(path, len(source), lost)


def summarise(audits: Iterable[Audit]) -> tuple[int, int]:
    """(distinct words, lost words) over several files."""
    total = lost = 0
    for a in audits:
        total += a.words
        lost += len(a.lost)
    return total, lost
