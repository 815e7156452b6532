"""Warnings, naming file and line, for constructs that silently change what the text means: an unclosed
code fence, MyST roles and directive fences, and ``{{#...}}`` directives presswork does not know."""

from __future__ import annotations

import pytest

from presswork import reading
from presswork.core.diagnostics import Reporter
from presswork.core.tree import CodeBlock, Heading


def warnings_of(text: str) -> list[str]:
    reporter = Reporter()
    reading.read_markdown(text, "t.md", reporter, smart=False)
    return [str(w) for w in reporter.warnings]


def test_an_unclosed_fence_is_named_at_its_opening_line() -> None:
    text = "# A\n\nText.\n\n```python\ncode\n\n## Not a heading\n"
    reporter = Reporter()
    blocks = reading.read_markdown(text, "t.md", reporter, smart=False).blocks
    assert [str(w) for w in reporter.warnings] == [
        "t.md:5: warning: code fence ``` is never closed: the rest of the file is read as code"
    ]
    assert isinstance(blocks[-1], CodeBlock) and "## Not a heading" in blocks[-1].code
    assert [b for b in blocks if isinstance(b, Heading)] == [blocks[0]]


def test_a_fence_left_open_in_a_list_item_is_named_too() -> None:
    assert warnings_of("- item\n\n  ~~~~\n  code\n- next\n") == [
        "t.md:3: warning: code fence ~~~~ is never closed: the rest of its list or quote is read as code"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "```python\ncode\n```\n",
        "~~~~\ncode\n~~~~~~\n",
        "> ```\n> code\n> ```\n",
        "- a\n\n  ```\n  code\n  ```\n- b\n",
        "````\n```\nnested\n```\n````\n",
        "```{python}\nx = 1\n```\n",  # a Quarto cell: a language, not a directive
    ],
)
def test_closed_fences_and_quarto_cells_say_nothing(text: str) -> None:
    assert warnings_of(text) == []


def test_myst_directives_and_roles_are_named() -> None:
    text = "# A\n\n```{note}\nA note.\n```\n\nSee {term}`reading`\nand {py:func}`f`.\n"
    assert warnings_of(text) == [
        't.md:3: warning: MyST directive ```{note} is not supported by this reader (markdown = "myst" reads MyST): its content is shown as a code block',
        't.md:7: warning: MyST role {term} is not supported by this reader (markdown = "myst" reads MyST): it is printed as written before `reading`',
        't.md:8: warning: MyST role {py:func} is not supported by this reader (markdown = "myst" reads MyST): it is printed as written before `f`',
    ]


def test_unknown_mdbook_directives_are_named(presswork, make_book) -> None:
    book = make_book(
        {
            "01-a.md": "# A\n\nText {{#playground demo.rs}} more.\n\n```hbs\n{{#each items}}\n```\n\n"
            "`{{#code}}` and \\{{#escaped}}\n",
        }
    )
    result = presswork("check", book)
    assert result.status == 0, result.err
    lines = [line for line in result.err.splitlines() if "warning" in line]
    assert lines == [
        "01-a.md:3: warning: unknown directive {{#playground demo.rs}} kept as written (presswork knows "
        "{{#include}}, {{#rustdoc_include}} and {{#title}})"
    ]


@pytest.mark.parametrize(
    ("info", "language"),
    [("{code-block} python", "python"), ("{note} A title", "note"), ("{versionadded} 0.16.0", "versionadded")],
)
def test_a_directive_fence_with_arguments_is_read_not_a_crash(info: str, language: str) -> None:
    """executablebooks/MyST-Parser's docs: ```{versionadded} 0.16.0 stopped the whole build."""
    reporter = Reporter()
    (block,) = reading.read_markdown(f"```{info}\nbody text\n```\n", "t.md", reporter, smart=False).blocks
    assert isinstance(block, CodeBlock) and block.code == "body text"
    assert block.language == language
