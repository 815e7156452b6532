"""Diagrams written as code: ``dot``/``graphviz`` and ``mermaid`` code blocks become SVG figures before any
exporter runs, rendered offline and cached by content hash in the project's ``.presswork-cache/diagrams/``."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from presswork.cache.store import code_fingerprint, read_cached, sign, verify
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.files import cache_root, make_dirs, write_atomic
from presswork.core.tree import Attr, Chapter, CodeBlock, Figure, Image, Pos, Text
from presswork.core.walk import iter_nodes, walk_with_positions
from presswork.transforms.diagrams.base import DiagramError, Renderer, normalise_svg, svg_words
from presswork.transforms.diagrams.graphviz import DotRenderer
from presswork.transforms.diagrams.mermaid import MermaidRenderer

__all__ = [
    "CACHE_FOLDER",
    "LANGUAGES",
    "DiagramError",
    "Renderer",
    "cell_options",
    "default_renderers",
    "render_diagrams",
]

#: Code block languages that are diagrams, and the renderer of each.
LANGUAGES: dict[str, str] = {"dot": "dot", "graphviz": "dot", "mermaid": "mermaid"}
#: Where rendered diagrams are kept, under the project root (the folder the page-layout cache uses too).
CACHE_FOLDER = Path(".presswork-cache") / "diagrams"
#: Fence attributes that size the picture (``{.dot width="60%"}``), passed to the image.
_SIZE_KEYS = ("width", "height")
_CELL_OPTION = re.compile(r"^\s*(?:%%|//)\|\s*([\w-]+)\s*:\s*(.*?)\s*$")


def default_renderers() -> dict[str, Renderer]:
    """The built-in renderers by name."""
    return {"dot": DotRenderer(), "mermaid": MermaidRenderer()}


def diagram_kind(block: CodeBlock) -> str | None:
    """The renderer name of a diagram code block (``dot``, ``mermaid``), or None for other code."""
    return LANGUAGES.get(block.language.lower())


#: How a diagram's SVG is named. The name reaches every output (the EPUB's image file, the site's), so it
#: says what the diagram is (renderer, its version, source) and never changes with unrelated code;
#: whether a cached SVG is still good is the signature's business (:func:`_signed`).
NAME_SCHEME = "presswork-diagram 2"


def cache_key(renderer: str, version: str, source: str) -> str:
    """The content hash naming a diagram's SVG: renderer, its version and options, and the source."""
    text = f"{NAME_SCHEME}\0{renderer}\0{version}\0{source}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def render_diagrams(
    chapters: list[Chapter], root: Path, reporter: Reporter, renderers: Mapping[str, Renderer] | None = None
) -> list[Chapter]:
    """Replace every diagram code block by a Figure of its SVG (cached under ``root``).

    A diagram whose renderer is missing stays a code block, with one warning per renderer naming the first
    such block and how to install it; a diagram its renderer refuses stays a code block with a warning
    quoting the renderer. A fence's ``#id`` and ``caption="..."`` give the figure its id and caption."""
    found: dict[str, list[tuple[CodeBlock, Pos | None]]] = {}
    for ch in chapters:
        for node in iter_nodes(ch.blocks, (CodeBlock,)):
            if isinstance(node, CodeBlock) and (kind := diagram_kind(node)) is not None:
                found.setdefault(kind, []).append((node, node.pos or Pos(ch.source)))
    if not found:
        return chapters
    renderers = renderers if renderers is not None else default_renderers()
    folder = Path(root) / CACHE_FOLDER
    gate_root = cache_root(Path(root))
    done: dict[tuple[str, str], Path] = {}  # (kind, source) -> SVG file
    for kind, blocks in found.items():
        renderer = renderers[kind]
        problem = renderer.unavailable()
        if problem:
            more = f" ({len(blocks)} {kind} diagrams kept as code)" if len(blocks) > 1 else "; kept as code"
            reporter.warn(f"{kind} diagram not rendered: {problem}{more}", blocks[0][1], "diagram")
            continue
        version = renderer.version()
        wanted: dict[str, str] = {}  # key -> source, each distinct source once
        first_pos: dict[str, Pos | None] = {}
        for block, pos in blocks:
            key = cache_key(kind, version, block.code)
            path = folder / f"diagram-{key}.svg"
            done[(kind, block.code)] = path
            if not _signed(path, gate_root):
                wanted.setdefault(key, block.code)
                first_pos.setdefault(key, pos)
        if not wanted:
            continue
        results = renderer.render(list(wanted.values()))
        for (key, source), result in zip(wanted.items(), results, strict=True):
            path = folder / f"diagram-{key}.svg"
            if isinstance(result, DiagramError):
                where = first_pos[key]
                if where is not None and where.line and result.line:  # the line inside the fence it names
                    line = min(result.line, source.count("\n") + 1)  # mermaid counts past the end at EOF
                    where = dataclasses.replace(where, line=where.line + line)
                reporter.warn(f"{kind} diagram not rendered: {result.message}; kept as code", where, "diagram")
                del done[(kind, source)]
                continue
            try:
                _write(path, normalise_svg(result), gate_root)
            except (OSError, ValueError, PressworkError) as exc:  # lxml's XMLSyntaxError is a ValueError
                why = exc.message if isinstance(exc, PressworkError) else exc
                reporter.warn(f"{kind} diagram not rendered: {why}; kept as code", first_pos[key], "diagram")
                del done[(kind, source)]

    def fix(node: Any, pos: Pos | None) -> Any:
        if not isinstance(node, CodeBlock) or (kind := diagram_kind(node)) is None:
            return node
        path = done.get((kind, node.code))
        return _figure(node, path, kind, gate_root) if path is not None else node

    return [dataclasses.replace(ch, blocks=walk_with_positions(ch.blocks, fix, kinds=(CodeBlock,))) for ch in chapters]


def cell_options(code: str) -> tuple[dict[str, str], str]:
    """Quarto's cell options at the top of a diagram (``%%| fig-cap: "..."`` in Mermaid, ``//| label: fig-x``
    in dot) and the source without them."""
    lines = code.split("\n")
    options: dict[str, str] = {}
    n = 0
    while n < len(lines) and (m := _CELL_OPTION.match(lines[n])):
        value = m.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        options[m.group(1).lower()] = value
        n += 1
    return options, "\n".join(lines[n:]) if n else code


def _figure(block: CodeBlock, path: Path, kind: str, root: Path) -> Figure:
    """The figure that shows a rendered diagram (absolute ``src``: the asset transform makes it project-relative).
    Fence attributes win over Quarto cell options."""
    options, _ = cell_options(block.code)
    caption = block.attr.get("caption") or block.attr.get("fig-cap") or options.get("fig-cap", "")
    alt = (
        block.attr.get("alt")
        or block.attr.get("fig-alt")
        or options.get("fig-alt")
        or caption
        or _alt(path, kind, root)
    )
    size = tuple((k, v) for k, v in block.attr.kv if k in _SIZE_KEYS)
    image = Image(str(path.resolve()), alt, attr=Attr(kv=size))
    classes = ("diagram", f"diagram-{kind}", *block.attr.classes)
    ident = block.attr.id or options.get("label", "")
    return Figure(image, (Text(caption),) if caption else (), Attr(ident, classes), pos=block.pos)


def _alt(path: Path, kind: str, root: Path) -> str:
    words = svg_words(read_cached(path, root) or b"")
    name = "Graphviz diagram" if kind == "dot" else "Mermaid diagram"
    return f"{name}: {words}" if words else name


def _signed_payload(data: bytes) -> bytes:
    """What a diagram's signature covers: the SVG and the code that rendered and normalised it (the
    package's import closure), so an SVG made by other code is rendered again, under the same name."""
    return code_fingerprint(__name__).encode() + b"\0" + data


def _signed(path: Path, root: Path) -> bool:
    """Whether ``path`` is a diagram this user rendered with this code (its signature beside it, see
    :mod:`presswork.cache.store`): a cached SVG from elsewhere (a committed cache) is rendered again."""
    data, signature = read_cached(path, root), read_cached(path.with_suffix(".sig"), root)
    return data is not None and signature is not None and verify(_signed_payload(data), signature)


def _write(path: Path, data: bytes, root: Path) -> None:
    """Write the SVG and its signature into the cache folder ``root``, each atomically (parallel builds of
    one project may render the same diagram); without a signing key the SVG is still written, for this build."""
    make_dirs(path.parent, root, "cache folder")
    for target, content in ((path, data), (path.with_suffix(".sig"), sign(_signed_payload(data)))):
        if content is not None:
            write_atomic(target, content, root, durable=False)
