"""Quarto books as Quarto shows them: chunk options, pictures of ``include_graphics``, hidden code, inline code."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from presswork.build.pipeline import build, read_document
from presswork.core.diagnostics import Reporter
from presswork.core.tree import Admonition, Code, CodeBlock, CrossRef, Document, Figure, Text, plain_text
from presswork.core.walk import query
from presswork.project.gate import make_gate
from presswork.project.load import load_project
from presswork.project.theme import load_theme
from tests.support.outputs import pdf_text

INTRO = """# Introduction

The cycle is in @fig-ds-diagram.

```{r}
#| label: fig-ds-diagram
#| echo: false
#| fig-cap: |
#|   In our model of the data science process, you start with data
#|   import and tidying.
#| fig-alt: |
#|   A diagram displaying the data science cycle.
#| out.width: NULL
knitr::include_graphics("diagrams/base.png", dpi = 270)
```

```{r}
#| label: setup
#| include: false
library(hiddenpackage)
```

```{r}
#| echo: false
secretcode(42)
```

```{r}
#| eval: false
install.packages("tidyverse")
```

```{r pair, echo=FALSE, fig.cap="Two pictures at once"}
knitr::include_graphics(c("diagrams/base.png", "diagrams/two.png"))
```

There are `r nrow(mpg)` cars in `r ncol(mpg)` columns.
"""


def _png(path: Path, rgb: tuple[int, int, int]) -> None:
    """A small solid PNG (written by hand: no image library needed)."""
    width, height = 40, 20
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def _book(root: Path, intro: str = INTRO) -> Path:
    (root / "diagrams").mkdir(parents=True)
    _png(root / "diagrams" / "base.png", (70, 130, 180))
    _png(root / "diagrams" / "two.png", (255, 165, 0))
    (root / "_quarto.yml").write_text(
        'project:\n  type: book\nbook:\n  title: "Cells"\n  chapters:\n    - intro.qmd\n', encoding="utf-8"
    )
    (root / "intro.qmd").write_text(intro, encoding="utf-8")
    return root


def _read(root: Path) -> tuple[Document, Reporter]:
    project = load_project(root)
    reporter = Reporter()
    doc = read_document(project, make_gate(project.config, load_theme("default", root), reporter), reporter)
    return doc, reporter


def test_include_graphics_chunk_is_a_numbered_figure_named_by_its_label(tmp_path: Path) -> None:
    doc, reporter = _read(_book(tmp_path))
    first, *rest = query(doc, Figure)
    assert first.image.src.endswith("base.png") and first.label == "Figure 1.1"
    assert plain_text(first.caption) == (
        "In our model of the data science process, you start with data import and tidying."
    )
    assert first.image.alt == "A diagram displaying the data science cycle."
    [ref] = query(doc, CrossRef)
    assert plain_text(ref.children) == "Figure 1.1" and ref.target == (first.attr.id or first.image.attr.id)
    # knitr's header form: two pictures, the caption under the last one (the group's)
    assert [f.image.src.rsplit("/", 1)[-1] for f in rest] == ["base.png", "two.png"]
    assert plain_text(rest[-1].caption) == "Two pictures at once" and rest[-1].label == "Figure 1.2"


def test_hidden_and_unevaluated_chunks_follow_their_options_without_a_word_lost(tmp_path: Path) -> None:
    doc, reporter = _read(_book(tmp_path))
    code = [block.code for block in query(doc, CodeBlock)]
    assert code == ['install.packages("tidyverse")']  # echo: false and include: false hide their code
    assert not any("include_graphics" in c or "#|" in c for c in code)
    # nothing here is a lost output: an author's hidden code, an unevaluated cell, pictures shown
    assert not [w for w in reporter.warnings if w.category in ("audit", "quarto") and "inline" not in w.message]


def test_inline_r_code_is_its_expression_with_one_warning_per_file(tmp_path: Path) -> None:
    doc, reporter = _read(_book(tmp_path))
    assert [c.text for c in query(doc, Code)] == ["nrow(mpg)", "ncol(mpg)"]
    [warning] = [w for w in reporter.warnings if "inline" in w.message]
    assert str(warning.pos) == "intro.qmd:37" and "2 inline r expression(s)" in warning.message


def test_a_chunk_that_draws_a_plot_shows_its_code_and_says_its_figure_is_not_made(tmp_path: Path) -> None:
    intro = "# A\n\nSee @fig-plot.\n\n```{r}\n#| label: fig-plot\n#| fig-cap: A plot.\nplot(x)\n```\n\nEnd.\n"
    doc, reporter = _read(_book(tmp_path, intro))
    assert [b.code for b in query(doc, CodeBlock)] == ["plot(x)"]
    assert any(isinstance(t, Text) and "?@fig-plot" in t.text for t in query(doc, Text))
    messages = {str(w.pos): w.message for w in reporter.warnings}
    assert "figure @fig-plot is not made" in messages["intro.qmd:5"]
    assert "shown as ?@fig-plot" in messages["intro.qmd:3"]
    table = "# A\n\n```{r}\n#| label: tbl-kable\n#| tbl-cap: Cars.\nknitr::kable(mtcars)\n```\n"
    _doc, reporter = _read(_book(tmp_path / "table", table))
    assert ["table @tbl-kable is not made" in w.message for w in reporter.warnings] == [True]


def test_the_pdf_shows_the_figure_and_its_reference_not_the_code(tmp_path: Path) -> None:
    root = _book(tmp_path)
    result = build(root, formats=["pdf"])
    text = " ".join(pdf_text(result.outputs["pdf"]).split())
    assert "The cycle is in Figure 1.1." in text
    assert "Figure 1.1 In our model of the data science process" in text
    assert "Figure 1.2 Two pictures at once" in text
    for hidden in ("include_graphics", "secretcode", "hiddenpackage", "#|", "`r"):
        assert hidden not in text


def test_a_figure_cell_in_a_list_item_with_markup_in_its_alt_text(tmp_path: Path) -> None:
    intro = """# A

-   A **left join**, @fig-join-left.

    ```{r}
    #| label: fig-join-left
    #| echo: false
    #| fig-cap: |
    #|   The left join.
    #| fig-alt: |
    #|   How `pivot_longer()` works: "A", "B" and *x* [y] $1.
    #| eval: !expr "!file.exists('data.csv')"
    knitr::include_graphics("diagrams/base.png", dpi = 270)
    ```
"""
    doc, reporter = _read(_book(tmp_path, intro))
    [figure] = query(doc, Figure)
    assert figure.label == "Figure 1.1" and plain_text(figure.caption) == "The left join."
    assert figure.image.alt == 'How `pivot_longer()` works: "A", "B" and *x* [y] $1.'
    [ref] = query(doc, CrossRef)
    assert plain_text(ref.children) == "Figure 1.1"
    assert not [w for w in reporter.warnings if w.category in ("audit", "quarto", "link")]


def test_callout_spellings_lose_no_word(tmp_path: Path) -> None:
    intro = (
        "# A\n\n::: callout-note\n## magrittr\n\nText here.\n:::\n\n::: callout\nPlain.\n:::\n\n"
        '::: {.callout-tip caption="Cancelling commands" appearance="simple"}\nPress Escape.\n:::\n'
    )
    doc, reporter = _read(_book(tmp_path, intro))
    assert not [w for w in reporter.warnings if w.category == "audit"]
    assert [plain_text(a.title) for a in query(doc, Admonition)][-1] == "Cancelling commands"


def test_r_markdown_chapters_and_text_engines(tmp_path: Path) -> None:
    root = _book(tmp_path)
    (root / "_quarto.yml").write_text(
        'project:\n  type: book\nbook:\n  title: "Cells"\n  chapters:\n    - intro.qmd\n    - more.Rmd\n',
        encoding="utf-8",
    )
    (root / "more.Rmd").write_text(
        "# More\n\n```{r, echo=FALSE}\nhidden()\n```\n\n```{cat}\n#| class-source: yaml\nPackage: demo\n```\n",
        encoding="utf-8",
    )
    doc, reporter = _read(root)
    assert [ch.source for ch in doc.chapters] == ["intro.qmd", "more.Rmd"]
    blocks = query(doc.chapters[1], CodeBlock)
    assert [(b.code, b.language) for b in blocks] == [("Package: demo", "yaml")]
    assert not [w for w in reporter.warnings if w.pos is not None and w.pos.file == "more.Rmd"]


def test_unnumbered_chapters_take_no_number_and_number_their_figures_alone(tmp_path: Path) -> None:
    root = _book(tmp_path, "# Introduction {#sec-intro .unnumbered}\n\n![The cycle](diagrams/base.png){#fig-a}\n")
    (root / "_quarto.yml").write_text(
        'project:\n  type: book\nbook:\n  title: "Cells"\n  chapters:\n'
        "    - index.qmd\n    - intro.qmd\n    - tidy.qmd\n",
        encoding="utf-8",
    )
    (root / "index.qmd").write_text("# Welcome {-}\n\nHello.\n", encoding="utf-8")
    (root / "tidy.qmd").write_text(
        "# Tidy data\n\nAs @fig-a and @fig-b show.\n\n![Tidy](diagrams/two.png){#fig-b}\n", encoding="utf-8"
    )
    doc, _reporter = _read(root)
    assert [plain_text(ch.title) for ch in doc.chapters] == ["Welcome", "Introduction", "Tidy data"]
    assert [f.label for f in query(doc, Figure)] == ["Figure 1", "Figure 1.1"]
    assert [plain_text(r.children) for r in query(doc.chapters[2], CrossRef)] == ["Figure 1", "Figure 1.1"]


def test_a_figure_without_caption_has_no_number_to_refer_to(tmp_path: Path) -> None:
    intro = "# A\n\nSee @fig-bare.\n\n```{r}\n#| label: fig-bare\n#| echo: false\nknitr::include_graphics('diagrams/base.png')\n```\n"
    doc, reporter = _read(_book(tmp_path, intro))
    assert [f.image.attr.id for f in query(doc, Figure)] == ["fig-bare"]
    assert "See ?@fig-bare." in "".join(t.text for t in query(doc, Text))
    [warning] = [w for w in reporter.warnings if "@fig-bare" in w.message]
    assert str(warning.pos) == "intro.qmd:3" and "has no caption" in warning.message


def test_execute_defaults_of_the_project_and_of_a_file(tmp_path: Path) -> None:
    root = _book(tmp_path, "# A\n\n```{r}\nhidden_by_project()\n```\n\n```{r}\n#| echo: true\nshown_by_cell()\n```\n")
    (root / "_quarto.yml").write_text(
        'project:\n  type: book\nbook:\n  title: "Cells"\n  chapters:\n    - intro.qmd\n    - more.qmd\n'
        "execute:\n  echo: false\n",
        encoding="utf-8",
    )
    (root / "more.qmd").write_text(
        "---\nexecute:\n  echo: true\n  eval: false\n---\n\n# B\n\n```{r}\nshown_by_file()\n```\n", encoding="utf-8"
    )
    doc, reporter = _read(root)
    assert [b.code for b in query(doc, CodeBlock)] == ["shown_by_cell()", "shown_by_file()"]
    assert not [w for w in reporter.warnings if w.pos is not None and w.pos.file == "more.qmd"]  # eval: false


def test_watch_rebuilds_when_an_r_markdown_chapter_changes(tmp_path: Path) -> None:
    from presswork.commands.watch import watched

    assert watched(tmp_path / "intro.Rmd", tmp_path / "output", [tmp_path])


def test_references_with_their_own_prefix_or_none(tmp_path: Path) -> None:
    intro = (
        "# A\n\n## Objects {#sec-objects}\n\n![The cycle](diagrams/base.png){#fig-a}\n\n"
        "See [Section @sec-objects], [Fig. @fig-a], [-@fig-a] and @fig-a.\n"
    )
    (tmp_path / "presswork.toml").write_text("number_sections = true\n", encoding="utf-8")
    doc, reporter = _read(_book(tmp_path, intro))
    assert [plain_text(r.children) for r in query(doc, CrossRef)] == ["Section 1.1", "Fig. 1.1", "1.1", "Figure 1.1"]
    assert not [w for w in reporter.warnings if w.category in ("link", "citation")]
