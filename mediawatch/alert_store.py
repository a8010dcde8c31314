"""Read the daily topic series and record spikes (SQL in ``sql/store/alerts_*.sql``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import duckdb

from mediawatch import lake, staging
from mediawatch.alerts import Spike
from mediawatch.sqlfiles import load_sql
from mediawatch.store import transaction


def bounds(conn: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """First and last UTC day with articles (None, None on an empty store)."""
    first, last = conn.execute(load_sql("store/alerts_bounds")).fetchone()
    return first, last


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def read_series(
    conn: duckdb.DuckDBPyConnection, first: date, last: date
) -> list[tuple[date, str, str, int]]:
    """(day, topic, lang, articles) for every day from ``first`` to ``last`` inclusive."""
    params = {"start_ts": _midnight(first), "end_ts": _midnight(last + timedelta(days=1))}
    return [tuple(row) for row in conn.execute(load_sql("store/alerts_series"), params).fetchall()]


@lake.retrying
def record(conn: duckdb.DuckDBPyConnection, spikes: Sequence[Spike], now: datetime) -> int:
    """Upsert spikes in one transaction; return how many were not recorded before."""
    if not spikes:
        return 0
    staging.stage(conn, "batch_alerts", (dataclasses.asdict(s) for s in spikes))
    with transaction(conn):
        new = int(conn.execute(load_sql("store/alerts_count_new")).fetchone()[0])
        conn.execute(load_sql("store/alerts_record"), {"now": now})
    return new
