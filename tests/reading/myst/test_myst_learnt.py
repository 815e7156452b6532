"""What real MyST projects (MyST-Parser's, mystmd's and Jupyter Book's docs) taught the myst reader."""

from __future__ import annotations

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Admonition, CrossRef, DefinitionList, Div, Link, MathBlock, Note, Paragraph, plain_text
from presswork.core.walk import iter_nodes
from presswork.reading import SourceFile, read_markdown


def read(text: str) -> tuple[SourceFile, Reporter]:
    reporter = Reporter()
    return read_markdown(text, "ch.md", reporter, markdown="myst"), reporter


def test_a_footnote_defined_outside_a_directive_is_called_inside_it() -> None:
    source, reporter = read("```{note}\nSee this.[^a]\n```\n\n[^a]: The note own words.\n")
    (note,) = [n for n in iter_nodes(source.blocks) if isinstance(n, Note)]
    assert plain_text(note.blocks[0].children) == "The note own words."
    assert source.audit is not None and source.audit.lost == ()


def test_classes_in_the_braces_of_a_colon_fence() -> None:
    source, reporter = read(
        ":::{warning .simple .dropdown icon=false}\nCareful.\n:::\n\n::: {.callout-tip}\nQuarto.\n:::\n"
    )
    warning, tip = source.blocks
    assert isinstance(warning, Admonition) and warning.kind == "warning"
    assert isinstance(tip, Admonition) and tip.kind == "tip"  # {.callout-tip} is a fenced div, not a directive
    assert not reporter.warnings


def test_proofs_and_exercises_are_titled_callouts() -> None:
    text = "```{prf:theorem} Pythagoras\n:label: pyth\n\n$a^2+b^2=c^2$\n```\n\n:::{exercise}\n:enumerated: false\n\nProve it.\n:::\n"
    source, reporter = read(text)
    assert [plain_text(a.title) for a in source.blocks if isinstance(a, Admonition)] == [
        "Theorem (Pythagoras)",
        "Exercise",
    ]
    assert not reporter.warnings and source.audit is not None and source.audit.lost == ()


def test_an_embed_is_a_link_with_a_warning_never_an_empty_image() -> None:
    text = "![](#quickstart-cards)\n\n```{figure} #img:chart\n:name: fig-chart\n\nThe chart.\n```\n"
    source, reporter = read(text)
    links = [n.url for n in iter_nodes(source.blocks) if isinstance(n, Link)]
    assert links == ["#quickstart-cards", "#img:chart"]
    assert "The chart." in [plain_text(p.children) for p in iter_nodes(source.blocks) if isinstance(p, Paragraph)]
    assert [w.pos.line for w in reporter.warnings if w.pos] == [1, 3]


def test_a_math_label_numbers_the_equation_and_stays_a_target_as_written() -> None:
    source, _ = read(
        "```{math}\n:label: euler\n\ne^{i\\pi}+1=0\n```\n\nSee {eq}`euler`, [](#euler) and {ref}`euler`.\n"
    )
    wrapper, para = source.blocks
    assert isinstance(wrapper, Div)
    anchor, math = wrapper.blocks
    assert isinstance(anchor, Div) and anchor.attr.id == "euler"
    assert isinstance(math, MathBlock) and math.attr.id == "eq-euler"
    assert [n.target for n in iter_nodes(para) if isinstance(n, CrossRef)] == ["eq-euler"]
    assert [n.url for n in iter_nodes(para) if isinstance(n, Link)] == ["#euler", "#euler"]


def test_sphinx_design_layout_is_not_text() -> None:
    text = (
        "::::{grid} 1 1 2 3\n:gutter: 2\n\n:::{grid-item-card} Quick start\n:link: intro.md\n\nStart here.\n:::\n::::\n\n"
        "````{div} sd-d-flex-row\n```{button-ref} intro\n:ref-type: doc\n:color: primary\n\nGet Started\n```\n````\n"
    )
    source, reporter = read(text)
    links = {plain_text(n.children): n.url for n in iter_nodes(source.blocks) if isinstance(n, Link)}
    assert links == {"Quick start": "intro.md", "Get Started": "intro.md"}
    assert not reporter.warnings and source.audit is not None and source.audit.lost == ()


def test_field_lists_are_definition_lists_and_substitutions_nest() -> None:
    text = (
        "---\nmyst:\n  substitutions:\n    key1: inner words\n    key2: 'outer {{ key1 }}'\n---\n"
        ":heading-offset: Offset all the *headings*\n:encoding: The text encoding\n\nSee {{ key2 }}.\n"
    )
    source, reporter = read(text)
    fields, para = source.blocks
    assert isinstance(fields, DefinitionList)
    assert [plain_text(i.term) for i in fields.items] == ["heading-offset", "encoding"]
    assert plain_text(fields.items[0].definitions[0][0].children) == "Offset all the headings"
    assert plain_text(para.children) == "See outer inner words."


def test_mystmd_link_schemes_become_web_addresses() -> None:
    source, _ = read("Read [the paper](doi:10.1000/xyz) and [Markdown](wiki:Markdown) or {delete}`old`.\n")
    links = [n.url for n in iter_nodes(source.blocks) if isinstance(n, Link)]
    assert links == ["https://doi.org/10.1000/xyz", "https://en.wikipedia.org/wiki/Markdown"]


def test_a_reference_to_a_heading_of_the_file_shows_its_title() -> None:
    source, _ = read(
        "(setup)=\n## Setting up\n\nSee {ref}`setup`, [](#setup), {ref}`this part <setup>` and {ref}`elsewhere`.\n"
    )
    links = [(plain_text(n.children), n.url) for n in iter_nodes(source.blocks) if isinstance(n, Link)]
    assert links == [
        ("Setting up", "#setup"),
        ("Setting up", "#setup"),
        ("this part", "#setup"),
        ("elsewhere", "#elsewhere"),
    ]


def test_a_code_cells_language_and_a_bibliographys_file_are_markup() -> None:
    """executablebooks/quantecon-mini-example: ```{code-cell} ipython3 and ```{bibliography} ../refs.bib were
    reported as words lost."""
    from presswork.core.diagnostics import Reporter
    from presswork.reading import read_markdown

    reporter = Reporter()
    text = (
        "# T\n\nSome code:\n\n```{code-cell} ipython3\nimport numpy as np\n```\n\n```{bibliography} ../refs.bib\n```\n"
    )
    read_markdown(text, "a.md", reporter, markdown="myst")
    assert [w.message for w in reporter.warnings if "missing from the book" in w.message] == []
