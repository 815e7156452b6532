"""Each compat module refuses, with a clear message, a library version outside the range it was written for."""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path

import pytest

from presswork.compat import markdown_it as compat_markdown_it
from presswork.compat import pptx as compat_pptx
from presswork.compat import versions
from presswork.compat import weasyprint as compat_weasyprint
from presswork.core.diagnostics import PressworkError
from tests.support import REPO

RANGES = [compat_weasyprint.RANGE, compat_pptx.RANGE, compat_markdown_it.RANGE]


def fake_version(monkeypatch: pytest.MonkeyPatch, distribution: str, found: str) -> None:
    """Make ``distribution`` look installed at version ``found`` (others as they are)."""
    real = versions.installed_version
    monkeypatch.setattr(versions, "installed_version", lambda name: found if name == distribution else real(name))


def test_the_installed_versions_are_in_range() -> None:
    for r in RANGES:
        r.require()


def test_pyproject_bounds_each_library_as_its_compat_module() -> None:
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    for r in RANGES:
        declared = next(d for d in deps if re.match(rf"{re.escape(r.distribution)}\s*[<>=]", d))
        assert declared.replace(" ", "") == str(r), (declared, str(r))


@pytest.mark.parametrize(
    ("version", "inside"),
    [("70.0", True), ("70.2.1", True), ("71.0", False), ("69.9", False), ("70rc1", True), ("", False), ("x", False)],
)
def test_the_range_compares_release_numbers(version: str, inside: bool) -> None:
    assert compat_weasyprint.RANGE.contains(version) is inside


def test_a_newer_weasyprint_is_refused_with_the_range_and_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_version(monkeypatch, "weasyprint", "71.0")
    with pytest.raises(PressworkError) as err:
        compat_weasyprint.import_weasyprint()
    message = str(err.value)
    assert "weasyprint 71.0 is not supported" in message
    assert "written for weasyprint>=70,<71" in message
    assert "presswork/compat/weasyprint.py" in message
    assert "pip install 'weasyprint>=70,<71'" in message


def test_an_older_python_pptx_is_refused_before_the_template_is_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_version(monkeypatch, "python-pptx", "0.6.23")
    with pytest.raises(PressworkError, match=r"python-pptx 0\.6\.23 is not supported.*python-pptx>=1\.0\.2,<1\.1"):
        compat_pptx.open_presentation(io.BytesIO(b"not read"))
    with pytest.raises(PressworkError, match=r"presswork/compat/pptx\.py"):
        compat_pptx.open_presentation(io.BytesIO(b"not read"))


def test_markdown_it_5_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from markdown_it import MarkdownIt
    from markdown_it.ruler import Ruler

    fake_version(monkeypatch, "markdown-it-py", "5.0.0")
    with pytest.raises(PressworkError, match=r"markdown-it-py 5\.0\.0 is not supported.*compat/markdown_it\.py"):
        compat_markdown_it.replace_block_ruler(MarkdownIt(), Ruler())


def test_a_missing_library_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_version(monkeypatch, "weasyprint", "")
    with pytest.raises(PressworkError, match=r"weasyprint \(not installed\) is not supported"):
        compat_weasyprint.RANGE.require()


def test_the_build_reports_an_unsupported_version_as_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, presswork
) -> None:
    (tmp_path / "book.md").write_text("# One\n\nText.\n")
    fake_version(monkeypatch, "python-pptx", "1.1.0")
    result = presswork("build", tmp_path, "--format", "pptx")
    assert result.status == 1
    assert "python-pptx 1.1.0 is not supported" in result.err
    assert "Traceback" not in result.err


def test_the_ruler_swap_gives_the_dispatching_parser_its_tokens() -> None:
    """compat's replace_block_ruler and replace_inline_parser make the same parser as reading's install."""
    from markdown_it import MarkdownIt

    from presswork.reading.gfm import dispatch
    from presswork.reading.gfm.parser import make_parser

    text = "# Title\n\n> quote with *emphasis* and `code`\n\n- [link](u)\n- ~~gone~~ <b>x</b>\n\n```py\nx = 1\n```\n"
    installed = make_parser()
    plain = MarkdownIt()
    compat_markdown_it.replace_block_ruler(plain, dispatch._DispatchBlockRuler())
    compat_markdown_it.replace_inline_parser(plain, dispatch._DispatchInline())
    assert type(installed.block.ruler) is type(plain.block.ruler)
    assert type(installed.inline) is type(plain.inline)
    assert [t.as_dict() for t in plain.parse(text)] == [t.as_dict() for t in MarkdownIt().parse(text)]
    assert [r.name for r in compat_markdown_it.enabled_rules(plain.block.ruler)] == [
        r.name for r in compat_markdown_it.enabled_rules(MarkdownIt().block.ruler)
    ]
