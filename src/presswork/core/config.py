"""Project configuration: presswork.toml or [tool.presswork] in pyproject.toml, typed and validated."""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from presswork.core import files
from presswork.core.diagnostics import PressworkError, UsageError
from presswork.core.tree import Pos
from presswork.core.values import LanguageTag, Range, WebAddress, control_character_problem

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

DEFAULT_FORMATS = ("pdf", "epub", "pptx")


@dataclass(frozen=True)
class Config:
    """A project's settings. Every field is a configuration key with its default;
    docs/configuration.md lists them all (tests/test_docs.py checks it).

    Metadata keys left empty are taken from the first chapter's front matter.
    """

    # --- book metadata (explicit configuration wins over front matter)
    title: str = ""  #: Book title; "" = front matter ``title``, else the first heading.
    subtitle: str = ""  #: Subtitle shown on covers and title pages.
    authors: tuple[str, ...] = ()  #: Author names ("Name" or "Name (edt)" for another MARC role).
    language: Annotated[str, LanguageTag()] = ""  #: BCP 47 language tag; "" = front matter ``lang``, else "en".
    identifier: str = ""  #: ISBN ("isbn:978..."), URN or URL; "" = stable UUID5 from title and authors.
    publisher: str = ""  #: Publisher name.
    rights: str = ""  #: Copyright / licence line.
    date: str = ""  #: Publication date (ISO 8601 or "04 Mar 2025"); "" = front matter ``publishDate``/``date``.
    modified: str = ""  #: Last-updated date; "" = front matter ``updatedDate``.
    description: str = ""  #: Blurb; "" = front matter ``description``.
    subjects: tuple[str, ...] = ()  #: Subjects/keywords; () = front matter ``tags``.
    cover: str = ""  #: Cover image (project-relative); "" = generate one from the theme.

    # --- structure
    content: str = "."  #: Folder of the chapter files, relative to the project.
    chapters: tuple[str, ...] = ()  #: Chapter files in reading order; () = all *.md in natural order.
    drafts: bool = False  #: Include files whose front matter says ``draft: true``.
    number_sections: bool = False  #: Number chapters and sections ("2.3 Title").
    number_figures: bool = True  #: Label figures and captioned tables ("Figure 2.1").
    toc_depth: Annotated[int, Range(1, 6)] = 2  #: Heading depth of the contents (1 = chapters only).
    site_url: Annotated[str, WebAddress()] = (
        ""  #: Address of the book's web site; a link to a site page not in the book points there.
    )
    profile: str = ""  #: Edition built (``--profile``): shows ``only-profile-NAME`` divs, uses ``[profiles.NAME]``.
    variables: dict[str, str] = field(default_factory=dict)  #: ``[variables]``: values for ``{{ name }}`` in the text.
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)  #: ``[profiles.NAME]``: ``chapters`` per edition.
    bibliography: str = ""  #: BibTeX (.bib) or CSL-JSON (.json) file of the works cited (``[@key]``); "" = none.
    csl: str = "apa"  #: Citation style: a CSL style name ("apa", "ieee", ...) or a project .csl file.
    markdown: str = "gfm"  #: Markdown reader (plug-in): "gfm" (CommonMark + GitHub), "python-markdown" (MkDocs) or "myst" (Jupyter Book).
    glossary: str = (
        ""  #: Glossary file (definition lists), in the content folder; "" = ``glossary.md`` if there is one.
    )
    glossary_first: str = "none"  #: First use of a glossary term per chapter: "none" or "mark" (small capitals).
    index_title: str = ""  #: Title of the index chapter; "" = "Index" in the book's language.

    # --- output
    theme: str = "default"  #: Built-in theme name or a path to a theme folder.
    formats: tuple[str, ...] = DEFAULT_FORMATS  #: Formats built by default.
    output_name: str = ""  #: Output file stem; "" = a slug of the title.
    out: str = "output"  #: Output folder, relative to the project.

    # --- safety and limits
    allow_remote: bool = False  #: Allow fetching http(s) images and stylesheets.
    remote_hosts: tuple[str, ...] = ()  #: With allow_remote: hosts allowed (() = any).
    remote_timeout: Annotated[float, Range(0.1, 600)] = (
        10.0  #: Seconds a remote fetch may take in all (connecting, redirects, reading).
    )
    remote_max_bytes: Annotated[int, Range(1, 1_000_000_000)] = 20_000_000  #: Largest remote resource accepted.
    max_image_pixels: Annotated[int, Range(1, 1_000_000_000)] = 50_000_000  #: Largest image (width x height) accepted.
    max_nesting: Annotated[int, Range(1, 500)] = 40  #: Deepest nesting of lists and quotes accepted.
    max_file_bytes: Annotated[int, Range(1, 1_000_000_000)] = 10_000_000  #: Largest Markdown file accepted.

    # --- per-format options: [tool.presswork.pdf], [.epub], [.pptx] (validated by each exporter)
    format_options: dict[str, dict[str, Any]] = field(default_factory=dict)

    # --- where it came from (not configuration keys)
    root: Path = Path(".")
    config_file: Path | None = None


_INTERNAL = {"format_options", "root", "config_file", "variables", "profiles"}

_D = TypeVar("_D", bound="DataclassInstance")


def suggest(name: str, choices: typing.Iterable[str]) -> str:
    """A " (did you mean 'x'?)" hint for a mistyped name, or ""."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


#: Where a key of a table stands: its file and line (``Pos(file)`` when the line is not known).
Locate = typing.Callable[[str], Pos]


def _coerce(value: Any, hint: Any, key: str, where: Pos) -> Any:
    """Check and convert a TOML value to the declared field type (and its ``Annotated`` checks)."""
    origin = typing.get_origin(hint)
    if origin is Annotated:
        base, *checks = typing.get_args(hint)
        value = _coerce(value, base, key, where)
        for check in checks:
            if problem := check.problem(value):
                raise PressworkError(f"key {key!r} {problem}", where)
        return value
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            if problem := control_character_problem(value):
                raise PressworkError(f"key {key!r} {problem}", where)
            return value
    elif origin is tuple:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            for item in value:
                if problem := control_character_problem(item):
                    raise PressworkError(f"key {key!r} {problem}", where)
            return tuple(value)
        raise PressworkError(f"key {key!r} must be a list of strings", where)
    elif origin in (typing.Literal,):
        if value in typing.get_args(hint):
            return value
        raise PressworkError(
            f"key {key!r} must be one of {', '.join(map(repr, typing.get_args(hint)))}, not {value!r}", where
        )
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            try:
                return _coerce(value, arg, key, where)
            except PressworkError:
                continue
    else:
        return value
    name = getattr(hint, "__name__", str(hint))
    raise PressworkError(f"key {key!r} must be a {name}, not {type(value).__name__} {value!r}", where)


def fill_dataclass(
    cls: type[_D], table: dict[str, Any], where: Pos, section: str = "", locate: Locate | None = None
) -> _D:
    """Build dataclass ``cls`` from a TOML table, rejecting unknown keys with a suggestion and values
    out of their declared range; ``locate`` gives the line of a key (else errors name ``where``)."""
    hints = typing.get_type_hints(cls, include_extras=True)
    known = [f.name for f in dataclasses.fields(cls) if f.name not in _INTERNAL]
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        at = locate(key) if locate else where
        if name not in known:
            prefix = f"[{section}] " if section else ""
            raise UsageError(
                f"unknown configuration key {prefix}{key!r}{suggest(name, known)}; valid keys: {', '.join(known)}",
                at,
            )
        values[name] = _coerce(value, hints[name], f"{section}.{key}" if section else key, at)
    return cls(**values)


def format_options(config: Config, name: str, cls: type[_D]) -> _D:
    """The options of format ``name`` (its ``[name]`` table) as dataclass ``cls``, validated: an
    unknown key or a value out of range is an error naming the file and line of the key."""
    where = Pos(config.config_file.name if config.config_file else "presswork.toml")
    return fill_dataclass(
        cls, config.format_options.get(name, {}), where, section=name, locate=_locator(config.config_file, (name,))
    )


def _locator(file: Path | None, table: tuple[str, ...] = ()) -> Locate:
    """A :data:`Locate` for keys of ``table`` in the configuration ``file`` (its own table in a pyproject.toml)."""
    where = Pos(file.name if file else "presswork.toml")
    if file is None:
        return lambda key: where
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return lambda key: where
    base = ("tool", "presswork") if file.name == "pyproject.toml" else ()
    return lambda key: Pos(where.file, key_line(text, (*base, *table), key))


_HEADER = re.compile(r"^\[\[?\s*([^\]]+?)\s*\]\]?")
_ASSIGN = re.compile(r"""^((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")


def key_line(text: str, table: tuple[str, ...], key: str) -> int:
    """The line of TOML ``text`` that sets ``key`` of ``table`` (a path of table names), 0 if not found."""
    header: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if found := _HEADER.match(stripped):
            header = _dotted(found.group(1))
        elif found := _ASSIGN.match(stripped):
            if (*header, *_dotted(found.group(1))) == (*table, key):
                return number
    return 0


def _dotted(path: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in re.findall(r"""("[^"]*"|'[^']*'|[^.]+)""", path))


def find_config(root: Path) -> tuple[Path | None, dict[str, Any]]:
    """Locate and parse the configuration table of the folder ``root`` itself: presswork.toml
    first, then pyproject.toml if it has a ``[tool.presswork]`` table."""
    for name, path_in in (("presswork.toml", ()), ("pyproject.toml", ("tool", "presswork"))):
        file = root / name
        if not file.is_file():
            continue
        try:
            text = files.read_text(file, [files.real_root(root)], file.name, Pos(file.name))
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"at line (\d+)(?:, column (\d+))?", str(exc))
            line = int(found.group(1)) if found else text.count("\n") + 1
            column = int(found.group(2)) if found and found.group(2) else 0
            message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
            raise PressworkError(f"invalid TOML: {message}", Pos(file.name, line), column) from exc
        except (UnicodeDecodeError, OSError) as exc:
            raise PressworkError(f"cannot read configuration: {exc}", Pos(file.name)) from exc
        for part in path_in:
            data = data.get(part, {}) if isinstance(data, dict) else {}
        if data or name == "presswork.toml":
            return file, data
    return None, {}


def discover_config(start: Path) -> tuple[Path | None, dict[str, Any]]:
    """Find the project of the folder ``start`` as git and ruff find theirs: the nearest folder
    at or above it with a presswork.toml, or a pyproject.toml with ``[tool.presswork]``.

    Returns the project file (None when there is none up to the file system root) and its table.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        file, table = find_config(folder)
        if file is not None:
            return file, table
    return None, {}


def load_config(
    root: Path, format_names: typing.Iterable[str] = DEFAULT_FORMATS, overrides: dict[str, Any] | None = None
) -> Config:
    """Read the configuration of the project at ``root`` (that folder's own files only).

    ``format_names`` are the installed exporters; their tables are kept raw in
    ``format_options`` and validated when the exporter runs. ``overrides`` are
    command-line values that win over the file.
    """
    file, table = find_config(root)
    return make_config(root, file, table, format_names, overrides)


def make_config(
    root: Path,
    file: Path | None,
    table: dict[str, Any],
    format_names: typing.Iterable[str] = DEFAULT_FORMATS,
    overrides: dict[str, Any] | None = None,
    defaults: dict[str, Any] | None = None,
    defaults_file: str = "",
) -> Config:
    """Validate the configuration ``table`` read from ``file`` (None: no project file) of the project at ``root``.

    ``defaults`` are settings from another tool's project file (book.toml, mkdocs.yml...; named
    ``defaults_file`` in errors): the table overrides them, and ``overrides`` (the command line)
    override both. Every value is checked here, numbers against their range, so that a bad value
    is refused before anything is read.
    """
    format_names = list(format_names)
    where = Pos(file.name if file else "presswork.toml")
    defaults = {k: list(v) if isinstance(v, tuple) else v for k, v in (defaults or {}).items()}
    if defaults:  # checked on their own, so that an error names the file they came from
        fill_dataclass(Config, {k: v for k, v in defaults.items() if k not in table}, Pos(defaults_file or where.file))
    table = {**defaults, **table}
    variables = _variables(table.pop("variables", {}), where)
    profiles = _profiles(table.pop("profiles", {}), where)
    format_tables: dict[str, dict[str, Any]] = {}
    for name in list(table):
        if isinstance(table[name], dict):
            if name not in format_names:
                raise UsageError(
                    f"unknown format section [{name}]{suggest(name, format_names)}; installed formats: "
                    f"{', '.join(sorted(format_names))}",
                    where,
                )
            format_tables[name] = table.pop(name)
    config = fill_dataclass(Config, table, where, locate=_locator(file))
    config = dataclasses.replace(
        config,
        root=root,
        config_file=file,
        format_options=format_tables,
        variables=variables,
        profiles=profiles,
        **(overrides or {}),
    )
    if config.profile and config.profile not in config.profiles and config.profiles:
        raise UsageError(
            f"unknown profile {config.profile!r}{suggest(config.profile, config.profiles)}; profiles: "
            f"{', '.join(config.profiles)}",
            where,
        )
    return config


def _variables(value: Any, where: Pos) -> dict[str, str]:
    """``[variables]``: names to text (numbers and booleans written as text)."""
    if not isinstance(value, dict):
        raise PressworkError("[variables] must be a table of names and values", where)
    out: dict[str, str] = {}
    for name, item in value.items():
        if isinstance(item, bool):
            out[name] = "true" if item else "false"
        elif isinstance(item, (str, int, float)):
            out[name] = str(item)
        else:
            raise PressworkError(f"variable {name!r} must be text or a number, not {type(item).__name__}", where)
    return out


def _profiles(value: Any, where: Pos) -> dict[str, dict[str, Any]]:
    """``[profiles.NAME]``: per edition, ``chapters`` (a list of files) replacing the book's."""
    if not isinstance(value, dict):
        raise PressworkError("[profiles] must hold one table per profile ([profiles.NAME])", where)
    out: dict[str, dict[str, Any]] = {}
    for name, table in value.items():
        if not isinstance(table, dict):
            raise PressworkError(f"[profiles.{name}] must be a table", where)
        for key, item in table.items():
            if key != "chapters":
                raise UsageError(f"unknown key {key!r} in [profiles.{name}]; valid keys: chapters", where)
            if not (isinstance(item, list) and all(isinstance(v, str) for v in item)):
                raise PressworkError(f"[profiles.{name}] chapters must be a list of files", where)
        out[name] = {"chapters": tuple(table.get("chapters", ()))}
    return out
