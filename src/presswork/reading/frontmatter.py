"""Split a YAML front matter block (``---`` ... ``---``) off the top of a Markdown file."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import yaml

from presswork.core.boundedyaml import BoundedSafeLoader, YamlBudgetError
from presswork.core.diagnostics import PressworkError
from presswork.core.tree import Pos

_OPEN = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")
#: A line that only YAML would hold: a comment, a directive, a flow mapping, a sequence item or a key.
_KEY = re.compile(r"""^\s*(#|%|\{|[^\s:#][^:]*:(\s|$)|"[^"]*"\s*:|'[^']*'\s*:|- )""")


class _Loader(BoundedSafeLoader):
    """A safe YAML loader (with budgets) that leaves unquoted dates as the strings the author wrote."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str]:
    """Return (front matter mapping, text with the front matter lines blanked).

    The front matter lines are replaced by empty lines, so line numbers in the returned
    text are the line numbers of the file. A file without front matter is returned as is.
    """
    lines = text.split("\n")
    if not lines or not _OPEN.match(lines[0]):
        return {}, text
    end = next((i for i in range(1, len(lines)) if _CLOSE.match(lines[i])), None)
    if end is None:
        return {}, text  # a lone '---' on line 1 is a horizontal rule, not front matter
    inner = [line for line in lines[1:end] if line.strip()]
    if inner and not any(":" in line or _KEY.match(line) for line in inner):
        return {}, text  # "---", "Foo", "---": a rule and a setext heading (CommonMark), not YAML
    data = _parse("\n".join(lines[1:end]), path)
    body = "\n" * (end + 1) + "\n".join(lines[end + 1 :])
    return data, body


def _parse(source: str, path: str) -> dict[str, Any]:
    """Parse the YAML between the delimiters (which starts on line 2 of the file)."""
    try:
        data = yaml.load(source, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except YamlBudgetError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark is not None else 1
        raise PressworkError(f"front matter refused: {exc.problem}", Pos(path, line)) from None
    except yaml.MarkedYAMLError as exc:
        # PyYAML says what it was reading ("while scanning a quoted scalar", at its context mark) and
        # what went wrong (at its problem mark). When the problem is only the end of the block, the
        # place worth showing is where the unfinished construct began.
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
            mark = exc.context_mark
        line = mark.line + 2 if mark is not None else 1
        problem = "; ".join(part for part in (exc.context, exc.problem) if part) or "syntax error"
        raise PressworkError(f"front matter is not valid YAML: {problem}", Pos(path, line)) from None
    except yaml.YAMLError as exc:
        raise PressworkError(f"front matter is not valid YAML: {exc}", Pos(path, 1)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise PressworkError(f"front matter must be a mapping of keys to values, not a {kind}", Pos(path, 1))
    return {str(k): _plain(v) for k, v in data.items()}


def _plain(value: Any) -> Any:
    """Turn any date/datetime that slipped through (explicit ``!!timestamp``) into an ISO string."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
