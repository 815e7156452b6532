"""The one reproducible zip normaliser and the rules of EPUB (OCF) and PPTX (OPC) packages."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta, timezone

import pytest

from presswork.exporters.common.zips import EPUB_RULES, PPTX_RULES, ZipRules, normalise_zip, zip_time

WHEN = datetime(2025, 3, 4, 12, 30, 41, tzinfo=UTC)


def package(entries: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in entries:
            z.writestr(name, data)
    return out.getvalue()


def test_zip_time_is_utc_even_seconds_and_not_before_1980() -> None:
    assert zip_time(WHEN) == (2025, 3, 4, 12, 30, 40)
    assert zip_time(datetime(2025, 3, 4, 14, 30, 41, tzinfo=timezone(timedelta(hours=2)))) == (2025, 3, 4, 12, 30, 40)
    assert zip_time(datetime(2025, 3, 4, 12, 30, 41)) == (2025, 3, 4, 12, 30, 40)  # naive = UTC
    assert zip_time(datetime(1970, 1, 1, tzinfo=UTC)) == (1980, 1, 1, 0, 0, 0)


def test_epub_rules_put_an_uncompressed_mimetype_first() -> None:
    data = package(
        [
            ("EPUB/b.xhtml", b"b"),
            ("META-INF/container.xml", b"c"),
            ("mimetype", b"application/epub+zip"),
            ("EPUB/a.xhtml", b"a"),
        ]
    )
    with zipfile.ZipFile(io.BytesIO(normalise_zip(data, WHEN, EPUB_RULES))) as z:
        infos = z.infolist()
        assert [i.filename for i in infos] == ["mimetype", "META-INF/container.xml", "EPUB/b.xhtml", "EPUB/a.xhtml"]
        assert infos[0].compress_type == zipfile.ZIP_STORED and not infos[0].extra
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos[1:])
        assert {i.date_time for i in infos} == {(2025, 3, 4, 12, 30, 40)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        assert z.read("EPUB/a.xhtml") == b"a"


def test_pptx_rules_put_content_types_first_then_sort() -> None:
    data = package(
        [
            ("ppt/slides/slide2.xml", b"2"),
            ("ppt/slides/slide1.xml", b"1"),
            ("[Content_Types].xml", b"t"),
            ("_rels/.rels", b"r"),
        ]
    )
    with zipfile.ZipFile(io.BytesIO(normalise_zip(data, WHEN, PPTX_RULES))) as z:
        assert z.namelist() == ["[Content_Types].xml", "_rels/.rels", "ppt/slides/slide1.xml", "ppt/slides/slide2.xml"]
        assert {i.external_attr >> 16 for i in z.infolist()} == {0o644}


def test_the_same_content_gives_the_same_bytes_whatever_the_input_order_and_times() -> None:
    one = package([("b", b"2"), ("a", b"1"), ("[Content_Types].xml", b"t")])
    two = package([("[Content_Types].xml", b"t"), ("a", b"1"), ("b", b"2")], zipfile.ZIP_STORED)
    assert normalise_zip(one, WHEN, PPTX_RULES) == normalise_zip(two, WHEN, PPTX_RULES)


def test_duplicate_entries_are_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z, pytest.warns(UserWarning):
        z.writestr("a", b"1")
        z.writestr("a", b"2")
    with pytest.raises(ValueError, match="duplicate zip entries: \\['a'\\]"):
        normalise_zip(out.getvalue(), WHEN, ZipRules())


def test_the_epubs_intermediate_zips_are_not_compressed_and_its_package_is_deflated_once() -> None:
    """ebooklib's zip and the language patch's are read back at once: they are not compressed (the book's content
    was deflated three times, 0.5 s of a 9 MB EPUB of plots); the package normalised from them is deflated at
    level 9, mimetype aside."""
    from presswork.exporters.epub.package import patch_package

    opf = b'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"></package>'
    container = (
        b'<?xml version="1.0"?><container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">'
        b'<rootfiles><rootfile full-path="EPUB/content.opf" media-type="application/oebps-package+xml"/>'
        b"</rootfiles></container>"
    )
    entries = [
        ("mimetype", b"application/epub+zip"),
        ("META-INF/container.xml", container),
        ("EPUB/content.opf", opf),
        ("EPUB/text.xhtml", b"<p>words</p>" * 500),
    ]
    patched = patch_package(package(entries), "en")
    with zipfile.ZipFile(io.BytesIO(patched)) as z:
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_STORED}
        assert b'xml:lang="en"' in z.read("EPUB/content.opf")
    with zipfile.ZipFile(io.BytesIO(normalise_zip(patched, WHEN, EPUB_RULES))) as z:
        kinds = {i.filename: i.compress_type for i in z.infolist()}
    assert kinds.pop("mimetype") == zipfile.ZIP_STORED and set(kinds.values()) == {zipfile.ZIP_DEFLATED}
