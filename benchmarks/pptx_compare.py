"""Compare two .pptx (or any zip) files part by part: byte for byte, else as canonical XML (C14N).

usage: python benchmarks/pptx_compare.py A.pptx B.pptx [A2.pptx B2.pptx ...]

For each pair it prints ``same`` (every part byte-identical, same part names in the same order),
``same-c14n`` (some XML parts differ in bytes but are identical after lxml's C14N 2.0
canonicalisation, which orders attributes and namespace declarations), or the parts that differ
with the first differing lines. Exit status 1 when any pair differs beyond C14N.
"""

from __future__ import annotations

import difflib
import sys
import zipfile

from lxml import etree


def canonical(data: bytes) -> bytes | None:
    """C14N 2.0 of an XML part (None when it is not XML)."""
    try:
        return etree.canonicalize(data.decode("utf-8")).encode()  # type: ignore[no-any-return]
    except (etree.XMLSyntaxError, UnicodeDecodeError, ValueError):
        return None


def compare(a: str, b: str) -> tuple[str, list[str]]:
    """("same" | "same-c14n" | "differs", details) for two zip files."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        names_a, names_b = za.namelist(), zb.namelist()
        details: list[str] = []
        verdict = "same"
        if names_a != names_b:
            verdict = "differs" if set(names_a) != set(names_b) else "same-c14n"
            only_a, only_b = sorted(set(names_a) - set(names_b)), sorted(set(names_b) - set(names_a))
            details.append(
                f"part names differ: only in A {only_a[:5]}, only in B {only_b[:5]}"
                if verdict == "differs"
                else "same parts in another order"
            )
        for name in names_a:
            if name not in names_b:
                continue
            da, db = za.read(name), zb.read(name)
            if da == db:
                continue
            ca, cb = canonical(da), canonical(db)
            if ca is not None and ca == cb:
                if verdict == "same":
                    verdict = "same-c14n"
                details.append(f"{name}: bytes differ, C14N equal")
                continue
            verdict = "differs"
            la = (ca or da).decode("utf-8", "replace").replace("><", ">\n<").splitlines()
            lb = (cb or db).decode("utf-8", "replace").replace("><", ">\n<").splitlines()
            diff = list(difflib.unified_diff(la, lb, "A/" + name, "B/" + name, n=1, lineterm=""))
            details.append(f"{name}: differs\n  " + "\n  ".join(diff[:24]))
    return verdict, details


def main(argv: list[str]) -> int:
    """Compare the pairs given on the command line."""
    if len(argv) < 2 or len(argv) % 2:
        print(__doc__)
        return 2
    bad = 0
    for a, b in zip(argv[::2], argv[1::2], strict=True):
        verdict, details = compare(a, b)
        print(f"{verdict:10} {a}  {b}")
        for line in details[:10]:
            print("   ", line)
        bad += verdict == "differs"
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
