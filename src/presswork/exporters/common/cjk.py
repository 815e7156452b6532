"""Han characters set in the face of their language: Noto CJK SC for Simplified Chinese, TC for Traditional,
JP for Japanese, KR for Korean, chosen by the book's language and, per span, by a differing ``lang``.

The same ideograph has different shapes in each (the Noto CJK faces share one file, the region decides the
glyphs), so a Chinese book set in the Japanese face reads as foreign to its readers."""

from __future__ import annotations

import re
from collections.abc import Iterable

from presswork.core.tree import Document, Span, Text
from presswork.core.walk import iter_nodes

__all__ = ["book_cjk_language", "cjk_region", "localize_cjk_css", "span_languages"]

#: Traditional-Chinese regions and scripts (``zh-TW``, ``zh-Hant``); other Chinese is Simplified.
_TRADITIONAL = frozenset({"hant", "tw", "hk", "mo"})
#: A Noto CJK family named with its region ("Noto Serif CJK JP", "Noto Sans Mono CJK SC").
_NOTO_CJK = re.compile(r"(Noto (?:Serif|Sans Mono|Sans) CJK) (?:JP|SC|TC|KR|HK)\b")
_RULE = re.compile(r"(?P<selectors>[^{}]+)\{(?P<body>[^{}]*)\}")
_FAMILY = re.compile(r"font-family\s*:\s*(?P<value>[^;}]+)", re.I)


def cjk_region(lang: str) -> str:
    """The Noto CJK region for a BCP 47 language tag: "SC", "TC", "JP", "KR", or "" for other languages."""
    parts = lang.strip().replace("_", "-").lower().split("-")
    if parts[0] == "zh":
        return "TC" if _TRADITIONAL.intersection(parts[1:]) else "SC"
    return {"ja": "JP", "ko": "KR"}.get(parts[0], "")


_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
#: Characters of text looked at to tell the language of a book whose language is not CJK.
_SAMPLE = 200_000


def book_cjk_language(doc: Document) -> str:
    """The book's language when it is Chinese, Japanese or Korean; else, for a book whose text is mostly
    CJK although its language says otherwise (an mdBook without ``language`` is "en"), the language its
    characters show: kana -> "ja", hangul -> "ko", Han alone -> "zh-Hans"; else ""."""
    language = doc.meta.language or ""
    if cjk_region(language):
        return language
    pieces, size = [], 0
    for node in iter_nodes(doc):  # a sample of the text is enough to tell
        if isinstance(node, Text):
            pieces.append(node.text)
            size += len(node.text)
            if size > _SAMPLE:
                break
    text = "".join(pieces)
    han, kana, hangul = (len(p.findall(text)) for p in (_HAN, _KANA, _HANGUL))
    if han + kana + hangul < len(text) / 10 or not (han or kana or hangul):
        return ""  # CJK words in a book of another language: the theme's default face
    return "ja" if kana > han / 20 else "ko" if hangul > han else "zh-Hans"


def span_languages(doc: Document) -> set[str]:
    """The languages of the book's spans (``<span lang="ja">``) that need another CJK face than the book's."""
    book = cjk_region(book_cjk_language(doc))
    found = set()
    for node in iter_nodes(doc):
        if isinstance(node, Span) and (lang := node.attr.get("lang")) and cjk_region(lang) not in ("", book):
            found.add(lang)
    return found


def localize_cjk_css(css: str, book_lang: str, span_langs: Iterable[str] = ()) -> str:
    """``css`` with its Noto CJK families in the book language's region (JP stays for a book in no CJK
    language), followed by ``:lang()`` rules that set each of ``span_langs`` in its own region: every rule
    whose ``font-family`` names a Noto CJK family is repeated for elements of that language."""
    region = cjk_region(book_lang)
    if region:
        css = _NOTO_CJK.sub(rf"\1 {region}", css)
    extra = []
    for lang in sorted(set(span_langs)):
        own = cjk_region(lang)
        if not own or own == region or not re.fullmatch(r"[A-Za-z0-9-]+", lang):
            continue
        for m in _RULE.finditer(_without_comments(css)):
            family = _FAMILY.search(m.group("body"))
            if family is None or not _NOTO_CJK.search(family.group("value")):
                continue
            value = _NOTO_CJK.sub(rf"\1 {own}", family.group("value").strip())
            selectors = [s.strip() for s in m.group("selectors").split(",") if s.strip() and "::" not in s]
            chosen = [
                f"[lang]:lang({lang})"
                if s in ("html", ":root", "body")
                else f"{s}:lang({lang}), {s}[lang]:lang({lang}), {s} [lang]:lang({lang})"
                for s in selectors
            ]
            if chosen:
                extra.append(f"{', '.join(chosen)} {{ font-family: {value}; }}")
    return css + ("\n/* CJK faces of spans in other languages */\n" + "\n".join(extra) + "\n" if extra else "")


def _without_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)
