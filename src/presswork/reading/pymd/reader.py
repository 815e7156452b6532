"""The ``python-markdown`` reader: Python-Markdown + pymdown-extensions, for MkDocs sources."""

from __future__ import annotations

from presswork.core.diagnostics import Reporter
from presswork.core.tree import Blocks, Pos
from presswork.reading.blocks import BlockBuilder
from presswork.reading.html import html_root
from presswork.reading.locate import Locator
from presswork.reading.pymd.engine import to_html
from presswork.reading.pymd.preprocess import preprocess


class PyMarkdownReader:
    """Python-Markdown dialect: 4-space list indentation, ``!!!`` admonitions, attribute lists, ``md_in_html``
    (lists nested with 2 or 3 spaces are nested as GitHub does)."""

    name = "python-markdown"

    def read(self, body: str, path: str, reporter: Reporter, max_nesting: int) -> Blocks:
        """The blocks of ``body`` (front matter already blanked, so lines are the file's lines)."""

        def warn(message: str, line: int) -> None:
            reporter.warn(message, Pos(path, line), "markdown")

        html = to_html(preprocess(body, path, max_nesting, warn))
        root = html_root(html)
        builder = BlockBuilder(
            path, reporter, Locator(body.split("\n")), max_depth=4 * max_nesting + 64, max_nesting=max_nesting
        )
        return builder.document(root)
