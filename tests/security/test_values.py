"""Values are checked when the project is loaded: numbers against their range, language tags as
BCP 47, no control characters in metadata. A hostile value is refused with the key, the file, the
line and what is allowed, before anything is read or written; it never reaches an output (a NUL in
``xml:lang``) or becomes an internal error (a control character in the title of an EPUB or a deck).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.support.cli import problem_lines

#: The shape of a language tag, checked independently of presswork's own BCP 47 check.
_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


def is_language_tag(value: str) -> bool:
    return _TAG.fullmatch(value) is not None


BOOK = {"01-one.md": "# One\n\nHello.\n\n## Two\n\nMore words.\n"}


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("max_nesting = -5", "presswork.toml:1: key 'max_nesting' must be a whole number from 1 to 500, not -5"),
        ("max_nesting = 100000000", "key 'max_nesting' must be a whole number from 1 to 500"),
        ("toc_depth = 0", "presswork.toml:1: key 'toc_depth' must be a whole number from 1 to 6, not 0"),
        ("toc-depth = 99", "key 'toc-depth' must be a whole number from 1 to 6, not 99"),
        ("remote_timeout = 0", "key 'remote_timeout' must be a number from 0.1 to 600, not 0.0"),
        ("remote_timeout = nan", "key 'remote_timeout' must be a number from 0.1 to 600, not nan"),
        ("remote_timeout = -inf", "key 'remote_timeout' must be a number from 0.1 to 600, not -inf"),
        ("remote_max_bytes = -1", "key 'remote_max_bytes' must be a whole number from 1 to 1,000,000,000"),
        ("max_image_pixels = 0", "key 'max_image_pixels' must be a whole number from 1 to 1,000,000,000"),
        ("max_file_bytes = -10", "key 'max_file_bytes' must be a whole number from 1 to 1,000,000,000"),
        (
            "[pptx]\nslide_level = 99",
            "presswork.toml:2: key 'pptx.slide_level' must be 0 or a whole number from 2 to 6",
        ),
        ("[pptx]\nslide_level = 1", "key 'pptx.slide_level' must be 0 or a whole number from 2 to 6, not 1"),
        ("[pdf]\nbatch_size = -3", "presswork.toml:2: key 'pdf.batch_size' must be 0 or a whole number from 1 to"),
        ("[epub]\ntoc_depth = -1", "key 'epub.toc_depth' must be 0 or a whole number from 1 to 6, not -1"),
        ("[html]\ntoc_depth = 7", "key 'html.toc_depth' must be 0 or a whole number from 1 to 6, not 7"),
        ('site_url = "javascript:alert(1)//"', "key 'site_url' must be an http or https address"),
        ('language = "en us"', "key 'language' must be a BCP 47 language tag such as 'en' or 'pt-BR', not 'en us'"),
        ('language = "en_US"', "not 'en_US' (did you mean 'en-US'?)"),
        ('language = "en\\u0000"', "presswork.toml:1: key 'language' holds the control character U+0000; remove it"),
        ('title = "Bad\\u0001Title"', "presswork.toml:1: key 'title' holds the control character U+0001; remove it"),
        ('authors = ["A\\u001bB"]', "key 'authors' holds the control character U+001B"),
        ('description = "x\\u0085y"', "key 'description' holds the control character U+0085"),
        ('[html]\ncode_style_dark = ""', "key 'html.code_style_dark' must be a Pygments style such as 'default'"),
        ('[pdf]\ncode_style = "monokia"', "not 'monokia' (did you mean 'monokai'?)"),
        ('[epub]\ntoc_title = "C\\u0007"', "presswork.toml:2: key 'epub.toc_title' holds the control character U+0007"),
    ],
)
def test_a_bad_value_is_refused_at_load_naming_key_file_line_and_range(
    make_book, presswork, config: str, expected: str
) -> None:
    root = make_book({**BOOK, "presswork.toml": f"{config}\n"})
    result = presswork("build", root, "--format", "html")  # a [pptx] or [pdf] table is checked even so
    assert result.status in (1, 2), result.err[-300:]
    problems = problem_lines(result.err)
    assert any(expected in line for line in problems), problems
    assert "reading 1 file" not in result.err, "refused before the book is read"
    assert "internal error" not in result.err and "this is a bug" not in result.err
    assert not (root / "output").exists()


def test_a_bad_value_in_pyproject_names_its_line(make_book, presswork) -> None:
    root = make_book(
        {
            **BOOK,
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.presswork]\ntitle = "V"\n\n[tool.presswork.pdf]\nbatch_size = -3\n',
        }
    )
    result = presswork("build", root, "--format", "html")
    assert result.status == 1
    assert "pyproject.toml:8: key 'pdf.batch_size' must be 0 or a whole number from 1 to 10,000, not -3" in result.err


def test_a_bad_value_from_another_tools_project_file_names_that_file(make_book, presswork) -> None:
    root = make_book(
        {
            "book.toml": '[book]\ntitle = "Bad\\u0002Title"\nlanguage = "en"\n',
            "src/SUMMARY.md": "# Summary\n\n- [One](one.md)\n",
            "src/one.md": "# One\n\nHello.\n",
        }
    )
    result = presswork("build", root, "--format", "html")
    assert result.status == 1 and "book.toml: key 'title' holds the control character U+0002" in result.err


def test_values_in_range_still_build(make_book, presswork) -> None:
    root = make_book(
        {
            **BOOK,
            "presswork.toml": 'title = "Values"\nlanguage = "pt-BR"\ntoc_depth = 6\nmax_nesting = 500\n'
            'remote_timeout = 0.5\nsite_url = "https://example.org/book/"\n[pptx]\nslide_level = 0\n'
            "[pdf]\nbatch_size = 0\n[epub]\ntoc_depth = 0\n",
        }
    )
    result = presswork("build", root, "--format", "html")
    assert result.status == 0, result.err


# ---------------------------------------------------------------------------- front matter


def _opf_and_nav(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith((".opf", ".xhtml", ".ncx"))}


def test_a_nul_in_the_language_never_reaches_xml_lang(make_book, presswork) -> None:
    """As found: a NUL in ``lang`` made the OPF and the nav not well-formed, with exit 0."""
    root = make_book({"presswork.toml": 'title = "Lang"\n', "01-one.md": '---\nlang: "de\\0"\n---\n# One\n\nHallo.\n'})
    result = presswork("build", root, "--format", "epub")
    assert result.status == 0, result.err
    assert "01-one.md:1: warning: front matter 'lang': control character U+0000 removed" in result.err
    for name, data in _opf_and_nav(root / "output" / "lang.epub").items():
        tree = etree.fromstring(data)  # well-formed, or this raises
        langs = [v for el in tree.iter() for k, v in el.attrib.items() if k.endswith("lang")]
        langs += [el.text or "" for el in tree.iter() if isinstance(el.tag, str) and el.tag.endswith("}language")]
        assert all(is_language_tag(v) for v in langs) and (langs or name.endswith(".ncx")), (name, langs)
        assert b"\x00" not in data


@pytest.mark.parametrize("lang", ["en us", "<script>", "x" * 300, "en--US", "123"])
def test_a_front_matter_language_that_is_not_a_tag_is_left_out_with_a_warning(make_book, presswork, lang: str) -> None:
    root = make_book({"presswork.toml": 'title = "Lang"\n', "01-one.md": f'---\nlang: "{lang}"\n---\n# One\n\nHi.\n'})
    result = presswork("build", root, "--format", "epub")
    assert result.status == 0, result.err
    assert "01-one.md:1: warning: front matter 'lang' must be a BCP 47 language tag" in result.err
    opf = next(d for n, d in _opf_and_nav(root / "output" / "lang.epub").items() if n.endswith(".opf"))
    assert b"<dc:language>en</dc:language>" in opf


@pytest.mark.parametrize("fmt", ["epub", "pptx", "html"])
def test_control_characters_in_front_matter_metadata_are_removed_with_a_warning(make_book, presswork, fmt: str) -> None:
    """As found: a control character in the title was 'internal error' in EPUB and PPTX."""
    front = (
        '---\ntitle: "Ti\\x01tle\\x85"\nsubtitle: "S\\x0bub"\nauthor: ["Ann\\x1b Lee"]\n'
        'description: "Blurb\\x7f"\ntags: ["a\\x02", "b"]\n---\n'
    )
    root = make_book({"01-one.md": front + "# One\n\nHello.\n\n## Two\n\nWords.\n"})
    result = presswork("build", root, "--format", fmt)
    assert result.status == 0, result.err[-400:]
    for key in ("title", "subtitle", "author", "description", "tags"):
        assert re.search(
            rf"01-one\.md:1: warning: front matter '{key}': control character U\+00[0-9A-F]{{2}} removed", result.err
        ), key
    parts = list(text_parts(root / "output"))
    assert parts
    for name, text in parts:
        assert not _CONTROL.search(text), name
    assert "Title" in "".join(text for _, text in parts)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text_parts(folder: Path) -> list[tuple[str, str]]:
    """Every markup file of the outputs in ``folder`` (zip members of EPUB and PPTX, site pages) as text."""
    suffixes = (".xml", ".xhtml", ".html", ".opf", ".ncx", ".rels")
    found: list[tuple[str, str]] = []
    for path in sorted(folder.rglob("*")):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                found += [(f"{path.name}!{n}", z.read(n).decode("utf-8")) for n in z.namelist() if n.endswith(suffixes)]
        elif path.suffix in suffixes:
            found.append((path.name, path.read_text(encoding="utf-8")))
    return found


def test_a_c1_control_character_in_a_heading_does_not_crash_the_deck(make_book, presswork) -> None:
    """U+0085 (NEL) in a heading made the text shaper that measures slides fail: 'this is a bug'."""
    root = make_book(
        {"presswork.toml": 'title = "Deck"\n', "01-one.md": "# One\u0085 two\n\nHello.\n\n## Sub\u0085\n\nMore.\n"}
    )
    result = presswork("build", root, "--format", "pptx")
    assert result.status == 0, result.err[-300:]
    assert (root / "output" / "deck.pptx").is_file()


def test_a_front_matter_title_or_cover_that_is_a_list_is_ignored_with_a_warning(make_book, presswork) -> None:
    """Found by the fuzz pass: a list as ``cover`` became the text of the list, then a file name too long."""
    front = "---\ntitle: [a, b]\ncover: [{x: " + "y" * 300 + "}]\n---\n"
    root = make_book({"01-one.md": front + "# One\n\nHello.\n"})
    result = presswork("build", root, "--format", "html")
    assert result.status == 0, result.err[-300:]
    assert "01-one.md:1: warning: front matter 'title' must be text, not a list; ignored" in result.err
    assert "01-one.md:1: warning: front matter 'cover' must be text, not a list; ignored" in result.err
