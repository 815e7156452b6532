"""Page furniture stamped over batch pages: drawn where the page says, as artifacts, its state kept exactly."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pikepdf

from presswork.exporters.pdf.batches.furniture import decode, encode
from presswork.exporters.pdf.batches.merge import stamp_furniture


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
        reopened.pages[0].Resources.XObject.PressworkFurniture0 != reopened.pages[1].Resources.XObject.PressworkFurniture0
    )


def test_a_page_maker_state_survives_the_cache_with_its_types() -> None:
    state = ([0], {"page": [12], "footnote": [0, 3]}, [{"page", "footnote"}, set()], [["main", 2, None]])
    page_type = ("right", False, "main", 4, (("main", 1),))
    assert decode(encode(state)) == state
    assert isinstance(decode(encode(state))[2][0], set)
    assert decode(encode(page_type)) == page_type and isinstance(decode(encode(page_type))[4][0], tuple)
    assert decode(json.loads(json.dumps(encode(state)))) == state
