"""Feature tests shared by both readers (gfm and python-markdown): Markdown text -> SourceFile.

Every test runs once per reader (the ``reader`` fixture); a test of a feature only one dialect
has says so with ``only(...)``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from presswork import reading
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import (
    Admonition,
    Attr,
    BlockQuote,
    BulletList,
    Code,
    CodeBlock,
    DefinitionItem,
    DefinitionList,
    Div,
    Emphasis,
    Figure,
    Heading,
    HorizontalRule,
    Image,
    Kbd,
    LineBreak,
    Link,
    ListItem,
    Math,
    MathBlock,
    Note,
    OrderedList,
    Paragraph,
    RawBlock,
    RawInline,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Table,
    Text,
)
from presswork.core.walk import iter_nodes, query
from presswork.reading import SourceFile

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = next(
    p
    for p in (ROOT / "content" / "ai-engineering-guide.md", Path("/work/shared/seeds/ai-engineering-guide.md"))
    if p.exists()
)


READERS = ("gfm", "python-markdown")
_current = {"reader": "gfm"}


@pytest.fixture(autouse=True, params=READERS)
def reader(request: pytest.FixtureRequest) -> str:
    """Run every test of this module once per reader."""
    _current["reader"] = request.param
    return request.param


def only(name: str) -> None:
    """Skip-free restriction: the test checks a feature of one dialect; for the other it is not run."""
    if _current["reader"] != name:
        pytest.xfail(f"a {name}-only feature")


def read_markdown(
    text: str, path: str = "<string>", reporter: Reporter | None = None, max_nesting: int = 40
) -> SourceFile:
    """read_markdown with the reader under test (smart punctuation off: tests compare exact text)."""
    return reading.read_markdown(text, path, reporter, max_nesting, markdown=_current["reader"], smart=False)


def read_file(file: Path, rel: str, reporter: Reporter | None = None, max_nesting: int = 40) -> SourceFile:
    """read_file with the reader under test."""
    return reading.read_file(file, rel, reporter, max_nesting, markdown=_current["reader"])


def blocks(text: str, reporter: Reporter | None = None) -> tuple:
    """The blocks of a Markdown text."""
    return read_markdown(text, "t.md", reporter).blocks


def para(*children) -> Paragraph:
    return Paragraph(tuple(children))


def item(*blocks_, checked=None) -> ListItem:
    return ListItem(tuple(blocks_), checked)


def bullets(*words: str) -> BulletList:
    """A tight bullet list of plain words."""
    return BulletList(tuple(item(para(Text(w))) for w in words))


# --------------------------------------------------------------------------- basics


def test_empty_input_gives_no_blocks() -> None:
    assert read_markdown("") == SourceFile("<string>", {}, ())
    assert read_markdown("\n\n  \n").blocks == ()


def test_emphasis() -> None:
    assert read_markdown("*a*").blocks == (Paragraph((Emphasis((Text("a"),)),)),)


def test_strong_strike_code() -> None:
    assert blocks("**b** ~~c~~ `d <e>`") == (
        para(Strong((Text("b"),)), Text(" "), Strikethrough((Text("c"),)), Text(" "), Code("d <e>")),
    )


def test_subscript_and_superscript_syntax() -> None:
    assert blocks("H~2~O and x^2^") == (
        para(Text("H"), Subscript((Text("2"),)), Text("O and x"), Superscript((Text("2"),))),
    )


def test_inline_raw_html_maps_to_nodes() -> None:
    text = 'a<sub>1</sub><sup>2</sup> <kbd>Ctrl</kbd><br>b <em>e</em><strong>s</strong><code>c</code><del>d</del><s>x</s><mark>m</mark><span class="hl big">y</span>'
    assert blocks(text) == (
        para(
            Text("a"),
            Subscript((Text("1"),)),
            Superscript((Text("2"),)),
            Text(" "),
            Kbd("Ctrl"),
            LineBreak(),
            Text("b "),
            Emphasis((Text("e"),)),
            Strong((Text("s"),)),
            Code("c"),
            Strikethrough((Text("d"),)),
            Strikethrough((Text("x"),)),
            Span(Attr(classes=("mark",)), (Text("m"),)),
            Span(Attr(classes=("hl", "big")), (Text("y"),)),
        ),
    )


def test_soft_line_breaks_become_spaces_and_hard_breaks_line_breaks() -> None:
    assert blocks("one\ntwo  \nthree") == (para(Text("one two"), LineBreak(), Text("three")),)


def test_typography_is_left_alone() -> None:
    assert blocks('"quoted" -- it\'s...') == (para(Text('"quoted" -- it\'s...')),)


# --------------------------------------------------------------------------- headings


def test_headings_keep_levels_and_get_slug_ids() -> None:
    text = "# One\n\n## Two *words*\n\n###### Six\n\nSetext\n======\n"
    assert blocks(text) == (
        Heading(1, (Text("One"),), Attr(id="one")),
        Heading(2, (Text("Two "), Emphasis((Text("words"),))), Attr(id="two-words")),
        Heading(6, (Text("Six"),), Attr(id="six")),
        Heading(1, (Text("Setext"),), Attr(id="setext")),
    )


def test_heading_custom_id_and_class() -> None:
    assert blocks("## Install it {#install .wide}") == (
        Heading(2, (Text("Install it"),), Attr(id="install", classes=("wide",))),
    )


# --------------------------------------------------------------------------- links and images


def test_links_keep_urls_as_written() -> None:
    assert blocks('[setup](02-setup.md#install "How to") and [top](#intro)') == (
        para(Link((Text("setup"),), "02-setup.md#install", "How to"), Text(" and "), Link((Text("top"),), "#intro")),
    )


def test_autolinks_and_bare_urls() -> None:
    assert blocks("<https://x.org/a> and https://y.org/b and <me@x.org>") == (
        para(
            Link((Text("https://x.org/a"),), "https://x.org/a"),
            Text(" and "),
            Link((Text("https://y.org/b"),), "https://y.org/b"),
            Text(" and "),
            Link((Text("me@x.org"),), "mailto:me@x.org"),
        ),
    )


def test_image_alone_is_a_figure_captioned_by_its_alt_text() -> None:
    assert blocks('![A *cat*](img/cat.png "Tom")') == (
        Figure(Image("img/cat.png", "A cat", "Tom"), (Text("A "), Emphasis((Text("cat"),)))),
    )


def test_figure_without_alt_uses_title() -> None:
    assert blocks('![](img/cat.png "Tom")') == (Figure(Image("img/cat.png", "", "Tom"), (Text("Tom"),)),)


def test_inline_image_and_raw_img() -> None:
    assert blocks('See ![i](a.png) and <img src="b.png" alt="B" title="T" width="20">.') == (
        para(
            Text("See "),
            Image("a.png", "i"),
            Text(" and "),
            Image("b.png", "B", "T", Attr(kv=(("width", "20"),))),
            Text("."),
        ),
    )


# --------------------------------------------------------------------------- code


def test_fenced_code_with_language() -> None:
    text = "```python\ndef f():\n    return 1\n```\n\n~~~\nplain\n~~~\n"
    assert blocks(text) == (CodeBlock("def f():\n    return 1", "python"), CodeBlock("plain", ""))


def test_indented_code() -> None:
    assert blocks("Text:\n\n    x = 1\n    y = 2\n") == (para(Text("Text:")), CodeBlock("x = 1\ny = 2"))


def test_code_is_verbatim() -> None:
    assert blocks("```html\n<script>alert('*x*')</script>\n```") == (
        CodeBlock("<script>alert('*x*')</script>", "html"),
    )


def test_huge_code_line_parses() -> None:
    line = "x" * 200_000
    assert blocks(f"```\n{line}\n```") == (CodeBlock(line),)


# --------------------------------------------------------------------------- quotes, rules


def test_nested_block_quotes() -> None:
    assert blocks("> outer\n>\n> > inner\n") == (BlockQuote((para(Text("outer")), BlockQuote((para(Text("inner")),)))),)


def test_horizontal_rule() -> None:
    assert blocks("a\n\n---\n\nb") == (para(Text("a")), HorizontalRule(), para(Text("b")))


# --------------------------------------------------------------------------- lists


def test_bullet_list_items_are_wrapped_in_paragraphs() -> None:
    assert blocks("- a\n- b\n") == (bullets("a", "b"),)


def test_loose_and_tight_lists_give_the_same_tree() -> None:
    assert blocks("- a\n\n- b\n") == blocks("- a\n- b\n")


def test_ordered_list_start_number() -> None:
    assert blocks("3. three\n4. four\n") == (
        OrderedList((item(para(Text("three"))), item(para(Text("four")))), start=3),
    )


def test_ordered_list_with_parenthesis_markers() -> None:
    assert blocks("1) one\n2) two\n") == (OrderedList((item(para(Text("one"))), item(para(Text("two"))))),)


def test_task_list() -> None:
    assert blocks("- [x] done\n- [ ] todo\n- plain\n") == (
        BulletList(
            (item(para(Text("done")), checked=True), item(para(Text("todo")), checked=False), item(para(Text("plain"))))
        ),
    )


def test_list_nested_by_two_spaces() -> None:
    assert blocks("- a\n  - b\n  - c\n- d\n") == (
        BulletList((item(para(Text("a")), bullets("b", "c")), item(para(Text("d"))))),
    )


def test_bullets_nested_under_numbered_item_by_three_spaces() -> None:
    text = "1. **Languages**\n   - Python\n   - SQL\n\n2. **Frameworks**\n   - PyTorch\n"
    assert blocks(text) == (
        OrderedList(
            (
                item(para(Strong((Text("Languages"),))), bullets("Python", "SQL")),
                item(para(Strong((Text("Frameworks"),))), bullets("PyTorch")),
            )
        ),
    )


def test_list_nested_by_four_spaces() -> None:
    assert blocks("- a\n    - b\n- c\n") == (BulletList((item(para(Text("a")), bullets("b")), item(para(Text("c"))))),)


def test_three_level_list() -> None:
    assert blocks("- a\n  - b\n    - c\n") == (
        BulletList((item(para(Text("a")), BulletList((item(para(Text("b")), bullets("c")),))),)),
    )


def test_paragraph_continuation_in_list_item_is_not_mangled() -> None:
    text = "- first line\n  continues here\n- lazy line\nstill lazy\n\nAfter the list.\n"
    assert blocks(text) == (
        BulletList((item(para(Text("first line continues here"))), item(para(Text("lazy line still lazy"))))),
        para(Text("After the list.")),
    )


def test_list_right_after_a_paragraph() -> None:
    assert blocks("You need:\n- a\n- b\n") == (para(Text("You need:")), bullets("a", "b"))


def test_numbers_in_running_text_do_not_start_a_list() -> None:
    assert blocks("The year was\n1984. A good year.\n") == (para(Text("The year was 1984. A good year.")),)


def test_adjacent_lists_of_different_kinds_stay_apart() -> None:
    assert blocks("- a\n\n1. b\n") == (bullets("a"), OrderedList((item(para(Text("b"))),)))
    assert blocks("- a\n\n* b\n") == (bullets("a"), bullets("b"))


def test_code_fence_inside_list_item_keeps_its_indentation() -> None:
    text = "1. Install:\n   ```bash\n   pip install x\n     --upgrade\n   ```\n2. Run\n"
    assert blocks(text) == (
        OrderedList(
            (
                item(para(Text("Install:")), CodeBlock("pip install x\n  --upgrade", "bash")),
                item(para(Text("Run"))),
            )
        ),
    )


def test_list_in_block_quote_nested_by_two_spaces() -> None:
    assert blocks("> - a\n>   - b\n") == (BlockQuote((BulletList((item(para(Text("a")), bullets("b")),)),)),)


# --------------------------------------------------------------------------- definition lists, tables


def test_definition_list() -> None:
    assert blocks("Term\n: First\n: Second\n\nOther\n: Def\n") == (
        DefinitionList(
            (
                DefinitionItem((Text("Term"),), ((para(Text("First")),), (para(Text("Second")),))),
                DefinitionItem((Text("Other"),), ((para(Text("Def")),),)),
            )
        ),
    )


def test_table_with_alignments() -> None:
    text = "| L | C | R | N |\n|:--|:-:|--:|---|\n| 1 | *2* | 3 | 4 |\n"
    assert blocks(text) == (
        Table(
            (),
            ("left", "center", "right", ""),
            (((Text("L"),), (Text("C"),), (Text("R"),), (Text("N"),)),),
            (((Text("1"),), (Emphasis((Text("2"),)),), (Text("3"),), (Text("4"),)),),
        ),
    )


@pytest.mark.parametrize(
    "text",
    [
        "| a |\n|---|\n| 1 |\n\nTable: The *caption*\n",
        "Table: The *caption*\n\n| a |\n|---|\n| 1 |\n",
        "| a |\n|---|\n| 1 |\nTable: The *caption*\n",
    ],
)
def test_table_caption_paragraph_moves_into_the_table(text: str) -> None:
    assert blocks(text) == (
        Table((Text("The "), Emphasis((Text("caption"),))), ("",), (((Text("a"),),),), (((Text("1"),),),)),
    )


def test_table_with_500_rows() -> None:
    text = "| n | sq |\n|--:|---:|\n" + "".join(f"| {i} | {i * i} |\n" for i in range(500))
    (table,) = blocks(text)
    assert isinstance(table, Table) and len(table.body) == 500
    assert table.body[499] == ((Text("499"),), (Text("249001"),))


# --------------------------------------------------------------------------- footnotes, admonitions, math


def test_footnote_becomes_note_at_call_site() -> None:
    assert blocks("Claim.[^1]\n\n[^1]: Source *here*.\n") == (
        para(Text("Claim."), Note((para(Text("Source "), Emphasis((Text("here"),)), Text(".")),))),
    )


def test_footnote_referenced_twice_is_repeated() -> None:
    note = Note((para(Text("N")),))
    assert blocks("a[^n] b[^n]\n\n[^n]: N\n") == (para(Text("a"), note, Text(" b"), note),)


def test_footnote_with_several_paragraphs() -> None:
    assert blocks("x[^a]\n\n[^a]: One.\n\n    Two.\n") == (
        para(Text("x"), Note((para(Text("One.")), para(Text("Two."))))),
    )


def test_unused_footnote_is_a_warning() -> None:
    r = Reporter()
    blocks("text\n\n[^u]: unused\n", r)
    assert [(w.category, w.pos.line) for w in r.warnings] == [("markdown", 3)]


def test_admonitions() -> None:
    text = '!!! note\n    Body\n\n!!! warning "Mind the gap"\n    Careful.\n\n??? tip "More"\n    Hidden.\n'
    assert blocks(text) == (
        Admonition("note", (Text("Note"),), (para(Text("Body")),)),
        Admonition("warning", (Text("Mind the gap"),), (para(Text("Careful.")),)),
        Admonition("tip", (Text("More"),), (para(Text("Hidden.")),)),
    )


def test_inline_and_display_math() -> None:
    assert blocks("Area $\\pi r^2$.\n\n$$\na = b\n+ c\n$$\n") == (
        para(Text("Area "), Math("\\pi r^2"), Text(".")),
        MathBlock("a = b\n+ c"),
    )


def test_display_math_right_after_a_paragraph() -> None:
    assert blocks("So:\n$$x = 1$$\nand more") == (para(Text("So:")), MathBlock("x = 1"), para(Text("and more")))


def test_dollar_amounts_stay_text() -> None:
    assert blocks("It costs $5 and $10.") == (para(Text("It costs $5 and $10.")),)


# --------------------------------------------------------------------------- divs and raw HTML


def test_fenced_divs() -> None:
    text = "::: notes\nSay *this*.\n:::\n\n::: {.only-slides #s1}\nSlide only\n:::\n\n::: no-slides\nBook only\n:::\n"
    assert blocks(text) == (
        Div(Attr(classes=("notes",)), (para(Text("Say "), Emphasis((Text("this"),)), Text(".")),)),
        Div(Attr(id="s1", classes=("only-slides",)), (para(Text("Slide only")),)),
        Div(Attr(classes=("no-slides",)), (para(Text("Book only")),)),
    )


def test_nested_fenced_divs_and_unclosed_warning() -> None:
    r = Reporter()
    assert blocks(":::: outer\n::: inner\nx\n:::\n::::\n\n::: open\ny\n", r) == (
        Div(Attr(classes=("outer",)), (Div(Attr(classes=("inner",)), (para(Text("x")),)),)),
        Div(Attr(classes=("open",)), (para(Text("y")),)),
    )
    assert [(w.category, w.pos.line) for w in r.warnings] == [("markdown", 7)]


def test_raw_div_with_markdown_attribute() -> None:
    assert blocks('<div class="x" markdown="1">\n**bold**\n</div>\n') == (
        Div(Attr(classes=("x",)), (para(Strong((Text("bold"),))),)),
    )


def test_html_comments_are_dropped() -> None:
    r = Reporter()
    assert blocks("a <!-- hidden --> b\n\n<!--\nblock\n-->\n\nc", r) == (para(Text("a b")), para(Text("c")))
    assert r.warnings == []


def test_unmapped_safe_html_keeps_its_words() -> None:
    text = '<abbr title="HyperText">HTML</abbr> is <small>fine</small>\n\n<details>\n<summary>More</summary>\nInside\n</details>\n'
    assert blocks(text) == (
        para(
            Span(Attr(classes=("abbr",), kv=(("title", "HyperText"),)), (Text("HTML"),)),
            Text(" is "),
            Span(Attr(classes=("small",)), (Text("fine"),)),
        ),
        Div(
            Attr(classes=("details",)), (para(Span(Attr(classes=("summary",)), (Text("More"),))), para(Text("Inside")))
        ),
    )


def test_unsafe_html_is_removed_with_warnings() -> None:
    r = Reporter()
    text = (
        "Intro\n\n<script>alert(1)</script>\n\n"
        'Click <a href="javascript:alert(1)">here</a> or <span onclick="x()">there</span>.\n\n'
        '<iframe src="https://evil"></iframe>\n\n<form><input name="q"></form>\n\n'
        '<a href="data:text/html,<b>">d</a> <img src=" JaVaScRiPt:x" alt="pic"> <style>p{}</style>\n'
    )
    result = blocks(text, r)
    assert result == (
        para(Text("Intro")),
        para(Text("Click here or "), Span(Attr(), (Text("there"),)), Text(".")),
        para(Text("d pic")),
    )
    found = {(w.pos.line, w.message.split(" ")[1]) for w in r.warnings}
    assert all(w.category == "html" and w.pos.file == "t.md" for w in r.warnings)
    assert {line for line, _ in found} == {3, 5, 7, 9, 11}
    assert len(r.warnings) >= 7
    assert not any(isinstance(n, (RawInline, RawBlock)) for n in iter_nodes(result))


def test_markdown_link_with_script_url_keeps_only_text() -> None:
    r = Reporter()
    assert blocks("[x](javascript:alert(1))", r) == (para(Text("x")),)
    assert [w.category for w in r.warnings] == ["html"]


# --------------------------------------------------------------------------- front matter


def test_front_matter_is_split_and_lines_still_count() -> None:
    src = read_markdown("---\ntitle: T\ndate: 2025-03-04\ntags: [a, b]\n---\n\n# Head\n", "x.md")
    assert src.front_matter == {"title": "T", "date": "2025-03-04", "tags": ["a", "b"]}
    assert src.blocks == (Heading(1, (Text("Head"),), Attr(id="head")),)
    assert src.blocks[0].pos.line == 7


def test_explicit_timestamp_becomes_iso_string() -> None:
    assert read_markdown("---\nwhen: !!timestamp 2025-03-04 10:00:00\n---\n").front_matter == {
        "when": "2025-03-04T10:00:00"
    }


def test_broken_front_matter_names_the_line() -> None:
    with pytest.raises(PressworkError) as err:
        read_markdown("---\ntitle: ok\ntags: [a, b\nx: y\n---\ntext\n", "ch.md")
    assert err.value.pos.file == "ch.md" and err.value.pos.line in (4, 5)
    assert "front matter" in err.value.message


def test_front_matter_must_be_a_mapping() -> None:
    with pytest.raises(PressworkError, match="mapping"):
        read_markdown("---\n- a\n- b\n---\ntext\n", "ch.md")


def test_lone_rule_at_top_is_not_front_matter() -> None:
    assert read_markdown("---\n\ntext\n").blocks == (HorizontalRule(), para(Text("text")))


# --------------------------------------------------------------------------- positions


def test_positions_deep_in_a_file() -> None:
    text = (
        "---\ntitle: x\n---\n\n# Title\n\nIntro para\nspans two lines.\n\n"
        + "filler\n\n" * 20
        + (
            "## Deep heading\n\nDeep paragraph with [a link](u.md).\n\n- item one\n- item two\n\n```py\ncode\n```\n\n"
            "| a |\n|---|\n| 1 |\n\n![pic](p.png)\n\n!!! note\n    Body\n\n$$\nx\n$$\n"
        )
    )
    got = {
        type(b).__name__ + ":" + (b.children[0].text if isinstance(b, (Heading, Paragraph)) else ""): b.pos.line
        for b in blocks(text)
    }
    assert got["Heading:Title"] == 5
    assert got["Paragraph:Intro para spans two lines."] == 7
    assert got["Heading:Deep heading"] == 50
    assert got["Paragraph:Deep paragraph with "] == 52
    assert got["BulletList:"] == 54
    assert got["CodeBlock:"] == 57
    assert got["Table:"] == 61
    assert got["Figure:"] == 65
    assert got["Admonition:"] == 67
    assert got["MathBlock:"] == 70
    (lst,) = [b for b in blocks(text) if isinstance(b, BulletList)]
    assert [i.pos.line for i in lst.items] == [54, 55]
    assert all(b.pos.file == "t.md" for b in blocks(text))


def test_sample_positions() -> None:
    src = read_file(SAMPLE, "content/guide.md")
    headings = {b.children[0].text: b.pos.line for b in src.blocks if isinstance(b, Heading)}
    assert headings["Introduction"] == 10
    assert headings["Technical Skills"] == 62
    assert headings["Additional Resources"] == 170
    assert all(b.pos is not None and b.pos.line > 0 for b in src.blocks)


# --------------------------------------------------------------------------- robustness


def test_nesting_limit_block_quotes() -> None:
    with pytest.raises(PressworkError, match="nesting deeper than 5") as err:
        read_markdown("ok\n\n" + ">" * 6 + " deep\n", "q.md", max_nesting=5)
    assert err.value.pos == err.value.pos.__class__("q.md", 3)


def test_nesting_limit_lists() -> None:
    text = "".join("  " * i + "- x\n" for i in range(41))
    with pytest.raises(PressworkError, match="nesting deeper than 40") as err:
        read_markdown(text, "l.md")
    assert err.value.pos.line == 41


def test_forty_levels_of_lists_are_fine() -> None:
    text = "".join("  " * i + f"- x{i}\n" for i in range(40))
    (lst,) = blocks(text)
    depth, node = 0, lst
    while isinstance(node, BulletList):
        depth += 1
        node = node.items[0].blocks[-1]
    assert depth == 40


def test_deep_raw_html_is_an_error_not_a_crash() -> None:
    with pytest.raises(PressworkError) as err:
        read_markdown("<div>" * 3000 + "x" + "</div>" * 3000, "h.md")
    assert err.value.pos.file == "h.md"


def test_read_file_decodes_utf8_and_drops_bom(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_bytes("\ufeff# Café\n".encode())
    assert read_file(f, "a.md").blocks == (Heading(1, (Text("Café"),), Attr(id="café")),)


def test_read_file_rejects_binary_and_other_encodings(tmp_path: Path) -> None:
    f = tmp_path / "b.md"
    f.write_bytes(b"line one\nline two\n\x00\x01")
    with pytest.raises(PressworkError, match="not UTF-8 text") as err:
        read_file(f, "b.md")
    assert err.value.pos.file == "b.md" and err.value.pos.line == 3
    f.write_bytes("ok\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(PressworkError, match="not UTF-8 text") as err:
        read_file(f, "b.md")
    assert err.value.pos.line == 2


def test_crlf_line_endings() -> None:
    assert blocks("# H\r\n\r\n- a\r\n- b\r\n") == (Heading(1, (Text("H"),), Attr(id="h")), bullets("a", "b"))


def test_documents_do_not_share_state() -> None:
    assert blocks("x[^1]\n\n[^1]: A\n") == blocks("x[^1]\n\n[^1]: A\n")
    assert blocks("# Same\n\n# Same\n")[1].attr.id == blocks("# Same\n\n# Same\n")[1].attr.id


# --------------------------------------------------------------------------- the sample guide


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z0-9]+", text)}


def _tree_text(nodes: tuple) -> str:
    """Every Text/Code string in the tree, plus link targets (URLs in the source are words too)."""
    out = []
    for n in iter_nodes(nodes):
        if isinstance(n, (Text, Code, Kbd)):
            out.append(n.text)
        elif isinstance(n, Link):
            out.append(n.url)
    return " ".join(out)


def test_sample_front_matter() -> None:
    src = read_file(SAMPLE, "content/ai-engineering-guide.md")
    fm = src.front_matter
    assert set(fm) == {"title", "description", "publishDate", "updatedDate", "tags", "draft"}
    assert fm["title"] == "AI Engineering: Roles, Responsibilities, and Career Path"
    assert fm["publishDate"] == "04 Mar 2025" and fm["updatedDate"] == "04 Mar 2025"
    assert fm["tags"] == ["ai", "engineering", "career", "machine-learning", "tech"]
    assert fm["draft"] is False


def test_sample_keeps_every_word() -> None:
    raw = SAMPLE.read_text(encoding="utf-8")
    body = raw.split("---", 2)[2]
    body = re.sub(r"\]\(([^)]*)\)", r"] \1", body)  # keep link targets, drop the markup
    src = read_file(SAMPLE, "content/ai-engineering-guide.md")
    assert _words(body) - _words(_tree_text(src.blocks)) == set()


def test_sample_technical_skills_structure() -> None:
    src = read_file(SAMPLE, "content/ai-engineering-guide.md")
    bs = list(src.blocks)
    at = next(i for i, b in enumerate(bs) if isinstance(b, Heading) and b.children == (Text("Technical Skills"),))
    skills = bs[at + 1]
    assert isinstance(skills, OrderedList) and len(skills.items) == 4
    for it in skills.items:
        assert [type(b) for b in it.blocks] == [Paragraph, BulletList]
    assert skills.items[0].blocks[1] == bullets(
        "Python (primary language for AI/ML)", "Java or C++ (for production systems)", "SQL for database management"
    )
    entry = bs[next(i for i, b in enumerate(bs) if isinstance(b, Heading) and b.children == (Text("Entry Level"),)) + 2]
    assert isinstance(entry, BulletList) and len(entry.items) == 3
    assert len(query(src.blocks, OrderedList)) == 4


def test_item_with_several_paragraphs_then_siblings() -> None:
    text = "- a\n\n  second para\n- b\n  1. c\n  2. d\n"
    assert blocks(text) == (
        BulletList(
            (
                item(para(Text("a")), para(Text("second para"))),
                item(para(Text("b")), OrderedList((item(para(Text("c"))), item(para(Text("d")))))),
            )
        ),
    )


def test_hashes_without_a_space_start_no_heading() -> None:
    """CommonMark (and GitHub): "#92" at a line start is text, e.g. a wrapped "[PR\\n#92](url)"."""
    blocks = read_markdown("See [npm RFC PR\n#92](https://example.com/92).\n\n#hashtag\n\n## Heading\n").blocks
    assert blocks[0] == Paragraph((Text("See "), Link((Text("npm RFC PR #92"),), "https://example.com/92"), Text(".")))
    assert blocks[1] == Paragraph((Text("#hashtag"),))
    assert isinstance(blocks[2], Heading) and blocks[2].level == 2


def test_a_yaml_error_names_the_line_where_the_broken_value_starts_and_keeps_pyyaml_s_context() -> None:
    from presswork.core.diagnostics import PressworkError, Reporter
    from presswork.reading import read_markdown

    source = '---\ntitle: "unclosed\nauthor: x\n---\n\n# A\n\ntext\n'
    with pytest.raises(PressworkError) as err:
        read_markdown(source, "a.md", Reporter())
    assert str(err.value) == (
        "a.md:2: front matter is not valid YAML: while scanning a quoted scalar; found unexpected end of stream"
    )
