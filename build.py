"""Build the sample book in content/ into output/ (the same as ``presswork build .``)."""

import sys
from pathlib import Path

from presswork.commands.cli import console

if __name__ == "__main__":
    console(["build", str(Path(__file__).resolve().parent), *sys.argv[1:]])
