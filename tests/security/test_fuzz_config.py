"""A bounded fuzz pass (Hypothesis) over the configuration and the front matter: every key of the
config and of each ``[format]`` table, with values of the right type (extremes, control characters,
any text) and of the wrong one, and front matter of any shape. A build may succeed or fail with a
message (exit 1 or 2), never with a traceback, an "internal error" or "this is a bug".

Each example builds the site in-process (about 40 ms); one in twelve also builds the EPUB and the deck.
The whole pass takes about a minute (marked slow).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import math
import os
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presswork.commands.cli import main
from presswork.core.config import Config
from presswork.exporters.registry import discover_exporters
from tests.support.cli import problem_lines

pytestmark = pytest.mark.slow

#: Examples per test: bounded so that the pass takes about a quarter of a minute; raise it for a longer campaign
#: (``PRESSWORK_FUZZ_EXAMPLES=5000 pytest tests/security/test_fuzz_config.py``).
EXAMPLES = int(os.environ.get("PRESSWORK_FUZZ_EXAMPLES", "0")) or None

#: Keys naming files or folders: drawn from values that stay inside the project (where outputs go
#: and what is read outside the project are the file gate's tests, not this one's).
PATHS: dict[str, list[Any]] = {
    "content": [".", "", "missing", "sub", "a\x00b", "ü dir"],
    "out": ["output", ".", "out/sub", "", "o\x01ut"],
    "output_name": ["book", "", "b\x00ok", "with space", "ü"],
    "theme": ["default", "handout", "nope", "", "themes/missing"],
    "cover": ["", "cover.png", "missing.png", "c\x00.png"],
    "bibliography": ["", "refs.bib", "missing.bib"],
    "csl": ["apa", "ieee", "", "nope", "x.csl"],
    "glossary": ["", "glossary.md", "missing.md"],
    "chapters": [[], ["01-one.md"], ["missing.md"], "01-one.md", [1, 2]],
    "template": ["", "missing.pptx", "t\x00.pptx"],
}

TEXT = st.text(max_size=30)
SCALAR: st.SearchStrategy[Any] = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
    TEXT,
)
TOML_VALUE: st.SearchStrategy[Any] = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=3),
    max_leaves=6,
)
INTS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([-1, 0, 1, 2, 6, 7, 40, 500, 501, 10_000, 1_000_000_000, 1_000_000_001]),
)


def _typed(hint: Any) -> st.SearchStrategy[Any]:
    """Values of the declared type of a field (its range ignored: out-of-range values are the point)."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _typed(typing.get_args(hint)[0])
    if hint is bool:
        return st.booleans()
    if hint is int:
        return INTS
    if hint is float:
        return st.one_of(st.floats(), INTS)
    if hint is str:
        return st.one_of(TEXT, st.sampled_from(["en", "pt-BR", "en_US", "x-klingon", "https://example.org/", ""]))
    if origin is tuple:
        return st.one_of(st.lists(TEXT, max_size=3), TEXT)
    if origin is typing.Literal:
        return st.sampled_from(typing.get_args(hint)) | TEXT
    return TOML_VALUE


def table_strategy(cls: type, skip: set[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A table of some of ``cls``'s keys, each with a value of its type or of any other (and now and then an unknown key)."""
    hints = typing.get_type_hints(cls, include_extras=True)
    values: dict[str, st.SearchStrategy[Any]] = {}
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        if f.name in PATHS:
            values[f.name] = st.sampled_from(PATHS[f.name])
        else:
            values[f.name] = st.one_of(_typed(hints[f.name]), _typed(hints[f.name]), TOML_VALUE)
    values["unknown_key"] = TOML_VALUE
    names = sorted(values)
    return st.lists(st.sampled_from(names), unique=True, max_size=6).flatmap(
        lambda keys: st.fixed_dictionaries({k: values[k] for k in keys})
    )


EXPORTERS = discover_exporters()
CONFIG = st.fixed_dictionaries(
    {"top": table_strategy(Config, {"format_options", "root", "config_file", "profiles"})},
    optional={name: table_strategy(cls.Options, set()) for name, cls in sorted(EXPORTERS.items())},
)


def toml_text(config: dict[str, Any]) -> str:
    """The TOML of ``config`` (written here, so that any string, control characters included, is escaped)."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in config["top"].items()]
    for name, table in config.items():
        if name != "top":
            lines.append(f"[{name}]")
            lines += [f"{_key(k)} = {_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else _value(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return '"' + "".join(c if " " <= c <= "~" and c not in '"\\' else f"\\U{ord(c):08X}" for c in value) + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"


CHAPTER = (
    "# One\n\nHello [a link](https://example.org/) and `code`.\n\n- a\n- b\n\n## Two\n\nMore words, "
    "a footnote[^1].\n\n[^1]: The note.\n"
)


def run(root: Path, formats: str) -> tuple[int, str]:
    """``presswork build ROOT --format FORMATS`` in-process: exit status and what went to stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["build", str(root), "--format", formats, "--jobs", "1", "--quiet"])
    return status, err.getvalue()


def assert_handled(status: int, err: str, what: str) -> None:
    assert status in (0, 1, 2), f"exit {status} for {what}"
    for bad in ("Traceback", "internal error", "this is a bug"):
        assert bad not in err, f"{bad!r} for {what}:\n{err[-600:]}"
    if status:
        assert problem_lines(err), f"exit {status} without a message for {what}"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    root.mkdir()
    (root / "01-one.md").write_text(CHAPTER, encoding="utf-8")
    return root


@settings(
    max_examples=EXAMPLES or 60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(config=CONFIG, slow=st.integers(0, 11))
def test_any_configuration_builds_or_fails_with_a_message(book: Path, config: dict[str, Any], slow: int) -> None:
    text = toml_text(config)
    (book / "presswork.toml").write_text(text, encoding="utf-8")
    status, err = run(book, "html,epub,pptx" if slow == 0 else "html")
    assert_handled(status, err, f"presswork.toml:\n{text}")


FRONT_VALUE: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30), st.dates()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
FRONT_KEYS = st.sampled_from(
    ["title", "subtitle", "description", "author", "authors", "lang", "language", "tags", "keywords", "date",
     "publishDate", "updatedDate", "publisher", "rights", "identifier", "isbn", "cover", "draft", "other"]
)  # fmt: skip
#: Hand-written YAML that the structured values cannot produce.
RAW_FRONT = st.sampled_from(
    [
        "title: &a [x, y]\nsubtitle: *a\n",  # (recursive and exploding aliases: the YAML budget's own tests)
        "title: !!python/object/apply:os.system ['true']\n",
        "lang: !!binary AAAA\n",
        'lang: "\\0"\ntitle: "\\ud800"\n',
        "title: [unclosed\n",
        "? [a, b]\n: c\n",
        "date: 2025-13-45\n",
        "authors: {name: {deep: [1, 2]}, role: 7}\n",
        "\ufefftitle: bom\n",
        "title: x\x00y\n",
    ]
)


@settings(
    max_examples=EXAMPLES or 45,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    front=st.one_of(st.dictionaries(FRONT_KEYS, FRONT_VALUE, max_size=6), RAW_FRONT),
    slow=st.integers(0, 11),
)
def test_any_front_matter_builds_or_fails_with_a_message(book: Path, front: dict[str, Any] | str, slow: int) -> None:
    if isinstance(front, str):
        header = front
    else:
        header = yaml.safe_dump(front, allow_unicode=False, default_flow_style=False, sort_keys=False)
    source = f"---\n{header}---\n{CHAPTER}"
    with open(book / "01-one.md", "w", encoding="utf-8", errors="surrogatepass", newline="") as fh:
        fh.write(source)
    (book / "presswork.toml").unlink(missing_ok=True)
    status, err = run(book, "html,epub,pptx" if slow == 0 else "html")
    assert_handled(status, err, f"front matter:\n{header}")
