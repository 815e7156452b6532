"""The command line: build, watch, check, tree, preview, new, and the report printed after a build."""
