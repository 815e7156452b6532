"""mdBook content constructs read back from real outputs: ``<Listing>`` components, hidden Rust lines, CJK fonts
chosen by language, figures with their captions and EPUB page markers between words."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from presswork.build.pipeline import build, read_project
from presswork.core.tree import CodeBlock, CrossRef, plain_text
from presswork.core.walk import query
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
