"""Decks read back as a viewer shows them: words per slide, words lost after a LibreOffice render, type floors."""

from __future__ import annotations

import collections
import contextlib
import html
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from pptx import Presentation
from pptx.util import Pt

#: One LibreOffice profile per test process: parallel test workers never share (and lock) one.
_PROFILE = "-env:UserInstallation=" + Path(tempfile.gettempdir(), f"presswork-tests-lo-{os.getpid()}").as_uri()


def build_fixture_deck(book: Path, tmp: Path) -> tuple[Path, str]:
    """A copy of the fixture ``book`` in ``tmp`` built into its deck by the command line (exit 0 asserted):
    the deck, and what the build printed on stderr."""
    from presswork.commands.cli import main

    root = tmp / "book"
    shutil.copytree(book, root)
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        assert main(["build", str(root), "--format", "pptx"]) == 0
    [deck] = (root / "output").glob("*.pptx")
    return deck, errors.getvalue()


def norm(word: str) -> str:
    return re.sub(r"\W+", "", word.lower())


def slide_texts(deck: Path) -> list[list[str]]:
    """Per slide, the normalised words in its shapes (as the shared checker reads them)."""
    out = []
    for s in Presentation(str(deck)).slides:
        words = []
        for sh in s.shapes:
            if sh.has_text_frame:
                words += sh.text_frame.text.split()
            if getattr(sh, "has_table", False) and sh.has_table:
                words += [w for r in sh.table.rows for c in r.cells for w in c.text.split()]
        out.append([norm(w) for w in words if norm(w)])
    return out


def lost_words(deck: Path, tmp: Path) -> tuple[int, int, dict[int, dict[str, int]]]:
    """Render with LibreOffice (as /work/shared/tools/pptx_visible_words.py does, auto-fit flags stripped)
    and count the words of each slide that are not visible on its page.

    Differences from the shared tool: pdftotext's HTML entities are decoded (the tool counts a word with a
    quote as lost), right-to-left words may come out of pdftotext in visual order, and a long token that
    the renderer wraps inside (a URL, ``--allow-same-version`` in inline code) is visible as consecutive
    pieces on the page.
    """
    plain = tmp / "render" / "deck.pptx"
    plain.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(deck) as zin, zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("ppt/slides/slide"):
                data = re.sub(
                    rb"<a:normAutofit[^>]*/>|<a:normAutofit[^>]*>.*?</a:normAutofit>|<a:spAutoFit/>",
                    b"",
                    data,
                    flags=re.S,
                )
            zout.writestr(item, data)
    subprocess.run(
        ["soffice", _PROFILE, "--headless", "--convert-to", "pdf", "--outdir", str(plain.parent), str(plain)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = plain.with_suffix(".pdf")
    subprocess.run(["pdftotext", "-bbox", str(pdf), str(pdf) + ".html"], check=True)
    pages = re.findall(
        r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', Path(str(pdf) + ".html").read_text(), re.S
    )
    want = slide_texts(deck)
    assert len(pages) == len(want)
    total = lost = 0
    detail: dict[int, dict[str, int]] = {}
    for i, (w, h, body) in enumerate(pages):
        seen: collections.Counter[str] = collections.Counter()
        visible: list[str] = []
        for xm, ym, xM, yM, t in re.findall(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', body
        ):
            if float(yM) <= float(h) + 1 and float(xM) <= float(w) + 1 and float(xm) >= -1 and float(ym) >= -1:
                word = norm(html.unescape(t))
                visible.append(word)
                seen[word] += 1
                seen[word[::-1]] += 1  # right-to-left scripts
        for n in (2, 3, 4):  # a token wrapped over lines: its pieces follow each other
            for k in range(len(visible) - n + 1):
                seen["".join(visible[k : k + n])] += 1
        exp = collections.Counter(want[i])
        missing = exp - seen
        total += sum(exp.values())
        lost += sum(missing.values())
        if missing:
            detail[i + 1] = dict(missing)
    return total, lost, detail


def check_font_floors(prs: Presentation) -> list[str]:
    """Assert body text >= 18 pt, code, tables and slide chrome >= 12 pt, no template sample slide;
    return the words shown on the slides and in the notes."""
    shown: list[str] = []
    for slide in prs.slides:
        assert "SAMPLE SLIDE" not in " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
        for sh in slide.shapes:
            is_chrome = sh.is_placeholder and sh.placeholder_format.type in (15, 13)  # footer, slide number
            frames = [sh.text_frame] if sh.has_text_frame else []
            if getattr(sh, "has_table", False) and sh.has_table:
                frames += [c.text_frame for r in sh.table.rows for c in r.cells]
            floor = 12 if (sh.name == "Code" or getattr(sh, "has_table", False) and sh.has_table or is_chrome) else 18
            for tf in frames:
                shown += tf.text.split()
                for p in tf.paragraphs:
                    for r in p.runs:
                        if (
                            r.font.size is not None
                            and r.text.strip()
                            and "baseline" not in r._r.get_or_add_rPr().attrib
                        ):
                            assert r.font.size >= Pt(floor), (sh.name, r.text, r.font.size.pt)
        if slide.has_notes_slide:
            shown += slide.notes_slide.notes_text_frame.text.split()
    return shown
