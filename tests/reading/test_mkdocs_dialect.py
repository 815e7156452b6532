"""What Material for MkDocs sites write beyond Python-Markdown, read as MkDocs shows it: long fences holding
short ones, content tabs, keys, emoji and icon shortcodes, ``[text][^1]`` footnote calls."""

from __future__ import annotations

import zipfile
from pathlib import Path

from presswork import reading
from presswork.core.diagnostics import Reporter
from presswork.core.tree import CodeBlock, Div, Kbd, Link, Note, Paragraph, Span, Strong, Text
from presswork.core.walk import query


def read(text: str) -> tuple[tuple, Reporter]:
    reporter = Reporter()
    source = reading.read_markdown(text, "page.md", reporter, markdown="python-markdown", smart=False)
    assert source.audit is not None and not source.audit.lost, source.audit.lost
    return source.blocks, reporter


def texts(node: object) -> str:
    return "".join(t.text for t in query(node, Text))


def test_a_four_backtick_fence_holds_a_three_backtick_one_and_later_fences_keep_their_sense() -> None:
    blocks, _ = read(
        '```` markdown\n``` title="a.txt"\nx\n```\n````\n\nWords after the example.\n\n'
        '``` py title="b.py"\ny = 1\n```\n\nLast words.\n'
    )
    assert isinstance(blocks[0], CodeBlock) and blocks[0].code == '``` title="a.txt"\nx\n```'
    assert isinstance(blocks[1], Paragraph) and texts(blocks[1]) == "Words after the example."
    assert isinstance(blocks[2], CodeBlock) and (blocks[2].code, blocks[2].language) == ("y = 1", "py")
    assert blocks[2].attr.get("title") == "b.py"
    assert isinstance(blocks[3], Paragraph) and texts(blocks[3]) == "Last words."


def test_content_tabs_are_a_titled_group_per_tab() -> None:
    blocks, _ = read('Intro.\n\n=== "Linux"\n\n    Run `apt`.\n\n=== "macOS `brew`"\n\n    Run it.\n\nAfter.\n')
    tabs = blocks[1]
    assert isinstance(tabs, Div) and tabs.attr.classes == ("tabbed",)
    assert [t.attr.classes for t in tabs.blocks] == [("tab",), ("tab",)]
    first, second = tabs.blocks
    assert isinstance(first, Div) and isinstance(second, Div)
    title = first.blocks[0]
    assert isinstance(title, Paragraph) and isinstance(title.children[0], Span)
    assert title.children[0].attr.classes == ("tab-title",) and isinstance(title.children[0].children[0], Strong)
    assert texts(first.blocks[0]) == "Linux" and texts(first.blocks[1]) == "Run ."
    assert texts(second.blocks[0]) == "macOS " and texts(second.blocks[1]) == "Run it."
    assert not query(tabs, CodeBlock)
    assert first.pos is not None and first.pos.line == 3 and second.pos is not None and second.pos.line == 7
    assert texts(blocks[2]) == "After."


def test_keys_are_kbd_sequences() -> None:
    blocks, _ = read("Press ++ctrl+alt+del++ now.\n")
    keys = [k.text for k in query(blocks, Kbd)]
    assert keys == ["Ctrl", "Alt", "Del"]
    assert "ctrl" not in texts(blocks[0]).lower()  # no raw "++ctrl+alt+del++" left as text


def test_emoji_become_unicode_and_icons_are_dropped_without_word_loss() -> None:
    blocks, _ = read("Nice :smile: and :thumbsup: :octicons-heart-16: :material-github: done `:smile:`.\n")
    text = texts(blocks[0])
    assert "😄" in text and "👍" in text
    assert text.count(":") == 0
    assert "octicons" not in text and "material" not in text


def test_bracketed_text_before_a_footnote_call_reads_as_text_then_note() -> None:
    blocks, _ = read("It has its own [schema.json][^1] for editors.\n\n[^1]: https://example.com/schema\n")
    para = blocks[0]
    assert isinstance(para, Paragraph)
    assert texts(Paragraph(tuple(c for c in para.children if not isinstance(c, Note)))) == (
        "It has its own schema.json for editors."
    )
    assert sum(isinstance(c, Note) for c in para.children) == 1
    assert "[" not in texts(para)


def test_bracketed_text_that_is_a_defined_reference_stays_a_link_before_its_note() -> None:
    blocks, _ = read("Its own [schema.json][^1] file.\n\n[^1]: A note.\n\n  [schema.json]: schema.json\n")
    para = blocks[0]
    assert isinstance(para, Paragraph)
    links = [c for c in para.children if isinstance(c, Link)]
    assert [(texts(link), link.url) for link in links] == [("schema.json", "schema.json")]
    assert isinstance(para.children[para.children.index(links[0]) + 1], Note)


def test_a_code_title_is_printed_above_its_code_in_every_format(tmp_path: Path) -> None:
    """Material's ``title="bubble_sort.py"`` shows above the code on the site; it is the author's text and
    reaches the PDF, the EPUB and the deck too (it was kept in the tree but printed nowhere)."""
    from presswork.build.pipeline import build
    from tests.support.outputs import pdf_text, pptx_text

    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Titles\nmarkdown_extensions:\n  - pymdownx.highlight\n  - pymdownx.superfences\n", encoding="utf-8"
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(
        '# Sorting\n\n``` py title="bubble_sort.py"\ndef bubble_sort(items):\n    pass\n```\n', encoding="utf-8"
    )
    build(tmp_path, formats=["pdf", "epub", "pptx"])
    out = tmp_path / "output"
    assert "bubble_sort.py def bubble_sort(items)" in " ".join(pdf_text(out / "titles.pdf").split())
    with zipfile.ZipFile(out / "titles.epub") as z:
        chapter = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert '<p class="file-name code-title"><code>bubble_sort.py</code></p>' in chapter
    assert "bubble_sort.py" in pptx_text(out / "titles.pptx", notes=False)


def test_attribute_lists_and_keys_are_markup_for_the_word_audit() -> None:
    """``{ .md-button data-toc-label="Version" }`` and ``++arrow-down++`` (printed as a symbol) carry no words
    of the book; a ``title`` in an attribute list does, and is still counted."""
    from presswork.reading.audit import source_words

    words = source_words(
        '### Version { #v data-toc-label="Version" }\n\n[Go][x]{ .md-button title="Try it" }\n++arrow-down++\n'
    )
    assert {"data", "toc", "label", "md", "button", "arrow", "down", "v"}.isdisjoint(words)
    assert {"version", "go", "try", "it"} <= set(words)
