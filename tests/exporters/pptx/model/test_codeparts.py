"""Listings cut between slides: fuller parts, a cut between top-level items that saves a slide, blank lines."""

from __future__ import annotations

from presswork.exporters.pptx.model.codecut import NEVER, cut_costs
from presswork.exporters.pptx.model.deck import CodeBox, Frame, TextBox, Token
from presswork.exporters.pptx.model.flow import FlowItem
from presswork.exporters.pptx.model.paginate import Pager, paginate, with_fixed_sizes
from tests.support.deckmodel import para, words

FRAME = Frame()


def no_pictures(kind: str, src: str, pos: object) -> None:
    return None


def listing(code: str) -> CodeBox:
    return CodeBox([(Token(line),) if line else () for line in code.split("\n")], FRAME.code_size, "rust")


def code_text(box: object) -> str:
    assert isinstance(box, CodeBox)
    return "\n".join("".join(t.text for t in line) for line in box.lines)


def test_a_cut_at_a_blank_line_costs_what_a_cut_at_the_next_line_does() -> None:
    lines = listing("fn a() {\n}\n\n\nfn b() {\n}").lines
    costs = cut_costs(lines, "rust")
    assert costs[2] == costs[3] == costs[4] < NEVER, costs  # before, the blank lines cost NEVER


def test_a_short_top_level_item_shares_its_slide_with_the_start_of_the_next() -> None:
    """The nomicon's "The Final Code": ``pub struct Vec<T>`` (four lines) stood alone on a slide 21% full,
    the ``impl`` block after it on the next ones. Now the part goes on into the ``impl`` block, cut between
    two of its functions."""
    fns = "\n\n".join(f"    fn f{k}(&self) -> usize {{\n        self.len + {k}\n    }}" for k in range(8))
    code = "pub struct Vec<T> {\n    buf: RawVec<T>,\n    len: usize,\n}\n\nimpl<T> Vec<T> {\n" + fns + "\n}"
    pages = paginate([listing(code)], FRAME, no_pictures)
    first = code_text(pages[0][0][0])
    assert "impl<T> Vec<T> {" in first and "fn f0" in first, f"the first part is the struct alone:\n{first}"
    assert not first.rstrip().endswith("{"), first


def test_a_listing_of_two_items_is_cut_between_them_when_that_saves_a_slide() -> None:
    """The nomicon's "Unbounded Lifetimes": two paragraphs alone on a slide (43% full), the lead-in and the
    listing's first function on the next (41%), its second function and the closing text on a third. Now
    the listing is cut between its functions below the lead-in: two slides."""
    code = (
        "fn get_str<'a>(s: *const String) -> &'a str {\n    unsafe { &*s }\n}\n\nfn main() {\n"
        + "\n".join(f"    let s{k} = get_str(&x{k});" for k in range(6))
        + "\n}"
    )
    items: list[FlowItem] = [
        para(words(12)),
        para(words(24, 12)),
        para("Given a function, any output lifetimes that don't derive from inputs are unbounded. For instance:"),
        listing(code),
        para(words(45, 60)),
    ]
    pages = paginate(items, FRAME, no_pictures)
    assert len(pages) == 2, [[type(b).__name__ for b in boxes] for boxes, _, _ in pages]
    first = [b for b in pages[0][0] if isinstance(b, CodeBox)]
    assert first and code_text(first[0]).startswith("fn get_str") and "fn main" not in code_text(first[0])
    assert isinstance(pages[0][0][0], TextBox)


def test_a_statement_going_on_over_the_next_line_is_not_cut() -> None:
    """The nomicon's "Representing opaque structs": a slide ended with ``_marker:``, the field's type on the
    next slide. A cut after a line that leaves a statement unfinished now costs more than one after a field."""
    code = "pub struct Foo {\n    _data: (),\n    _marker:\n        PhantomData<(*mut u8, PhantomPinned)>,\n}"
    costs = cut_costs(listing(code).lines, "rust")
    assert costs[3] > costs[2], costs  # after "_marker:" (3) vs after "_data: ()," (2)


def test_a_listing_is_measured_as_tall_as_it_is_drawn() -> None:
    """Code lines were measured with the text's safety margin on top of a line height already above
    LibreOffice's (1.22 against 1.20 of the size): a listing of 16 lines between two paragraphs took three
    slides where two hold it (the Rust book's "Returning Values from Loops" left 20% of its slide empty)."""
    code = "fn main() {\n" + "\n".join(f"    let x{k} = {k};" for k in range(14)) + "\n}"
    items: list[FlowItem] = [para(words(20)), listing(code), para(words(15, 100))]
    pages = paginate(items, FRAME, no_pictures)
    assert len(pages) == 2, [[type(b).__name__ for b in boxes] for boxes, _, _ in pages]


def test_a_listing_does_not_start_with_a_line_or_two_at_a_slides_foot() -> None:
    """The Rust book's "Disambiguating with Loop Labels": ``fn main() {`` and one line at the foot of a slide
    of text, the rest of the listing on the next slides. Now the listing starts on the next slide."""
    code = "fn main() {\n    let mut count = 0;\n    'counting_up: loop {\n"
    code += "\n".join(f'        println!("count = {{{k}}}");' for k in range(24)) + "\n    }\n}"
    pages = Pager(FRAME, no_pictures).lay(with_fixed_sizes([para(words(60)), listing(code)], FRAME))
    first = [b for b in pages[0][0] if isinstance(b, CodeBox)]
    assert not first, f"the listing starts at the first slide's foot:\n{code_text(first[0])}"
    assert code_text(pages[1][0][0]).startswith("fn main() {\n    let mut count = 0;\n    'counting_up: loop {")


CHECK_OUTPUT = """$ cargo check
    Checking async-rust v0.1.0 (file:///projects/async-rust)
warning: unused implementer of `std::future::Future` that must be used
  --> src/main.rs:12:9
   |
12 |         handle_connection(stream);
   |         ^^^^^^^^^^^^^^^^^^^^^^^^^
   |
   = note: `#[warn(unused_must_use)]` on by default
   = note: futures do nothing unless you `.await` or poll them"""


def test_output_stays_whole_when_the_text_after_it_can_be_a_statement() -> None:
    """The async book's "Running Asynchronous Code": the mending cut the compiler output after its first two
    lines (a slide 28% full, the two lines at its foot) so that the two closing sentences would not sit
    alone. They are set as a statement now, so the output stays whole below its lead-in."""
    out = CodeBox([(Token(line),) for line in CHECK_OUTPUT.split("\n")], FRAME.code_size, "console")
    items: list[FlowItem] = [
        para(words(5)),
        para("If we try to compile this, the compiler warns us that it will not work:"),
        out,
        para(words(6, 100) + "."),
        para(words(6, 200) + "."),
    ]
    pages = paginate(items, FRAME, no_pictures)
    codes = [b for page in pages for b in page[0] if isinstance(b, CodeBox)]
    assert len(codes) == 1, [code_text(b)[:40] for b in codes]
    assert code_text(codes[0]) == CHECK_OUTPUT
