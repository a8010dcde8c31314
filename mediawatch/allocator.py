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


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def tune_allocator() -> bool:
    """Cap glibc's malloc arenas at ``ARENAS`` unless the environment sets the cap; True when
    applied (False on other C libraries, or when ``MALLOC_ARENA_MAX`` is set)."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:  # not glibc (musl, macOS): nothing to tune
        return False
    return bool(mallopt(M_ARENA_MAX, ARENAS))


def release_free_memory() -> bool:
    """Give the memory glibc holds free back to the system (``malloc_trim``); True if any.

    For a process that lives on after a run (a served or embedding process, the benchmark's
    worker): a run's freed batches otherwise stay mapped, and the next run starts higher.
    """
    trim = getattr(_libc(), "malloc_trim", None)
    return bool(trim(0)) if trim is not None else False
