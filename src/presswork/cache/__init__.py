"""Caches for incremental rebuilds: signed, content-addressed values in the project and user cache folders."""
