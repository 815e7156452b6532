"""The preview's slide view: the deck model's slides (paginated exactly as the PPTX is) as HTML slides.

Sizes are the model's points on a 960 x 540 pt (16:9) slide, drawn with container units, so a
slide scales with the window and keeps its proportions. Pure: python-pptx is never used.
"""

from __future__ import annotations

import dataclasses
import html
import io
from typing import Any

from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import Document, Pos
from presswork.core.urls import is_allowed_url
from presswork.exporters.common.mathrender import MathError, tex_to_mathml
from presswork.exporters.epub.content import Images, collect_images
from presswork.exporters.pptx.model import DeckOptions, Frame, build_deck, highlight
from presswork.exporters.pptx.model.deck import (
    Box,
    CalloutBox,
    CodeBox,
    Para,
    PictureBox,
    Run,
    Slide,
    TableBox,
    TextBox,
)
from presswork.exporters.pptx.options import PptxOptions
from presswork.project.assets import is_remote

#: Slide size in points (16:9, as the default template).
SLIDE_W, SLIDE_H = 960.0, 540.0
#: Bullet glyphs by paragraph bullet kind.
BULLETS = {"bullet": "\u2022", "done": "\u2611", "open": "\u2610"}


def pt(value: float) -> str:
    """A length in slide points as CSS (scales with the slide's width)."""
    return f"calc({value:.1f} * var(--pt))"


def _runs(runs: tuple[Run, ...]) -> str:
    out = []
    for run in runs:
        text = html.escape(run.text)
        if run.code:
            text = f"<code>{text}</code>"
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        if run.strike:
            text = f"<del>{text}</del>"
        if run.baseline > 0:
            text = f"<sup>{text}</sup>"
        elif run.baseline < 0:
            text = f"<sub>{text}</sub>"
        if run.url and not run.url.startswith("#") and is_allowed_url(run.url, internal=False):
            text = f'<a href="{html.escape(run.url)}">{text}</a>'
        out.append(text)
    return "".join(out)


def _para(para: Para, frame: Frame, first: bool) -> str:
    size = frame.size_of(para)
    margin = frame.margin_of(para)
    hang = frame.hang_of(para)
    style = (
        f"font-size:{pt(size)};margin-left:{pt(margin)};margin-top:{pt(frame.space_of(para, first))};"
        f"text-indent:{pt(-hang)}"
    )
    marker = ""
    if para.bullet:
        glyph = f"{para.number}." if para.bullet == "number" else BULLETS.get(para.bullet, "")
        marker = f'<span class="bullet" style="width:{pt(hang)}">{glyph}</span>'
    cls = f"para role-{para.role}" + (" bold" if para.role_bold else "") + (" italic" if para.role_italic else "")
    return f'<p class="{cls}" style="{style}">{marker}{_runs(para.runs)}</p>'


class SlideView:
    """Renders a deck model to HTML slides; pictures come from the site's ``images/`` folder."""

    def __init__(self, frame: Frame, images: Images) -> None:
        self.frame, self.images = frame, images

    def box(self, box: Box) -> str:
        """One box of a slide."""
        f = self.frame
        match box:
            case TextBox():
                return f'<div class="box text">{"".join(_para(p, f, i == 0) for i, p in enumerate(box.paras))}</div>'
            case CalloutBox():
                paras = "".join(_para(p, f, i == 0) for i, p in enumerate(box.paras))
                return f'<div class="box callout {html.escape(box.kind)}">{paras}</div>'
            case CodeBox():
                lines = []
                for line in box.lines:
                    spans = "".join(
                        f'<span style="color:#{t.color}">{html.escape(t.text)}</span>'
                        if t.color
                        else html.escape(t.text)
                        for t in line
                    )
                    lines.append(spans)
                return f'<pre class="box code" style="font-size:{pt(box.size)}">{chr(10).join(lines)}</pre>'
            case TableBox():
                cols = "".join(f'<col style="width:{pt(w)}"/>' for w in box.col_widths)
                head = "".join("<tr>" + "".join(f"<th>{_runs(c)}</th>" for c in row) + "</tr>" for row in box.head)
                body = "".join("<tr>" + "".join(f"<td>{_runs(c)}</td>" for c in row) + "</tr>" for row in box.body)
                return (
                    f'<table class="box table" style="font-size:{pt(box.size)}"><colgroup>{cols}</colgroup>'
                    f"<thead>{head}</thead><tbody>{body}</tbody></table>"
                )
            case PictureBox():
                return self.picture(box)
            case _:
                raise PressworkError(f"unknown slide box {type(box).__name__}")

    def picture(self, box: PictureBox) -> str:
        """An image (from the site) or display math (MathML), at the size the model placed it."""
        caption = f"<figcaption>{_runs(box.caption)}</figcaption>" if box.caption else ""
        size = f"width:{pt(box.width)};height:{pt(box.height)}"
        if box.kind == "math":
            try:
                inner = tex_to_mathml(box.src, True)
            except MathError:
                inner = f"<code>{html.escape(box.src)}</code>"
            return f'<figure class="box picture math"><div style="{size}">{inner}</div>{caption}</figure>'
        asset = self.images.by_src.get(box.src)
        src = f"/{asset.href}" if asset else ""
        return (
            f'<figure class="box picture"><img src="{html.escape(src)}" alt="{html.escape(box.alt)}" '
            f'style="{size}"/>{caption}</figure>'
        )

    def slide(self, number: int, slide: Slide, total: int, footer: str) -> str:
        """One slide: title, subtitle or boxes, footer with its number, and the speaker notes below it."""
        body = "".join(self.box(b) for b in slide.boxes)
        subtitle = "".join(_para(p, self.frame, i == 0) for i, p in enumerate(slide.subtitle))
        notes = ""
        if slide.notes:
            items = "".join(f"<p>{html.escape(n)}</p>" for n in slide.notes)
            notes = f'<details class="notes"><summary>Speaker notes</summary>{items}</details>'
        return (
            f'<section class="slide-wrap" aria-label="Slide {number} of {total}">'
            f'<div class="slide {slide.kind}" id="slide-{number}">'
            f'<h2 class="slide-title">{html.escape(slide.title)}</h2>'
            f'<div class="subtitle">{subtitle}</div><div class="body">{body}</div>'
            f'<div class="footer"><span>{html.escape(footer)}</span><span>{number}</span></div></div>'
            f"{notes}</section>"
        )


STYLE = """
body { margin: 0; background: #e9ecf1; font-family: "Carlito", "Calibri", "Noto Sans", sans-serif; color: #1d1d1f; }
header { padding: 0.8rem 1.5rem; font-family: "Noto Sans", sans-serif; }
header h1 { font-size: 1.1rem; margin: 0; }
header p { margin: 0.2rem 0 0; color: #4b5563; font-size: 0.9rem; }
main { display: grid; gap: 1.5rem; padding: 0 1.5rem 2rem; max-width: 1000px; margin: 0 auto; }
.slide-wrap { container-type: inline-size; }
.slide { --pt: calc(100cqw / %(w)s); position: relative; aspect-ratio: 16 / 9; background: #fff; overflow: hidden;
  box-shadow: 0 0.1rem 0.6rem rgba(0,0,0,.15); padding: calc(30 * var(--pt)) calc(48 * var(--pt)) 0; box-sizing: border-box; }
.slide-title { margin: 0 0 calc(14 * var(--pt)); font-size: calc(36 * var(--pt)); line-height: 1.1; color: %(accent)s;
  min-height: calc(60 * var(--pt)); display: flex; align-items: flex-end; }
.slide.title .slide-title, .slide.section .slide-title { font-size: calc(44 * var(--pt)); min-height: calc(250 * var(--pt)); }
.slide.title .subtitle, .slide.section .subtitle { color: #4b5563; }
.para { margin: 0; line-height: 1.2; }
.para.bold { font-weight: bold; } .para.italic { font-style: italic; }
.para code, table.box code { font-family: "DejaVu Sans Mono", "Consolas", monospace; font-size: 0.85em; }
.bullet { display: inline-block; color: %(accent)s; text-indent: 0; }
.box { margin: 0 0 calc(10 * var(--pt)); }
pre.box.code { background: #f6f8fa; border-left: calc(4 * var(--pt)) solid %(accent)s; padding: calc(6 * var(--pt)) calc(10 * var(--pt));
  font-family: "DejaVu Sans Mono", "Consolas", monospace; line-height: 1.2; white-space: pre; overflow: hidden; }
table.box { border-collapse: collapse; table-layout: fixed; }
table.box th, table.box td { border-bottom: 1px solid #d5dae1; padding: calc(3.6 * var(--pt)) calc(7.2 * var(--pt)); text-align: left; }
table.box th { border-bottom: 2px solid %(accent)s; }
.callout { border-left: calc(5 * var(--pt)) solid %(accent)s; background: #eef3f8; padding: calc(12 * var(--pt)); border-radius: calc(8 * var(--pt)); }
figure.picture { margin: 0 auto calc(10 * var(--pt)); text-align: center; }
figure.picture figcaption { font-size: calc(18 * var(--pt)); font-style: italic; color: #4b5563; }
.footer { position: absolute; left: calc(48 * var(--pt)); right: calc(48 * var(--pt)); bottom: calc(12 * var(--pt));
  display: flex; justify-content: space-between; font-size: calc(12 * var(--pt)); color: #6b7280; }
details.notes { margin-top: 0.4rem; font-family: "Noto Sans", sans-serif; font-size: 0.9rem; }
a { color: %(accent)s; }
:focus-visible { outline: 3px solid %(accent)s; outline-offset: 2px; }
@media (prefers-color-scheme: dark) {
  body { background: #16181d; color: #e6e8eb; } header p { color: #aab2bd; } header a { color: #9cc3ea; }
  .slide { color: #1d1d1f; }
}
"""


def render_slides(
    doc: Document, deck_table: dict[str, Any], gate: Any, reporter: Reporter, accent: str = "#1f4e79"
) -> str:
    """The slide view page of ``doc``: every slide of the deck the PPTX exporter would write."""
    from PIL import Image as PILImage

    images = collect_images(doc, gate)
    frame = Frame()
    known = {f.name for f in dataclasses.fields(DeckOptions)}
    opts = DeckOptions(**{k: v for k, v in deck_table.items() if k in known})
    pptx = PptxOptions(  # the kind of deck and its budget, as the PPTX exporter reads them
        deck=deck_table.get("deck", PptxOptions.deck),
        talk_minutes=int(deck_table.get("talk_minutes", PptxOptions.talk_minutes)),
        slides=int(deck_table.get("slides", PptxOptions.slides)),
    )
    opts = dataclasses.replace(opts, deck=pptx.deck)

    def sizer(kind: str, src: str, pos: Pos | None) -> tuple[float, float] | None:
        if kind == "math":
            return (400.0, 80.0)
        asset = images.by_src.get(src)
        if asset is None or is_remote(src):
            return None
        if asset.media_type == "image/svg+xml":
            return (640.0, 400.0)
        with PILImage.open(io.BytesIO(asset.data)) as img:
            return (float(img.width), float(img.height))

    deck = build_deck(
        doc,
        frame,
        opts,
        sizer,
        lambda msg, pos: reporter.warn(msg, pos, "pptx"),
        lambda code, lang: highlight(code, lang, str(deck_table.get("code_style", "presswork"))),
        pptx.budget(doc),
    )
    view = SlideView(frame, images)
    total = len(deck.slides)
    slides = "\n".join(view.slide(i, s, total, deck.footer) for i, s in enumerate(deck.slides, 1))
    title = html.escape(doc.meta.title or "Slides")
    style = STYLE % {"w": int(SLIDE_W), "accent": accent}
    return f"""<!DOCTYPE html>
<html lang="{html.escape(doc.meta.language or "en")}">
<head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="color-scheme" content="light dark"/><title>Slides · {title}</title><style>{style}</style></head>
<body>
<header><h1>{title}: slides</h1><p>{total} slides, paginated as the PowerPoint deck. <a href="/">Back to the book</a></p></header>
<main id="main">
{slides}
</main>
</body>
</html>
"""
