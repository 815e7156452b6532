"""The asset gate of a build: the project and theme folders, the network settings and the theme folders' links checked."""

from __future__ import annotations

import os
from pathlib import Path

from presswork.core.config import Config
from presswork.core.diagnostics import PressworkError, Reporter
from presswork.core.tree import Pos
from presswork.project.assets import AssetGate
from presswork.project.theme import Theme


def make_gate(config: Config, theme: Theme, reporter: Reporter | None = None) -> AssetGate:
    """The asset gate for a project and its theme folders (checked: no link inside a theme
    folder may lead out of the allowed folders)."""
    gate = AssetGate(
        config.root,
        theme.dirs,
        allow_remote=config.allow_remote,
        remote_hosts=config.remote_hosts,
        remote_timeout=config.remote_timeout,
        remote_max_bytes=config.remote_max_bytes,
        max_image_pixels=config.max_image_pixels,
        reporter=reporter,
    )
    check_theme_links(theme, gate)
    return gate


def check_theme_links(theme: Theme, gate: AssetGate) -> None:
    """Refuse a theme folder holding a symbolic link to a file outside the project and theme
    folders (templates and stylesheets are read without the gate, so they are checked here)."""
    for folder in theme.dirs:
        for dirpath, dirnames, filenames in os.walk(folder):
            for name in (*dirnames, *filenames):
                path = Path(dirpath) / name
                if path.is_symlink() and not gate.is_allowed(path):
                    raise PressworkError(
                        f"theme file {name!r} is a link to {os.readlink(path)!r}, outside the "
                        "project and theme folders",
                        Pos(str(path)),
                    )
