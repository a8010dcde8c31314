"""Resident memory of a process tree, sampled from /proc (no psutil needed).

RSS summed over processes counts every shared page (the Python binary, shared libraries,
numpy/pyarrow/duckdb code mapped by the flow process and each parse worker) once per process.
The tree's footprint is therefore measured as the sum of PSS (proportional set size, from
/proc/PID/smaps_rollup: a page shared by n processes counts 1/n in each), which adds up to the
memory the tree really holds; the plain RSS sum and the largest single process are kept too.
"""

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


def _pss(pid: int) -> int:
    """Proportional set size in bytes (RSS when smaps_rollup cannot be read)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return _rss(pid)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _tree(root: int, exclude: str) -> list[int]:
    tree = _children()
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        if exclude and exclude in _cmdline(pid):
            continue
        found.append(pid)
        stack.extend(tree.get(pid, ()))
    return found


def tree_rss(root: int, exclude: str = "prefect.server") -> int:
    """Bytes resident in ``root`` and its descendants, except those whose command line
    contains ``exclude`` (the Prefect API server: a separate, long-lived service).
    Shared pages count once per process (see ``tree_memory`` for PSS)."""
    return sum(_rss(pid) for pid in _tree(root, exclude))


def tree_memory(root: int, exclude: str = "prefect.server") -> dict[str, int]:
    """{pss, rss, max_rss} in bytes over ``root`` and its descendants (``exclude`` as above):
    PSS summed (shared pages split between the processes sharing them), RSS summed, and the
    RSS of the largest single process."""
    rss = [(pid, _rss(pid)) for pid in _tree(root, exclude)]
    return {
        "pss": sum(_pss(pid) for pid, _ in rss),
        "rss": sum(r for _, r in rss),
        "max_rss": max((r for _, r in rss), default=0),
    }


class Sampler:
    """Samples ``tree_memory(pid)`` every ``interval`` seconds in a thread; keeps
    (time, PSS bytes) in ``samples`` and (time, {pss, rss, max_rss}) in ``detail``.

    A sample costs ~10-15 ms of CPU (a /proc scan and smaps_rollup of each process): at 50 ms
    the sampler took ~5 s of the two cores during a 30 s ingest run, so it samples 5 times a
    second (memory grows over seconds, not milliseconds).
    """

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int]] = []
        self.detail: list[tuple[float, dict[str, int]]] = []
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
            now, memory = time.time(), tree_memory(self.pid)
            self.detail.append((now, memory))
            self.samples.append((now, memory["pss"]))
            self._stop.wait(self.interval)

    def peak(self, start: float, end: float) -> int:
        """The largest PSS sum sampled between the wall-clock times ``start`` and ``end``."""
        return max((b for t, b in self.samples if start <= t <= end), default=0)

    def peaks(self, start: float, end: float) -> dict[str, int]:
        """The largest of each of {pss, rss, max_rss} sampled between ``start`` and ``end``."""
        window = [m for t, m in self.detail if start <= t <= end]
        return {k: max((m[k] for m in window), default=0) for k in ("pss", "rss", "max_rss")}
