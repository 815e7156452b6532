"""The exporter plug-in interface and the context every exporter is given."""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, get_args, get_origin

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Document

if TYPE_CHECKING:
    from presswork.core.config import Config
    from presswork.project.assets import AssetGate
    from presswork.project.theme import Theme


@dataclass(frozen=True)
class NoOptions:
    """An exporter without options of its own."""


#: The options dataclass of an exporter.
OptionsT = TypeVar("OptionsT")


@dataclass
class BuildContext(Generic[OptionsT]):
    """Everything an exporter may use besides the tree.

    ``options`` is the exporter's own options dataclass instance (an ``OptionsT``, the
    exporter's ``Options``), filled from ``[tool.presswork.<format>]``. ``build_time`` is
    the fixed time of a reproducible build (from ``SOURCE_DATE_EPOCH`` or the configured
    date) or the current UTC time; ``reproducible`` says which.
    """

    config: Config
    theme: Theme
    gate: AssetGate
    reporter: Reporter
    build_time: datetime
    reproducible: bool
    options: OptionsT


class Exporter(ABC, Generic[OptionsT]):
    """A plug-in that writes one output format from the document tree.

    Register a subclass under the entry-point group ``presswork.exporters``; the
    entry-point name is the format name used by ``--format``. A built-in exporter
    names its options dataclass once, as the type argument (``class PdfExporter(
    Exporter[PdfOptions])``), and ``Options`` is set from it; a plug-in may instead
    set ``Options`` itself (a nested dataclass). Either way ``ctx.options`` is an
    instance of ``Options``, never anything else.
    """

    #: Format name, e.g. "pdf" (set from the entry point if left empty).
    name: ClassVar[str] = ""
    #: File extension of the output, without the dot.
    extension: ClassVar[str] = ""
    #: True for an exporter that writes a folder (``<name>-<extension>/``, e.g. a static site)
    #: instead of one file; the build commits the folder as a whole, like a file.
    folder: ClassVar[bool] = False
    #: True for the exporter that lays the book out for print and stores that layout (the PDF): a
    #: parallel build starts it first and announces the layout, so no other format lays the book out again.
    makes_print_layout: ClassVar[bool] = False
    #: True for an exporter that reads the print layout (the EPUB's page list): a parallel build starts it
    #: after the formats that do not wait for that layout.
    uses_print_layout: ClassVar[bool] = False
    #: One line for ``presswork formats``.
    description: ClassVar[str] = ""
    #: Dataclass of this exporter's options (``[tool.presswork.<name>]``); fields need defaults.
    Options: ClassVar[type[Any]] = NoOptions

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "Options" in cls.__dict__:
            return
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is Exporter:
                (argument,) = get_args(base)
                if isinstance(argument, type):
                    if not dataclasses.is_dataclass(argument):
                        raise TypeError(f"{cls.__name__}: options type {argument.__name__} is not a dataclass")
                    cls.Options = argument

    @abstractmethod
    def export(self, doc: Document, ctx: BuildContext[OptionsT], target: Path) -> None:
        """Write the output for ``doc`` to ``target``.

        ``target`` is a temporary path beside the final output: the build renames it
        into place only after ``export`` returns, so an exporter may write it freely and
        must raise ``PressworkError`` on failure. A ``folder`` exporter creates ``target``
        as a folder and fills it.
        """
