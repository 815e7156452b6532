"""The wheel ships every package of src/presswork, and the built-in exporters' entry points load."""

from __future__ import annotations

import tomllib
from importlib import import_module

from tests.support import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_is_listed() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    src = REPO / "src"
    found = {".".join(p.parent.relative_to(src).parts) for p in src.rglob("__init__.py")}
    assert found - listed == set(), "add the new package to [tool.setuptools] packages in pyproject.toml"
    assert listed - found == {"presswork.themes"}  # mapped from themes/


def test_entry_points_name_the_exporters_by_their_formats() -> None:
    from presswork.exporters.base import Exporter

    points = PYPROJECT["project"]["entry-points"]["presswork.exporters"]
    assert set(points) == {"pdf", "epub", "pptx", "html"}
    for name, value in points.items():
        module, _, attr = value.partition(":")
        cls = getattr(import_module(module), attr)
        assert issubclass(cls, Exporter) and cls.name == name


def test_the_version_is_the_package_metadata_s() -> None:
    import presswork

    assert presswork.__version__ == PYPROJECT["project"]["version"]
