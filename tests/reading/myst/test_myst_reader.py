"""The ``myst`` reader: MyST directives, roles and targets become presswork's own nodes, never literal markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from presswork.core.diagnostics import Reporter
from presswork.core.tree import (
    Admonition,
    BlockQuote,
    CodeBlock,
    CrossRef,
    DefinitionList,
    Div,
    Figure,
    Heading,
    Kbd,
    Link,
    MathBlock,
    Paragraph,
    Span,
    Subscript,
    Table,
    plain_text,
)
from presswork.core.walk import iter_nodes
from presswork.reading import SourceFile, available_readers, read_markdown
from presswork.reading.audit import tree_words

DATA = Path(__file__).parent / "data"


def read(text: str) -> tuple[SourceFile, Reporter]:
    reporter = Reporter()
    return read_markdown(text, "ch.md", reporter, markdown="myst"), reporter


@pytest.fixture(scope="module")
def constructs() -> tuple[SourceFile, Reporter]:
    reporter = Reporter()
    text = (DATA / "constructs.md").read_text(encoding="utf-8")
    return read_markdown(text, "constructs.md", reporter, markdown="myst"), reporter


def nodes(source: SourceFile, kind: type) -> list:
    return [n for n in iter_nodes(source.blocks) if isinstance(n, kind)]


def test_myst_is_an_installed_reader() -> None:
    assert available_readers()["myst"] == "presswork.reading.myst:MystReader"


def test_no_directive_or_role_is_left_as_written(constructs: tuple[SourceFile, Reporter]) -> None:
    source, _ = constructs
    words = tree_words(source.blocks)
    assert not [b for b in nodes(source, CodeBlock) if b.language.startswith("{")]
    text = " ".join(plain_text(p.children) for p in nodes(source, Paragraph))
    assert "{term}" not in text and "{note}" not in text and "{ref}" not in text
    assert {"reading", "llm", "large", "language", "model"} <= words


def test_admonitions_keep_their_kind_title_and_body(constructs: tuple[SourceFile, Reporter]) -> None:
    source, _ = constructs
    found = {(a.kind, plain_text(a.title)): plain_text(a.blocks[0].children) for a in nodes(source, Admonition)}
    assert found[("note", "Note")] == "A note with bold text."
    assert found[("warning", "Warning")] == "First line is body More body."
    assert found[("tip", "Custom title")] == "Tip body words."  # {admonition} with :class: tip dropdown
    assert found[("tip", "Tip")] == "A plain fenced div."  # ::: tip without braces stays a fenced div


def test_figure_takes_name_width_alt_and_caption(constructs: tuple[SourceFile, Reporter]) -> None:
    source, _ = constructs
    (figure,) = nodes(source, Figure)
    assert figure.image.src == "img/cat.png" and figure.image.alt == "A cat sitting"
    assert figure.image.attr.id == "fig-cat" and figure.image.attr.get("width") == "60%"
    assert plain_text(figure.caption) == "The caption of the cat."
    legend = [d for d in nodes(source, Div) if "figure-legend" in d.attr.classes]
    assert plain_text(legend[0].blocks[1].children) == "A legend paragraph."


def test_code_math_and_tables(constructs: tuple[SourceFile, Reporter]) -> None:
    source, _ = constructs
    code = next(b for b in nodes(source, CodeBlock) if b.language == "python")
    assert code.code == 'print("hello")' and code.attr.get("caption") == "Hello listing"
    (math,) = nodes(source, MathBlock)
    assert math.attr.id == "eq-euler" and math.tex == r"e^{i\pi} + 1 = 0"
    (table,) = nodes(source, Table)
    assert plain_text(table.caption) == "Fruit prices"
    assert [[plain_text(c) for c in row] for row in table.head] == [["Fruit", "Price"]]
    assert [[plain_text(c) for c in row] for row in table.body] == [["Apple", "1 euro"]]


def test_glossary_quotes_asides_tabs(constructs: tuple[SourceFile, Reporter]) -> None:
    source, _ = constructs
    (glossary,) = nodes(source, DefinitionList)
    assert [plain_text(i.term) for i in glossary.items] == ["reading", "writing"]
    (quote,) = nodes(source, BlockQuote)
    assert plain_text(quote.blocks[0].children) == "Words are wind."
    aside = next(d for d in nodes(source, Div) if "aside" in d.attr.classes)
    assert "margin" in aside.attr.classes
    tabs = [d for d in nodes(source, Div) if d.attr.classes == ("tab-item",)]
    assert [plain_text(t.blocks[0].children) for t in tabs] == ["First tab", "Second tab"]


def test_roles_map_to_nodes(constructs: tuple[SourceFile, Reporter]) -> None:
    source, _ = constructs
    spans = {s.attr.classes[0]: s for s in nodes(source, Span) if s.attr.classes}
    assert spans["gls"].attr.get("term") == "reading"
    assert spans["abbr"].attr.get("title") == "large language model"
    assert spans["idx"].attr.get("term") == "parsing" and spans["idx"].attr.get("sub") == "tokens"
    links = {plain_text(link.children): link.url for link in nodes(source, Link)}
    assert links["the intro"] == "#intro" and links["other"] == "other.md"
    assert {x.target for x in nodes(source, CrossRef)} == {"fig-cat", "eq-euler"}
    assert [plain_text(s.children) for s in nodes(source, Subscript)] == ["2"]
    assert [k.text for k in nodes(source, Kbd)] == ["Ctrl+C"]
    heading = nodes(source, Heading)[0]
    assert heading.attr.id == "intro"  # the (intro)= target above it


def test_unknown_constructs_keep_their_text_with_one_warning_each(constructs: tuple[SourceFile, Reporter]) -> None:
    source, reporter = constructs
    messages = [str(w) for w in reporter.warnings]
    assert [m for m in messages if "{foo}" in m] == [
        "constructs.md:5: warning: unknown MyST role {foo}: its text is kept as written"
    ]
    assert [m for m in messages if "{unknownthing}" in m] == [
        "constructs.md:94: warning: unknown MyST directive {unknownthing}: its text is kept, not its meaning"
    ]
    assert {"bar", "baz", "argument", "option", "value", "body", "unknown"} <= tree_words(source.blocks)
    rst = next(b for b in nodes(source, CodeBlock) if b.language == "rst")
    assert rst.code == ".. note:: rst words"
    assert any("{eval-rst}" in m for m in messages)


def test_word_audit_loses_nothing(constructs: tuple[SourceFile, Reporter]) -> None:
    source, reporter = constructs
    assert source.audit is not None and source.audit.lost == ()
    assert not [w for w in reporter.warnings if w.category == "audit"]


def test_toctree_is_dropped_and_its_entries_are_exposed() -> None:
    from presswork.reading.myst.toctree import toctree_entries

    text = "# Home\n\n```{toctree}\n:caption: Parts\n:maxdepth: 2\n\nintro\nThe setup <setup.md>\n```\n"
    source, reporter = read(text)
    assert [type(b).__name__ for b in source.blocks] == ["Heading"]
    assert not reporter.warnings
    (tree,) = toctree_entries(text)
    assert tree.caption == "Parts"
    assert [(e.target, e.title, e.line) for e in tree.entries] == [("intro", "", 7), ("setup.md", "The setup", 8)]


def test_front_matter_substitutions_outside_code() -> None:
    text = '---\nsubstitutions:\n  tool: "**presswork**"\n---\nUse {{ tool }} and {{ other }}.\n\n```py\n"{{ tool }}"\n```\n'
    source, _ = read(text)
    para, code = source.blocks
    assert plain_text(para.children) == "Use presswork and {{ other }}."
    assert code.code == '"{{ tool }}"'


def test_comments_and_block_breaks_are_not_text() -> None:
    source, reporter = read('One.\n\n% a private remark\n\n+++ {"slide": true}\n\nTwo.\n')
    assert [plain_text(b.children) for b in source.blocks] == ["One.", "Two."]
    assert not reporter.warnings


def test_colon_fences_nest_and_plain_divs_stay_divs() -> None:
    source, _ = read("::::{important}\n:::{note}\nInner.\n:::\n::::\n\n::: notes\nSpeaker.\n:::\n")
    outer, div = source.blocks
    assert isinstance(outer, Admonition) and outer.kind == "important"
    assert isinstance(outer.blocks[0], Admonition) and outer.blocks[0].kind == "note"
    assert isinstance(div, Div) and div.attr.classes == ("notes",)


def test_list_table_cells_with_code_keep_their_text() -> None:
    source, reporter = read(
        "```{list-table}\n:header-rows: 1\n\n* - Name\n  - Use\n* - `x`\n  - - one\n    - two\n```\n"
    )
    (table,) = source.blocks
    assert isinstance(table, Table)
    assert [plain_text(c) for c in table.body[0]] == ["x", "one; two"]
    assert source.audit is not None and source.audit.lost == ()
