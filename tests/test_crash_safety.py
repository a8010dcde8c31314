"""Issue 5, crash safety: SIGKILL an ingest in the middle of writing a batch; the database opens,
holds only whole batches, and the next run stores the rest with no duplicates.

The child (``tests/ingest_child.py ingest``) runs the real write path: HTTP fetch of feeds served
on 127.0.0.1 (with Last-Modified, so validators are stored), ``pipeline.process_fetch``, and one
``store.writer`` + ``writes.write_outcomes`` transaction per batch of feeds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_server import Item, rss, write_feeds_csv

from mediawatch import store
from mediawatch.sample_server import serve_directory

pytestmark = pytest.mark.slow

CHILD = Path(__file__).resolve().parent / "ingest_child.py"
FEEDS = 12
OWN_ITEMS = 120  # stories only this feed carries
WIRE_ITEMS = 30  # the same wire stories in every feed: de-duplicated across feeds
BATCH = 3  # feeds per transaction -> 4 batches
EXPECTED_DISTINCT = FEEDS * OWN_ITEMS + WIRE_ITEMS


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "site"
    folder.mkdir()
    for k in range(FEEDS):
        items = [Item(title=f"Feed {k} story {i} on the peace talks",
                      link=f"https://f{k}.example.org/news/{i}", guid=f"f{k}-{i}",
                      summary="Negotiators met again." * 5) for i in range(OWN_ITEMS)]
        items += [Item(title=f"Wire story {i}: ceasefire monitors deployed",
                       link=f"https://wire.example.org/{i}", guid=f"wire-{i}")
                  for i in range(WIRE_ITEMS)]
        (folder / f"feed{k:02d}.xml").write_text(rss(items, title=f"Feed {k}"), encoding="utf-8")
    with serve_directory(folder) as base:
        rows = [(f"Outlet {k:02d}", f"{base}/feed{k:02d}.xml", "en") for k in range(FEEDS)]
        yield write_feeds_csv(tmp_path / "feeds.csv", rows)


def _child(feeds: Path, db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), "ingest", str(feeds), str(db), "--batch", str(BATCH), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _wait_for(proc: subprocess.Popen[str], marker: str, timeout_s: float = 90) -> list[str]:
    """Read the child's stdout until a line starts with ``marker``; return the lines read."""
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"child ended before {marker!r}: {lines} {proc.stderr.read()}")
        lines.append(line.strip())
        if line.startswith(marker):
            return lines
    raise AssertionError(f"no {marker!r} within {timeout_s} s: {lines}")


def _kill(proc: subprocess.Popen[str]) -> int:
    os.kill(proc.pid, signal.SIGKILL)
    code = proc.wait(timeout=30)
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()
    return code


def _only_whole_batches(db: Path, run_id: str) -> int:
    """Assert the killed run left whole batches; return how many feeds it stored."""
    with store.reader(db, wait_s=10) as conn:
        logged = dict(conn.execute(
            "select feed_url, items_new from fetch_log where run_id = $r", {"r": run_id}
        ).fetchall())
        stored = dict(conn.execute(
            "select feed_url, count(*) from articles_raw where run_id = $r group by 1",
            {"r": run_id}).fetchall())
        orphans = conn.execute(
            "select count(*) from article_topics_raw t anti join articles_raw a using (article_id)"
        ).fetchone()[0]
        states = dict(conn.execute("select feed_url, last_status from feeds").fetchall())
        validators = dict(conn.execute("select feed_url, last_modified from feeds").fetchall())
    assert len(logged) % BATCH == 0  # whole batches
    assert set(stored) <= set(logged)  # no article without its feed's fetch_log row
    assert all(stored.get(url, 0) == n for url, n in logged.items())  # and all of them
    assert orphans == 0
    for url, status in states.items():  # state and validators landed with the articles only
        assert (status == "ok") == (url in logged), url
        assert (validators[url] is not None) == (url in logged), url
    return len(logged)


@pytest.mark.parametrize("when", ["inside-transaction", "after-first-commit"])
def test_sigkill_mid_write_loses_nothing_and_duplicates_nothing(
    site: Path, tmp_path: Path, when: str
) -> None:
    db = tmp_path / "crash.duckdb"
    if when == "inside-transaction":
        # batch 3 stops after inserting its articles and tags, before its fetch_log rows
        proc = _child(site, db, "--stall-in-batch", "3")
        lines = _wait_for(proc, "IN-TRANSACTION")
        assert "BATCH 2 COMMITTED" in lines
    else:
        # no hook: kill as soon as the first batch is visible, wherever the child then is
        proc = _child(site, db)
        lines = _wait_for(proc, "BATCH 1 COMMITTED")
    run_id = next(line.split()[1] for line in lines if line.startswith("RUN "))
    code = _kill(proc)

    kept = _only_whole_batches(db, run_id)
    if when == "inside-transaction":
        assert code == -signal.SIGKILL and kept == 2 * BATCH
    else:  # killed wherever it was, possibly mid-transaction; rarely it had already finished
        assert code in (-signal.SIGKILL, 0) and kept >= BATCH

    rerun = _child(site, db)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert out.rstrip().endswith("DONE")
    with store.reader(db, wait_s=10) as conn:
        total, ids, urls = conn.execute(
            "select count(*), count(distinct article_id), count(distinct canonical_url) "
            "from articles").fetchone()
        statuses = conn.execute(
            "select last_status, count(*) from feeds group by 1 order by 1").fetchall()
    assert total == ids == urls == EXPECTED_DISTINCT
    # the feeds stored before the kill answer 304 (their validators were committed with their
    # articles); the others are fetched and stored in full now
    assert dict(statuses) == {"not_modified": kept, "ok": FEEDS - kept}
