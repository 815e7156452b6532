"""What the batch workers' fork server imports before it forks them: WeasyPrint (through the engine) and the batch module.

Importing this module is its purpose: each batch worker then starts with both in memory, forked from
a process that holds nothing of the book.
"""

from __future__ import annotations

from . import batches  # noqa: F401 - imported for the workers
from .engine import import_weasyprint

import_weasyprint()
