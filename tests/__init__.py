"""Tests of presswork; the folders mirror src/presswork (end-to-end tests live in e2e/)."""
