"""Jupyter Book 1 (``_toc.yml`` + ``_config.yml``), mystmd (``myst.yml``) and Quarto projects with notebook chapters."""

from __future__ import annotations

from pathlib import Path

from presswork.build.pipeline import read_project
from presswork.core.tree import Paragraph, plain_text
from presswork.core.walk import query
from presswork.project.kinds import detect
from presswork.project.load import load_project

NB = (
    '{"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# %s\\n\\nWords of %s."}],'
    ' "metadata": {}, "nbformat": 4, "nbformat_minor": 4}'
)


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _names(root: Path) -> list[str]:
    book = detect(root)
    assert book is not None
    return [e.path.relative_to(root.resolve()).as_posix() for e in book.entries]


def test_a_jupyter_book_toc_with_parts_sections_globs_and_urls(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "_config.yml": "title: Course Notes\nauthor: Ada and Grace\nlanguage: fr\nbibtex_bibfiles:\n  - refs.bib\n",
            "refs.bib": "@book{k, title={T}, author={A}, year={2020}}\n",
            "_toc.yml": (
                "format: jb-book\nroot: intro\nparts:\n  - caption: Basics\n    chapters:\n"
                "      - file: basics/one\n        sections:\n          - file: basics/two.ipynb\n"
                "      - glob: extra/*\n  - caption: Links\n    chapters:\n      - url: https://example.org\n"
                "        title: Elsewhere\n      - file: missing/page\n"
            ),
            "intro.md": "# Intro\n",
            "basics/one.md": "# One\n",
            "basics/two.ipynb": NB % ("Two", "two"),
            "extra/b.md": "# B\n",
            "extra/a.ipynb": NB % ("A", "a"),
        },
    )
    book = detect(root)
    assert book is not None and book.kind == "jupyterbook"
    assert _names(root) == ["intro.md", "basics/one.md", "basics/two.ipynb", "extra/a.ipynb", "extra/b.md"]
    assert [e.part for e in book.entries] == ["", "Basics", "Basics", "Basics", "Basics"]
    assert [e.depth for e in book.entries] == [1, 1, 2, 1, 1]
    assert book.settings["title"] == "Course Notes" and book.settings["authors"] == ("Ada", "Grace")
    assert book.settings["language"] == "fr" and book.settings["bibliography"] == "refs.bib"
    assert any("missing/page" in message for _, _, message in book.notes)


def test_a_jupyter_book_article(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "_toc.yml": "format: jb-article\nroot: index\nsections:\n  - file: a\n",
            "index.md": "# I\n",
            "a.ipynb": NB % ("A", "a"),
        },
    )
    assert _names(root) == ["index.md", "a.ipynb"]


def test_a_mystmd_project_with_a_toc(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "myst.yml": (
                "version: 1\nproject:\n  title: Guide\n  authors:\n    - name: Ada\n  toc:\n    - file: index.md\n"
                "    - title: Part One\n      children:\n        - file: a.ipynb\n        - pattern: more/*.md\n"
                "    - url: https://example.org\n"
            ),
            "index.md": "# I\n",
            "a.ipynb": NB % ("A", "a"),
            "more/y.md": "# Y\n",
            "more/x.md": "# X\n",
        },
    )
    book = detect(root)
    assert book is not None and book.kind == "mystmd" and book.settings["title"] == "Guide"
    assert _names(root) == ["index.md", "a.ipynb", "more/x.md", "more/y.md"]
    assert [e.part for e in book.entries] == ["", "Part One", "Part One", "Part One"]


def test_a_mystmd_project_without_a_toc_lists_its_files(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "myst.yml": "version: 1\nproject:\n  title: G\n",
            "b.md": "# B\n",
            "a.ipynb": NB % ("A", "a"),
            "_build/x.md": "x",
        },
    )
    assert _names(root) == ["a.ipynb", "b.md"]


def test_a_quarto_book_lists_a_notebook_chapter(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "_quarto.yml": "book:\n  title: Q\n  chapters:\n    - index.qmd\n    - nb.ipynb\n",
            "index.qmd": "# I\n",
            "nb.ipynb": NB % ("N", "n"),
        },
    )
    assert _names(root) == ["index.qmd", "nb.ipynb"]


def test_a_plain_folder_takes_its_notebooks(tmp_path: Path) -> None:
    root = _write(tmp_path, {"01-a.md": "# A\n", "02-b.ipynb": NB % ("B", "b"), ".ipynb_checkpoints/02-b.ipynb": "{}"})
    assert [p.name for p in load_project(root).files] == ["01-a.md", "02-b.ipynb"]


def test_a_jupyter_book_builds_with_its_notebooks(presswork, tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "_toc.yml": "format: jb-book\nroot: intro\nchapters:\n  - file: nb\n",
            "intro.md": "# Intro\n\nHello.\n",
            "nb.ipynb": NB % ("Nb", "notebook"),
        },
    )
    result = presswork("build", root, "--format", "epub")
    assert result.status == 0, result.err
    assert "Jupyter Book" in result.out + result.err


def test_myst_image_targets_that_name_no_file_warn_and_the_book_builds(presswork, tmp_path: Path) -> None:
    """jupyter-book's own docs: ``![](xref:guide#subfigure)`` and ``![](#label)`` (MyST embeds) stopped the build."""
    root = _write(
        tmp_path,
        {
            "myst.yml": "version: 1\nproject:\n  title: G\n  toc:\n    - file: index.md\n",
            "index.md": "# I\n\nSee:\n\n![A figure](xref:guide#subfigure)\n\n![](#lookout)\n",
        },
    )
    result = presswork("build", root, "--format", "epub")
    assert result.status == 0, result.err
    # The myst reader (which myst.yml projects use) shows an embed as a link to its target.
    assert "index.md:5: warning: MyST embed ![](xref:guide#subfigure) is shown as a link to its target" in result.err
    assert "index.md:7: warning: MyST embed ![](#lookout) is shown as a link to its target" in result.err


def test_a_pages_own_substitutions_meet_the_books_without_an_error(tmp_path: Path) -> None:
    """Jupyter Book's docs: the book defines ``myst_substitutions`` and a page its own in its front matter,
    one of them using another (``{{ key1 }}`` inside key2's value, in the front matter). The page's names
    are not the book's undefined variables, and a page's own value wins over the book's (as in MyST)."""
    root = _write(
        tmp_path,
        {
            "_config.yml": (
                "title: Docs\nparse:\n  myst_substitutions:\n    sub3: the global value\n    key1: the book's key1\n"
            ),
            "_toc.yml": "format: jb-book\nroot: intro\n",
            "intro.md": (
                "---\nmyst:\n  substitutions:\n    key1: inner words\n    key2: |\n      outer {{ key1 }}\n---\n"
                "# Intro\n\nInline {{ key1 }}, then {{ key2 }} and {{ sub3 }}.\n"
            ),
        },
    )
    doc = read_project(root)
    texts = [plain_text(p.children) for p in query(doc, Paragraph)]
    assert texts == ["Inline inner words, then outer inner words and the global value."], texts
