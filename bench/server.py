"""Serve a corpus folder on 127.0.0.1 in a process of its own (``python -m bench.server DIR``).

The file server must not share the GIL with the ingest under test, so the benchmark runs it
here: the first line on stdout is the base URL; the server stops when stdin closes.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mediawatch.sample_server import serve_directory


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """Run ``python -m bench.server folder``; yield its base URL; stop it on exit."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.server", str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().strip()
        if not base.startswith("http://"):
            raise RuntimeError(f"corpus server did not start (got {base!r})")
        yield base
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    with serve_directory(Path(args[0])) as base:
        print(base, flush=True)
        sys.stdin.read()  # until the parent closes our stdin (or exits)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
