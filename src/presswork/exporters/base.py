"""The exporter plug-in interface and the context every exporter is given."""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..diagnostics import Reporter
from ..tree import Document

if TYPE_CHECKING:
    from ..assets import AssetGate
    from ..config import Config
    from ..theme import Theme


@dataclass(frozen=True)
class NoOptions:
    """An exporter without options of its own."""


@dataclass
class BuildContext:
    """Everything an exporter may use besides the tree.

    ``options`` is the exporter's own options dataclass instance (its ``Options``),
    filled from ``[tool.presswork.<format>]``. ``build_time`` is the fixed time of a
    reproducible build (from ``SOURCE_DATE_EPOCH`` or the configured date) or the
    current UTC time; ``reproducible`` says which.
    """

    config: "Config"
    theme: "Theme"
    gate: "AssetGate"
    reporter: Reporter
    build_time: datetime
    reproducible: bool
    options: Any = dataclasses.field(default_factory=NoOptions)


class Exporter(ABC):
    """A plug-in that writes one output format from the document tree.

    Register a subclass under the entry-point group ``presswork.exporters``; the
    entry-point name is the format name used by ``--format``.
    """

    #: Format name, e.g. "pdf" (set from the entry point if left empty).
    name: ClassVar[str] = ""
    #: File extension of the output, without the dot.
    extension: ClassVar[str] = ""
    #: One line for ``presswork formats``.
    description: ClassVar[str] = ""
    #: Dataclass of this exporter's options (``[tool.presswork.<name>]``); fields need defaults.
    Options: ClassVar[type] = NoOptions

    @abstractmethod
    def export(self, doc: Document, ctx: BuildContext, target: Path) -> None:
        """Write the output for ``doc`` to ``target``.

        ``target`` is a temporary path beside the final output: the build renames it
        into place only after ``export`` returns, so an exporter may write it freely and
        must raise ``PressworkError`` on failure.
        """
