"""A book project: finding and loading it (its kind, configuration, chapter files), its metadata and theme, the
asset gate through which content reaches files and URLs, and reading its files into source files."""
