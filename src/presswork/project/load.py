"""Finding and loading a project: its folder, configuration, book kind and chapter files in reading order."""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from presswork.core import files as files_gate
from presswork.core.config import Config, discover_config, make_config
from presswork.core.diagnostics import PressworkError, UsageError
from presswork.core.tree import Pos
from presswork.project.kinds import BookProject, detect

MARKDOWN_SUFFIXES = (".md", ".markdown")
#: Chapter files a folder of chapters may hold: Markdown, and Jupyter notebooks (read with their stored outputs).
CHAPTER_SUFFIXES = (*MARKDOWN_SUFFIXES, ".ipynb")


@dataclass
class Project:
    """A book to build: its folder, configuration and chapter files in reading order."""

    root: Path  #: The project folder (of the project file; of SOURCE when there is none).
    config: Config
    files: list[Path]
    #: Where outputs go by default: the configured ``out`` of the project, or ``./output``
    #: of the current folder for a plain folder or file (never inside the sources).
    out_dir: Path = Path("output")
    #: A line for the user when SOURCE took its settings from a project file above it, else "".
    note: str = ""
    #: The book project of another tool (mdBook, GitBook/HonKit, MkDocs, Quarto) found at ``root``, if any.
    book: BookProject | None = None
    #: Files included by the chapters in the last read (``presswork watch`` rebuilds when one changes).
    included: list[Path] = field(default_factory=list)
    #: The folder that the default ``out_dir`` must stay inside (links included): the project folder when
    #: ``out`` comes from its settings, else the current folder. ``--out`` is the user's own choice.
    out_base: Path = Path(".")
    #: The stem of SOURCE when it is one chapter file of a larger project (``02`` for ``content/02.md``):
    #: its outputs are named after it, so that they never replace the whole book's ("" = the whole book).
    chapter_only: str = ""
    #: Files of the listed folder that hold the author's text but are not read (MDX): each gets a warning.
    unread: list[Path] = field(default_factory=list)


def _natural_key(path: Path) -> list[Any]:
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", path.name)]


#: Subfolders of a plain folder that hold no chapters: the build's own output, installed packages.
_NOT_CHAPTERS = frozenset({"output", "node_modules", "site-packages"})

#: The file that opens its folder's chapters (a docs set's landing or section page).
_FOLDER_OPENERS = ("index", "readme")


def _may_hold_chapters(folder: Path) -> bool:
    """Whether a subfolder of a plain folder may hold chapters: not the build's output, nor installed
    packages (``node_modules/``, ``site-packages/``, a virtual environment such as ``venv/``)."""
    return folder.name.lower() not in _NOT_CHAPTERS and not (folder / "pyvenv.cfg").is_file()


#: How deep a plain folder's subfolders are searched for chapters.
_DEPTH = 8


#: Files a docs folder may hold that presswork does not read: MDX (Markdown with JSX and ``import`` lines).
UNREAD_SUFFIXES = (".mdx",)


def _markdown_files(folder: Path, depth: int = 0, suffixes: tuple[str, ...] = CHAPTER_SUFFIXES) -> list[Path]:
    """The chapter files of a folder: its Markdown files and notebooks in natural order, and those of its
    subfolders where the subfolder's name falls (a docs set's ``tutorial/``); each folder's ``index.md`` first
    (a subfolder's ``README.md`` too). The top folder's README.md (the repository's), hidden and ``_`` files and
    folders, ``output/`` and installed packages are left out; a folder linked from elsewhere is not followed."""
    found: list[tuple[list[Any], list[Path]]] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        if depth == 0:
            raise
        return []  # a subfolder this user may not read holds no chapters of theirs
    for p in entries:
        if p.name.startswith((".", "_")):
            continue
        if depth < _DEPTH and p.is_dir() and not p.is_symlink() and _may_hold_chapters(p):
            inner = _markdown_files(p, depth + 1, suffixes)
            if inner:
                found.append((_natural_key(p), inner))
        elif p.suffix.lower() in suffixes and p.is_file() and not (depth == 0 and p.name.lower() == "readme.md"):
            opener = p.stem.lower() in _FOLDER_OPENERS
            found.append(([] if opener else _natural_key(p), [p]))
    return [path for _, paths in sorted(found, key=lambda item: item[0]) for path in paths]


def _display(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it, else absolute."""
    with contextlib.suppress(ValueError):
        return path.relative_to(Path.cwd().resolve()).as_posix() or "."
    return str(path)


def load_project(source: Path, overrides: dict[str, Any] | None = None, format_names: Sequence[str] = ()) -> Project:
    """Find the project for SOURCE: a project folder, a folder of Markdown files or one Markdown file.

    The settings come from the nearest project file at or above SOURCE (see
    :func:`~presswork.core.config.discover_config`), so a chapter file or the ``content`` folder
    of a project builds with the project's title, theme, options and output folder.
    """
    source = Path(source)
    files_gate.forget()  # a new build: every folder is resolved again
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    single = source.is_file()
    if single and source.suffix.lower() not in CHAPTER_SUFFIXES:
        raise UsageError(f"{source}: not a Markdown file (expected .md) or a notebook (.ipynb)")
    start = (source.parent if single else source).resolve()
    file, table = discover_config(start)
    root = file.parent if file else start
    book: BookProject | None = None
    if not single:
        # the chapter folder of a book project (mdBook's src/, MkDocs' docs/): the project is above it
        for folder in list(start.parents)[:2]:
            above = detect(folder) if _may_be_book(folder) else None
            if above is not None and above.content == start:
                root, book = folder, above
                break
        else:
            book = detect(start)
            if book is not None:
                root = start
    if book is not None and file is not None and not (file.parent == root):
        file, table = None, {}  # a presswork project further up does not configure this book
    config = make_config(
        root,
        file,
        table,
        format_names or ("pdf", "epub", "pptx"),
        overrides,
        defaults=book.settings if book else None,
        defaults_file=book.file.relative_to(root).as_posix() if book and book.file.is_relative_to(root) else "",
    )
    if book is not None and book.variables:
        config = dataclasses.replace(config, variables={**book.variables, **config.variables})
    out_base = root if file or book else Path.cwd().resolve()
    out_dir = (root / config.out).resolve() if file or book else out_base / "output"
    note = f"using the project settings in {_display(file)}" if file and (single or start != root) else ""
    if book is not None:
        note = "; ".join(filter(None, [note, f"{book.name} book ({_display(book.file)})"]))
    content = (root / config.content).resolve()
    chapter_only = ""
    listed: Path | None = None  # the folder whose files are the chapters, when none are chosen
    if single:
        files = [source.resolve()]
        if file is not None or any(_may_be_book(folder) for folder in (start, *list(start.parents)[:2])):
            chapter_only = source.stem
            files = _with_glossary(files, config, content)
    elif start == root or start == content:
        files = _project_files(root, config, source, book)
        if book is None and not _chosen_chapters(config):
            listed = content
    else:  # another folder inside the project: its own Markdown files, with the project's settings
        files = _markdown_files(start)
        listed = start
        if not files:
            raise PressworkError(f"no Markdown files (*.md) in {_display(start)}{_mdx_hint(start)}", Pos(str(source)))
    real_root = files_gate.real_root(root)
    for path in files:
        if not files_gate.within(files_gate.realpath(path), [real_root]):
            shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
            raise PressworkError(
                "chapter file is a link to a file outside the project folder; a build reads only files inside it",
                Pos(shown),
            )
    if chapter_only:
        note = "; ".join(filter(None, [note, f"one chapter of the book: its outputs are named {chapter_only}.*"]))
    unread = _markdown_files(listed, suffixes=UNREAD_SUFFIXES) if listed is not None else []
    return Project(
        root,
        config,
        files,
        out_dir,
        note,
        book if not single else None,
        out_base=out_base,
        chapter_only=chapter_only,
        unread=unread,
    )


def _may_be_book(folder: Path) -> bool:
    """Whether ``folder`` holds the project file of another tool (cheap test before parsing it)."""
    return any(
        (folder / n).is_file()
        for n in (
            "book.toml",
            "book.json",
            "mkdocs.yml",
            "mkdocs.yaml",
            "_quarto.yml",
            "_quarto.yaml",
            "_toc.yml",
            "_toc.yaml",
            "myst.yml",
            "myst.yaml",
        )
    )


def _project_files(root: Path, config: Config, source: Path, book: BookProject | None = None) -> list[Path]:
    """The chapter files of the project at ``root``: the profile's or the configured ``chapters``,
    else the book project's (SUMMARY.md, nav...), else every Markdown file of the ``content`` folder."""
    content = (root / config.content).resolve()
    where = Pos(config.config_file.name if config.config_file else str(source))
    if not content.is_relative_to(root) or not content.is_dir():
        raise PressworkError(f"content folder {config.content!r} does not exist inside the project", where)
    return _with_glossary(_listed_files(root, config, source, book, content, where), config, content)


def _with_glossary(files: list[Path], config: Config, content: Path) -> list[Path]:
    """``files`` and, at their end, the glossary file the configuration names when they do not list it:
    a file the configuration names is part of the book."""
    if not config.glossary:
        return files
    glossary = (content / config.glossary).resolve()
    if glossary.is_file() and glossary.is_relative_to(content) and glossary not in files:
        return [*files, glossary]
    return files


def _chosen_chapters(config: Config) -> bool:
    """Whether the configuration (or the edition's profile) names the chapters."""
    return bool(config.chapters or (config.profile and config.profiles.get(config.profile, {}).get("chapters")))


def _listed_files(
    root: Path, config: Config, source: Path, book: BookProject | None, content: Path, where: Pos
) -> list[Path]:
    """The chapter files the profile, the configuration, the book project or the content folder lists."""
    chapters = config.chapters
    if config.profile and config.profiles.get(config.profile, {}).get("chapters"):
        chapters = config.profiles[config.profile]["chapters"]
    if not chapters and book is not None:
        if not book.entries:
            raise PressworkError(f"the {book.name} book lists no chapters", Pos(book.file.relative_to(root).as_posix()))
        return [e.path for e in book.entries]
    if chapters:
        files = []
        for name in chapters:
            path = (content / name).resolve()
            if not path.is_relative_to(root):
                raise PressworkError(f"chapter {name!r} is outside the project folder", where)
            if not path.is_file():
                raise PressworkError(f"chapter file {name!r} not found in {config.content!r}", where)
            files.append(path)
        return files
    files = _markdown_files(content)
    if not files:
        raise PressworkError(f"no Markdown files (*.md) in {config.content!r}{_mdx_hint(content)}", where)
    return files


def _mdx_hint(folder: Path) -> str:
    """What to add to "no Markdown files" when the folder holds MDX files, which are not read."""
    mdx = _markdown_files(folder, suffixes=UNREAD_SUFFIXES)
    return f" ({len(mdx)} MDX file(s), such as {mdx[0].name}: MDX is not read)" if mdx else ""
