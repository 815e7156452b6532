"""The exporter interface: options typed by the exporter's generic parameter, one way to declare them."""

from __future__ import annotations

import ast
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

import pytest

import presswork.exporters as exporters_pkg
from presswork.core.tree import Document
from presswork.exporters.base import BuildContext, Exporter, NoOptions
from presswork.exporters.epub import EpubExporter, EpubOptions
from presswork.exporters.pdf import PdfExporter, PdfOptions
from presswork.exporters.pptx import PptxExporter, PptxOptions


@dataclass(frozen=True)
class CountOptions:
    label: str = "words"


class Counting(Exporter[CountOptions]):
    name = "count"

    def export(self, doc: Document, ctx: BuildContext[CountOptions], target: Path) -> None:
        target.write_text(ctx.options.label)


def test_options_come_from_the_type_argument() -> None:
    assert Counting.Options is CountOptions
    assert (PdfExporter.Options, EpubExporter.Options, PptxExporter.Options) == (PdfOptions, EpubOptions, PptxOptions)


def test_every_built_in_option_has_a_default_and_a_documented_name() -> None:
    for options in (PdfOptions, EpubOptions, PptxOptions):
        assert is_dataclass(options) and options.__name__.endswith("Options")
        options()  # every field has a default


def test_a_plug_in_may_still_nest_its_options_or_have_none() -> None:
    class Nested(Exporter):  # type: ignore[type-arg]
        @dataclass(frozen=True)
        class Options:
            size: int = 1

        def export(self, doc: Document, ctx: BuildContext, target: Path) -> None:  # type: ignore[type-arg]
            pass

    class Bare(Exporter):  # type: ignore[type-arg]
        def export(self, doc: Document, ctx: BuildContext, target: Path) -> None:  # type: ignore[type-arg]
            pass

    assert [f.name for f in fields(Nested.Options)] == ["size"] and Bare.Options is NoOptions


def test_options_must_be_a_dataclass() -> None:
    with pytest.raises(TypeError, match="options type int is not a dataclass"):

        class Wrong(Exporter[int]):  # noqa: F841
            def export(self, doc: Document, ctx: BuildContext[int], target: Path) -> None:
                pass


def test_no_exporter_second_guesses_the_type_of_its_options() -> None:
    """``ctx.options`` is always the exporter's Options: no ``isinstance(ctx.options, ...)`` fallbacks."""
    offenders = []
    for path in Path(exporters_pkg.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "isinstance"
                and node.args
                and ast.unparse(node.args[0]).endswith("options")
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders
