"""``python -m presswork``: the command line."""

from presswork.commands.cli import console

console()
