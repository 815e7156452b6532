"""Tree text -> deck text: styled runs from inlines, plain text for speaker notes, quotes and TeX as text."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from typing import Any

from presswork.core.tree import (
    Block,
    Cite,
    Code,
    CrossRef,
    Emphasis,
    Image,
    Inline,
    Kbd,
    LineBreak,
    Link,
    Math,
    Note,
    RawInline,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Text,
    inline_node,
    plain_text,
    unhandled,
)
from presswork.core.tree import blocks_text as tree_blocks_text
from presswork.core.urls import is_allowed_url
from presswork.exporters.pptx.model.deck import Run
from presswork.exporters.pptx.model.inlinemath import math_metrics


class InlineRuns:
    """Turns inlines into runs; footnotes become numbered markers and go to ``notes``."""

    def __init__(
        self, footnotes: list[str], notes_counter: list[int], warn: Callable[[str], None] | None = None
    ) -> None:
        self.footnotes = footnotes
        self.counter = notes_counter
        self.warn = warn

    def runs(self, inlines: tuple[Inline, ...], **style: Any) -> tuple[Run, ...]:
        """The runs of ``inlines`` set in ``style`` (Run fields), neighbours of one style merged."""
        out: list[Run] = []
        for node in inlines:
            out.extend(self._one(node, dict(style)))
        return tuple(_merge_runs(out))

    def _one(self, inline: Inline, st: dict[str, Any]) -> list[Run]:
        node = inline_node(inline)
        match node:
            case Text():
                return [Run(node.text, **st)]
            case Code() | Kbd():
                return [Run(node.text, **{**st, "code": True})]
            case Emphasis():
                return list(self.runs(node.children, **{**st, "italic": True}))
            case Strong():
                return list(self.runs(node.children, **{**st, "bold": True}))
            case Strikethrough():
                return list(self.runs(node.children, **{**st, "strike": True}))
            case Superscript() | Subscript():
                table = _SUP if isinstance(node, Superscript) else _SUB
                text = plain_text(node.children)
                if text and all(ord(c) in table for c in text):  # real characters: one word, the font's own glyphs
                    return [Run(text.translate(table), **st)]
                return list(
                    self.runs(node.children, **{**st, "baseline": 30 if isinstance(node, Superscript) else -25})
                )
            case Link():
                url = node.url if node.url.startswith("#") or is_allowed_url(node.url, internal=False) else ""
                if not url and self.warn is not None:
                    self.warn(f"link {node.url[:80]!r} dropped: only http(s), mailto and internal links are kept")
                return list(self.runs(node.children, **{**st, "url": url}))
            case Span():
                lang = node.attr.get("lang")
                return list(self.runs(node.children, **({**st, "lang": lang} if lang else st)))
            case CrossRef():
                return list(self.runs(node.children, **{**st, "url": "#" + node.target}))
            case Cite():
                self.footnotes.extend(r for r in node.references if r not in self.footnotes)
                return list(self.runs(node.children, **st))
            case Math():
                if math_metrics(node.tex) is None:
                    if self.warn is not None:
                        self.warn(f"inline math {node.tex!r} cannot be typeset: set as text")
                    return [Run(tex_to_text(node.tex), **{**st, "italic": True})]
                return [Run(tex_to_text(node.tex), **{**st, "math": node.tex})]
            case Image():
                return [Run(node.alt, **st)] if node.alt else []
            case LineBreak():
                return [Run("\n", **st)]
            case Note():
                self.counter[0] += 1
                n = self.counter[0]
                self.footnotes.append(f"[{n}] " + blocks_text(node.blocks))
                return [Run(str(n).translate(_SUP), **st)]
            case RawInline():
                if self.warn is not None:
                    self.warn("raw HTML left out of the deck")
                return []
            case _:
                unhandled(node, "the deck")


def _merge_runs(runs: list[Run]) -> list[Run]:
    out: list[Run] = []
    for r in runs:
        if not r.text:
            continue
        if (
            out
            and not r.math
            and dataclasses.replace(out[-1], text="") == dataclasses.replace(r, text="")
            and "\n" not in r.text + out[-1].text
        ):
            out[-1] = dataclasses.replace(out[-1], text=out[-1].text + r.text)
        else:
            out.append(r)
    return out


_TEX_SYMBOLS = {
    r"\quad": "  ",
    r"\qquad": "    ",
    r"\sum": "∑",
    r"\int": "∫",
    r"\infty": "∞",
    r"\alpha": "α",
    r"\beta": "β",
    r"\gamma": "γ",
    r"\delta": "δ",
    r"\pi": "π",
    r"\sigma": "σ",
    r"\theta": "θ",
    r"\lambda": "λ",
    r"\mu": "μ",
    r"\cdot": "·",
    r"\times": "×",
    r"\leq": "≤",
    r"\geq": "≥",
    r"\neq": "≠",
    r"\approx": "≈",
    r"\pm": "±",
    r"\to": "→",
    r"\rightarrow": "→",
    r"\ldots": "…",
    r"\dots": "…",
}
_SUP = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUB = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


def unbreakable_hyphens(text: str) -> str:
    """A word joiner (U+2060) follows each hyphen inside a word: the slide measurement wraps
    lines only at spaces, so the renderer must not break "problem-solving" at its hyphen either.
    (Not U+2011: Calibri's metric twin Carlito lacks it, and a fallback glyph splits the word.)"""
    return re.sub(r"(?<=\w)-(?=\w)", "-\u2060", text)


def slide_text(text: str) -> str:
    """Prose as it is set on a slide: hyphens that do not break (the reader already set the quotes)."""
    return unbreakable_hyphens(text)


@functools.lru_cache(maxsize=4096)
def tex_to_text(tex: str) -> str:
    """A readable linear rendering of simple TeX (fractions, roots, powers, Greek letters) for speaker notes
    and table cells; a fraction's compound parts keep their grouping: "(T₂ − T₁)/(R₂ − R₁)"."""
    s = tex
    for _ in range(4):
        s = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", lambda m: f"{_group(m.group(1))}/{_group(m.group(2))}", s)
        s = re.sub(r"\\sqrt\{([^{}]*)\}", r"√(\1)", s)
    s = re.sub(r"\^\{?([0-9n+-]+)\}?", lambda m: m.group(1).translate(_SUP), s)
    for cmd, sym in sorted(_TEX_SYMBOLS.items(), key=lambda kv: -len(kv[0])):
        s = s.replace(cmd, sym)
    s = re.sub(r"_\{?([0-9]+)\}?", lambda m: m.group(1).translate(_SUB), s)
    s = re.sub(r"_\{([^{}]*)\}", r"\1", s).replace("{", "").replace("}", "")
    return re.sub(r"\\([A-Za-z]+)", r"\1", s).strip()


def _group(part: str) -> str:
    """A fraction's numerator or denominator, in parentheses when it is more than one term."""
    part = part.strip()
    return f"({part})" if re.search(r"[-+=\s]|\\(?:pm|cdot|times)", part) else part


def blocks_text(blocks: tuple[Block, ...]) -> str:
    """The plain text of blocks for speaker notes: one line per paragraph-like block, footnotes in
    parentheses, TeX as readable text."""
    return tree_blocks_text(blocks, notes=True, math=tex_to_text)


def inline_text(inlines: tuple[Inline, ...]) -> str:
    """The plain text of inlines for speaker notes: footnotes in parentheses, TeX as readable text."""
    return plain_text(inlines, notes=True, math=tex_to_text)


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (up to ". ", "! " or "? " followed by a capital), or all of it."""
    m = re.search(r"[.!?](?=\s+[A-Z0-9\"'“(])", text)
    return text[: m.end()] if m else text


def runs_head(runs: tuple[Run, ...], length: int) -> tuple[Run, ...]:
    """The runs cut after their first ``length`` characters."""
    out, left = [], length
    for r in runs:
        if left <= 0:
            break
        out.append(dataclasses.replace(r, text=r.text[:left]))
        left -= len(r.text)
    return tuple(out)


def runs_tail(runs: tuple[Run, ...], start: int) -> tuple[Run, ...]:
    """The runs from character ``start`` on."""
    out, pos = [], 0
    for r in runs:
        end = pos + len(r.text)
        if end > start:
            out.append(dataclasses.replace(r, text=r.text[max(start - pos, 0) :]))
        pos = end
    return tuple(out)
