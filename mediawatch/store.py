"""DuckDB storage: connect (with lock retry), migrate, and the one writer of a run.

Concurrency rule: DuckDB lets one process hold a file read-write and then refuses every other
process, read-only included. So the writer opens the file only for one short transaction per
batch and closes it, and every connection (reader or writer) retries on the lock error with a
short back-off for a bounded time. See docs/reliability.md for the measured waits.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from mediawatch import lake, staging
from mediawatch.models import Feed, FeedState
from mediawatch.sqlfiles import load_sql, migration_files, view_files

SCHEMA_BASE_VERSION = 1
RETRY_MAX_DELAY_S = 0.05  # longest sleep between two attempts to take the file lock


class StoreError(RuntimeError):
    """The database cannot be used (locked for too long, corrupt, not a DuckDB file)."""


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "lock" in text.lower() and ("Conflicting" in text or "Could not set lock" in text)


def connect(
    path: str | Path, *, read_only: bool = False, wait_s: float = 30.0
) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, retrying while another process holds its lock.

    ``path`` may also be a DuckLake spec (``ducklake:...``, see mediawatch.lake): no file lock
    there, several processes read and write at once.
    Raises StoreError with a one-line reason when the lock is not released within ``wait_s``
    or the file is not a usable DuckDB database.
    """
    if lake.is_lake(path):
        try:
            return lake.connect(str(path), read_only=read_only)
        except lake.LakeError as exc:
            raise StoreError(str(exc)) from exc
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(f"database {path} does not exist yet: run `mediawatch demo` or `ingest`")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    delay = 0.01
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise StoreError(f"cannot open database {path}: {exc}") from exc
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"database {path} stayed locked by another process for {wait_s:.0f} s"
                ) from exc
        except duckdb.Error as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        time.sleep(delay * (0.5 + random.random()))
        # Short polls: a busy writer frees the file only for milliseconds between batches, and
        # a 0.25 s back-off starved readers for 5-6 s (tests/test_concurrent_reads.py).
        delay = min(delay * 2, RETRY_MAX_DELAY_S)


def reader(path: str | Path, *, wait_s: float = 30.0) -> duckdb.DuckDBPyConnection:
    """A short-lived read-only connection (use it in ``with``, which closes it): close it
    quickly so the writer can get the lock."""
    return connect(path, read_only=True, wait_s=wait_s)


def writer(path: str | Path, *, wait_s: float = 30.0) -> duckdb.DuckDBPyConnection:
    """A short-lived read-write connection for one batch of writes (use it in ``with``)."""
    return connect(path, read_only=False, wait_s=wait_s)


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction: all of it lands or none of it does."""
    conn.begin()
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The highest schema version applied to this database."""
    return int(conn.execute(load_sql("store/schema_version")).fetchone()[0])


def latest_version() -> int:
    """The schema version this code writes."""
    return max([SCHEMA_BASE_VERSION, *(n for n, _ in migration_files())])


@lake.retrying
def migrate(conn: duckdb.DuckDBPyConnection) -> int:
    """Create or upgrade the schema in place, then (re)create the views. Idempotent."""
    ddl = lake.adapt_ddl if lake.is_lake_connection(conn) else str
    with transaction(conn):
        conn.execute(ddl(load_sql("schema")))
        conn.execute(load_sql("store/record_version"), {"version": SCHEMA_BASE_VERSION})
        # every migration not recorded yet (not just those above the highest): a database
        # that got 005 before 004 existed still gets 004
        applied = {row[0] for row in conn.execute(load_sql("store/applied_versions")).fetchall()}
        for number, path in migration_files():
            if number not in applied:
                conn.execute(ddl(path.read_text(encoding="utf-8")))
                conn.execute(load_sql("store/record_version"), {"version": number})
        for path in view_files():
            conn.execute(path.read_text(encoding="utf-8"))
    return schema_version(conn)


def needs_migration(conn: duckdb.DuckDBPyConnection) -> bool:
    """True when the schema is missing or older than this code."""
    try:
        return schema_version(conn) < latest_version()
    except duckdb.CatalogException:
        return True


@lake.retrying
def sync_feeds(conn: duckdb.DuckDBPyConnection, feeds: Sequence[Feed]) -> None:
    """Add unknown feeds and refresh descriptive columns of known ones."""
    staging.stage(
        conn,
        "incoming_feeds",
        (
            {"feed_url": f.url, "outlet": f.outlet, "lang": f.lang, "country": f.country,
             "kind": f.kind, "poll_minutes": f.poll_minutes}
            for f in feeds
        ),
    )
    with transaction(conn):
        conn.execute(load_sql("store/sync_feeds"))


def load_states(conn: duckdb.DuckDBPyConnection) -> dict[str, FeedState]:
    """Validators and schedule state of every known feed, by feed URL."""
    states: dict[str, FeedState] = {}
    for row in conn.execute(load_sql("store/feed_states")).fetchall():
        url, etag, last_modified, next_at, retry_until, failures, weight, redirected = row
        states[url] = FeedState(
            feed_url=url,
            etag=etag,
            last_modified=last_modified,
            next_fetch_at=next_at,
            retry_after_until=retry_until,
            consecutive_failures=failures,
            failure_weight=weight,
            redirected_to=redirected,
        )
    return states


@lake.retrying
def set_meta(conn: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    conn.execute(load_sql("store/set_meta"), {"key": key, "value": value})


def get_meta(conn: duckdb.DuckDBPyConnection, key: str) -> str | None:
    try:
        row = conn.execute(load_sql("store/get_meta"), {"key": key}).fetchone()
    except duckdb.CatalogException:
        return None
    return None if row is None else row[0]


@lake.retrying
def start_run(conn: duckdb.DuckDBPyConnection, run_id: str, kind: str, at: datetime) -> None:
    conn.execute(load_sql("store/start_run"), {"run_id": run_id, "kind": kind, "started_at": at})


@lake.retrying
def finish_run(conn: duckdb.DuckDBPyConnection, run_id: str, **counts: Any) -> None:
    params = {"run_id": run_id, **counts}
    conn.execute(load_sql("store/finish_run"), params)
