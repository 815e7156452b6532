"""Shared fixtures: run the CLI in-process, write small books, find the sample and fixture books."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import BOOKS, REPO

__all__ = ["BOOKS", "REPO"]


@dataclass
class CliResult:
    """Exit status and captured output of one presswork command."""

    status: int
    out: str
    err: str


@pytest.fixture
def presswork(capsys: pytest.CaptureFixture[str]):
    """Run ``presswork ARGS...`` in-process and return a CliResult."""
    from presswork.commands.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        status = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(status, captured.out, captured.err)

    return run


@pytest.fixture(scope="session", autouse=True)
def _never_in_the_repository(tmp_path_factory: pytest.TempPathFactory):
    """Module- and session-scoped fixtures, too, run outside the repository (a plain folder
    built without ``out`` must not write into the repository's output/)."""
    saved = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))
    yield
    os.chdir(saved)


@pytest.fixture(autouse=True)
def work_in_tmp_path(tmp_path: Path):
    """Every test runs in its own empty current folder (a plain folder's outputs go to ./output).

    ``os.chdir`` rather than ``monkeypatch.chdir``, so that a test's ``monkeypatch.undo()``
    does not take it back to the repository."""
    saved = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(saved)


@pytest.fixture
def make_book(work_in_tmp_path: Path):
    """Write a book folder from {relative path: text or bytes}, make it the current folder (as an
    author would ``cd`` into it, so a plain folder's ./output is inside it) and return its path."""

    def make(files: dict[str, str | bytes], name: str = "book") -> Path:
        root = work_in_tmp_path / name
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        root.mkdir(parents=True, exist_ok=True)
        os.chdir(root)
        return root

    return make


@pytest.fixture
def features_book(tmp_path: Path) -> Path:
    """A private copy of the feature-rich fixture book (tests/books/features)."""
    dest = tmp_path / "features"
    shutil.copytree(BOOKS / "features", dest, ignore=shutil.ignore_patterns("output"))
    return dest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """In CI (CI=true) a skipped test is a failure: every check must really run there."""
    import os

    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every check must run: {report.longrepr}"


#: Test files that each run for half a minute or more on one worker. With ``--dist loadfile`` a worker takes
#: the next file in collection order, so these start first: left at the end of the order, one of them ran
#: alone on one core while the other had nothing left to do.
LONG_FILES = (
    "tests/test_benchmark_smoke.py",
    "tests/security/test_fuzz_config.py",
    "tests/e2e/test_robustness.py",
    "tests/exporters/pdf/test_batches.py",
    "tests/exporters/pdf/test_furniture.py",
    "tests/exporters/epub/test_epub.py",
    "tests/test_build.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long files first (see :data:`LONG_FILES`); every other test keeps its order."""
    root = Path(str(config.rootpath))

    def rank(item: pytest.Item) -> int:
        rel = Path(str(item.path)).relative_to(root).as_posix() if Path(str(item.path)).is_relative_to(root) else ""
        return LONG_FILES.index(rel) if rel in LONG_FILES else len(LONG_FILES)

    items.sort(key=rank)
