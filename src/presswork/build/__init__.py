"""The build: the pipeline from a project to its outputs, staged and written side by side."""
