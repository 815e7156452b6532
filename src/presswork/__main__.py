"""``python -m presswork``: the command line."""

import sys

from presswork.commands.cli import main

sys.exit(main())
