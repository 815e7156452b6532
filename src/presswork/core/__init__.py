"""The vocabulary every layer shares: the document tree and its walks, diagnostics, configuration, and the
safety primitives (the file gate, URL and value checks, bounded YAML, worker lifelines)."""
