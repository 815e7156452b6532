"""A MkDocs book's full deck: bold lines used as subheadings keep with their content and name the slides they
continue on, and mkautodoc directives read as their reference and a note (found in the HTTPX docs' deck)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from tests.support import REPO
from tests.support.decks import build_fixture_deck

BOOK = REPO / "tests" / "books" / "deck-mkdocs"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return build_fixture_deck(BOOK, tmp_path_factory.mktemp("mkdocs-deck"))


def slides(path: Path) -> list[tuple[str, list[tuple[str, bool]]]]:
    """(title, [(paragraph text, all bold)]) of each slide's body."""
    out = []
    for slide in Presentation(str(path)).slides:
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        paras = []
        for shape in slide.shapes:
            if not shape.has_text_frame or shape == slide.shapes.title or shape.name.startswith(("Footer", "Slide")):
                continue
            for p in shape.text_frame.paragraphs:
                runs = [r for r in p.runs if r.text.strip()]
                if runs:
                    paras.append((p.text.strip(), all(r.font.bold for r in runs)))
        out.append((title, paras))
    return out


def test_the_slides_under_a_bold_line_are_titled_by_it(built: tuple[Path, str]) -> None:
    """Before, "Cookie persistence..." and the items after it continued under 'Why use a Client? (3/3)', the
    bold line 'Extra features' that they belong to left on the slide before."""
    deck = slides(built[0])
    under = [title for title, paras in deck if any(t.startswith(("Cookie", "Event hooks")) for t, _ in paras)]
    assert under and all("Extra features" in t for t in under), under
    assert not [t for t, paras in deck if len(paras) > 1 and paras[-1][1]], "a slide ends with a bold line"


def test_a_bold_line_under_a_subheading_is_titled_under_it(built: tuple[Path, str]) -> None:
    """A bold line in a sub-section ('Tracing') names its slides after that sub-section's name, as the source
    nests them, not after the section's alone ('Usage › Establishing the connection')."""
    [title] = [t for t, paras in slides(built[0]) if any("connect_tcp" in p for p, _ in paras)]
    assert title == "Usage › Tracing › Establishing the connection", title


def test_autodoc_directives_show_their_reference_and_a_note_not_their_options(built: tuple[Path, str]) -> None:
    """Before, '::: httpx.delete' and its ':docstring:' option read as one line ending in ':' (a lead-in)."""
    deck, errors = built
    texts = [t for _, paras in slides(deck) for t, _ in paras]
    refs = [t for t in texts if t.startswith("httpx.")]
    assert len(refs) == 10 and all(t.endswith("not included)") for t in refs), refs
    assert not [t for t in texts if ":docstring:" in t]
    assert "docs/api.md:29: warning: mkautodoc directive '::: httpx.delete'" in errors
