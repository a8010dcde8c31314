"""Hand rows from Python to DuckDB as a temp table, through a newline-delimited JSON file.

A writer stages each batch (articles, tags, feed states, story links ...) this way, then runs
set-based SQL over the temp tables. ``sql/staging/<table>.sql`` names the temp table and types
its columns; it reads the file with DuckDB's own ``read_json``, so the staged rows never pass
through Arrow. That keeps pyarrow, numpy and pandas (~85 MB, see docs/performance.md) out of
the ingest process. The parse workers encode their articles' rows themselves
(``mediawatch.rows``), so the writer only concatenates them (``stage_lines``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping

import duckdb

from mediawatch.rows import json_lines
from mediawatch.sqlfiles import load_sql


def stage(
    conn: duckdb.DuckDBPyConnection, table: str, rows: Iterable[Mapping[str, object]]
) -> None:
    """Create (or replace) the temp table ``table`` holding ``rows``, typed by its SQL file.

    Each row maps column names to values (str, int, float, bool, None, datetime, date, list,
    tuple, set); a key the SQL file does not name is ignored, a column the row lacks is NULL.
    """
    stage_lines(conn, table, [json_lines(rows)])


def stage_lines(conn: duckdb.DuckDBPyConnection, table: str, chunks: Iterable[str]) -> None:
    """``stage`` for rows already encoded as JSON lines (``mediawatch.rows``), chunk by chunk."""
    sql = load_sql(f"staging/{table}")
    fd, path = tempfile.mkstemp(prefix=f"mediawatch-{table}-", suffix=".ndjson")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.writelines(chunks)
        conn.execute(sql, {"path": path})
    finally:
        os.unlink(path)
