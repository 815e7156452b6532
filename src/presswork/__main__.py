"""``python -m presswork``: the command line."""

import sys

from presswork.cli import main

sys.exit(main())
