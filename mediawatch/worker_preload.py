"""Imported once by the forkserver that forks the parse workers (``pipeline._pool``).

The server loads what every worker needs (feedparser, the tagger, the story matcher and the
~40 MB of morphology dictionaries) before it forks them, so the workers share those pages
instead of each loading a copy. The loaded objects are frozen out of the cycle collector: a
collection in a worker would otherwise write to every one of them and copy the pages.
"""

from __future__ import annotations

import gc

from mediawatch import pipeline  # noqa: F401 - imported for the workers
from mediawatch.tagging import preload_morphology

preload_morphology()
gc.freeze()
