"""What the formats share, written once: (X)HTML rendering for print and EPUB, contents, visibility
of hidden content, fonts, code highlighting, math, and reproducible zip packages."""
