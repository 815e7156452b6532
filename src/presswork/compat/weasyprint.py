"""WeasyPrint's internals that presswork relies on, each behind one named function, for WeasyPrint 70.x only.

Importing. WeasyPrint opens Pango, HarfBuzz and fontconfig by trying several names per library, most
of which do not exist on a given system (``libpango-1.0-0`` is the Windows name). cffi hands every
miss to ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and then ``gcc`` and
``ld``: 54 subprocesses, a third of a second in every process that lays out. During that import
:func:`import_weasyprint` answers ``find_library`` from one reading of ``ldconfig -p`` (the same
lookup ctypes does first), so the names that exist resolve exactly as before and the misses fail
at once. Another platform, or a Python without the private ctypes helper, imports WeasyPrint
unchanged.

Image names. WeasyPrint names each raster image of a PDF after the MD5 of its absolute URL, so the
same book built in another folder gave other bytes. Its images module's ``md5`` is replaced so that
names come from the URL relative to the project or theme folder (:func:`name_images_within`).

Leaders. ``leader(".")`` (the contents' dot leaders) becomes one text box of repeated dots instead of
one text box per dot, checked to lay out exactly as wide (:func:`_one_leader_box`): the same page
images, a seventh of the drawing time and of the bytes of a contents page.

Laid-out pages. A ``Page`` keeps its page box in ``_page_box`` (:func:`page_box`); a page's
counters live in the page maker's state tuple (:func:`page_counter`, :func:`shift_page_counter`).
A text box is drawn in another colour after layout by giving it its own style copy (:func:`recolor_text`).

Batched layout (exporters/pdf/batches.py). :func:`layout_hooks` wraps ``TargetCollector.lookup_target``,
``layout.make_margin_boxes`` and ``layout.initialize_page_maker`` while one document is laid out;
:func:`page_type_on_other_side` builds a ``PageType`` by position.

Every place that lays out calls :func:`import_weasyprint` before it imports from WeasyPrint, which also
checks the installed version (:data:`RANGE`).
"""

from __future__ import annotations

import contextlib
import copy
import ctypes.util
import hashlib
import logging
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from presswork.compat.versions import Range

__all__ = [
    "RANGE",
    "anchor_name",
    "import_weasyprint",
    "layout_hooks",
    "name_images_within",
    "page_box",
    "page_counter",
    "page_type_on_other_side",
    "recolor_text",
    "shift_page_counter",
]

#: The WeasyPrint versions this module was written for (pyproject.toml bounds the same).
RANGE = Range("weasyprint", "70", "71")

_ABI = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


def _ldconfig_cache() -> bytes | None:
    """The output of ``ldconfig -p`` (the shared library cache), or None where it cannot run."""
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    for ldconfig in ("/sbin/ldconfig", "ldconfig"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            return subprocess.run(
                [ldconfig, "-p"], capture_output=True, env=env, check=False, timeout=10, stdin=subprocess.DEVNULL
            ).stdout
    return None


def _finder(cache: bytes) -> Callable[[str], str | None]:
    """``find_library`` answered from ``cache`` the way ctypes reads ``ldconfig -p``."""
    machine = os.uname().machine + ("-64" if sys.maxsize > 2**32 else "-32")
    abi = _ABI.get(machine, "libc6")
    found: dict[str, str | None] = {}

    def find_library(name: str) -> str | None:
        if name not in found:
            match = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}"), cache)
            found[name] = os.fsdecode(match.group(1)) if match else None
        return found[name]

    return find_library


@contextlib.contextmanager
def _quick_library_lookup() -> Iterator[None]:
    if not sys.platform.startswith("linux") or not hasattr(ctypes.util, "_findSoname_ldconfig"):
        yield
        return
    cache = _ldconfig_cache()
    if not cache:
        yield
        return
    saved = ctypes.util.find_library
    ctypes.util.find_library = _finder(cache)  # type: ignore[assignment]
    try:
        yield
    finally:
        ctypes.util.find_library = saved


#: ``file:`` URL prefixes of the folders being built from, with the stable label that replaces each.
_FOLDERS: list[tuple[bytes, bytes]] = []


def name_images_within(folders: Sequence[Path]) -> None:
    """Name the images under ``folders`` (the project's, then the themes') by their path inside
    the folder, so the PDF does not depend on where the book is."""
    _FOLDERS[:] = [
        ((folder.as_uri().rstrip("/") + "/").encode(), f"folder{i}:".encode()) for i, folder in enumerate(folders)
    ]


def _image_md5(data: bytes = b"", **kwargs: Any) -> Any:
    """``hashlib.md5`` as WeasyPrint's images module calls it on an image URL, the URL made relative."""
    for prefix, label in _FOLDERS:
        if data.startswith(prefix):
            data = label + data[len(prefix) :]
            break
    return hashlib.md5(data, **kwargs)


def import_weasyprint() -> ModuleType:
    """The ``weasyprint`` module, imported (once) with the quick library lookup and stable image names
    (raises PressworkError when the installed WeasyPrint is outside :data:`RANGE`)."""
    RANGE.require()
    # WeasyPrint logs what presswork reports itself, with the file and line (refused resources,
    # images without alt text in a tagged PDF): its own lines would reach the terminal bare.
    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
    if "weasyprint" not in sys.modules:
        with _quick_library_lookup():
            import weasyprint  # noqa: F401 - imported for sys.modules
    import weasyprint.images

    weasyprint.images.md5 = _image_md5  # even when WeasyPrint was imported before presswork
    _install_single_box_leaders()
    return sys.modules["weasyprint"]


def page_box(page: Any) -> Any:
    """The laid-out page box of a ``weasyprint.document.Page`` (it has no public accessor)."""
    return page._page_box


# --------------------------------------------------------------------------- the page maker's state
# WeasyPrint 70's page maker keeps, per page, a state tuple (quote depth, counter values, counter
# scopes, ...): counter values are ``state[1]`` (name -> list of values), scopes ``state[2]``.


def page_counter(state: Any) -> int:
    """The ``page`` counter value of a page maker state."""
    values = state[1].get("page") or [0]
    return int(values[-1])


def shift_page_counter(state: Any, delta: int) -> Any:
    """A copy of a page maker state with the ``page`` counter moved by ``delta``."""
    state = copy.deepcopy(state)
    state[1]["page"] = [v + delta for v in state[1]["page"]]
    return state


def _seed_page_counter(context: Any, value: int) -> None:
    """Start the first page's ``page`` counter at ``value`` (in the page maker's first state)."""
    state = context.page_maker[0][3]
    state[1]["page"] = [value]
    state[2][0].add("page")


# --------------------------------------------------------------------------- layout hooks


def anchor_name(anchor_token: Any, source_box: Any) -> str | None:
    """The anchor a ``target-*()`` token names (as WeasyPrint's ``lookup_target`` resolves it)."""
    from weasyprint.css import targets
    from weasyprint.urls import get_url_tuple

    if anchor_token[0] == "attr()":
        attr_name, type_, fallback = anchor_token[1]
        value = source_box.element.get(attr_name, fallback)
        if type_ == "string":
            anchor_token = ("string", value)
        elif type_ == "url":
            anchor_token = ("url", get_url_tuple(value, source_box.style.base_url))
    name = targets.anchor_name_from_token(anchor_token)
    return name if isinstance(name, str) else None


def recolor_text(box: Any, srgb: tuple[float, float, float]) -> None:
    """Draw a laid-out text box in another (opaque sRGB) colour: its own style copy, the colour set."""
    from tinycss2.color4 import Color

    style = box.style.copy()
    style["color"] = Color("srgb", srgb, 1.0)
    box.style = style


def _answered(page: int) -> Any:
    """A target lookup's result for an anchor in another document, laid out on page counter ``page``."""
    box = SimpleNamespace(cached_counter_values={"page": [page]}, extract_text=lambda style: "")
    return SimpleNamespace(state="up-to-date", target_box=box, cached_page_counter_values={}, parse_again_functions={})


@contextlib.contextmanager
def layout_hooks(
    foreign_page: Callable[[str | None], int | None],
    hold_margins: Callable[[Any, Any, Any], None],
    first_counter: int | None = None,
    own_lookup: Callable[[str | None], None] | None = None,
) -> Iterator[None]:
    """While laying out one document: a ``target-*()`` lookup of an anchor the document does not hold
    asks ``foreign_page(name)`` for its page counter (None: undefined, as WeasyPrint leaves it);
    margin boxes are not made but ``hold_margins(context, page, state)`` is called instead (each
    page's layout context, box and page maker state); ``first_counter`` starts the first page's
    ``page`` counter there; ``own_lookup(name)`` is told of each lookup of an anchor the document holds."""
    import weasyprint.layout as layout
    from weasyprint.css.targets import TargetCollector

    original_lookup = TargetCollector.lookup_target
    original_margins = layout.make_margin_boxes
    original_init = layout.initialize_page_maker

    def init(context: Any, root_box: Any) -> None:
        original_init(context, root_box)
        if first_counter is not None:
            _seed_page_counter(context, first_counter)

    def lookup(self: Any, anchor_token: Any, source_box: Any, css_token: Any, parse_again: Any) -> Any:
        item = original_lookup(self, anchor_token, source_box, css_token, parse_again)
        if item.state != "undefined":
            if own_lookup is not None:
                own_lookup(anchor_name(anchor_token, source_box))
            return item
        page = foreign_page(anchor_name(anchor_token, source_box))
        return item if page is None else _answered(page)

    def margins(context: Any, page: Any, state: Any) -> list[Any]:
        hold_margins(context, page, state)
        return []

    TargetCollector.lookup_target = lookup
    layout.make_margin_boxes = margins
    layout.initialize_page_maker = init
    try:
        yield
    finally:
        TargetCollector.lookup_target = original_lookup
        layout.make_margin_boxes = original_margins
        layout.initialize_page_maker = original_init


def page_type_on_other_side(page_type: Any, source: Any, context: Any) -> Any:
    """The ``PageType`` of a page like ``page_type`` on the other side (left/right), its computed styles set."""
    from weasyprint.layout.page import PageType, set_page_type_computed_styles

    side = "left" if page_type.side == "right" else "right"
    new = PageType(side, page_type.blank, page_type.name, page_type.index, page_type.groups)
    set_page_type_computed_styles(new, source, context.style_for)
    return new


def page_type_like(fields: Any, flip: bool, source: Any, context: Any) -> Any:
    """A ``PageType`` from its recorded ``fields`` (side, blank, name, index, groups), on the other
    side when ``flip``, its computed styles set."""
    from weasyprint.layout.page import PageType, set_page_type_computed_styles

    side, blank, name, index, groups = fields
    if flip:
        side = "left" if side == "right" else "right"
    new = PageType(side, blank, name, index, groups)
    set_page_type_computed_styles(new, source, context.style_for)
    return new


# --------------------------------------------------------------------------- leaders


def _one_leader_box(context: Any, line: Any) -> None:
    """Draw a leader's repeated text (``leader('.')``) as one text box instead of one box per dot, when
    the joined text lays out exactly as wide as the dots side by side (else the dots stay as they are)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.leader import leader_index
    from weasyprint.text.line_break import split_first_line

    _index, leader = leader_index(line)
    dots: Any = leader.children if leader is not None else ()
    if len(dots) < 2 or not all(type(d) is boxes.TextBox and d.text == dots[0].text for d in dots):
        return
    first = min(dots, key=lambda d: d.position_x)
    text = first.text * len(dots)
    layout, _length, resume, width, _height, _baseline = split_first_line(
        text, first.style, context, None, first.justification_spacing
    )
    if resume is not None or abs(width - first.width * len(dots)) > 1e-3:
        return
    joined = first.copy_with_text(text)
    joined.pango_layout = layout
    joined.width = width
    leader.children = (joined,)


def _install_single_box_leaders() -> None:
    """Make each leader one text box from now on (once per process). WeasyPrint makes one text box per
    repeated dot and draws each on its own: a contents of 100 chapters took 8 s to write, 1 s so."""
    import weasyprint.layout.inline as inline

    original = inline.handle_leader
    if getattr(original, "presswork", False):
        return

    def handle_leader(context: Any, line: Any, containing_block: Any) -> None:
        original(context, line, containing_block)
        _one_leader_box(context, line)

    handle_leader.presswork = True  # type: ignore[attr-defined]
    handle_leader.original = original  # type: ignore[attr-defined]
    inline.handle_leader = handle_leader


# --------------------------------------------------------------------------- page styles (furniture layers)

#: Page-level properties that change a page's counters, not what its margin boxes look like.
_COUNTER_PROPERTIES = frozenset({"counter_reset", "counter_increment", "counter_set"})


def page_style_rules(style_for: Any) -> list[tuple[Any, str | None, bool]]:
    """Every ``@page`` selector of ``style_for``'s stylesheets in cascade order: (selector type,
    margin box or None, whether its declarations only set counters)."""
    rules = []
    for sheet, _origin, _specificity in style_for._sheets:
        for _rule, selectors, declarations in sheet.page_rules:
            counters_only = all(name in _COUNTER_PROPERTIES for name, _values, _importance in declarations)
            for _specificity_of, pseudo_type, selector_type in selectors:
                rules.append((selector_type, pseudo_type, counters_only))
    return rules


def page_style_signature(rules: Sequence[tuple[Any, str | None, bool]], page_type: Any) -> tuple[int, ...]:
    """Which of ``rules`` apply to ``page_type`` and can change how its margin boxes look (rules that
    only set counters left out): two page types with the same signature draw the same margin boxes
    from the same counters and strings."""
    from weasyprint.css import StyleFor

    return tuple(
        n
        for n, (selector_type, pseudo_type, counters_only) in enumerate(rules)
        if not (counters_only and pseudo_type is None) and StyleFor._page_type_match(selector_type, page_type)
    )


def margin_contents(style_for: Any, html: Any, page_type: Any, at_keywords: Sequence[str]) -> dict[str, Any]:
    """The computed ``content`` of each margin box of ``page_type`` that has one (a list of items, not
    ``normal``, ``none`` or ``inhibit``)."""
    from weasyprint.layout.page import set_page_type_computed_styles

    set_page_type_computed_styles(page_type, html, style_for)
    out = {}
    for at_keyword in at_keywords:
        style = style_for(page_type, at_keyword)
        content = style["content"] if style is not None else "normal"
        if not isinstance(content, str):
            out[at_keyword] = content
    return out


#: The computed page properties that place a page's body.
_GEOMETRY = ("size", "margin_top", "margin_bottom", "margin_left", "margin_right")


def page_geometry(style_for: Any, html: Any, page_type: Any) -> tuple[Any, ...]:
    """The size and margins of a page of ``page_type`` (what places its body)."""
    from weasyprint.layout.page import set_page_type_computed_styles

    set_page_type_computed_styles(page_type, html, style_for)
    style = style_for(page_type)
    return tuple(str(style[key]) for key in _GEOMETRY)


def resolve_string(strings: Any, number: int, name: str, keyword: str) -> tuple[str, ...]:
    """``string(name, keyword)`` on page ``number`` of a document whose named strings are ``strings``
    (name -> page -> values), as WeasyPrint resolves it in a margin box."""
    from weasyprint.layout import LayoutContext

    resolved = LayoutContext.get_string_or_element_for(
        SimpleNamespace(current_page=number), strings, None, name, keyword
    )
    return tuple(resolved)
