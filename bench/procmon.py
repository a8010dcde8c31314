"""Resident memory of a process tree, sampled from /proc (no psutil needed)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def tree_rss(root: int, exclude: str = "prefect.server") -> int:
    """Bytes resident in ``root`` and its descendants, except those whose command line
    contains ``exclude`` (the Prefect API server: a separate, long-lived service)."""
    tree = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        if exclude and exclude in _cmdline(pid):
            continue
        total += _rss(pid)
        stack.extend(tree.get(pid, ()))
    return total


class Sampler:
    """Samples ``tree_rss(pid)`` every ``interval`` seconds in a thread; keeps (time, bytes)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), tree_rss(self.pid)))
            self._stop.wait(self.interval)

    def peak(self, start: float, end: float) -> int:
        """The largest sample taken between the wall-clock times ``start`` and ``end``."""
        return max((b for t, b in self.samples if start <= t <= end), default=0)
