"""The only modules that reach a library's private internals (WeasyPrint, python-pptx, markdown-it-py, citeproc-py), each checking the version range it was written for."""
