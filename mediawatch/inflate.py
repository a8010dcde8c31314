"""Bounded decompression: a compressed bomb is stopped after about ``cap`` bytes of output."""

from __future__ import annotations

import zlib

STEP = 256 * 1024  # most bytes one zlib call may produce: a bomb never fully inflates


class InflateLimitError(ValueError):
    """The inflated data would grow past the cap."""


def inflate_into(inflater: zlib._Decompress, chunk: bytes, out: bytearray, cap: int) -> None:
    """Inflate ``chunk`` onto ``out`` in bounded steps; raise InflateLimitError past ``cap``.

    zlib.error (corrupt data) propagates for the caller to word.
    """
    data = chunk
    while data:
        out += inflater.decompress(data, STEP)
        if len(out) > cap:
            raise InflateLimitError(f"inflated data larger than {cap} bytes")
        data = inflater.unconsumed_tail
