"""Diagram code blocks become cached SVG figures (unit tests on the tree, with the real ``dot``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Attr, Chapter, CodeBlock, Figure, Image, Paragraph, Pos, Text
from presswork.transforms.diagrams import CACHE_FOLDER, DiagramError, cell_options, render_diagrams
from presswork.transforms.diagrams.base import normalise_svg
from presswork.transforms.diagrams.graphviz import DotRenderer
from presswork.transforms.diagrams.mermaid import MermaidRenderer, _first_line

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz (.ci/run installs graphviz)")

FLOW = "digraph { rankdir=LR; Alpha -> Beta -> Gamma }"


def chapter(*blocks: CodeBlock | Paragraph) -> list[Chapter]:
    return [Chapter("c", (Text("C"),), "ch.md", blocks)]


def dot(code: str, line: int = 3, **kv: str) -> CodeBlock:
    ident = kv.pop("id", "")
    return CodeBlock(code, "dot", Attr(ident, (), tuple(kv.items())), pos=Pos("ch.md", line))


class Fake:
    """A renderer that records its calls (and can be unavailable or fail)."""

    name = "mermaid"

    def __init__(self, missing: str | None = None, result: str | DiagramError | None = None) -> None:
        self.missing, self.result, self.calls = missing, result, []

    def unavailable(self) -> str | None:
        return self.missing

    def version(self) -> str:
        return "fake 1"

    def render(self, sources: list[str]) -> list[str | DiagramError]:
        self.calls.append(sources)
        return [self.result or '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 5" width="100%"/>'] * len(
            sources
        )


@needs_dot
def test_a_dot_block_becomes_a_captioned_figure_of_its_svg(tmp_path: Path) -> None:
    reporter = Reporter()
    (ch,) = render_diagrams(
        chapter(dot(FLOW, id="fig-flow", caption="The flow", width="60%")), tmp_path, reporter, {"dot": DotRenderer()}
    )
    (fig,) = ch.blocks
    assert isinstance(fig, Figure) and isinstance(fig.image, Image)
    assert fig.attr.id == "fig-flow" and fig.attr.classes == ("diagram", "diagram-dot")
    assert fig.caption == (Text("The flow"),) and fig.image.alt == "The flow" and fig.pos == Pos("ch.md", 3)
    assert fig.image.attr.get("width") == "60%"
    svg = Path(fig.image.src)
    assert svg.parent == (tmp_path / CACHE_FOLDER).resolve() and svg.suffix == ".svg"
    data = svg.read_bytes()
    assert b"Alpha" in data and b"Gamma" in data and b"<!--" not in data and b"DOCTYPE" not in data
    assert b'pt"' not in data.split(b">", 2)[1]  # the root's size is in pixels (rasterisers for slides need it)
    assert reporter.warnings == []


@needs_dot
def test_an_uncaptioned_diagram_gets_its_labels_as_alt_text_and_a_second_build_reuses_the_file(
    tmp_path: Path,
) -> None:
    first = render_diagrams(chapter(dot(FLOW)), tmp_path, Reporter(), {"dot": DotRenderer()})
    fig = first[0].blocks[0]
    assert isinstance(fig, Figure) and fig.caption == ()
    assert fig.image.alt == "Graphviz diagram: Alpha, Beta, Gamma"
    svg = Path(fig.image.src)
    before = (svg.read_bytes(), svg.stat().st_mtime_ns)

    class NoRun(DotRenderer):
        def render(self, sources: list[str]) -> list[str | DiagramError]:
            raise AssertionError("the cached diagram was rendered again")

    again = render_diagrams(chapter(dot(FLOW)), tmp_path, Reporter(), {"dot": NoRun()})
    assert again == first and (svg.read_bytes(), svg.stat().st_mtime_ns) == before


@needs_dot
def test_bad_dot_source_warns_at_its_line_quoting_dot_and_stays_code(tmp_path: Path) -> None:
    reporter = Reporter()
    block = dot("digraph {\n  a -> b;\n  c -> ;\n}", line=10)
    (ch,) = render_diagrams(chapter(block), tmp_path, reporter, {"dot": DotRenderer()})
    assert ch.blocks == (block,)
    (w,) = reporter.warnings
    assert str(w.pos) == "ch.md:13" and w.category == "diagram"
    assert w.message.startswith("dot diagram not rendered: syntax error in line 3") and "kept as code" in w.message
    assert not (tmp_path / CACHE_FOLDER).exists() or not any((tmp_path / CACHE_FOLDER).iterdir())


@needs_dot
def test_dot_cannot_read_local_files(tmp_path: Path) -> None:
    """``image=`` is refused outright; a spelling the check does not see ("image" quoted) meets dot's
    restricted mode, which loads nothing: the file never reaches the SVG."""
    secret = tmp_path / "outside" / "secret.png"
    secret.parent.mkdir()
    from tests.support.safety import png

    secret.write_bytes(png(40, 20))
    renderer = DotRenderer()
    plain, quoted, html = renderer.render(
        [
            f'digraph {{ a [image="{secret}" label=""] }}',
            f'digraph {{ a ["image"="{secret}" label=""] }}',
            f'digraph {{ a [label=<<TABLE><TR><TD><IMG SRC="{secret}"/></TD></TR></TABLE>>] }}',
        ]
    )
    assert isinstance(plain, DiagramError) and plain.message.startswith("image= would make dot read a local file")
    assert isinstance(html, DiagramError) and "<IMG>" in html.message
    assert isinstance(quoted, DiagramError) or (str(secret) not in quoted and "<image" not in quoted)


def test_a_missing_renderer_warns_once_naming_the_first_block_and_keeps_the_code(tmp_path: Path) -> None:
    reporter = Reporter()
    fake = Fake(missing="the mermaid renderer is not installed (run: setup)")
    blocks = [CodeBlock(f"graph LR; A-->{n}", "mermaid", pos=Pos("ch.md", 5 + 10 * n)) for n in range(3)]
    out = render_diagrams(chapter(*blocks), tmp_path, reporter, {"mermaid": fake, "dot": DotRenderer(program="")})
    assert out[0].blocks == tuple(blocks) and fake.calls == []
    assert [(str(w.pos), w.message) for w in reporter.warnings] == [
        (
            "ch.md:5",
            "mermaid diagram not rendered: the mermaid renderer is not installed (run: setup) "
            "(3 mermaid diagrams kept as code)",
        )
    ]


def test_missing_dot_says_how_to_install_it(tmp_path: Path) -> None:
    reporter = Reporter()
    render_diagrams(chapter(dot(FLOW)), tmp_path, reporter, {"dot": DotRenderer(program="")})
    (w,) = reporter.warnings
    assert str(w.pos) == "ch.md:3" and "apt-get install graphviz" in w.message and "kept as code" in w.message


def test_one_render_call_for_all_diagrams_and_each_distinct_source_once(tmp_path: Path) -> None:
    fake = Fake()
    blocks = [
        CodeBlock(code, "mermaid", pos=Pos("ch.md", n)) for n, code in enumerate(["graph A", "graph B", "graph A"])
    ]
    out = render_diagrams(chapter(*blocks), tmp_path, Reporter(), {"mermaid": fake})
    assert fake.calls == [["graph A", "graph B"]]
    figures = out[0].blocks
    assert all(isinstance(f, Figure) for f in figures)
    assert [f.image.src for f in figures][0] == [f.image.src for f in figures][2] != figures[1].image.src  # type: ignore[union-attr]
    assert figures[0].image.alt == "Mermaid diagram"  # type: ignore[union-attr]


def test_mermaid_errors_point_into_the_fence_and_never_past_its_end(tmp_path: Path) -> None:
    reporter = Reporter()
    fake = Fake(result=DiagramError("Parse error on line 5: Expecting 'NODE_STRING', got 'EOF'", 5))
    block = CodeBlock("graph TD\n  A-->B\n  B-->", "mermaid", pos=Pos("ch.md", 20))
    out = render_diagrams(chapter(block), tmp_path, reporter, {"mermaid": fake})
    assert out[0].blocks == (block,)
    assert [str(w) for w in reporter.warnings] == [
        "ch.md:23: warning: mermaid diagram not rendered: Parse error on line 5: Expecting 'NODE_STRING', got 'EOF'; kept as code"
    ]
    assert _first_line("Parse error on line 2:\ngraph TD; A-->\n-----^\nExpecting 'X', got 'EOF'") == (
        "Parse error on line 2: Expecting 'X', got 'EOF'"
    )


def test_other_code_is_left_alone(tmp_path: Path) -> None:
    blocks = chapter(CodeBlock("print(1)", "python"), Paragraph((Text("dot"),)))
    assert render_diagrams(blocks, tmp_path, Reporter(), {}) == blocks


def test_mermaid_without_its_script_names_the_setup_command(tmp_path: Path) -> None:
    problem = MermaidRenderer(script=tmp_path / "none.js", chromium="/usr/bin/chromium").unavailable()
    assert problem is not None and "python -m presswork.transforms.diagrams.setup" in problem


def test_svg_is_normalised_to_a_stable_stand_alone_file() -> None:
    dot_svg = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
        ' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<!-- Generated by graphviz version 2.43.0 -->\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="72pt" height="36pt" viewBox="0 0 72 36">'
        '<polygon fill="white" stroke="transparent" points="0,0"/></svg>'
    )
    out = normalise_svg(dot_svg)
    assert out.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<svg")
    assert b'width="96px" height="48px"' in out and b"graphviz" not in out and b'stroke="none"' in out
    mermaid_svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100%" style="max-width: 300px;" viewBox="0 0 300.5 120"/>'
    )
    out = normalise_svg(mermaid_svg)
    assert b'width="300.5px"' in out and b'height="120px"' in out and b"max-width" not in out
    assert normalise_svg(mermaid_svg) == out


def test_quarto_cell_options_give_the_figure_its_id_caption_and_alt(tmp_path: Path) -> None:
    code = '%%| label: fig-seq\n%%| fig-cap: "The order of things"\n%%| fig-alt: Alice greets Bob\ngraph LR; A-->B'
    (ch,) = render_diagrams(
        chapter(CodeBlock(code, "mermaid", pos=Pos("ch.md", 1))), tmp_path, Reporter(), {"mermaid": Fake()}
    )
    (fig,) = ch.blocks
    assert isinstance(fig, Figure) and fig.attr.id == "fig-seq" and fig.caption == (Text("The order of things"),)
    assert fig.image.alt == "Alice greets Bob"
    options, rest = cell_options("//| label: fig-x\ndigraph { a }")
    assert options == {"label": "fig-x"} and rest == "digraph { a }"
    assert cell_options("digraph { a } //| label: no") == ({}, "digraph { a } //| label: no")


def test_quarto_diagram_cells_are_not_reported_as_unrun_programs() -> None:
    from presswork.reading.cells import quarto_cells

    reporter = Reporter()
    text = "```{mermaid}\ngraph LR; A-->B\n```\n\n```{python}\nprint(1)\n```\n"
    out = quarto_cells(text, lambda n: Pos("ch.qmd", n), reporter)
    assert out.startswith("```{mermaid}\n") and [w.pos for w in reporter.warnings] == [Pos("ch.qmd", 5)]


def test_a_cached_svg_not_signed_by_this_user_is_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A diagram cache committed to a repository (or planted) is never shown: only this user's renders are reused."""
    monkeypatch.setenv("PRESSWORK_CACHE_DIR", str(tmp_path / "user"))
    fake = Fake()
    block = CodeBlock("graph A", "mermaid", pos=Pos("ch.md", 1))
    (first,) = render_diagrams(chapter(block), tmp_path, Reporter(), {"mermaid": fake})[0].blocks
    svg = Path(first.image.src)  # type: ignore[union-attr]
    render_diagrams(chapter(block), tmp_path, Reporter(), {"mermaid": fake})
    assert len(fake.calls) == 1  # this user's render is reused
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>planted</text></svg>', encoding="utf-8")
    render_diagrams(chapter(block), tmp_path, Reporter(), {"mermaid": fake})
    assert len(fake.calls) == 2
    assert b"planted" not in svg.read_bytes()


def test_changed_diagram_code_renders_again_under_the_same_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name of a diagram's SVG reaches every output, so it says only what the diagram is; a cached SVG
    made by other presswork code is not reused (its signature covers the code), but redrawn under that name."""
    import presswork.transforms.diagrams as diagrams

    block = CodeBlock("graph A", "mermaid", pos=Pos("ch.md", 1))
    first, again = Fake(), Fake()
    (before,) = render_diagrams(chapter(block), tmp_path, Reporter(), {"mermaid": first})
    monkeypatch.setattr(diagrams, "code_fingerprint", lambda *modules: "presswork edited since")
    (after,) = render_diagrams(chapter(block), tmp_path, Reporter(), {"mermaid": again})
    assert first.calls == [["graph A"]] and again.calls == [["graph A"]]
    assert before.blocks[0].image.src == after.blocks[0].image.src  # type: ignore[union-attr]
