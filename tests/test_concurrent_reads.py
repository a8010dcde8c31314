"""Issue 5, concurrent reads: the dashboard's view queries run in a loop in one process while
another ingests many batches; neither fails, and the worst waits are measured (docs/reliability.md).

DuckDB lets one process hold the file read-write and refuses every other one meanwhile, readers
included; ``store.reader`` / ``store.writer`` retry on that lock error with a short back-off.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mediawatch import store

pytestmark = pytest.mark.slow

CHILD = Path(__file__).resolve().parent / "ingest_child.py"
BATCHES = 40
BATCH_SIZE = 500
MAX_WAIT_S = 15.0  # bounded, half the 30 s give-up of store.connect (measured worst: 2-5 s)


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(CHILD), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ))


def test_dashboard_reads_while_ingest_writes(tmp_path: Path) -> None:
    db = tmp_path / "concurrent.duckdb"
    stop = tmp_path / "stop"
    with store.writer(db) as conn:
        store.migrate(conn)

    reader = _spawn("read", str(db), "--stop", str(stop))
    writer = _spawn("write", str(db), "--batches", str(BATCHES), "--size", str(BATCH_SIZE))
    try:
        w_out, w_err = writer.communicate(timeout=240)
    finally:
        stop.touch()
    r_out, r_err = reader.communicate(timeout=120)

    assert writer.returncode == 0, w_err
    assert reader.returncode == 0, r_err
    wrote, read = json.loads(w_out), json.loads(r_out)
    print(f"\nconcurrent reads: writer {wrote}\nreader {read}")
    assert read["errors"] == 0, read["last_error"]
    assert read["queries"] >= 4 * 5  # the reader really ran alongside, several rounds
    assert read["worst_lock_wait_s"] < MAX_WAIT_S
    assert wrote["worst_lock_wait_s"] < MAX_WAIT_S
    with store.reader(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone() == (BATCHES * BATCH_SIZE,)
        assert conn.execute("select count(*) from fetch_log").fetchone() == (BATCHES,)
