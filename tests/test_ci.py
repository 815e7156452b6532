"""The CI script installs every Debian package the project uses, and the README names the same list."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from presswork.exporters.common.fonts import css_font_families
from tests.support import REPO


def ci_packages() -> list[str]:
    """The PACKAGES array of .ci/run, comments left out."""
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    body = re.search(r"^PACKAGES=\((.*?)^\)", script, re.S | re.M)
    assert body, ".ci/run has no PACKAGES=( ... ) list"
    return [word for line in body.group(1).splitlines() for word in line.split("#")[0].split()]


def owning_package(path: str) -> str:
    """The Debian package that installed ``path`` (``dpkg -S``), without its architecture."""
    real = str(Path(path).resolve())
    out = subprocess.run(["dpkg", "-S", real], capture_output=True, text=True, check=False).stdout
    if not out:  # merged /usr: dpkg may know the file under /bin or /lib
        out = subprocess.run(
            ["dpkg", "-S", real.removeprefix("/usr")], capture_output=True, text=True, check=False
        ).stdout
    assert out, f"no Debian package owns {path}"
    return out.split(":")[0].split(",")[0].strip()


def with_dependencies(packages: list[str]) -> set[str]:
    """``packages`` and everything they depend on (what ``apt-get install`` of the list brings)."""
    out = subprocess.run(
        [
            "apt-cache",
            "depends",
            "--recurse",
            "--no-recommends",
            "--no-suggests",
            "--no-conflicts",
            "--no-breaks",
            "--no-replaces",
            "--no-enhances",
            *packages,
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {line.split(":")[0] for line in out.splitlines() if line and not line.startswith(" ")} | set(packages)


def test_readme_names_every_package_ci_installs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    install = " ".join(re.findall(r"apt-get install[^\n`]*", readme))
    assert [p for p in ci_packages() if p not in install.split()] == []


pytestmark_dpkg = pytest.mark.skipif(shutil.which("dpkg") is None, reason="not a Debian system")


@pytestmark_dpkg
def test_every_listed_package_is_installed() -> None:
    """In CI this proves .ci/run really installed its list (a package name typo fails here)."""
    missing = [
        p
        for p in ci_packages()
        if subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True, check=False).stdout
        != "install ok installed"
    ]
    assert missing == []


@pytest.mark.slow  # among the slowest of the fast tier: asks apt-cache and fc-match about every package and font
@pytestmark_dpkg
def test_the_theme_fonts_and_test_tools_come_from_listed_packages() -> None:
    """Every font family the themes name that is installed, and every tool the tests run, belongs to a
    package in the list: a font or tool that is here only because someone installed it by hand fails."""
    listed = with_dependencies(ci_packages())
    css = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "themes").rglob("*.css"))
    files = {}
    for family in css_font_families(css):
        found = subprocess.run(
            ["fc-match", "-f", "%{family}|%{file}", family], capture_output=True, text=True, check=False
        ).stdout
        name, _, path = found.partition("|")
        if family.lower() in name.lower().split(","):  # installed under that name (not a substitute)
            files[family] = path
    for tool in ("pdftotext", "pdftoppm", "soffice", "java", "dot", "node"):
        files[tool] = shutil.which(tool) or ""
    assert "Noto Serif" in files and "DejaVu Sans Mono" in files  # the default theme's own fonts are present
    owners = {what: owning_package(path) for what, path in files.items() if path}
    java = owners.pop("java", "")
    assert java.startswith("openjdk-") and "default-jre-headless" in listed
    assert {what: pkg for what, pkg in owners.items() if pkg not in listed} == {}


def test_harfbuzz_subsetter_is_loaded() -> None:
    """With libharfbuzz-subset0 WeasyPrint subsets fonts fast and without fontTools' time stamps."""
    from weasyprint.text.ffi import harfbuzz_subset

    assert harfbuzz_subset is not None, "install Debian's libharfbuzz-subset0"
