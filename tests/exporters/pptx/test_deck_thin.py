"""Thin continuation slides in a full deck: a listing that moves on whole or a short closing sentence after
compiler output no longer leaves a slide part-empty (found in the Rust book's full deck)."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Pt

from presswork.commands.cli import main
from tests.support import REPO
from tests.support.decks import build_fixture_deck

BOOK = REPO / "tests" / "books" / "deck-thin"
MONO = re.compile(r"mono|consol|courier|code|menlo", re.I)


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_deck(BOOK, tmp_path_factory.mktemp("thin"))[0]


def slides(path: Path) -> list[tuple[str, str, str]]:
    """(title, body text, code text) of each slide."""
    out = []
    for slide in Presentation(str(path)).slides:
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        body, code = [], []
        for shape in slide.shapes:
            if not shape.has_text_frame or shape == slide.shapes.title or shape.name.startswith(("Footer", "Slide")):
                continue
            runs = [r for p in shape.text_frame.paragraphs for r in p.runs if r.text.strip()]
            mono = runs and all(r.font.name and MONO.search(r.font.name) for r in runs)
            (code if mono else body).append(shape.text_frame.text)
        out.append((title, "\n".join(body), "\n".join(code)))
    return out


def slide_with(path: Path, words: str) -> tuple[str, str, str]:
    [found] = [s for s in slides(path) if words in s[1]]
    return found


def test_a_listing_that_fits_below_its_introduction_stays_with_it(deck: Path) -> None:
    """Before, the listing moved whole to the next slide and left its two introducing paragraphs alone on
    a slide 21% full."""
    _, body, code = slide_with(deck, "First, we make s mutable")
    assert "fn main() {" in code and 'println!("{r1}, {r2}");' in code


def test_a_closing_sentence_after_compiler_output_shares_its_slide(deck: Path) -> None:
    """Before, the sentence after the compiler output sat alone on the group's last slide (18% full). Now the
    output is cut between two of its messages and the sentence follows the second part."""
    title, _, code = slide_with(deck, "Just as variables are immutable by default")
    assert code.startswith(("help:", "For more information")), code
    assert title.endswith("(2/2)")
    _, _, first = slide_with(deck, "A reference is immutable by default")
    assert first.startswith("$ cargo run") and "error[E0596]" in first


def test_a_lead_in_is_never_left_at_the_foot_of_a_slide(deck: Path) -> None:
    shown = slides(deck)
    for title, body, code in shown[:-1]:
        if body.rstrip().endswith(":"):
            assert code, f"{title!r} ends with its lead-in; what it introduces is on the next slide"


def test_listings_stay_at_14_pt_or_more(deck: Path) -> None:
    for slide in Presentation(str(deck)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for p in shape.text_frame.paragraphs:
                    for r in p.runs:
                        if r.font.name and MONO.search(r.font.name) and r.font.size is not None:
                            assert r.font.size >= Pt(14)


def test_a_thin_last_slide_of_a_section_takes_the_next_sub_section(deck: Path) -> None:
    """Before, the sentence after the author's rule sat alone on "Owning a value (2/2)" (9% full) and the
    sub-section after it started a slide of its own. Now the sub-section joins it under its subheading."""
    title, body, _ = slide_with(deck, "But this rule can sometimes lead to overly restrictive code.")
    assert title == "Owning a value (2/2)"
    assert "An exception in the standard library" in body and "may dangle when it runs" in body


def test_a_lead_in_too_tall_to_join_its_whole_listing_opens_the_listings_first_part(deck: Path) -> None:
    """Before, "Here is a simple implementation of it:" sat alone on "Push all (1/2)" (18% full) and the
    listing filled the next slide. Now the listing starts below it and goes on, cut inside the impl with
    its opening line repeated, on the next slide."""
    title, _, code = slide_with(deck, "Here is a simple implementation of it:")
    assert title == "Push all (1/2)" and code.startswith("impl<T: Clone> Vec<T> {")
    rest = [s for s in slides(deck) if s[0] == "Push all (2/2)"]
    assert rest and rest[0][2].startswith("impl<T: Clone> Vec<T> {") and "fn push_one" in rest[0][2]


@pytest.fixture(scope="module")
def features_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("features") / "book"
    shutil.copytree(REPO / "tests" / "books" / "features", root)
    with contextlib.redirect_stderr(io.StringIO()):
        assert main(["build", str(root), "--format", "pptx"]) == 0
    return root / "output" / "features.pptx"


def test_a_quotation_with_a_nested_one_is_not_split_between_slides(features_deck: Path) -> None:
    """Before, "A quotation." ended "1.1 Installing (2/5)" and its nested quotation opened (3/5)."""
    _, body, _ = slide_with(features_deck, "A quotation.")
    assert "A nested quotation." in body


def test_a_lead_in_and_its_file_name_open_the_listing_they_introduce(deck: Path) -> None:
    """The Rust book: a lead-in and "Filename: src/main.rs" sat alone on a slide (20% full), the listing on
    the next. Now a listing of several top-level items starts below them, as it does below a lead-in alone;
    a listing of one item is not cut for it ("fn main() {" and one line would open the program)."""
    title, body, code = slide_with(deck, "then use that type in our program:")
    assert body.rstrip().endswith("Filename: src/main.rs") and title == "A guess in range (1/2)"
    assert code.startswith("struct Guess {"), f"{title!r} holds only its lead-in and the file name"
    rest = [s for s in slides(deck) if s[0] == "A guess in range (2/2)"]
    assert rest and rest[0][2].startswith("impl Guess {") and "fn main()" in rest[0][2]
    whole = [s for s in slides(deck) if s[2].startswith("fn main() {\n    let number = 6;")]
    assert whole and whole[0][2].rstrip().endswith("}") and "not divisible by 4, 3, or 2" in whole[0][2]
