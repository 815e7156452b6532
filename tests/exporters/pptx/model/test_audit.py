"""Audit of the deck model: every word of the source is on a slide or in its speaker notes, as often as the
source has it (what a slide trims, such as long prose, footnotes, details and notes divs, reaches the notes).

Pure and cheap: the model is built from the tree, with no python-pptx and no renderer.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

import presswork
from presswork.core.tree import Document, MathBlock, blocks_text, plain_text
from presswork.core.walk import iter_nodes
from presswork.exporters.pptx.model import build_deck, highlight
from presswork.exporters.pptx.model.deck import DeckOptions, Frame, slide_words
from presswork.exporters.pptx.model.text import tex_to_text
from tests.support.trees import feature_document

ROOT = Path(__file__).resolve().parents[4]
FRAME = Frame(width=873.6, height=367.2)

#: A chapter that trims much: long prose (shown as its first sentence), a footnote, a notes div, <details>,
#: a no-slides div, a call-out holding code, inline math, a comparison and forced layouts.
TRIMMED = """\
# Trimming

## Long prose

The first sentence of a long paragraph stays on the slide. Everything after it moves to the speaker
notes, because a slide is not a page: the presenter says it, and the notes keep every word of it for
whoever reads the deck later, in the order the author wrote it, with nothing lost on the way there.[^fn]

[^fn]: A footnote that only the notes hold.

::: notes
Say this aloud: the audience never sees it.
:::

::: no-slides
Print-only words stay off the slides.
:::

<details>
<summary>Open for more</summary>

Hidden detail words.
</details>

!!! warning "Careful"
    Mixed content inside a call-out:

    ```python
    print("call-out code")
    ```

## Slopes {.layout-two-content}

The slope is $a = \\frac{T_2 - T_1}{R_2 - R_1}$ here.

- One point
- Two points

## Choosing

Pros:

- Fast builds
- Fewer tools

Cons:

- New syntax
- Fewer themes
"""


def words(text: str) -> list[str]:
    """Lower-cased words, sub- and superscript digits read as digits (H₂O is H2O)."""
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower())


def source_words(doc: Document) -> Counter[str]:
    """Every word of the tree (titles, prose, footnotes, code, tables; display math is a picture)."""
    out: Counter[str] = Counter(words(doc.meta.title))
    for ch in doc.chapters:
        text = plain_text(ch.title) + "\n" + blocks_text(ch.blocks, notes=True, math=tex_to_text)
        text = re.sub(r"(^|[•\s])\d+\. ", r"\1", text)  # list numbers are the slides' automatic numbering
        out.update(words(text))
        for node in iter_nodes(ch.blocks):
            if isinstance(node, MathBlock):
                out.subtract(words(node.tex))
    return +out


def deck_words(doc: Document) -> tuple[Counter[str], list[str]]:
    warnings: list[str] = []
    deck = build_deck(
        doc, FRAME, DeckOptions(), lambda k, s, p: (800.0, 400.0), lambda m, p: warnings.append(m), highlight
    )
    got: Counter[str] = Counter()
    for slide in deck.slides:
        got.update(words(" ".join(slide_words(slide))))
    return got, warnings


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory: pytest.TempPathFactory) -> Document:
    folder = tmp_path_factory.mktemp("trimmed")
    (folder / "01-trimming.md").write_text(TRIMMED, encoding="utf-8")
    return presswork.read(str(folder / "01-trimming.md"))


def test_every_source_word_is_on_a_slide_or_in_the_notes(trimmed: Document) -> None:
    docs = {
        "sample": presswork.read(str(ROOT)),
        "features": presswork.read(str(ROOT / "tests" / "books" / "features")),
        "feature tree": feature_document(),
        "trimmed": trimmed,
    }
    for name, doc in docs.items():
        expected = source_words(doc)
        got, _ = deck_words(doc)
        missing = expected - got
        assert not missing, f"{name}: words neither on a slide nor in the notes: {dict(missing)}"


def test_trimmed_words_reach_the_notes_in_reading_order(trimmed: Document) -> None:
    deck = build_deck(trimmed, FRAME, DeckOptions(), lambda k, s, p: (800.0, 400.0), lambda m, p: None, highlight)
    notes = "\n".join(n for s in deck.slides for n in s.notes)
    shown = " ".join(w for s in deck.slides for w in slide_words(s) if w not in " ".join(s.notes).split())
    for phrase in ("Everything after it moves", "A footnote that only", "Say this aloud", "Hidden detail words"):
        assert phrase in notes
        assert phrase not in shown
    order = [notes.index(w) for w in ("Everything after it", "A footnote that only", "Say this aloud", "Hidden detail")]
    assert order == sorted(order)
    assert "Print-only" in notes  # a no-slides div is kept for the presenter
