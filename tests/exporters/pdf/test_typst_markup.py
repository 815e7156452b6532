"""Author text in the Typst source: escaped markup and string literals print exactly what was written."""

from __future__ import annotations

import string
import subprocess
from pathlib import Path

import pytest
import typst

from presswork.exporters.pdf.typst.markup import string as typst_string
from presswork.exporters.pdf.typst.markup import text

NASTY = [
    string.punctuation.replace("'", "").replace('"', ""),
    '#read("/etc/passwd") #import "a.typ": * #include "/etc/hostname" #eval("1+1")',
    "= not a heading",
    "- not a list",
    "+ not an enum",
    "1. not an enum",
    "/ term: not a term list",
    "https://example.com/a_b*c // not a comment /* nor this */",
    "$x^2$ <label> @ref *strong* _emph_ `raw` ~ -- --- ... -? \\ back \\u{41}",
    "]) } #} ]]]",
]


def printed(tmp_path: Path, markup: str) -> str:
    main = tmp_path / "t.typ"
    main.write_text('#set page(width: 40cm, height: auto)\n#set text(font: "DejaVu Sans")\n' + markup, encoding="utf-8")
    pdf = tmp_path / "t.pdf"
    typst.compile(str(main), output=str(pdf), root=str(tmp_path))
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


@pytest.mark.parametrize("value", NASTY)
def test_escaped_markup_prints_the_text_itself(tmp_path: Path, value: str) -> None:
    straight = printed(tmp_path, text(value)).translate({0x201C: '"', 0x201D: '"', 0x2019: "'"})  # smart quotes
    assert straight == " ".join(value.split())


@pytest.mark.parametrize("value", NASTY)
def test_string_literals_print_the_text_itself(tmp_path: Path, value: str) -> None:
    assert printed(tmp_path, f"#{typst_string(value)}") == " ".join(value.split())


def test_straight_quotes_become_smart_quotes(tmp_path: Path) -> None:
    assert printed(tmp_path, text('it\'s "quoted"')) == "it\u2019s \u201cquoted\u201d"
