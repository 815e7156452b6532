"""Page furniture stamped over batch pages: drawn where the page says, as artifacts, its state kept exactly."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from presswork.exporters.pdf.batches.furniture import decode, encode
from presswork.exporters.pdf.batches.stamp import stamp_furniture


def text_pdf(lines: list[tuple[float, float, str]], shift: bool = False) -> pikepdf.Pdf:
    """A PDF of one page per entry, each drawing its text at (x, y); ``shift`` leaves a transform set
    (as WeasyPrint's page content does, without restoring it)."""
    pdf = pikepdf.Pdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    for x, y, text in lines:
        pdf.add_blank_page(page_size=(300, 400))
        page = pdf.pages[-1]
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        prefix = b"1 0 0 1 0 200 cm\n" if shift else b""
        page.obj.Contents = pdf.make_stream(prefix + f"BT /F1 10 Tf {x} {y} Td ({text}) Tj ET\n".encode())
    return pdf


def test_furniture_is_drawn_over_each_page_as_an_artifact(tmp_path: Path) -> None:
    body = text_pdf([(40, 100, "Body one"), (40, 100, "Body two")], shift=True)
    furniture = text_pdf([(0, 0, "unused"), (250, 20, "17"), (40, 20, "18")])
    for index in (0, 1):
        stamp_furniture(body, index, [body.copy_foreign(furniture.pages[index + 1].as_form_xobject())])
    out = tmp_path / "stamped.pdf"
    body.save(out)
    reopened = pikepdf.Pdf.open(out)
    for page in reopened.pages:
        content = page.obj.Contents if isinstance(page.obj.Contents, pikepdf.Stream) else None
        data = content.read_bytes() if content is not None else b"".join(s.read_bytes() for s in page.obj.Contents)
        assert b"/Artifact BMC" in data and data.index(b"Q\n/Artifact") > data.index(b"Tj")
    # A reader sees each page's own folio, at the foot, whatever transform the body left set.
    pages = [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-bbox", str(out), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in (1, 2)
    ]
    assert ">one<" in pages[0] and ">two<" in pages[1]
    assert ">17<" in pages[0] and ">18<" not in pages[0]
    assert ">18<" in pages[1] and ">17<" not in pages[1]
    ymin = float(pages[0].split(">17<")[0].rsplit('yMin="', 1)[1].split('"')[0])
    assert ymin > 360, "the folio is drawn at the foot of the page (400 pt high)"
    # Two pages that shared their resources keep their own furniture.
    assert (
        reopened.pages[0].Resources.XObject.PressworkFurniture0
        != reopened.pages[1].Resources.XObject.PressworkFurniture0
    )


def test_a_page_maker_state_survives_the_cache_with_its_types() -> None:
    state = ([0], {"page": [12], "footnote": [0, 3]}, [{"page", "footnote"}, set()], [["main", 2, None]])
    page_type = ("right", False, "main", 4, (("main", 1),))
    assert decode(encode(state)) == state
    assert isinstance(decode(encode(state))[2][0], set)
    assert decode(encode(page_type)) == page_type and isinstance(decode(encode(page_type))[4][0], tuple)
    assert decode(json.loads(json.dumps(encode(state)))) == state


def test_margin_box_edges_are_cut_into_folio_head_and_page_layers() -> None:
    from presswork.exporters.pdf.batches.layers import edge_uses

    uses = edge_uses(
        {
            "@top-left": (("string()", ("book", "first-except")),),
            "@top-right": (("string", "Draft"),),
            "@bottom-right": (("counter()", ("page", "decimal")),),
            "@left-middle": (("string()", ("chapter",)), ("string", " | "), ("counter()", ("page", "decimal"))),
            "@right-top": (("open-quote", None),),
        }
    )
    assert uses["top"].kind == "head" and uses["top"].strings == {("book", "first-except")}
    assert uses["bottom"].kind == "folio" and uses["bottom"].counters == {"page"}
    assert uses["left"].kind == "page", "a box showing a string and a counter is keyed by both"
    assert uses["right"].kind == "page" and uses["right"].other, "anything else: keyed by the whole state"
    assert set(uses) == {"top", "bottom", "left", "right"}


MIXED_THEME = """
@page main:left { @bottom-left { content: string(chapter) " \\2014  " counter(page); } }
@page main:right { @bottom-right { content: string(chapter) " \\2014  " counter(page); } }
"""


@pytest.mark.slow  # lays a long book out three times, batched, with the cache
@pytest.mark.parametrize("two_sided", [False, True])
def test_a_folio_and_a_head_in_one_margin_box_are_one_layer(
    two_sided: bool, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A theme that prints the chapter's title and the folio in one box: that edge is keyed by both (the
    page layer); a page-count edit still gives the bytes of a clean build, each page its own foot."""
    from tests.exporters.pdf.tagged import check_tagged
    from tests.exporters.pdf.test_batches import PARAGRAPH, build_pdf, make_book

    folder = make_book(tmp_path / "book", pdf='batch = "on"\nbatch_size = 2' + ("\nprint = true" if two_sided else ""))
    theme = folder / "themes" / "mine"
    (theme / "pdf").mkdir(parents=True)
    (theme / "theme.toml").write_text('name = "mine"\nextends = "default"\n', encoding="utf-8")
    (theme / "pdf" / "book.css").write_text(MIXED_THEME, encoding="utf-8")
    config = folder / "presswork.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[pdf]", 'theme = "mine"\n\n[pdf]'), encoding="utf-8")
    build_pdf(folder)
    path = folder / "03-chapter.md"
    path.write_text(path.read_text(encoding="utf-8") + ("\n\n" + PARAGRAPH * 6) * 9, encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        output = build_pdf(folder)
    edited = output.read_bytes()
    made = re.search(r"PDF furniture: (\d+) pages, (\d+) of (\d+) chunks laid out", caplog.text)
    assert made is not None and 0 < int(made[2]) < int(made[3])
    pages = int(made[1])
    feet = [
        subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(output), "-"], capture_output=True, text=True)
        .stdout.strip()
        .splitlines()
        for n in range(1, 40)
    ]
    last = next(lines for lines in reversed(feet) if lines)
    assert re.fullmatch(r"Chapter 6: The pipeline — \d+", last[-1].strip()), last[-1]
    assert not check_tagged(output).problems
    shutil.rmtree(folder / ".presswork-cache")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="presswork.batches"):
        clean = build_pdf(folder).read_bytes()
    assert f"{pages} pages, " in caplog.text
    assert edited == clean


@pytest.mark.slow  # lays a six-chapter book out twice
def test_a_batch_on_its_other_side_with_other_margins_is_laid_out_as_in_the_book(tmp_path: Path) -> None:
    """One-sided print with wider inner margins on left pages: a batch laid out from a right-hand page
    that lands on a left-hand one would keep the right-hand margins, so the book is laid out as one
    document. Its body sits where the serial layout puts it, page for page."""
    from tests.exporters.pdf.test_batches import build_pdf, make_book

    positions = {}
    for mode in ("on", "off"):
        folder = make_book(tmp_path / mode, pdf=f'batch = "{mode}"\nbatch_size = 2')
        theme = folder / "themes" / "mine"
        (theme / "pdf").mkdir(parents=True)
        (theme / "theme.toml").write_text('name = "mine"\nextends = "default"\n', encoding="utf-8")
        (theme / "pdf" / "book.css").write_text(
            "@page :left { margin-left: 40mm; margin-right: 12mm; }\n"
            "@page :right { margin-left: 12mm; margin-right: 40mm; }\n",
            encoding="utf-8",
        )
        config = folder / "presswork.toml"
        text = config.read_text(encoding="utf-8").replace("[pdf]", 'theme = "mine"\n\n[pdf]')
        config.write_text(text, encoding="utf-8")
        boxes = subprocess.run(
            ["pdftotext", "-bbox", str(build_pdf(folder)), "-"], capture_output=True, text=True, check=True
        ).stdout
        positions[mode] = [re.findall(r'word xMin="([\d.]+)"[^>]*>Every<', page)[:1] for page in boxes.split("<page ")]
    assert sum(1 for p in positions["off"] if p) > 8
    assert positions["on"] == positions["off"]
