"""The deck model written with python-pptx on the template's layouts (raw OOXML access only in ``oxml``)."""

from __future__ import annotations

from presswork.exporters.pptx.output.package import package_entries, set_core_properties
from presswork.exporters.pptx.output.pictures import PictureStore
from presswork.exporters.pptx.output.template import Layouts, open_template, template_bytes
from presswork.exporters.pptx.output.writer import DeckWriter

__all__ = [
    "DeckWriter",
    "Layouts",
    "PictureStore",
    "open_template",
    "package_entries",
    "set_core_properties",
    "template_bytes",
]
