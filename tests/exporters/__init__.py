"""Tests of the exporters: base, common/, and one folder per format."""
