"""Conditions and profiles: only-pdf/only-epub/only-slides and no- forms, --profile, [profiles.NAME], watch."""

from __future__ import annotations

from pathlib import Path

import pytest

from presswork.build.pipeline import read_project
from presswork.commands.watch import watched
from presswork.core.diagnostics import UsageError
from presswork.core.tree import Attr, Div, plain_text
from presswork.exporters.common.visibility import is_hidden
from presswork.project.load import load_project

BOOK = """# Exercises

Try it.

::: only-profile-instructor
Solution: 42.
:::

::: no-profile-instructor
Ask your instructor.
:::
"""


@pytest.mark.parametrize(
    ("cls", "hidden_in"),
    [
        ("only-pdf", {"epub", "slides"}),
        ("only-epub", {"print", "slides"}),
        ("only-slides", {"print", "epub"}),
        ("no-pdf", {"print"}),
        ("no-epub", {"epub"}),
        ("no-slides", {"slides"}),
    ],
)
def test_only_and_no_divs_per_output(cls: str, hidden_in: set[str]) -> None:
    div = Div(Attr(classes=(cls,)), ())
    assert {t for t in ("print", "epub", "slides") if is_hidden(div, t)} == hidden_in  # type: ignore[arg-type]


def _text(folder: Path, profile: str = "") -> str:
    if profile:
        (folder / "presswork.toml").write_text(f'profile = "{profile}"\n[profiles.instructor]\n[profiles.student]\n')
    doc = read_project(folder)
    return " ".join(plain_text(getattr(b, "children", ())) for ch in doc.chapters for b in _flat(ch.blocks))


def _flat(blocks: tuple[object, ...]) -> list[object]:
    out: list[object] = []
    for b in blocks:
        out.extend(_flat(b.blocks) if isinstance(b, Div) else [b])
    return out


def test_profiles_choose_the_edition(tmp_path: Path) -> None:
    (tmp_path / "book.md").write_text(BOOK)
    assert "Ask your instructor" in _text(tmp_path) and "Solution" not in _text(tmp_path)
    instructor = _text(tmp_path, "instructor")
    assert "Solution: 42." in instructor and "Ask your instructor" not in instructor
    assert "Solution" not in _text(tmp_path, "student")


def test_profile_chapters_replace_the_book_order(tmp_path: Path) -> None:
    for name in ("a.md", "b.md", "solutions.md"):
        (tmp_path / name).write_text(f"# {name}\n\ntext\n")
    (tmp_path / "presswork.toml").write_text(
        '[profiles.student]\nchapters = ["a.md", "b.md"]\n'
        '[profiles.instructor]\nchapters = ["a.md", "b.md", "solutions.md"]\n'
    )
    student = load_project(tmp_path, {"profile": "student"})
    assert [p.name for p in student.files] == ["a.md", "b.md"]
    assert [p.name for p in load_project(tmp_path, {"profile": "instructor"}).files][-1] == "solutions.md"
    with pytest.raises(UsageError, match="did you mean 'student'"):
        load_project(tmp_path, {"profile": "studnet"})


def test_watch_rebuilds_for_an_included_file_of_any_suffix(tmp_path: Path) -> None:
    listing = tmp_path / "listings" / "main.rs"
    assert not watched(listing, tmp_path / "output", [tmp_path])
    assert watched(listing, tmp_path / "output", [tmp_path], {listing})
    assert watched(tmp_path / "_quarto.yml", tmp_path / "output", [tmp_path])


def test_cli_profile_option_reaches_the_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from presswork.commands.cli import main

    (tmp_path / "a.md").write_text("# A\n\ntext\n")
    (tmp_path / "presswork.toml").write_text('[profiles.student]\nchapters = ["a.md"]\n')
    assert main(["build", str(tmp_path), "--profile", "studnet", "--out", str(tmp_path / "out")]) == 2
    assert "unknown profile 'studnet' (did you mean 'student'?)" in capsys.readouterr().err
