"""Read outputs back as a reader sees them: the words of a PDF, an EPUB and a PPTX, and of a Markdown source."""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree


def words(text: str) -> Counter[str]:
    """Word tokens of a text, lower-cased, split at every non-word character ("CI/CD" -> ci, cd)."""
    return Counter(re.findall(r"\w+", text.lower()))


def markdown_words(source: str) -> Counter[str]:
    """The prose words of a Markdown source: front matter, URLs of links and markup left out."""
    source = re.sub(r"\A---\n.*?\n---\n", "", source, flags=re.S)
    source = re.sub(r"\$\$.*?\$\$", " ", source, flags=re.S)  # display math is typeset, not text
    source = re.sub(r"(?<![\w$])\$(?=\S)[^$]*?(?<=\S)\$(?![\w$])", " ", source)  # inline math
    source = re.sub(r"^\s*\d+[.)]\s", " ", source, flags=re.M)  # ordered-list markers are numbering, not text
    source = re.sub(r"(\w)[~^]([^~^\s]+)[~^]", r"\1\2", source)  # H~2~O, x^2^ read as H2O, x2
    source = re.sub(r"^(\s*[-*+]\s+)\[[ xX]\]", r"\1", source, flags=re.M)  # task boxes are glyphs
    source = re.sub(r"\]\([^)]*\)", "]", source)  # [text](url) -> [text]
    source = re.sub(r"<https?://[^>]+>", "", source)  # autolinks
    source = re.sub(r"\{#[^}]*\}", "", source)  # {#id}
    source = re.sub(r"(?<![\w@.])-?@\w[\w:.#$%&+?<>~/-]*", " ", source)  # @fig-x, [@key]: become labels and citations
    source = re.sub(r"^\s*(!!!|:::)\s*\S*", "", source, flags=re.M)
    source = re.sub(r"^\s*Table:", "", source, flags=re.M)
    source = re.sub(r"\[\^[^\]]+\]:?", "", source)  # footnote markers
    source = re.sub(r"</?[a-z]+[^>]*>", " ", source)  # inline HTML tags
    return words(source)


def pdf_text(pdf: Path) -> str:
    """The text of a PDF as pdftotext extracts it, plus a copy with hyphenated line ends joined."""
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # A word hyphenated at a line end ("continu-" + "ous") is one word; a real hyphen at a
    # line end ("sought-" + "after") is two: keep both readings of every such break.
    joined = re.sub(r"(\w)[-\u00ad\u2010]\n(\w)", r"\1\2", text)
    return text + "\n" + joined


def epub_text(epub: Path) -> str:
    """The text of every XHTML document of an EPUB (nav included)."""
    parts = []
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            if name.endswith((".xhtml", ".html")):
                root = etree.fromstring(z.read(name))
                parts.append(" ".join(root.itertext()))
    return "\n".join(parts)


def pptx_text(pptx: Path, notes: bool = True) -> str:
    """The text of every slide (shapes, tables, groups) and, with ``notes``, of the speaker notes."""
    from pptx import Presentation

    def shape_text(shape) -> list[str]:
        out = []
        if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            out.append(shape.text_frame.text)
        if getattr(shape, "has_table", False) and shape.has_table:
            out += [cell.text for row in shape.table.rows for cell in row.cells]
        for sub in getattr(shape, "shapes", []):
            out += shape_text(sub)
        return out

    parts = []
    for slide in Presentation(str(pptx)).slides:
        for shape in slide.shapes:
            parts += shape_text(shape)
        if notes and slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def missing_words(expected: Counter[str], text: str) -> list[str]:
    """Expected words that do not occur in ``text``, neither as a word nor as consecutive letters
    (a sub- or superscript such as H2O is extracted from PDFs and EPUBs as H, 2, O)."""
    found = words(text)
    letters = "".join(re.findall(r"\w+", text.lower()))
    return sorted(w for w in expected if w not in found and w not in letters)


def byte_difference(a: bytes, b: bytes) -> str:
    """A one-line account of how two byte strings differ ("" when equal): sizes, first differing
    offset and a few bytes of context, never the whole content."""
    if a == b:
        return ""
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return (
        f"{len(a)} vs {len(b)} bytes, first difference at offset {at}: "
        f"{a[max(0, at - 16) : at + 24]!r} vs {b[max(0, at - 16) : at + 24]!r}"
    )


def assert_same_files(first: Path, second: Path) -> None:
    """Fail with a short summary, not a binary diff, when two files or folders of outputs differ."""
    if first.is_dir():
        names = sorted(p.name for p in first.iterdir())
        assert names == sorted(p.name for p in second.iterdir()), "the two folders hold different files"
        problems = [
            f"{n}: {d}" for n in names if (d := byte_difference((first / n).read_bytes(), (second / n).read_bytes()))
        ]
    else:
        problems = [d] if (d := byte_difference(first.read_bytes(), second.read_bytes())) else []
    assert not problems, "outputs differ: " + "; ".join(problems)
