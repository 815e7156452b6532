"""The README and the guide in docs/ stay true to the code: every module is in the module map, every
configuration key in the configuration reference, every relative link leads somewhere, and no text
names a path of one machine."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from presswork.core.config import Config
from presswork.exporters.registry import discover_exporters
from tests.support import REPO

SRC = REPO / "src" / "presswork"
DOCS = REPO / "docs"
PAGES = [REPO / "README.md", *sorted(DOCS.rglob("*.md"))]
MODULE_MAP = DOCS / "maintainers" / "architecture.md"
CONFIGURATION = DOCS / "configuration.md"
#: Fields of Config that say where the configuration came from, or hold the format tables.
NOT_KEYS = {"root", "config_file", "format_options"}


def _prose(text: str) -> str:
    """``text`` without fenced code blocks, whose lines are examples rather than links or headings."""
    out, fence = [], ""
    for line in text.splitlines():
        mark = re.match(r" {0,3}(`{3,}(?=[^`]*$)|~{3,})", line)  # an info string holds no backtick
        if mark and not fence:
            fence = mark.group(1)
        elif mark and line.strip() == fence:
            fence = ""
        elif not fence:
            out.append(line)
    return "\n".join(out)


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+?)\s*#*$", _prose(page.read_text(encoding="utf-8")), re.M):
        slug = _slug(heading)
        anchors.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


def _links(page: Path) -> list[str]:
    text = re.sub(r"`[^`\n]*`", "", _prose(page.read_text(encoding="utf-8")))
    return re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r"""<(?:img|a)\s[^>]*?(?:src|href)="([^"]+)\"""", text)


def _module_names() -> list[str]:
    """Each module as the map names it: its path under src/presswork, a package by its folder."""
    names = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if path.name == "__init__.py":
            names.append(f"{rel.parent.as_posix()}/" if rel.parent != Path(".") else "__init__.py")
        else:
            names.append(rel.as_posix())
    return names


def test_the_pages_exist() -> None:
    for name in ("configuration", "books", "authoring", "themes", "plugins", "security", "performance"):
        assert (DOCS / f"{name}.md").is_file(), name
    assert (DOCS / "maintainers" / "architecture.md").is_file()
    assert len((REPO / "README.md").read_text(encoding="utf-8").splitlines()) <= 300


def test_every_module_is_in_the_module_map() -> None:
    text = MODULE_MAP.read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([^`]+)` \|", text, re.M))
    names = _module_names()
    assert len(names) > 100
    assert [name for name in names if name not in rows] == []
    # and the map names no module that is gone
    assert sorted(rows - set(names)) == []


def test_every_layer_is_named_in_order() -> None:
    """The architecture page states the layers in the order the import-linter contract enforces them."""
    text = MODULE_MAP.read_text(encoding="utf-8")
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    order = " < ".join(layer.strip("()").removeprefix("presswork.") for layer in reversed(contract["layers"]))
    assert order in text, f"the architecture page does not state the layers as the contract has them: {order}"
    layers = re.search(r"^\| layer \| job \|\n(.*?)\n\n", text, re.M | re.S)
    assert layers, "the table of layers"
    named = re.findall(r"^\| `(\w+)/` \|", layers.group(1), re.M)
    packages = sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").is_file())
    assert {"core", "cache", "reading", "project", "transforms", "exporters", "build", "commands"} <= set(named)
    assert [name for name in packages if name not in named] == []


def _section(text: str, heading_mark: str) -> str:
    """The part of ``text`` under the heading that contains ``heading_mark``, up to the next heading."""
    match = re.search(rf"^#+ [^\n]*{re.escape(heading_mark)}[^\n]*\n(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    assert match, f"no heading with {heading_mark} in {CONFIGURATION.name}"
    return match.group(1)


def _documented_keys(section: str) -> set[str]:
    return set(re.findall(r"^\| `\[?([a-z_]+)", section, re.M))


def test_every_book_key_is_in_the_configuration_reference() -> None:
    book = _documented_keys(_section(CONFIGURATION.read_text(encoding="utf-8"), "`[tool.presswork]`"))
    keys = [f.name for f in dataclasses.fields(Config) if f.name not in NOT_KEYS]
    assert "max_nesting" in keys and "variables" in keys
    assert [key for key in keys if key not in book] == []
    assert sorted(book - set(keys)) == []


@pytest.mark.parametrize("name", ["pdf", "epub", "pptx", "html"])
def test_every_format_option_is_in_the_configuration_reference(name: str) -> None:
    options = discover_exporters()[name].Options
    documented = _documented_keys(_section(CONFIGURATION.read_text(encoding="utf-8"), f"`[{name}]`"))
    keys = [f.name for f in dataclasses.fields(options)]
    assert keys
    assert [key for key in keys if key not in documented] == []
    assert sorted(documented - set(keys)) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_machine_paths_or_issue_numbers(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    paths = re.findall(r"(?<![\w.~-])/(?:work|root|tmp|home|Users|var/folders|mnt)/[^\s`)\"']*", text)
    assert paths == []
    assert re.findall(r"(?i)\b(?:issue|pull request|PR)\s*#?\d+|(?<![\w&/#])#\d+\b(?![\w-])", text) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for link in _links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", link):  # https:, mailto:
            continue
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            broken.append(link)
        elif anchor and target.suffix == ".md" and anchor not in _anchors(target):
            broken.append(link)
    assert broken == []


def test_the_link_checker_sees_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Top\n\n```` ```dot ```` is code.\n\n## A `code` heading: here\n\n"
        "```md\n## Not a heading\n[in](#code)\n```\n\n[ok](#top) [x](#a-code-heading-here) [no](#nowhere)\n"
    )
    assert _anchors(page) == {"top", "a-code-heading-here"}
    assert _links(page) == ["#top", "#a-code-heading-here", "#nowhere"]
