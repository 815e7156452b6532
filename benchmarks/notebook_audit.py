"""Count the words of notebooks that a built EPUB does not show: Markdown cells, code and text outputs.

usage: python benchmarks/notebook_audit.py BOOK.epub NOTEBOOK.ipynb ... [--show N]

The words of every notebook's Markdown cells (without link targets, HTML tags and attachments), its
code cells (without Quarto's ``#|`` lines) and its text outputs (streams, plain text, tracebacks without
colour codes, the text of HTML tables) are compared, as a multiset of lower-cased words, with the words of
the EPUB's pages. Cells tagged ``remove-cell``, ``remove-input`` or ``remove-output`` leave out what the
tag removes. Prints the counts per notebook and in all, and the first N lost words; exit status 1 when
words are lost.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

_WORD = re.compile(r"[^\W_]+")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|^\s*\[[^\]]+\]:.*$", re.M)
_TAG = re.compile(r"<[^>]+>")
#: A Quarto cross-reference (``@fig-x``): the reader sees its label ("Figure 3.1"), not its name.
_XREF = re.compile(r"@(?:fig|tbl|sec|eq|lst)-[\w-]+")
#: A code fence's opening line: its language names no word of the text.
_FENCE = re.compile(r"^\s*(```+|~~~+).*$", re.M)
_OPTION = re.compile(r"^\s*#\|.*$", re.M)
_PICTURES = ("image/png", "image/jpeg", "image/svg+xml")


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else value if isinstance(value, str) else ""


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def notebook_words(path: Path) -> Counter[str]:
    """The words a reader should find of notebook ``path``."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    words: Counter[str] = Counter()
    for cell in notebook.get("cells", []):
        tags = set((cell.get("metadata") or {}).get("tags") or ())
        source = _text(cell.get("source"))
        if "remove-cell" in tags:
            continue
        if cell.get("cell_type") == "markdown":
            source = _FENCE.sub(" ", _XREF.sub(" ", re.sub(r"\(attachment:[^)]*\)", "", source)))
            words.update(_words(_TAG.sub(" ", _LINK_TARGET.sub("]", source))))
        elif cell.get("cell_type") == "code":
            if "remove-input" not in tags:
                words.update(_words(_OPTION.sub("", source)))
            if "remove-output" not in tags:
                for output in cell.get("outputs") or ():
                    words.update(_words(_output_text(output)))
    return words


def _output_text(output: dict[str, Any]) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return _ANSI.sub("", _text(output.get("text")))
    if kind == "error":
        return _ANSI.sub("", "\n".join(_text(t) for t in output.get("traceback") or ()))
    data = output.get("data") or {}
    if any(k in data for k in _PICTURES):
        return ""
    html = _text(data.get("text/html"))
    if "<table" in html and "<script" not in html:
        tree = lxml_html.fromstring(html)
        for style in tree.xpath("//style"):
            style.drop_tree()
        return " ".join(tree.itertext())
    if "text/markdown" in data or "text/latex" in data or html:
        return ""  # read as Markdown or math: their words are the author's markup, not checked here
    return _ANSI.sub("", _text(data.get("text/plain")))


def epub_words(epub: Path) -> Counter[str]:
    """The words of the EPUB's XHTML pages."""
    words: Counter[str] = Counter()
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            if name.endswith(".xhtml"):
                words.update(_words(" ".join(lxml_html.fromstring(z.read(name)).itertext())))  # cells apart
    return words


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("epub", type=Path)
    parser.add_argument("notebooks", type=Path, nargs="+")
    parser.add_argument("--show", type=int, default=20)
    args = parser.parse_args(argv)
    shown = epub_words(args.epub)
    total, lost_all = 0, Counter[str]()
    wanted: Counter[str] = Counter()
    for path in args.notebooks:
        wanted.update(notebook_words(path))
    lost_all = wanted - shown
    total = sum(wanted.values())
    print(f"notebooks={len(args.notebooks)} words={total} lost={sum(lost_all.values())}")
    if lost_all:
        print("lost:", " ".join(w for w, _ in lost_all.most_common(args.show)))
    return 1 if lost_all else 0


if __name__ == "__main__":
    sys.exit(main())
