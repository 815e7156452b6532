"""Tests of presswork (the folders mirror src/presswork)."""
