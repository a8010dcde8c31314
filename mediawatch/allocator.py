"""glibc malloc settings for the long-running ingest process (a no-op elsewhere).

Measured on the 100 k-item benchmark (docs/performance.md): the flow process allocates from
many threads (Prefect's engine, fetch threads, DuckDB) and frees many medium-sized buffers
(feed bodies, Arrow and DuckDB vectors). With glibc's defaults each thread gets its own arena,
and buffers above the mmap threshold move into the heap after the first free (the threshold
rises dynamically), where freed space is rarely returned: ~30 MB of the run's peak. Two
arenas and a fixed 128 KiB mmap threshold keep that memory returnable; the time cost was
within noise. ``MALLOC_ARENA_MAX`` / ``MALLOC_MMAP_THRESHOLD_`` in the environment win.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_MMAP_THRESHOLD = -3  # mallopt parameters, from glibc's malloc.h
M_ARENA_MAX = -8
ARENAS = 2
MMAP_THRESHOLD = 128 * 1024


def tune_allocator() -> bool:
    """Apply the settings above unless the environment sets them; True when applied."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        return False
    applied = False
    if "MALLOC_ARENA_MAX" not in os.environ:
        applied |= bool(mallopt(M_ARENA_MAX, ARENAS))
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        applied |= bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    return applied
