"""Bad input never crashes a build: each case exits with a clear `path:line: message` (or builds
valid outputs), and a property-based test feeds generated Markdown through the pipeline."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presswork.build.pipeline import build, read_document
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.project.gate import make_gate
from presswork.project.load import load_project
from presswork.project.theme import load_theme
from tests.support.cli import problem_lines
from tests.support.safety import RECORDER, bomb_png, check_outputs_valid, plant_secret, png

ALL = "epub,pdf,pptx"


def nested_list(levels: int) -> str:
    return "\n".join("  " * i + f"- level {i + 1}" for i in range(levels)) + "\n"


def nested_quote(levels: int) -> str:
    return "> " * levels + "deep quote\n"


# ---------------------------------------------------------------------------- the bad-input table

BAD = {
    "broken YAML": ({"01-a.md": "---\ntitle: [unclosed\n---\n\n# A\n"}, "01-a.md:2: "),
    "broken TOML": ({"presswork.toml": 'title = "x\n', "01-a.md": "# A\n"}, "presswork.toml:1: invalid TOML"),
    "binary file": (
        {"01-a.md": b"# A\n\nok\n\x00\x01\x02\x89PNG"},
        "01-a.md:4: not UTF-8 text (binary data: NUL byte)",
    ),
    "Latin-1 file": (
        {"01-a.md": "# A\n\ncaf\xe9\n".encode("latin-1")},
        "01-a.md:3: not UTF-8 text (invalid byte 0xe9)",
    ),
    "empty file": ({"01-a.md": ""}, "the book is empty: 01-a.md has no text"),
    "blank file": ({"01-a.md": "\n \n\t\n"}, "the book is empty: 01-a.md has no text"),
    "image over 100 megapixels": (
        {"01-a.md": "# A\n\ntext\n\n![Big](big.png)\n", "big.png": bomb_png()},
        "01-a.md:5: image 'big.png' has 12000x9000 = 108,000,000 pixels, over max_image_pixels",
    ),
    "list nested beyond the limit": (
        {"01-a.md": "# A\n\n" + nested_list(41)},
        "01-a.md:43: nesting deeper than 40 levels",
    ),
    "quote nested beyond the limit": (
        {"01-a.md": "# A\n\n" + nested_quote(41)},
        "01-a.md:3: nesting deeper than 40 levels",
    ),
    "HTML nested beyond the limit": (
        {"01-a.md": "# A\n\n" + "<div>" * 60 + "x" + "</div>" * 60 + "\n"},
        "01-a.md:3: nesting deeper than 40 levels",
    ),
    "footnote citing itself": ({"01-a.md": "# A\n\nt[^a]\n\n[^a]: again [^a]\n"}, "01-a.md:"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_one_clear_error(presswork, make_book, tmp_path: Path, case: str) -> None:
    files, message = BAD[case]
    secret = plant_secret(tmp_path)
    book = make_book(files)
    started = time.perf_counter()
    with RECORDER.recording():
        result = presswork("build", book, "--format", ALL)
    assert result.status == 1, result.err
    assert message in result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert len(problem_lines(result.err)) == 1  # one problem, one line (and the source line it points at)
    assert not (book / "output").exists()
    assert RECORDER.opened_under(secret.folder) == []
    assert time.perf_counter() - started < 10


def test_verbose_shows_the_traceback(presswork, make_book) -> None:
    book = make_book({"01-a.md": "# A\n\n![Alt](none.png)\n"})
    result = presswork("build", book, "--format", "epub", "--verbose", "--strict")
    assert result.status == 1 and "Traceback" in result.err and "01-a.md:3: file not found" in result.err


def test_unknown_format_lists_the_choices(presswork, make_book) -> None:
    book = make_book({"01-a.md": "# A\n\ntext\n"})
    result = presswork("build", book, "--format", "epub,docx")
    assert result.status == 2
    assert "unknown format 'docx'" in result.err and "installed formats: " in result.err
    assert all(name in result.err for name in ("epub", "pdf", "pptx"))
    assert not (book / "output").exists()


@pytest.mark.parametrize(
    ("config", "files", "message"),
    [
        (
            "max_file_bytes = 100\n",
            {"01-a.md": "# A\n\n" + "word " * 40},
            "01-a.md: file is 205 bytes, over max_file_bytes (100)",
        ),
        (
            "max_image_pixels = 1000\n",
            {"01-a.md": "# A\n\ntext\n\n![Alt](p.png)\n", "p.png": png(50, 30)},
            "01-a.md:5: image 'p.png' has 50x30 = 1,500 pixels, over max_image_pixels (1,000)",
        ),
        ("max_nesting = 5\n", {"01-a.md": "# A\n\n" + nested_list(6)}, "01-a.md:8: nesting deeper than 5 levels"),
        ("max_nesting = 5\n", {"01-a.md": "# A\n\n" + nested_quote(6)}, "01-a.md:3: nesting deeper than 5 levels"),
    ],
)
def test_resource_limits_are_configurable(
    presswork, make_book, config: str, files: dict[str, str | bytes], message: str
) -> None:
    book = make_book({"presswork.toml": config, **files})
    result = presswork("build", book, "--format", "epub")
    assert result.status == 1
    assert message in result.err and "Traceback" not in result.err
    (book / "presswork.toml").write_text("")  # the defaults accept the same book
    assert presswork("build", book, "--format", "epub").status == 0


def test_bom_is_accepted_and_warnings_name_file_and_line(presswork, make_book) -> None:
    book = make_book({"01-a.md": "\ufeff# A\n\n![](p.png)\n\n[gone](#nowhere) [chapter](02-none.md)\n", "p.png": png()})
    result = presswork("build", book, "--format", "epub")
    assert result.status == 0, result.err
    assert "01-a.md:3: warning: image 'p.png' has no alt text" in result.err
    assert "01-a.md:5: warning: broken internal link '#nowhere'" in result.err
    assert "01-a.md:5: warning: link to missing chapter file '02-none.md'" in result.err
    strict = presswork("build", book, "--format", "epub", "--strict")
    assert strict.status == 1 and "--strict turns warnings into errors" in strict.err


# ---------------------------------------------------------------------------- stress books

STRESS = (
    "# Stress\n\nA long list:\n\n"
    + nested_list(35)
    + "\nA long quote:\n\n"
    + nested_quote(35)
    + "\nNotes[^1] inside notes.\n\n[^1]: Outer[^2] note.\n\n[^2]: Inner note.\n\n"
    + "```python\n"
    + "\n".join(f"value_{i} = '" + "abcdefghij" * 40 + "'" for i in range(12))
    + "\n```\n\n"
    + "Word"
    + "x" * 400
    + " ends here.\n\n"
    + "| n | square | words |\n|---|---:|---|\n"
    + "".join(f"| {i} | {i * i} | row {i} text |\n" for i in range(300))
)


@pytest.fixture(scope="module")
def stress_outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Reporter]:
    root = tmp_path_factory.mktemp("stress")
    (root / "01-stress.md").write_text(STRESS)
    result = build(root, formats=["epub", "pdf", "pptx"], out=root / "output")
    return root / "output", result.reporter


@pytest.mark.slow
def test_deep_nesting_long_lines_and_big_tables_build_valid_outputs(stress_outputs: tuple[Path, Reporter]) -> None:
    out, reporter = stress_outputs
    assert sorted(p.name for p in out.iterdir()) == ["stress.epub", "stress.pdf", "stress.pptx"]
    check_outputs_valid(out)
    assert any(w.category == "note" and str(w.pos).startswith("01-stress.md") for w in reporter.warnings)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["epub", "pdf", "pptx"])
def test_stress_book_keeps_its_words(stress_outputs: tuple[Path, Reporter], fmt: str) -> None:
    """Every level of a 35-deep list is readable (in the PDF too: not one letter per line)."""
    from tests.support.outputs import epub_text, pdf_text, pptx_text

    out, _ = stress_outputs
    text = {"epub": epub_text, "pdf": pdf_text, "pptx": pptx_text}[fmt](out / f"stress.{fmt}")
    for words in ("level 1", "level 20", "level 35", "deep quote", "row 299 text", "Inner note"):
        assert words in text, words


@pytest.mark.slow
def test_stress_pdf_has_a_sensible_page_count(stress_outputs: tuple[Path, Reporter]) -> None:
    """35 short list items, a quote, 12 code lines and a 300-row table fit in well under 20 pages
    (a PDF that sets one list item per page fails this)."""
    from pypdf import PdfReader

    out, _ = stress_outputs
    assert len(PdfReader(out / "stress.pdf").pages) < 20


# ---------------------------------------------------------------------------- property-based

WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=12)
PLAIN = st.text(alphabet=st.sampled_from("abc XYZ éß漢字🙂 ., !?"), min_size=1, max_size=15)


@st.composite
def inline(draw: st.DrawFn) -> str:
    word = draw(PLAIN)
    return draw(
        st.sampled_from(
            [
                word,
                f"*{word}*",
                f"**{word}**",
                f"~~{word}~~",
                f"`{word}`",
                f"H~2~O^{word}^",
                f"${word}$",
                f"[{word}](#{word})",
                f"[{word}](https://example.org/{word})",
                f"[{word}](02-b.md#x)",
                f"![{word}](p.png)",
                f"![{word}](missing.png)",
                f"![{word}](../outside.png)",
                f"<kbd>{word}</kbd>",
                f"<span onclick='x()'>{word}</span>",
                f"<script>{word}</script>",
                f"<a href='javascript:{word}'>x</a>",
                f"<b>{word}",
                f"{word}[^n{len(word)}]",
                f"<{word}>",
                draw(WORDS),
                "\\",
                "<!--",
                "&amp;",
                "&#0;",
            ]
        )
    )


@st.composite
def block(draw: st.DrawFn) -> str:
    text = " ".join(draw(st.lists(inline(), min_size=1, max_size=4)))
    indent = " " * draw(st.integers(0, 6))
    kind = draw(st.integers(0, 13))
    if kind == 0:
        return "#" * draw(st.integers(1, 7)) + " " + text
    if kind == 1:
        return "\n".join(
            f"{' ' * draw(st.integers(0, 8))}{draw(st.sampled_from(['-', '*', '1.', '3)']))} {text}"
            for _ in range(draw(st.integers(1, 5)))
        )
    if kind == 2:
        return f"```{draw(st.sampled_from(['', 'python', 'nope']))}\n{draw(WORDS)}\n{text}\n```"
    if kind == 3:
        cols = draw(st.integers(1, 4))
        rows = draw(st.integers(0, 4))
        return (
            "|"
            + "|".join(["h"] * cols)
            + "|\n|"
            + "|".join(["---"] * cols)
            + "|\n"
            + "".join("|" + "|".join([text] * cols) + "|\n" for _ in range(rows))
        )
    if kind == 4:
        return f"[^n{draw(st.integers(0, 15))}]: {text}"
    if kind == 5:
        return f'!!! {draw(st.sampled_from(["note", "warning", "tip", "x"]))} "{draw(PLAIN)}"\n    {text}'
    if kind == 6:
        return f"$$\n{draw(WORDS)}\\frac{{a}}{{b}}\n$$"
    if kind == 7:
        return "> " * draw(st.integers(1, 12)) + text
    if kind == 8:
        return f"<div markdown='1' onclick='x'>\n{text}\n</div>"
    if kind == 9:
        return f"::: {draw(st.sampled_from(['notes', 'only-slides', 'x']))}\n{text}\n:::"
    if kind == 10:
        return f"Term {draw(PLAIN)}\n:   {text}"
    if kind == 11:
        return "---"
    if kind == 12:
        return indent + text
    return f"![{draw(PLAIN)}](p.png)\n\nTable: {text}"


MARKDOWN = st.lists(block(), min_size=0, max_size=8).map(lambda blocks: "\n\n".join(blocks) + "\n")


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "book"
    root.mkdir()
    (root / "p.png").write_bytes(png(8, 6))
    (root.parent / "outside.png").write_bytes(png(3, 3))
    return root


def build_markdown(root: Path, first: str, second: str, formats: tuple[str, ...] = ()) -> None:
    """Run the pipeline on two chapter files: up to the finished tree, and through ``formats``."""
    (root / "01-a.md").write_text(first, encoding="utf-8")
    (root / "02-b.md").write_text(second, encoding="utf-8")
    try:
        if formats:
            build(root, formats=list(formats), out=root / "out")
        else:
            project = load_project(root)
            reporter = Reporter()
            read_document(project, make_gate(project.config, load_theme("default", root), reporter), reporter)
    except PressworkError as exc:
        assert exc.message and "Traceback" not in exc.message
        assert not isinstance(exc.__cause__, RecursionError)


@pytest.mark.slow
@settings(
    max_examples=int(os.environ.get("PRESSWORK_FUZZ_EXAMPLES", "0")) or 75,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=MARKDOWN, second=MARKDOWN, export=st.integers(0, 9))
def test_generated_markdown_builds_or_fails_cleanly(fuzz_root: Path, first: str, second: str, export: int) -> None:
    """Any mix of supported features either builds or raises a PressworkError; one example in ten
    also goes through the EPUB exporter."""
    build_markdown(fuzz_root, first, second, ("epub",) if export == 0 else ())
