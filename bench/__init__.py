"""``make bench``: how close ingest runs to plain parsing, and how queries scale (issue 6)."""
