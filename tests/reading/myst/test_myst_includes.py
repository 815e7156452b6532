"""MyST's ``{include}`` and ``{literalinclude}`` go through the same include gate as every include."""

from __future__ import annotations

from pathlib import Path

from presswork.project.assets import AssetGate
from presswork.reading.includes import expand


def run(tmp_path: Path, text: str, files: dict[str, str]) -> str:
    for name, body in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(body)
    root = tmp_path.resolve()
    return expand(text, "ch.md", AssetGate(root, []).resolve, root).text


def test_include_reads_the_file_in_place_with_its_options(tmp_path: Path) -> None:
    part = "# Title\nstart here\nkept one\nkept two\nend here\ndropped\n"
    text = "Intro\n\n```{include} part.md\n:start-after: start here\n:end-before: end here\n```\n\nOutro\n"
    assert run(tmp_path, text, {"part.md": part}) == "Intro\n\n\nkept one\nkept two\n\nOutro\n"


def test_literalinclude_is_code_in_its_language_with_its_caption(tmp_path: Path) -> None:
    code = "a = 1\nb = 2\nc = 3\n"
    text = ":::{literalinclude} src/x.py\n:language: python\n:lines: 2-3\n:caption: Two lines\n:::\n"
    assert (
        run(tmp_path, text, {"src/x.py": code}) == "```{code-block} python\n:caption: Two lines\n\nb = 2\nc = 3\n```\n"
    )


def test_include_outside_the_project_is_left_out_with_a_warning(presswork, tmp_path: Path) -> None:
    """jupyter-book's docs include ``../../RELEASE.md``: never read, and the book still builds (not under --strict)."""
    book = tmp_path / "book"
    book.mkdir()
    (tmp_path / "RELEASE.md").write_text("Secret release notes\n")
    (book / "presswork.toml").write_text('title = "T"\nmarkdown = "myst"\n')
    (book / "01-a.md").write_text("# A\n\nText\n\n```{include} ../RELEASE.md\n```\n\nAfter.\n")
    result = presswork("build", book, "--format", "epub")
    assert result.status == 0, result.err
    assert "01-a.md:5: warning: '../RELEASE.md' is outside the project folder" in result.err
    assert "the include is left out" in result.err
    assert b"Secret" not in (book / "output" / "t.epub").read_bytes()
    strict = presswork("build", book, "--format", "epub", "--strict")
    assert strict.status == 1


def test_an_include_shown_as_code_is_not_expanded(tmp_path: Path) -> None:
    text = "````md\n```{include} part.md\n```\n````\n"
    assert run(tmp_path, text, {"part.md": "secret\n"}) == text
