"""glibc malloc settings for the long-running ingest process (a no-op elsewhere).

The flow process allocates from many threads (Prefect's engine and task runner, fetch threads,
DuckDB's), and glibc gives each busy thread its own arena (up to 8 per core), each keeping
freed memory for itself. Two arenas cut the 100 k-item benchmark's peak by ~25 MB with no
measurable time cost (docs/performance.md, session 3). A fixed 128 KiB mmap threshold was tried
too: no further saving, and the runs into a 1 M-article database got slower (DuckDB's 256 KiB
blocks then cost a fresh mapping each). ``MALLOC_ARENA_MAX`` in the environment wins.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_ARENA_MAX = -8  # mallopt parameter, from glibc's malloc.h
ARENAS = 2


def tune_allocator() -> bool:
    """Cap glibc's malloc arenas at ``ARENAS`` unless the environment sets the cap; True when
    applied (False on other C libraries, or when ``MALLOC_ARENA_MAX`` is set)."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        return False
    return bool(mallopt(M_ARENA_MAX, ARENAS))
