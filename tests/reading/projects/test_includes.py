"""Includes ({{#include}}, {{#rustdoc_include}}, {{#title}}, {{< include >}}), variables and plug-in syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from presswork.build.pipeline import read_project
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import CodeBlock, Pos, plain_text
from presswork.core.walk import query
from presswork.project.assets import AssetGate
from presswork.reading.cells import quarto_cells
from presswork.reading.includes import expand
from presswork.reading.variables import AUTODOC_NOTE, autodoc_directives, substitute

RS = "# #![allow(unused)]\n// ANCHOR: main\nfn main() {\n    let x = 1;\n}\n// ANCHOR_END: main\n// ANCHOR: other\nfn other() {}\n// ANCHOR_END: other\n"


def run(tmp_path: Path, text: str, files: dict[str, str] | None = None) -> tuple[str, list[str]]:
    for name, body in (files or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(body)
    root = tmp_path.resolve()
    result = expand(text, "ch.md", AssetGate(root, []).resolve, root)
    return result.text, [str(p) for p in result.origins]


def test_include_whole_file_keeps_the_included_files_lines(tmp_path: Path) -> None:
    text, origins = run(tmp_path, "Intro\n{{#include part.md}}\nEnd\n", {"part.md": "one\ntwo\n"})
    assert text == "Intro\none\ntwo\nEnd\n"
    assert origins == ["ch.md:1", "part.md:1", "part.md:2", "ch.md:3"]


def test_include_anchor_drops_every_anchor_line(tmp_path: Path) -> None:
    text, origins = run(tmp_path, "```rust\n{{#include a.rs:main}}\n```\n", {"a.rs": RS})
    assert text == "```rust\nfn main() {\n    let x = 1;\n}\n```\n"
    assert origins[1:4] == ["a.rs:3", "a.rs:4", "a.rs:5"]


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("3:4", "fn main() {\n    let x = 1;\n"),
        ("8", "fn other() {}\n"),
        ("8:", "fn other() {}\n"),
        (":1", "# #![allow(unused)]\n"),
    ],
)
def test_include_line_ranges(tmp_path: Path, selector: str, expected: str) -> None:
    text, _ = run(tmp_path, f"{{{{#include a.rs:{selector}}}}}\n", {"a.rs": RS})
    assert text == expected


def test_rustdoc_include_drops_hidden_lines(tmp_path: Path) -> None:
    text, _ = run(tmp_path, "{{#rustdoc_include a.rs}}\n", {"a.rs": RS})
    assert "allow(unused)" not in text and "ANCHOR" not in text and "fn other() {}" in text


def test_escaped_include_and_title(tmp_path: Path) -> None:
    result = expand(
        "{{#title Custom}}\nWrite \\{{#include x}} here.\n",
        "ch.md",
        AssetGate(tmp_path, []).resolve,
        tmp_path.resolve(),
    )
    assert result.text == "Write {{#include x}} here.\n" and result.title == "Custom"


def test_quarto_include_shortcode_nests(tmp_path: Path) -> None:
    text, origins = run(
        tmp_path, "{{< include _a.md >}}\n", {"_a.md": "A\n{{< include sub/_b.md >}}\n", "sub/_b.md": "B\n"}
    )
    assert text == "A\nB\n" and origins == ["_a.md:1", "sub/_b.md:1"]


def test_a_missing_file_is_left_out_with_a_warning_at_the_directive(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    result = expand("x\n\n{{#include nope.rs}}\nafter\n", "ch.md", AssetGate(root, []).resolve, root)
    assert result.text == "x\n\nafter\n"
    [(pos, why)] = result.skipped
    assert str(pos) == "ch.md:3" and "nope.rs" in why


def test_cycle_is_an_error_in_the_included_file(tmp_path: Path) -> None:
    with pytest.raises(PressworkError) as err:
        run(tmp_path, "{{#include a.md}}\n", {"a.md": "a\n{{#include b.md}}\n", "b.md": "b\n\n{{#include a.md}}\n"})
    assert str(err.value.pos) == "b.md:3" and "a.md -> b.md -> a.md" in err.value.message


def test_include_outside_the_project_is_never_read_and_left_out(tmp_path: Path) -> None:
    (tmp_path / "book").mkdir()
    (tmp_path / "secret.md").write_text("secret\n")
    (tmp_path / "book" / "link.md").symlink_to(tmp_path / "secret.md")
    root = (tmp_path / "book").resolve()
    text = "{{#include ../secret.md}}\n{{< include link.md >}}\nend\n"
    result = expand(text, "ch.md", AssetGate(root, []).resolve, root)
    assert "secret" not in result.text and result.text == "end\n"
    assert [(str(p), "outside the project folder" in why) for p, why in result.skipped] == [
        ("ch.md:1", True),
        ("ch.md:2", True),
    ]


def test_missing_anchor_names_it(tmp_path: Path) -> None:
    with pytest.raises(PressworkError, match="anchor 'nah' not found"):
        run(tmp_path, "{{#include a.rs:nah}}\n", {"a.rs": RS})


def test_mdbook_fixture_includes_reach_the_tree(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(Path(__file__).resolve().parents[2] / "books" / "mdbook-mini", tmp_path / "b")
    doc = read_project(tmp_path / "b")
    codes = [c.code for ch in doc.chapters for c in query(ch.blocks, CodeBlock)]
    assert codes[0] == 'fn main() {\n    println!("Hello, Cargo!");\n}'
    install = next(ch for ch in doc.chapters if ch.source == "src/install.md")
    note = [b for b in install.blocks if "shared by chapters" in plain_text(getattr(b, "children", ()))]
    assert note and note[0].pos == Pos("src/shared/note.md", 1)


def at(line: int) -> Pos:
    return Pos("ch.md", line)


def test_variables_outside_code_only() -> None:
    text = "Version {{ version }} and `{{ version }}`\n```\n{{ version }}\n```\n"
    assert substitute(text, {"version": "2.1"}, at) == "Version 2.1 and `{{ version }}`\n```\n{{ version }}\n```\n"


def test_undefined_variable_is_an_error_with_its_line() -> None:
    with pytest.raises(PressworkError) as err:
        substitute("a\n{{ verison }}\n", {"version": "2"}, at)
    assert str(err.value.pos) == "ch.md:2" and "did you mean 'version'" in err.value.message


def test_without_variables_braces_stay() -> None:
    assert substitute("{{ post.title }}\n", {}, at) == "{{ post.title }}\n"


def test_quarto_cells_and_autodoc_warn_once_each() -> None:
    reporter = Reporter()
    assert quarto_cells("```{r}\n1 + 1\n```\n", at, reporter) == "```r\n1 + 1\n```\n"
    assert autodoc_directives("::: httpx.Client\n", at, reporter) == f"`httpx.Client` {AUTODOC_NOTE}\n"
    assert [str(w.pos) for w in reporter.warnings] == ["ch.md:1", "ch.md:1"]


def test_autodoc_options_are_left_out_with_a_warning_and_the_reference_is_a_paragraph_of_its_own() -> None:
    """Before, ``:docstring:`` under ``::: httpx.get`` joined the reference's paragraph ("httpx.get :docstring:",
    read as a lead-in) and the next directive's line ran into it."""
    reporter = Reporter()
    text = "::: httpx.get\n    :docstring:\n::: httpx.Client\n    :docstring:\n    :members: get post\nText.\n"
    out = autodoc_directives(text, at, reporter)
    assert out == f"`httpx.get` {AUTODOC_NOTE}\n\n`httpx.Client` {AUTODOC_NOTE}\n\nText.\n", out
    assert ":docstring:" not in out
    assert [(str(w.pos), w.message.split("left out: ")[-1]) for w in reporter.warnings] == [
        ("ch.md:1", ":docstring:"),
        ("ch.md:3", ":docstring: :members: get post"),
    ]
