"""Editions (``--profile``): ``only-profile-NAME`` and ``no-profile-NAME`` divs kept or dropped."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from presswork.core.tree import (
    Attr,
    Chapter,
    Div,
)
from presswork.core.walk import walk

_PROFILE_CLASS = re.compile(r"^(only|no)-profile-(.+)$")


def apply_profile(chapters: list[Chapter], profile: str) -> list[Chapter]:
    """Settle the profile divs for the edition ``profile`` ("" = none): ``::: only-profile-NAME``
    keeps its content only in that edition, ``::: no-profile-NAME`` in every other one. A div
    kept is opened (its blocks take its place, unless it has other classes or an id)."""

    empty = False  # whether a div equal to _EMPTY is in the tree (only a div can be)

    def fix(node: Any) -> Any:
        nonlocal empty
        new = _settle(node)
        empty = empty or new == _EMPTY
        return new

    def _settle(node: Div) -> Div:
        rules = [m for m in map(_PROFILE_CLASS.match, node.attr.classes) if m]
        if not rules:
            return node
        shown = all((m.group(2) == profile) == (m.group(1) == "only") for m in rules)
        if not shown:
            return _EMPTY
        rest = tuple(c for c in node.attr.classes if not _PROFILE_CLASS.match(c))
        return dataclasses.replace(node, attr=dataclasses.replace(node.attr, classes=rest))

    out = []
    for ch in chapters:
        empty = False
        blocks = walk(ch.blocks, fix, (Div,))  # every div of the result went through fix
        out.append(dataclasses.replace(ch, blocks=_drop_empty(blocks) if empty else blocks))
    return out


#: Marks a block left out by :func:`apply_profile` (removed from its parent by :func:`_drop_empty`).
_EMPTY = Div(Attr(classes=("presswork-dropped",)), ())


def _drop_empty(blocks: Any) -> Any:
    def fix(node: Any) -> Any:
        for f in dataclasses.fields(node) if dataclasses.is_dataclass(node) else ():
            value = getattr(node, f.name)
            if isinstance(value, tuple) and any(v is _EMPTY or v == _EMPTY for v in value):
                node = dataclasses.replace(node, **{f.name: tuple(v for v in value if v != _EMPTY)})
        return node

    return tuple(b for b in walk(blocks, fix) if b != _EMPTY)
