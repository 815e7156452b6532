"""Figures that moved whole to the next page: scaled to fit the hole they left, or text flows in before them."""

from __future__ import annotations

import base64
import io

from PIL import Image
from weasyprint import HTML

from presswork.exporters.pdf.floats import FloatPlan, apply_plan, placed_blocks, plan_floats, split_blocks


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _pages(first: int, image: int = 300) -> list[object]:
    """A 600px-high page: a block of ``first`` px, a figure of ``image`` px, then three 100px blocks."""
    css = "@page { size: 400px 600px; margin: 0 } body { margin: 0 } p { margin: 0 } figure { margin: 0; break-inside: avoid }"
    html = (
        f'<style>{css}</style><section class="chapter" id="c">'
        f'<p data-block="0" style="height:{first}px">a</p>'
        f'<figure data-block="1" class="figure"><img class="figure-image" src="{_png()}" style="height:{image}px"/></figure>'
        + "".join(f'<p data-block="{i}" style="height:100px">b</p>' for i in (2, 3, 4))
        + "</section>"
    )
    return list(HTML(string=html).render().pages)


def test_a_figure_that_fits_at_60_percent_is_scaled_to_the_hole() -> None:
    pages = _pages(400)  # 200px left, the figure needs 300: fits at 66%
    assert [b.block for b in placed_blocks(pages[1]._page_box)][:1] == [1]  # type: ignore[attr-defined]
    plan = plan_floats(pages)
    assert plan.defer == {} and 190 <= plan.scale[("c", 1)] <= 200


def test_a_figure_that_would_shrink_too_much_lets_text_flow_in_before_it() -> None:
    plan = plan_floats(_pages(420))  # 180px left (30%): the figure would shrink to 59%
    assert plan.scale == {} and plan.defer == {("c", 1): 3}, "two 100px paragraphs fill the 180px hole"
    assert not plan_floats(_pages(460)), "a hole of under a quarter of the page is left alone"
    assert not plan_floats(_pages(100)), "a figure that fits stays where it is"


def test_plans_rewrite_only_the_print_html() -> None:
    body = (
        '<p data-block="0">a</p>\n<figure class="figure" data-block="1">\n<img class="figure-image" src="x"/>\n'
        '</figure>\n<p data-block="2">b</p>\n<ul data-block="3"><li><p>c</p></li></ul>\n<p data-block="4">d</p>\n'
    )
    assert list(split_blocks(body)) == [-1, 0, 1, 2, 3, 4]
    moved = apply_plan(body, "c", FloatPlan(defer={("c", 1): 3}))
    assert [int(i) for i in __import__("re").findall(r'data-block="(\d)"', moved)] == [0, 2, 3, 1, 4]
    assert sorted(moved) == sorted(body), "nothing lost, nothing added"
    scaled = apply_plan(body, "c", FloatPlan(scale={("c", 1): 123.4}))
    assert 'class="figure-image" style="max-height: 123.4px"' in scaled
    assert apply_plan(body, "other", FloatPlan(scale={("c", 1): 1.0})) == body
    plan = FloatPlan(scale={("c", 1): 5.0})
    assert not plan.merge(FloatPlan(defer={("c", 1): 2})) and plan.merge(FloatPlan(defer={("c", 7): 8}))


# --------------------------------------------------------------------------- long listings

CODE = '<span class="hl-k">def</span> f():\n    <span class="hl-sd">"""doc\n    more"""</span>\n\n    <span class="hl-k">return</span> 1\n'
LISTING = f'<pre class="listing-long code" data-block="3"><code class="language-python">{CODE}</code></pre>\n'


def test_a_listing_is_cut_into_pieces_that_say_continued() -> None:
    import re

    from presswork.exporters.pdf.listings import split_listing

    one = split_listing(LISTING, 3, [2])
    assert one.count("<pre") == 2 and one.count("</pre>") == 2
    assert 'class="listing-long continues code"' in one and 'class="listing-long continued code"' in one
    assert 'data-block="3" data-line="2"><code class="language-python"><span class="hl-sd">    more' in one, (
        "a span that crosses the cut is closed and reopened"
    )
    assert re.sub(r"<[^>]+>", "", one.replace("</pre>\n<pre", "</pre><pre")) == re.sub(r"<[^>]+>", "", LISTING)
    blank = split_listing(LISTING, 3, [3])
    assert 'data-line="4"><code class="language-python">    <span class="hl-k">return' in blank, (
        "the blank line at the cut is dropped"
    )
    three = split_listing(LISTING, 3, [1, 3])
    assert three.count("<pre") == 3 and 'class="listing-long continued continues code"' in three
    assert split_listing(LISTING, 4, [2]) == LISTING and split_listing(LISTING, 3, []) == LISTING


def test_the_layout_pass_finds_where_a_long_listing_runs_over_pages() -> None:
    code = "\n".join(f"line {i}" for i in range(40)) + "\n"
    css = "@page { size: 300px 200px; margin: 0 } body, p { margin: 0 } pre { margin: 0; font: 10px/20px monospace }"
    html = (
        f'<style>{css}</style><section class="chapter" id="c"><p data-block="0" style="height:120px">a</p>'
        f'<pre class="listing-long code" data-block="1"><code>{code}</code></pre></section>'
    )
    pages = list(HTML(string=html).render().pages)
    plan = plan_floats(pages)
    assert plan.split == {("c", 1): {4, 14, 24, 34}}, "4 lines fit under the paragraph, then 10 a page"
    body = html.split('id="c">', 1)[1]
    cut = apply_plan(body, "c", plan)
    assert cut.count('class="listing-long continued') == 4
    again = list(HTML(string=html.split('id="c">', 1)[0] + 'id="c">' + cut).render().pages)
    assert not plan_floats(again).split, "after the cut, every piece fits its page"
