"""Helpers of :mod:`presswork.reader`: front matter, line preprocessing, HTML-to-tree mapping."""
