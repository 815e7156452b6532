"""What a build wrote, how long each format took, and what it warned about."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Document
from presswork.project.load import Project


@dataclass
class BuildResult:
    """What a build wrote and what it warned about."""

    document: Document
    outputs: dict[str, Path] = field(default_factory=dict)
    reporter: Reporter = field(default_factory=Reporter)
    project: Project | None = None
    #: Seconds each format took to write (``"all"`` when they were written side by side).
    seconds: dict[str, float] = field(default_factory=dict)
    #: Warnings each format added (not known for formats written side by side).
    warning_counts: dict[str, int] = field(default_factory=dict)
