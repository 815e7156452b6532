"""The Typst PDF engine end to end: fixture books built with ``[pdf] engine = "typst"`` and read back."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.support.outputs import markdown_words, pdf_text, words

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

REPO = Path(__file__).resolve().parents[3]


def use_typst(config: Path) -> None:
    """Switch the book configured in ``config`` (presswork.toml, or [tool.presswork] of pyproject.toml) to Typst."""
    text = config.read_text(encoding="utf-8")
    section = "[tool.presswork.pdf]" if config.name == "pyproject.toml" else "[pdf]"
    if section in text:
        text = text.replace(section, f'{section}\nengine = "typst"', 1)
    else:
        text += f'\n{section}\nengine = "typst"\n'
    config.write_text(text, encoding="utf-8")


def prose_words(folder: Path):
    """The words of the Markdown files in ``folder`` that print (speaker notes left out)."""
    total = words("")
    for path in folder.glob("*.md"):
        text = re.sub(r"^::: notes\n.*?^:::\n", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
        total += markdown_words(text)
    return total


def build(book: Path, formats: str = "pdf") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "presswork", "build", str(book), "--format", formats],
        capture_output=True,
        text=True,
        timeout=300,
    )


def outline_titles(reader: PdfReader) -> list[str]:
    out: list[str] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(str(item.title))

    walk(reader.outline)
    return out


@pytest.fixture
def typst_features(features_book: Path) -> Path:
    use_typst(features_book / "presswork.toml")
    return features_book


def test_features_book_prints_every_word_with_outline_labels_and_tags(typst_features: Path) -> None:
    result = build(typst_features)
    assert result.returncode == 0, result.stderr
    pdf = typst_features / "output" / "features.pdf"
    printed = words(pdf_text(pdf))
    source = prose_words(typst_features / "chapters")
    missing = sorted(w for w in source if w not in printed)
    assert not missing, missing
    reader = PdfReader(pdf)
    titles = outline_titles(reader)
    assert "Getting Started" in titles and "Reference" in titles and any("Installing" in t for t in titles)
    assert "/PageLabels" in reader.trailer["/Root"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"Tagged:\s+yes", info.stdout)
    assert not info.stderr, info.stderr  # poppler 22 complained of Typst's "/Suspects false"
    # roman folios in the front matter, arabic from the first chapter: the contents say page 1
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "8", "-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    # (the dot leaders are drawn, one dotted rule per entry: not text a screen reader would read out)
    assert re.search(r"Getting Started\W*1\b", first_page)
    assert re.search(r"^\s*iii?\s*$", first_page, re.M)
    # a dated book builds to the same bytes again, and leaves no compile folder behind
    first = pdf.read_bytes()
    assert build(typst_features).returncode == 0
    assert pdf.read_bytes() == first
    assert not any((typst_features / ".presswork-cache" / "typst").iterdir())


def test_sample_book_builds_with_typst(tmp_path: Path) -> None:
    book = tmp_path / "sample"
    book.mkdir()
    shutil.copytree(REPO / "content", book / "content")
    shutil.copy(REPO / "pyproject.toml", book / "pyproject.toml")
    use_typst(book / "pyproject.toml")
    result = build(book)
    assert result.returncode == 0, result.stderr
    pdf = next((book / "output").glob("*.pdf"))
    printed = words(pdf_text(pdf))
    source = prose_words(book / "content")
    assert not sorted(w for w in source if w not in printed)
    text = pdf_text(pdf)
    assert "we\u2019ll" in text and "we'll" not in text  # smart quotes, as the WeasyPrint engine prints


HOSTILE = """# Hostile

Text #read("/etc/passwd") and #import "x.typ": * and #include "/etc/hostname" and #eval("1+1") end.

Markup [a] @ref \\ back // slash comment /* star */ and `#read("/etc/passwd")` too.

```typst
#read("/etc/passwd")
#eval("1+1")
```

| #eval("2") | ]) |
|---|---|
| #read("/etc/passwd") | x |
"""


def test_author_text_never_becomes_typst_code(tmp_path: Path) -> None:
    book = tmp_path / "hostile"
    book.mkdir()
    (book / "book.md").write_text(HOSTILE, encoding="utf-8")
    (book / "presswork.toml").write_text('title = "T #eval(\\"1+1\\") ]"\n[pdf]\nengine = "typst"\n', encoding="utf-8")
    result = build(book)
    assert result.returncode == 0, result.stderr
    text = pdf_text(next((book / "output").glob("*.pdf")))
    flat = re.sub(r"[\u201c\u201d]", '"', " ".join(text.split()))
    for literal in (
        '#read("/etc/passwd") and #import "x.typ": * and #include "/etc/hostname" and #eval("1+1") end.',
        "[a] @ref \\ back // slash comment /* star */ and",
        '#eval("2") ])',
        'T #eval("1+1") ]',
    ):
        assert literal in flat, literal
    assert "root:" not in text  # /etc/passwd was never read


def test_a_failing_typst_compile_names_the_format_and_other_formats_are_written(typst_features: Path) -> None:
    theme = typst_features / "themes" / "broken"
    (theme / "typst").mkdir(parents=True)
    (theme / "theme.toml").write_text('name = "broken"\nextends = "default"\n', encoding="utf-8")
    (theme / "typst" / "book.typ").write_text("#let pw-book = (\n", encoding="utf-8")
    config = typst_features / "presswork.toml"
    config.write_text('theme = "broken"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")
    result = build(typst_features, "pdf,pptx")
    assert result.returncode == 1
    assert "typst" in result.stderr.lower() and "pdf" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    out = typst_features / "output"
    assert (out / "features.pptx").is_file() and not (out / "features.pdf").exists()


@pytest.fixture
def typst_apparatus(tmp_path: Path) -> Path:
    book = tmp_path / "apparatus"
    shutil.copytree(REPO / "tests" / "books" / "apparatus", book, ignore=shutil.ignore_patterns("output"))
    use_typst(book / "presswork.toml")
    return book


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def folio_of(page: str) -> str:
    lines = [line.strip() for line in page.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def test_index_and_page_references_name_the_pages_where_their_targets_print(typst_apparatus: Path) -> None:
    result = build(typst_apparatus)
    assert result.returncode == 0, result.stderr
    pages = page_texts(typst_apparatus / "output" / "apparatus.pdf")
    where = {}
    for page in pages:
        if "zebra," in page:
            continue  # the index itself
        for word in ("graphics processor", "zebra", "Table 1.1 Build costs"):
            if word in page:
                where.setdefault(word, []).append(folio_of(page))
    body = "\n".join(pages)
    # "Table 1.1 on page N": N is the folio of the page the table prints on
    match = re.search(r"Table 1\.1 on page (\d+)", body)
    assert match and match.group(1) == where["Table 1.1 Build costs"][0]
    index = next(p for p in pages if re.search(r"^\s*Index\s*$", p, re.M) and "zebra," in p)
    zebra = re.search(r"zebra, ([\d–, ]+)", index)
    assert zebra, index
    numbers = {int(n) for n in re.findall(r"\d+", zebra.group(1))}
    first, last = min(numbers), max(numbers)
    marked = {int(f) for f in where["zebra"] if f.isdigit()}
    assert marked and min(marked) >= first and max(marked) <= last, (zebra.group(1), marked)


def test_print_mode_opens_chapters_on_right_hand_pages_after_blank_pages_without_heads(typst_apparatus: Path) -> None:
    config = typst_apparatus / "presswork.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('engine = "typst"', 'engine = "typst"\nprint = true'))
    result = build(typst_apparatus)
    assert result.returncode == 0, result.stderr
    pages = page_texts(typst_apparatus / "output" / "apparatus.pdf")
    openers = [i for i, p in enumerate(pages) if re.search(r"^\s*CHAPTER \d", p, re.M)]
    assert len(openers) >= 4
    assert all(i % 2 == 0 for i in openers), openers  # page i+1 is odd: a right-hand page
    blanks = [p for p in pages[:-1] if not p.strip()]
    assert blanks  # the left-hand pages before some openers are left blank: no head, no folio


def test_a_long_listing_split_over_pages_says_it_continues(tmp_path: Path) -> None:
    book = tmp_path / "listing"
    book.mkdir()
    code = "\n".join(f"let value_{i} = compute({i});" for i in range(120))
    (book / "book.md").write_text(f"# Code\n\nA long listing.\n\n```rust\n{code}\n```\n\nAfter it.\n", encoding="utf-8")
    (book / "presswork.toml").write_text('title = "Listing"\n[pdf]\nengine = "typst"\n', encoding="utf-8")
    result = build(book)
    assert result.returncode == 0, result.stderr
    pages = page_texts(next((book / "output").glob("*.pdf")))
    holding = [p for p in pages if "compute(" in p]
    assert len(holding) >= 2
    assert "(continued)" not in holding[0] and all("(continued)" in p for p in holding[1:])
    assert all(f"value_{i} = compute({i});" in "".join(pages) for i in range(120))


def test_pdf_ua_variant_builds_with_every_picture_described(typst_features: Path) -> None:
    config = typst_features / "presswork.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('engine = "typst"', 'engine = "typst"\npdf_variant = "pdf/ua-1"')
    )
    result = build(typst_features)
    assert result.returncode == 0, result.stderr
    info = subprocess.run(
        ["pdfinfo", str(typst_features / "output" / "features.pdf")], capture_output=True, text=True
    ).stdout
    assert re.search(r"Tagged:\s+yes", info)


LISTING_HEADS = """# Heads

<Listing number="1-1" file-name="src/main.rs" caption="Printing a greeting">

```rust
fn main() {}
```

</Listing>

<span class="filename">Filename: src/lib.rs</span>

```rust
pub fn lib_function() {}
```

```{.python title="bubble_sort.py"}
def bubble_sort(): pass
```

```{.python filename="quarto_cell.py" lst-cap="A captioned cell"}
quarto_value = 1
```
"""


def _listing_heads_book(root: Path, theme: str = "") -> Path:
    book = root / "heads"
    (book / "src").mkdir(parents=True)
    (book / "book.toml").write_text('[book]\ntitle = "Heads"\n', encoding="utf-8")
    (book / "presswork.toml").write_text(f'{theme}[pdf]\nengine = "typst"\n', encoding="utf-8")
    (book / "src" / "SUMMARY.md").write_text("# Summary\n\n- [Heads](heads.md)\n", encoding="utf-8")
    (book / "src" / "heads.md").write_text(LISTING_HEADS, encoding="utf-8")
    return book


def _heads_printed(book: Path) -> list[str]:
    result = build(book)
    assert result.returncode == 0, result.stderr
    assert "warning:" not in result.stderr, result.stderr
    text = pdf_text(next((book / "output").glob("*.pdf")))
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_a_listings_file_name_title_and_caption_print_above_its_code(tmp_path: Path) -> None:
    """A listing's file name (mdBook's ``file-name``, the Rust book's filename span, Quarto's ``filename``), a
    code block's title (MkDocs Material) and a caption given as an attribute print above the code, as in
    every other format (the Typst engine used to leave them out, silently)."""
    lines = _heads_printed(_listing_heads_book(tmp_path))
    for head, code in [
        ("Filename: src/main.rs", "fn main() {}"),
        ("Filename: src/lib.rs", "pub fn lib_function() {}"),
        ("bubble_sort.py", "def bubble_sort(): pass"),
        ("Filename: quarto_cell.py", "quarto_value = 1"),
    ]:
        assert head in lines and lines[lines.index(head) + 1] == code, (head, lines)
    assert lines[lines.index("Filename: src/main.rs") - 1] == "Listing 1-1 Printing a greeting"
    assert lines[lines.index("Filename: quarto_cell.py") - 1].endswith(" A captioned cell")


def test_a_theme_template_without_listing_files_still_prints_them(tmp_path: Path) -> None:
    """A theme's own Typst template written before ``pw-listing`` took ``file:``: the file name is set on its
    own line above the listing instead of failing the compile."""
    theme = tmp_path / "mytheme"
    shutil.copytree(REPO / "themes" / "default", theme)
    template = theme / "typst" / "book.typ"
    source = template.read_text(encoding="utf-8")
    older = source.replace(", file: none) = {", ") = {", 1)
    older = re.sub(r"\n  if file != none \{.*?\n  \}\n", "\n", older, count=1, flags=re.S)
    assert "file !=" not in older and "file: none" not in older
    template.write_text(older, encoding="utf-8")
    lines = _heads_printed(_listing_heads_book(tmp_path, f'theme = "{theme.as_posix()}"\n'))
    assert "Filename: src/main.rs" in lines and "Filename: src/lib.rs" in lines and "bubble_sort.py" in lines


def test_long_inline_code_breaks_at_its_spaces_instead_of_running_off_the_page(tmp_path: Path) -> None:
    """A span of inline code longer than a line (TypeScript Deep Dive's ``declare module JSX { ... }``) breaks
    at its spaces, as in the WeasyPrint engine: its last words are on the page, not cut off at its edge."""
    book = tmp_path / "code"
    book.mkdir()
    span = "declare module JSX { interface ElementAttributesProperty { props: {}; } } " * 3 + "final_token_here"
    text = (
        f"# Code\n\n- Nested:\n    - You can control which property is used by customizing the `{span}` declaration.\n"
    )
    (book / "book.md").write_text(text, encoding="utf-8")
    (book / "presswork.toml").write_text('title = "Code"\n[pdf]\nengine = "typst"\n', encoding="utf-8")
    result = build(book)
    assert result.returncode == 0, result.stderr
    printed = " ".join(pdf_text(next((book / "output").glob("*.pdf"))).split())
    assert "final_token_here declaration." in printed, printed[-300:]
