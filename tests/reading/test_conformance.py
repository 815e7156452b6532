"""Conformance: the CommonMark 0.31.2 spec's examples and the GFM spec's (cmark-gfm test/spec.txt: tables,
strikethrough, autolinks, task lists) read by the ``gfm`` reader, rendered from the tree to canonical HTML
and compared with the spec's HTML. Vendored in data/ with their licences (commonmark-spec.LICENSE: CC BY-SA
4.0; cmark-gfm.COPYING).

Examples with raw HTML are left out of the figure (presswork sanitises raw HTML and maps it to nodes by
design); every other example must match, except the divergences listed below with their reasons. Each
raw-HTML example must still read without error and keep every word a browser shows of the spec's HTML,
except the sanitising divergences listed in RAW_HTML_DIVERGENCES.
"""

from __future__ import annotations

import re

import lxml.html
import pytest

from presswork.core.diagnostics import Reporter
from presswork.core.walk import iter_nodes
from presswork.reading import read_markdown
from tests.reading.spec_html import Example, examples, has_raw_html, normalise, render_blocks

#: Front matter is a publishing feature: a file opening with ``---`` + YAML + ``---`` has front matter.
_FRONT_MATTER = "a file opening with two '---' lines has (empty) front matter, as in Jekyll, Hugo and Astro"
#: presswork reads GitHub Flavored Markdown, whose autolink extension links bare URLs and e-mail addresses;
#: these CommonMark examples show the core syntax without that extension.
_AUTOLINK_EXT = "the GFM autolink extension is on: bare URLs and e-mail addresses become links"

DIVERGENCES: dict[tuple[str, int], str] = {
    ("commonmark-spec.txt", 98): _FRONT_MATTER,
    ("commonmark-spec.txt", 610): _AUTOLINK_EXT,
    ("commonmark-spec.txt", 613): _AUTOLINK_EXT,
    ("commonmark-spec.txt", 614): _AUTOLINK_EXT,
    ("gfm-spec.txt", 68): _FRONT_MATTER,
    ("gfm-spec.txt", 616): _AUTOLINK_EXT,
    ("gfm-spec.txt", 619): _AUTOLINK_EXT,
    ("gfm-spec.txt", 620): _AUTOLINK_EXT,
    ("gfm-spec.txt", 628): "mdit-py-plugins 0.7 gfm_autolink does not link ftp:// URLs",
    ("gfm-spec.txt", 631): "mdit-py-plugins 0.7 gfm_autolink stops an e-mail address's local part at '_'",
}

SPECS = ("commonmark-spec.txt", "gfm-spec.txt")
CASES = [(spec, e) for spec in SPECS for e in examples(spec) if not has_raw_html(e) and e.extension != "disabled"]


def render(example: Example, reader: str = "gfm") -> str:
    """The example read by ``reader`` (no smart punctuation: the spec has none) as canonical HTML."""
    source = read_markdown(example.markdown, "example.md", Reporter(), markdown=reader, smart=False, audit=False)
    return render_blocks(source.blocks)


def test_the_spec_files_are_complete() -> None:
    assert len(examples("commonmark-spec.txt")) == 655
    assert len(examples("gfm-spec.txt")) == 673
    assert len(CASES) > 1100


@pytest.mark.parametrize(("spec", "example"), CASES, ids=[f"{s.split('-')[0]}-{e.number}" for s, e in CASES])
def test_example_matches_the_spec(spec: str, example: Example) -> None:
    reason = DIVERGENCES.get((spec, example.number))
    got = normalise(render(example))
    want = normalise(example.html)
    if reason is not None:
        assert got != want, f"example {example.number} now matches: remove it from DIVERGENCES"
        pytest.xfail(reason)
    assert got == want, f"{example.section}: {example.markdown!r}"


_REMOVED = "removed by design with a warning naming the element (the dangerous set of the security model)"
RAW_HTML_DIVERGENCES: dict[tuple[str, int], str] = {
    ("commonmark-spec.txt", 173): _REMOVED + ": <textarea> is a form control",
    ("gfm-spec.txt", 653): _REMOVED + ": <title>, <style> and <xmp> (GFM's tag filter escapes them instead)",
    ("gfm-spec.txt", 645): "CommonMark 0.31 reads '<!-- not a comment -- two hyphens -->' as a comment; the older GFM "
    "spec reads it as text",
}
RAW_CASES = [(spec, e) for spec in SPECS for e in examples(spec) if has_raw_html(e) and e.extension != "disabled"]
_WORD = re.compile(r"[^\W_]+")


def _shown_words(spec_html: str) -> set[str]:
    """The words a browser shows of the spec's HTML (not the content of <script> and <style>)."""
    if not spec_html.strip():
        return set()
    root = lxml.html.fromstring(f"<div>{spec_html}</div>")
    for hidden in root.xpath("//script|//style"):
        hidden.drop_tree()
    return {w.lower() for w in _WORD.findall(root.text_content())}


def _tree_words(blocks: tuple[object, ...]) -> set[str]:
    words: set[str] = set()
    for node in iter_nodes(blocks):
        for name in ("text", "code", "url", "alt", "title"):
            value = getattr(node, name, None)
            if isinstance(value, str):
                words.update(w.lower() for w in _WORD.findall(value))
    return words


@pytest.mark.parametrize(("spec", "example"), RAW_CASES, ids=[f"{s.split('-')[0]}-{e.number}" for s, e in RAW_CASES])
def test_raw_html_example_keeps_every_shown_word(spec: str, example: Example) -> None:
    reporter = Reporter()
    source = read_markdown(example.markdown, "example.md", reporter, smart=False, audit=False)
    lost = _shown_words(example.html) - _tree_words(source.blocks)
    reason = RAW_HTML_DIVERGENCES.get((spec, example.number))
    if reason is not None:
        assert lost, f"example {example.number} now keeps every word: remove it from RAW_HTML_DIVERGENCES"
        if reason.startswith(_REMOVED):
            assert any(w.message.startswith("removed <") for w in reporter.warnings), reporter.warnings
        pytest.xfail(reason)
    assert not lost, f"{example.section}: {example.markdown!r} lost {sorted(lost)}"
