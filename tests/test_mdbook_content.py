"""mdBook content constructs read back from real outputs: ``<Listing>`` components, hidden Rust lines, CJK fonts
chosen by language, figures with their captions and EPUB page markers between words."""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from presswork.build.pipeline import build, read_document, read_project
from presswork.core.diagnostics import Reporter
from presswork.core.tree import CodeBlock, CrossRef, Figure, Heading, Link, Paragraph, Span, Table, plain_text
from presswork.core.walk import query
from presswork.project.gate import make_gate
from presswork.project.load import load_project
from presswork.project.theme import load_theme
from tests.support.outputs import pdf_text, pptx_text


def _mdbook(tmp: Path, chapters: dict[str, str], toml: str = "") -> Path:
    """A small mdBook in ``tmp``: ``book.toml``, ``src/SUMMARY.md`` and the chapter files, in order."""
    (tmp / "book.toml").write_text(f'[book]\ntitle = "Fixture"\nlanguage = "en"\n{toml}', encoding="utf-8")
    (tmp / "src").mkdir()
    summary = "".join(f"- [{name}]({name}.md)\n" for name in chapters)
    (tmp / "src" / "SUMMARY.md").write_text(f"# Summary\n\n{summary}", encoding="utf-8")
    for name, text in chapters.items():
        (tmp / "src" / f"{name}.md").write_text(text, encoding="utf-8")
    return tmp


LISTING_BOOK = {
    "one": """# One

Enter the code in Listing 1-1 into the file.

<Listing number="1-1" file-name="src/main.rs" caption="A `main` function that greets">

```rust
fn main() {
    println!("hello");
}
```

</Listing>
""",
    "two": "# Two\n\nAs Listing 1-1 showed; Listing 9-9 does not exist.\n",
}


def test_mdbook_listing_is_a_numbered_captioned_listing(tmp_path: Path) -> None:
    doc = read_project(_mdbook(tmp_path, LISTING_BOOK))
    (listing,) = query(doc, CodeBlock)
    assert listing.label == "Listing 1-1"
    assert listing.attr.id == "listing-1-1"
    assert listing.attr.get("file-name") == "src/main.rs"
    assert plain_text(listing.caption) == "A main function that greets"
    refs = query(doc, CrossRef)
    assert [(r.target, plain_text(r.children)) for r in refs] == [("listing-1-1", "Listing 1-1")] * 2


FILE_NAME_BOOK = {
    "one": """# One

<span class="filename">Filename: src/main.rs</span>

```rust
fn main() {}
```

<span class="filename">文件名：src/lib.rs</span>

```rust
pub fn f() {}
```

<span class="filename">Filename: two words</span>

```rust
fn g() {}
```

<span class="filename">Filename: src/alone.rs</span>

Not a listing.
""",
}


def test_a_filename_span_above_a_code_block_names_that_listings_file(tmp_path: Path) -> None:
    """The older Rust book chapters head a listing with a ``<span class="filename">`` paragraph: it becomes
    the listing's file name with the author's label (so every format keeps it with the code); a span that
    is not a label and one word, or heads no code block, stays the paragraph it was."""
    doc = read_project(_mdbook(tmp_path, FILE_NAME_BOOK))
    listings = query(doc, CodeBlock)
    assert [(c.attr.get("file-label"), c.attr.get("file-name")) for c in listings] == [
        ("Filename:", "src/main.rs"),
        ("文件名：", "src/lib.rs"),
        (None, None),
    ]
    paragraphs = [plain_text(p.children) for p in query(doc, Paragraph)]
    assert paragraphs == ["Filename: two words", "Filename: src/alone.rs", "Not a listing."]


def test_an_anchor_kept_for_old_links_does_not_keep_the_heading_from_titling_its_chapter(tmp_path: Path) -> None:
    """The Rust book opens 18 chapters with ``<a id="old-name"></a>`` above their ``##`` heading: the heading
    is still the chapter's title (not printed a second time under it), and the old anchor still works."""
    chapters = {
        "m": "<!-- Old headings. Do not remove or links may break. -->\n\n"
        '<a id="the-match-control-flow-operator"></a>\n\n## The `match` Construct\n\nText.\n',
        "n": "# Next\n\nSee [the old name](m.md#the-match-control-flow-operator).\n",
    }
    doc = read_project(_mdbook(tmp_path, chapters))
    first = doc.chapters[0]
    assert plain_text(first.title) == "The match Construct"
    assert not [h for h in query(first.blocks, Heading) if plain_text(h.children) == "The match Construct"]
    assert [s.attr.id for s in query(first.blocks, Span)] == ["the-match-control-flow-operator"]
    (link,) = query(doc.chapters[1].blocks, Link)
    assert link.url == "#the-match-control-flow-operator", link.url


def test_the_listing_preprocessor_is_not_reported_as_unsupported(tmp_path: Path) -> None:
    """The Rust book's book.toml names its trpl-listing preprocessor; presswork does its work (``<Listing>``),
    so only a preprocessor it does not know is reported."""
    toml = '[preprocessor.trpl-listing]\ncommand = "cargo run"\n[preprocessor.homemade]\ncommand = "x"\n'
    project = load_project(_mdbook(tmp_path, LISTING_BOOK, toml))
    reporter = Reporter()
    read_document(
        project, make_gate(project.config, load_theme(project.config.theme, project.root), reporter), reporter
    )
    unsupported = [w.message for w in reporter.warnings if "is not supported" in w.message]
    assert unsupported == ["mdBook preprocessor 'homemade' is not supported; its syntax is read as plain Markdown"]


def test_mdbook_listing_in_every_format(tmp_path: Path) -> None:
    book = _mdbook(tmp_path, LISTING_BOOK)
    build(book, formats=["pdf", "epub", "pptx", "html"])
    out = book / "output"
    text = re.sub(r"\s+", " ", pdf_text(out / "fixture.pdf"))
    assert "Listing 1-1 A main function that greets Filename: src/main.rs fn main()" in text
    with zipfile.ZipFile(out / "fixture.epub") as z:
        one = next(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml") and "greets" in z.read(n).decode())
        two = next(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml") and "9-9" in z.read(n).decode())
    assert re.search(r'<figure[^>]* id="listing-1-1"[^>]*class="listing"', one)
    assert "<code>main</code> function that greets</figcaption>" in one
    assert "Filename: <code>src/main.rs</code>" in one
    assert re.search(r'href="[^"]*\.xhtml#listing-1-1"', two)
    deck = pptx_text(out / "fixture.pptx", notes=False).replace("\u2060", "")
    assert "Listing 1-1: A main function that greets" in deck and "Filename: src/main.rs" in deck
    site = "".join(p.read_text(encoding="utf-8") for p in (out / "fixture-site").glob("*.html"))
    assert 'id="listing-1-1"' in site and "Filename: <code>src/main.rs</code>" in site


HIDDEN = """# Hidden

```rust,ignore
# #![allow(unused)]
# fn main() {
#[derive(Debug)]
struct Shown;
    # let indented_hidden = 1;
## [not_an_attribute]
#
# }
```

```python
~import secret_module
print("visible")
```

```python,hidelines=!!!
!!!local_secret()
print("also visible")
```
"""


def test_mdbook_hides_rustdoc_lines_and_configured_prefixes(tmp_path: Path) -> None:
    book = _mdbook(tmp_path, {"hidden": HIDDEN}, '[output.html.code.hidelines]\npython = "~"\n')
    build(book, formats=["pdf"])
    text = pdf_text(book / "output" / "fixture.pdf")
    assert "#[derive(Debug)]" in text and "struct Shown;" in text and "# [not_an_attribute]" in text
    for hidden in ("allow(unused)", "fn main", "indented_hidden", "secret_module", "local_secret"):
        assert hidden not in text
    assert 'print("visible")' in text and 'print("also visible")' in text


def test_hidden_lines_are_not_lost_words_and_other_books_keep_them(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    project = load_project(_mdbook(tmp_path / "m", {"hidden": HIDDEN}))
    reporter = Reporter()
    doc = read_document(project, make_gate(project.config, load_theme("default", project.root), reporter), reporter)
    code = query(doc, CodeBlock)[0].code
    assert "fn main" not in code and code.startswith("#[derive(Debug)]")
    assert reporter.warnings == []
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "presswork.toml").write_text('title = "Plain"\n', encoding="utf-8")
    (plain / "a.md").write_text(HIDDEN, encoding="utf-8")
    assert "# fn main() {" in query(read_project(plain), CodeBlock)[0].code  # outside mdBook it is code


def _output(book: Path, ext: str) -> Path:
    """The one output of ``book`` with extension ``ext``."""
    (found,) = (book / "output").glob(f"*.{ext}")
    return found


def _pdf_fonts(pdf: Path) -> set[str]:
    """The base names of the fonts embedded in ``pdf`` (``Noto-Serif-CJK-SC``), subset prefixes dropped."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0].split("+")[-1] for line in out.splitlines()[2:] if line.strip()}


CJK_CHAPTER = """# 第一章 直角

这是简体中文的段落：直角、骨、说。日语：<span lang="ja">直角の骨</span>。

## 小节 <span lang="ko">한국어 직각</span>

```
代码 说明
```
"""


def test_cjk_faces_follow_the_book_language_and_spans(tmp_path: Path) -> None:
    from pptx import Presentation

    (tmp_path / "hans").mkdir()
    book = _mdbook(tmp_path / "hans", {"one": CJK_CHAPTER})
    (book / "book.toml").write_text('[book]\ntitle = "简体书"\nlanguage = "zh-Hans"\n', encoding="utf-8")
    build(book, formats=["pdf", "epub", "pptx"])
    fonts = _pdf_fonts(_output(book, "pdf"))
    assert {"Noto-Serif-CJK-SC", "Noto-Sans-Mono-CJK-SC", "Noto-Serif-CJK-JP"} <= fonts  # JP: the Japanese span
    assert "Noto-Sans-CJK-KR-Bold" in fonts  # the Korean span of the heading keeps the heading's face
    assert not {f for f in fonts if "CJK-JP" in f} - {"Noto-Serif-CJK-JP"}  # the cover and headings are SC
    with zipfile.ZipFile(_output(book, "epub")) as z:
        css = next(z.read(n).decode() for n in z.namelist() if n.endswith("book.css"))
        xhtml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert '"Noto Serif CJK SC"' in css and "CJK JP" in css.split("[lang]:lang(ja)")[1]
    assert '<span lang="ja">直角の骨</span>' in xhtml
    faces = {}
    for slide in Presentation(str(_output(book, "pptx"))).slides:
        for el in slide.element.iter("{*}r"):
            text = "".join(t.text or "" for t in el.iter("{*}t"))
            ea = el.find("{*}rPr/{*}ea")
            if ea is not None:
                faces[text] = ea.get("typeface")
    assert faces["直角の骨"] == "Yu Gothic" and faces.get("代码 说明", "Microsoft YaHei") == "Microsoft YaHei"
    assert {faces[t] for t in faces if "简体中文" in t} == {"Microsoft YaHei"}

    (tmp_path / "hant").mkdir()
    book = _mdbook(tmp_path / "hant", {"one": "# 第一章\n\n這是繁體中文：直角、骨、說。\n"})
    (book / "book.toml").write_text('[book]\ntitle = "繁體書"\nlanguage = "zh-TW"\n', encoding="utf-8")
    build(book, formats=["pdf"])
    fonts = _pdf_fonts(_output(book, "pdf"))
    assert "Noto-Serif-CJK-TC" in fonts and not [f for f in fonts if re.search("CJK-(JP|SC|KR)", f)]


def _marked(text: str, offset: int) -> str:
    """``text`` in a chapter section with a page-break marker at counted character ``offset``, as plain text
    with the marker shown as ``|``."""
    from presswork.exporters.common.pagination import PageStart
    from presswork.exporters.epub.pagelist import add_markers

    section = f'<section xmlns="http://www.w3.org/1999/xhtml"><p data-block="0">{text}</p></section>'
    xhtml = add_markers(section, [PageStart("7", "ch", 0, offset)])
    assert 'aria-label="7"' in xhtml
    return re.sub(r"<span[^>]*pagebreak[^>]*/>|<span[^>]*pagebreak[^>]*></span>", "|", xhtml).split(">", 2)[2]


def test_epub_page_markers_fall_between_words() -> None:
    # "The line in-|tersects": the print page starts inside the hyphenated word
    assert _marked("The line intersects the circle.", 9).startswith("The line |intersects the")
    assert _marked("The line intersects the circle.", 15).startswith("The line intersects| the")
    assert _marked("The line intersects the circle.", 7).startswith("The line |intersects")  # already between
    assert _marked("直角三角形的斜边", 2).startswith("直角|三角形")  # CJK characters are words of their own


def test_image_and_caption_span_are_one_numbered_figure(tmp_path: Path) -> None:
    from PIL import Image as PILImage

    filler = "\n\n".join(f"Paragraph {i} of words that fill the page before the picture comes." for i in range(30))
    book = _mdbook(
        tmp_path,
        {
            "one": f"""# One

As Figure 1-1 shows, the square is red.

{filler}

<img alt="A red square" src="img/red.png"
class="center" style="width: 50%;" />

<span class="caption">Figure 1-1: A red square on the `stack`</span>

After the figure, Figure 1-2 and Table 1-1.

<img alt="Another `red` square" src="img/red.png" class="center" />

<span class="caption">Figure 1-2: The same square</span>

<figure>

<img src="img/red.png" alt="A third square" />

<figcaption>Figure 1-3: A square in a figure element</figcaption>

</figure>

<span class="caption">Table 1-1: Colours</span>

| Name | Value |
|------|-------|
| red  | 200   |
"""
        },
    )
    (book / "src" / "img").mkdir()
    PILImage.new("RGB", (400, 300), (200, 30, 30)).save(book / "src" / "img" / "red.png")
    doc = read_project(book)
    figure, second, third = query(doc, Figure)
    assert (figure.label, figure.attr.id) == ("Figure 1-1", "figure-1-1")
    assert plain_text(figure.caption) == "A red square on the stack"
    assert (second.label, plain_text(second.caption)) == ("Figure 1-2", "The same square")
    assert (third.label, plain_text(third.caption)) == ("Figure 1-3", "A square in a figure element")
    (table,) = query(doc, Table)
    assert (table.label, table.attr.id, plain_text(table.caption)) == ("Table 1-1", "table-1-1", "Colours")
    assert [r.target for r in query(doc, CrossRef)] == ["figure-1-1", "figure-1-2", "table-1-1"]
    assert not [p for p in query(doc, Span) if "caption" in p.attr.classes]
    build(book, formats=["pdf"])
    pdf = _output(book, "pdf")
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    page = int(listing.splitlines()[2].split()[0])  # the first figure's image
    text = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Figure 1-1 A red square on the stack" in re.sub(r"\s+", " ", text)  # beside its image, labelled once


def test_a_chinese_mdbook_without_language_is_set_in_sc(tmp_path: Path) -> None:
    # mdBook's language defaults to "en"; a Chinese translation that never sets it is still Chinese
    long = "\n\n".join("这是简体中文的段落：直角、骨、说、这个程序。" * 6 for _ in range(40))
    book = _mdbook(tmp_path, {"one": f"# 第一章 直角\n\n{long}\n"})  # pages enough for running heads
    (book / "book.toml").write_text('[book]\ntitle = "Rust 程序设计语言"\n', encoding="utf-8")
    build(book, formats=["pdf"])
    fonts = _pdf_fonts(_output(book, "pdf"))
    assert "Noto-Serif-CJK-SC" in fonts and not [f for f in fonts if "CJK-JP" in f]


def test_translated_caption_spans_label_listings_figures_and_tables(tmp_path: Path) -> None:
    # older mdBook books (and their translations) caption a code block with a span right under it
    text = """# 一

```rust
fn main() {}
```

<span class="caption">示例 4-1：一个变量和其有效的作用域</span>

```rust
fn other() {}
```

<span class="caption">リスト2-1：ユーザに予想を入力してもらうコード</span>

<img alt="浏览器访问 127.0.0.1:8080 时显示一个网页" src="a.png" class="center" />

<span class="caption">图 21-1：我们最后一个共同完成的项目</span>
"""
    book = _mdbook(tmp_path, {"one": text})
    (book / "src" / "a.png").write_bytes(TINY_PNG)
    doc = read_project(book)
    first, second = query(doc, CodeBlock)
    assert (first.label, first.attr.id, plain_text(first.caption)) == (
        "示例 4-1",
        "listing-4-1",
        "一个变量和其有效的作用域",
    )
    assert (second.label, plain_text(second.caption)) == ("リスト2-1", "ユーザに予想を入力してもらうコード")
    (figure,) = query(doc, Figure)  # an address in the alt text ("访问 127.0.0.1:8080") is no label
    assert (figure.label, plain_text(figure.caption)) == ("图 21-1", "我们最后一个共同完成的项目")
    assert not [p for p in query(doc, Span) if "caption" in p.attr.classes]


#: A 1x1 PNG.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
CORPUS = Path(os.environ.get("PRESSWORK_CORPUS", "/work/corpus"))


@pytest.mark.realbooks
@pytest.mark.slow
@pytest.mark.parametrize("name", ["book", "trpl-zh-cn", "book-ja", "rust-by-example"])
def test_real_mdbooks_keep_captions_and_hide_rustdoc_lines(name: str) -> None:
    # rust-lang/book, KaiserY/trpl-zh-cn, rust-lang-ja/book-ja, rust-lang/rust-by-example
    root = CORPUS / name
    if not (root / "book.toml").is_file():
        pytest.skip(f"{root} not present")
    doc = read_project(root)
    assert not [p.pos for p in query(doc, Paragraph) if _caption_only(p)]  # every caption joined its block
    rust = [c for c in query(doc, CodeBlock) if c.language == "rust"]
    assert not [c.pos for c in rust if re.search(r"^\s*#( |$)", c.code, re.M)]
    if name == "book":
        assert sum(1 for c in query(doc, CodeBlock) if c.attr.get("number")) >= 300
        assert all(f.label.startswith("Figure ") for f in query(doc, Figure))


def _caption_only(p: Paragraph) -> bool:
    return len(p.children) == 1 and isinstance(p.children[0], Span) and "caption" in p.children[0].attr.classes


DOLLARS = (
    "# Install\n\nThe directory will be *$HOME/.cargo/bin*. Ensure that\n"
    "this directory is in your `$PATH` to run programs; it costs $5 or $10.\n"
)


@pytest.mark.parametrize("katex", [False, True])
def test_mdbook_dollars_are_prose_unless_a_math_preprocessor_is_on(tmp_path: Path, katex: bool) -> None:
    # The Rust book's "*$HOME/.cargo/bin* ... `$PATH`" was read as inline math: mdBook has no dollar
    # math, only mdbook-katex adds it.
    from presswork.core.tree import Code, Emphasis, Math

    doc = read_project(_mdbook(tmp_path, {"install": DOLLARS}, "[preprocessor.katex]\n" if katex else ""))
    (para,) = query(doc, Paragraph)
    if katex:
        assert query(doc, Math), "with mdbook-katex, $...$ is math"
        return
    assert not query(doc, Math)
    assert [plain_text(e.children) for e in query(doc, Emphasis)] == ["$HOME/.cargo/bin"]
    assert [c.text for c in query(doc, Code)] == ["$PATH"]
    assert plain_text(para.children).endswith("it costs $5 or $10.")
