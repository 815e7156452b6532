"""Reading the YAML project files of MkDocs and Quarto (tags such as ``!!python/name:`` are tolerated)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from presswork.core.boundedyaml import BoundedSafeLoader, YamlBudgetError
from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos
from presswork.project.kinds.base import read_project_file


class _TolerantLoader(BoundedSafeLoader):
    """A safe loader that reads any unknown tag (``!ENV``, ``!!python/name:x``) as its plain value."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return None


_TolerantLoader.add_multi_constructor("!", _any_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


def read_yaml(file: Path, display: str, folder: Path | None = None) -> dict[str, Any]:
    """The mapping in the YAML file ``file`` of the project ``folder`` (default: the file's folder); broken YAML
    is an error naming its line."""
    try:
        text = read_project_file(file, folder or file.parent, display)
        data = yaml.load(text, Loader=_TolerantLoader)  # noqa: S506 - safe loader subclass
    except YamlBudgetError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else 0
        raise PressworkError(f"YAML refused: {exc.problem}", Pos(display, line)) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise PressworkError(f"invalid YAML: {exc.problem or exc}", Pos(display, line)) from None
    except yaml.YAMLError as exc:
        raise PressworkError(f"invalid YAML: {exc}", Pos(display)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PressworkError(f"cannot read the project file: {exc}", Pos(display)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PressworkError("the project file must hold a mapping of settings", Pos(display))
    return data


def names(value: Any) -> tuple[str, ...]:
    """Author names from a string, a list of strings or a list of ``{name: ...}`` mappings."""
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
            if isinstance(item, dict):  # Quarto: name: {given, family}
                item = " ".join(str(item.get(k, "")) for k in ("given", "family")).strip()
        if isinstance(item, str) and item.strip():
            found.append(item.strip())
    return tuple(found)
