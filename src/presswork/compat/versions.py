"""Checks that an installed library's version lies in the range a compat module was written for."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

from presswork.core.diagnostics import PressworkError

__all__ = ["Range", "installed_version", "parse_version"]


def parse_version(text: str) -> tuple[int, ...]:
    """The numeric release of a version string: ``"70.0"`` -> (70, 0), ``"1.0.2rc1"`` -> (1, 0, 2)."""
    numbers: list[int] = []
    for part in text.split("."):
        match = re.match(r"\d+", part)
        if match is None:
            break
        numbers.append(int(match.group()))
        if match.end() < len(part):  # "2rc1": the release ends here
            break
    return tuple(numbers)


def installed_version(distribution: str) -> str:
    """The version of ``distribution`` installed here ("" when it is not installed)."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return ""


class Range:
    """The versions of one library a compat module was written for: ``minimum <= v < below``."""

    def __init__(self, distribution: str, minimum: str, below: str) -> None:
        self.distribution = distribution
        self.minimum = minimum
        self.below = below

    def __str__(self) -> str:
        return f"{self.distribution}>={self.minimum},<{self.below}"

    def contains(self, found: str) -> bool:
        """Whether version ``found`` lies in the range."""
        release = parse_version(found)
        return bool(release) and parse_version(self.minimum) <= release < parse_version(self.below)

    def require(self, found: str | None = None) -> None:
        """Raise a clear error unless the installed version (or ``found``) lies in the range."""
        found = installed_version(self.distribution) if found is None else found
        if self.contains(found):
            return
        module = self.distribution.replace("-", "_").lower()
        raise PressworkError(
            f"{self.distribution} {found or '(not installed)'} is not supported: presswork reaches into its internals "
            f"and was written for {self} (see presswork/compat/{_MODULES.get(module, module)}.py). "
            f"Install a version in that range, e.g. pip install '{self}'."
        )


#: The compat module of each distribution whose import name differs from its distribution name.
_MODULES = {"python_pptx": "pptx", "markdown_it_py": "markdown_it"}
