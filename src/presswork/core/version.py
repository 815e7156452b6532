"""The version of presswork (also in pyproject.toml; tests/test_packaging.py checks that the two agree)."""

__version__ = "0.1.0"
