"""Cross-references and citations in the tree: syntax, numbering, labels and errors (no exporter runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from presswork.build.pipeline import read_document, read_project
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import (
    Chapter,
    Cite,
    Code,
    CodeBlock,
    CrossRef,
    Link,
    MathBlock,
    Paragraph,
    Table,
    Text,
    from_json,
    plain_text,
    to_json,
)
from presswork.core.walk import query
from presswork.project.gate import make_gate
from presswork.project.load import load_project
from presswork.project.theme import load_theme
from presswork.reading.crossrefs import CiteItem, mark_chapters, parse_cite

BIB = """@book{doe2020, author = {Doe, Jane}, title = {Publishing Books}, publisher = {Example Press}, year = {2020}}
@book{roe2021, author = {Roe, Richard}, title = {Typesetting}, publisher = {Print House}, year = {2021}}
"""


def _book(tmp: Path, files: dict[str, str], config: str = "") -> Path:
    (tmp / "presswork.toml").write_text(f'title = "T"\nnumber_sections = true\n{config}', encoding="utf-8")
    for name, text in files.items():
        (tmp / name).write_text(text, encoding="utf-8")
    return tmp


def _marked(text: str, keys: frozenset[str] = frozenset({"doe2020", "roe"})) -> tuple[object, ...]:
    chapter = Chapter("c", (), "c.md", (Paragraph((Text(text),)),))
    block = mark_chapters([chapter], keys)[0].blocks[0]
    assert isinstance(block, Paragraph)
    return block.children


def test_syntax_leaves_mail_addresses_unknown_handles_and_code_alone() -> None:
    kids = _marked("Mail a@b.org, ask @nobody, see @fig-x and @roe.")
    assert [type(k).__name__ for k in kids] == ["Text", "CrossRef", "Text", "Cite", "Text"]
    assert kids[0] == Text("Mail a@b.org, ask @nobody, see ")
    assert kids[1] == CrossRef("fig-x", (Text("@fig-x"),))
    assert isinstance(kids[3], Cite) and kids[3].keys == ("roe",)
    assert kids[4] == Text(".")  # the sentence's full stop is not part of the key
    chapter = Chapter("c", (), "c.md", (Paragraph((Code("@fig-x [@doe2020]"),)),))
    assert mark_chapters([chapter], frozenset({"doe2020"}))[0] == chapter


def test_bracketed_citations_and_their_items() -> None:
    kids = _marked("As [see @doe2020, p. 33; -@roe] and [@fig-x] show.")
    assert isinstance(kids[1], Cite) and kids[1].keys == ("doe2020", "roe")
    assert kids[3] == CrossRef("fig-x", (Text("[@fig-x]"),))
    assert parse_cite("[see @doe2020, p. 33; -@roe]") == (
        CiteItem("doe2020", prefix="see", suffix="p. 33"),
        CiteItem("roe", suppress_author=True),
    )
    assert parse_cite("@roe") == (CiteItem("roe", narrative=True),)


@pytest.mark.parametrize("reader", ["gfm", "python-markdown"])
def test_targets_numbers_and_labels(tmp_path: Path, reader: str) -> None:
    root = _book(
        tmp_path,
        {
            "01-a.md": "# One {#sec-one}\n\n## Part {#sec-part}\n\n$$\nx = 1\n$$ {#eq-x}\n\n"
            '```{#lst-a .python caption="Code"}\nprint(1)\n```\n\n| a |\n|---|\n| 1 |\n\n: Numbers {#tbl-n}\n',
            "02-b.md": "# Two\n\nSee @sec-one, @sec-part, @eq-x, @lst-a and @tbl-n.\n\n$$ y $$ {#eq-y}\n\nAnd @eq-y.\n",
        },
        f'markdown = "{reader}"\n',
    )
    doc = read_project(root)
    first = doc.chapters[0]
    assert [m.label for m in query(first, MathBlock)] == ["(1.1)"]
    assert [c.label for c in query(first, CodeBlock)] == ["Listing 1.1"]
    table = query(first, Table)[0]
    assert table.attr.id == "tbl-n" and plain_text(table.caption) == "Numbers" and table.label == "Table 1.1"
    refs = [plain_text(r.children) for r in query(doc.chapters[1], CrossRef)]
    assert refs == ["Chapter 1", "Section 1.1", "Equation (1.1)", "Listing 1.1", "Table 1.1", "Equation (2.1)"]
    assert from_json(to_json(doc)) == doc  # the new nodes round-trip through the tree JSON


def test_unknown_ids_show_as_quarto_does_and_duplicate_ids_referred_to_are_errors_with_places(tmp_path: Path) -> None:
    root = _book(tmp_path, {"a.md": "# A\n\nText.\n\nSee @fig-missing here.\n"})
    project = load_project(root)
    reporter = Reporter()
    doc = read_document(project, make_gate(project.config, load_theme("default", root), reporter), reporter)
    assert "See ?@fig-missing here." in plain_text(doc.chapters[0].blocks[-1].children)  # type: ignore[attr-defined]
    [warning] = [w for w in reporter.warnings if "@fig-missing" in w.message]
    assert str(warning.pos) == "a.md:5"
    from presswork.commands.cli import main

    assert main(["check", str(root)]) == 0
    assert main(["check", str(root), "--strict"]) == 1  # --strict: the warning is an error
    (root / "a.md").write_text("# A\n\n## X {#sec-x}\n", encoding="utf-8")
    (root / "b.md").write_text("# B\n\nText.\n\n## Y {#sec-x}\n", encoding="utf-8")
    # given twice but never referred to (a real Quarto book does this): a warning naming both places
    project = load_project(root)
    reporter = Reporter()
    read_document(project, make_gate(project.config, load_theme("default", root), reporter), reporter)
    [warning] = [w for w in reporter.warnings if "duplicate id" in w.message]
    assert str(warning.pos) == "b.md:5" and "a.md:3" in warning.message
    (root / "c.md").write_text("# C\n\nAs @sec-x shows.\n", encoding="utf-8")
    with pytest.raises(PressworkError) as err:  # referred to: which one is meant? an error naming both places
        read_project(root)
    assert str(err.value.pos) == "b.md:5" and "a.md:3" in str(err.value)


def test_citations_missing_key_and_missing_bibliography(tmp_path: Path) -> None:
    root = _book(
        tmp_path, {"a.md": "# A\n\nAs [@doe2020] and [@nokey] say.\n", "refs.bib": BIB}, 'bibliography = "refs.bib"\n'
    )
    reporter = Reporter()
    doc = read_document(load_project(root), make_gate(load_project(root).config, load_theme("default", root)), reporter)
    assert plain_text(query(doc, Paragraph)[0].children) == "As (Doe, 2020) and [@nokey] say."
    warned = [(str(w.pos), w.message) for w in reporter.warnings if w.category == "citation"]
    assert (
        len(warned) == 1 and warned[0][0] == "a.md:3" and "'nokey' is not in the bibliography refs.bib" in warned[0][1]
    )
    (root / "a.md").write_text("# A\n\nAs [@doe2020] says; @doe2020 agrees, @someone not.\n", encoding="utf-8")
    doc = read_project(root)
    cites = query(doc, Cite)
    assert [plain_text(c.children) for c in cites] == ["(Doe, 2020)", "Doe (2020)"]
    assert isinstance(cites[0].children[0], Link) and cites[0].children[0].url == "#ref-doe2020"
    assert cites[0].references == ("Doe, J. (2020). Publishing books. Example Press.",)
    assert doc.chapters[-1].id == "references" and "Publishing books" in plain_text(doc.chapters[-1].title) + str(
        doc.chapters[-1].blocks
    )
    assert "@someone" in plain_text(query(doc, Paragraph)[0].children)
    (root / "presswork.toml").write_text('title = "T"\n', encoding="utf-8")  # no bibliography: text, and a warning
    reporter = Reporter()
    doc = read_document(load_project(root), make_gate(load_project(root).config, load_theme("default", root)), reporter)
    assert plain_text(query(doc, Paragraph)[0].children).startswith("As [@doe2020] says; @doe2020 agrees")
    assert [str(w.pos) for w in reporter.warnings if w.category == "citation"] == ["a.md:3"]


def test_citation_syntax_reads_in_linear_time() -> None:
    import time

    # An unclosed bracket before a long key once cost quadratic backtracking (31 s for 20 KB).
    start = time.process_time()
    for text in ("[@" + "a" * 200_000, "[" * 100_000 + "@a", ("[x @" + "a-" * 50) * 4000):
        _marked(text)
    assert time.process_time() - start < 5


def test_bibliography_entries_citeproc_cannot_read_are_left_out_with_a_warning(tmp_path: Path) -> None:
    # pythia-foundations' references.bib: a name ending in a newline made citeproc-py raise
    # UnboundLocalError and the whole book fail; biblatex's @online is common in real bibliographies.
    bib = (
        "@article{picus, author = {Harris, Charles R. and Matti Picus\n      }, title = {Array programming},\n"
        "  journal = {Nature}, year = {2020}}\n"
        "@online{site, author = {Roe, Richard}, title = {A web page}, url = {https://example.org}, year = {2022}}\n"
        "@strange{odd, author = {Poe, Ann}, title = {Unknown type}, year = {2001}}\n"
        "@manual{carto, author = {{Met Office}}, title = {Cartopy}, year = {2010 - 2025}}\n"
    )
    root = _book(
        tmp_path,
        {
            "a.md": "# A\n\nAs [@picus], [@site], [@carto] and [@odd] say; see [@https://doi.org/10.25080/hwcj9957].\n",
            "refs.bib": bib,
        },
        'bibliography = "refs.bib"\n',
    )
    reporter = Reporter()
    doc = read_document(load_project(root), make_gate(load_project(root).config, load_theme("default", root)), reporter)
    text = plain_text(query(doc, Paragraph)[0].children)
    assert (
        text
        == "As (Harris & Picus, 2020), (Roe, 2022), (Met Office, 2010–2025) and [@odd] say; see (doi:10.25080/hwcj9957)."
    )
    assert [link.url for link in query(doc, Link)][-1] == "https://doi.org/10.25080/hwcj9957"
    warned = [(str(w.pos), w.message) for w in reporter.warnings if w.category == "citation"]
    assert [p for p, _ in warned] == ["refs.bib:5", "a.md:3", "a.md:3"]
    assert (
        "'odd'" in warned[0][1]
        and "'odd' could not be read from the bibliography refs.bib" in warned[1][1]
        and "shown as links" in warned[2][1]
    )


def test_a_book_citing_only_unknown_keys_gets_no_empty_references_chapter(tmp_path: Path) -> None:
    root = _book(
        tmp_path,
        {"a.md": "# A\n\nSee [@https://doi.org/10.25080/hwcj9957] and [@nokey].\n", "refs.bib": BIB},
        'bibliography = "refs.bib"\n',
    )
    reporter = Reporter()
    doc = read_document(load_project(root), make_gate(load_project(root).config, load_theme("default", root)), reporter)
    assert [ch.id for ch in doc.chapters] == ["a"]
    assert plain_text(query(doc, Paragraph)[0].children) == "See (doi:10.25080/hwcj9957) and [@nokey]."


def test_a_bibliography_that_cannot_be_read_is_a_warning_at_its_own_file(tmp_path: Path) -> None:
    # A MyST book names its bibliography in myst.yml: there is no presswork.toml to point at, and one
    # broken file must not take the whole book down. The citations stay as the author wrote them.
    root = tmp_path / "book"
    root.mkdir()
    (root / "myst.yml").write_text(
        "version: 1\nproject:\n  title: T\n  bibliography: [refs.json]\n  toc:\n    - file: a.md\n", encoding="utf-8"
    )
    (root / "a.md").write_text("# A\n\nAs [@doe2020] says.\n", encoding="utf-8")
    (root / "refs.json").write_text('[{"id": "doe2020", "title": ', encoding="utf-8")
    project = load_project(root)
    reporter = Reporter()
    doc = read_document(project, make_gate(project.config, load_theme("default", root)), reporter)
    assert "doe2020" in plain_text(query(doc, Paragraph)[0].children)
    warned = [w for w in reporter.warnings if w.category == "citation" and "cannot read bibliography" in w.message]
    assert len(warned) == 1 and str(warned[0].pos) == "refs.json", [str(w) for w in reporter.warnings]
    assert "left as written" in warned[0].message
    [cited] = [w for w in reporter.warnings if "[@doe2020]" in w.message]
    assert str(cited.pos) == "a.md:3" and "the bibliography refs.json could not be read" in cited.message
    from presswork.commands.cli import main

    assert main(["check", str(root)]) == 0
    assert main(["check", str(root), "--strict"]) == 1
