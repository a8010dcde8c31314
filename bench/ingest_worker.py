"""A long-lived process running the real ``ingest`` flow on command (``-m bench.ingest_worker``).

The temporary Prefect API starts once, in the warm-up run, and is timed apart: that is the
one-time start the issue excludes. Each line on stdin is a JSON run ``{"feeds", "db",
"copy_from"?}``; the answer is one JSON line on stdout with the wall time of the flow call
alone (a DB copy happens before the clock starts). EOF on stdin ends the process.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path


def _fresh(db: Path, copy_from: str | None) -> None:
    for path in (db, db.with_name(db.name + ".wal")):
        path.unlink(missing_ok=True)
    if copy_from:
        shutil.copyfile(copy_from, db)
        wal = Path(copy_from + ".wal")
        if wal.exists():
            shutil.copyfile(wal, db.with_name(db.name + ".wal"))


def main() -> int:
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from mediawatch.config import apply_prefect_environment, load_settings

    apply_prefect_environment(load_settings())
    from flows.ingest import ingest

    out = sys.stdout
    for line in sys.stdin:
        spec = json.loads(line)
        db = Path(spec["db"])
        if not spec.get("keep"):
            _fresh(db, spec.get("copy_from"))
        start = time.time()
        wall = time.perf_counter()
        summary = ingest(feeds_file=spec["feeds"], db=str(db))
        seconds = time.perf_counter() - wall
        out.write(
            json.dumps({"start": start, "end": time.time(), "seconds": seconds, "summary": summary})
            + "\n"
        )
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
