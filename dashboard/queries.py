"""Dashboard queries: ``(connection, Filters) -> DataFrame``, one per ``sql/dashboard/*.sql``.

Streamlit-free, so tests and the benchmark call them directly. Every user value reaches DuckDB
as a bound parameter: the keyword is matched case-insensitively as an escaped literal
(``regexp_matches(col, regexp_escape($keyword), 'i')``: ``%``, ``_``, quotes and regex syntax
are literal; 2.7x faster than ``contains(lower(col), ...)`` on Cyrillic text), lists with
``list_contains``. ``ALL_QUERIES`` is the registry the benchmark times.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import duckdb
import pandas as pd

from dashboard.filters import Filters
from mediawatch.sqlfiles import load_sql

Conn = duckdb.DuckDBPyConnection
Query = Callable[[Conn, Filters], pd.DataFrame]

ARTICLE_LIMIT = 500  # rows in the Articles table (and its CSV)
STORY_LIMIT = 50
_PARAM = re.compile(r"\$([a-z_]+)")


def _ts(day: date | None, *, plus_days: int = 0) -> datetime | None:
    """Midnight UTC at the start of ``day`` (+ ``plus_days``)."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=plus_days), time(0), tzinfo=UTC)


def params(filters: Filters, **extra: Any) -> dict[str, Any]:
    """All bound parameters a dashboard query may use, derived from the filters."""
    prev = filters.previous()
    values: dict[str, Any] = {
        "start_ts": _ts(filters.start),
        "end_ts": _ts(filters.end, plus_days=1),
        "start_day": filters.start,
        "end_day": filters.end,
        "prev_start_ts": _ts(prev.start) if prev else None,
        "outlets": list(filters.outlets),
        "langs": list(filters.langs),
        "topics": list(filters.topics),
        "keyword": filters.keyword_norm,
        "bucket": filters.granularity,
        "group_by": filters.stack,
        "day": filters.day,
        "topic": filters.topic,
        "limit": ARTICLE_LIMIT,
    }
    values.update(extra)
    return values


def run_sql(conn: Conn, name: str, values: dict[str, Any]) -> pd.DataFrame:
    """Run ``sql/dashboard/<name>.sql`` with the parameters it names (and only those)."""
    sql = load_sql(f"dashboard/{name}")
    used = set(_PARAM.findall(sql))
    result = conn.execute(sql, {k: v for k, v in values.items() if k in used})
    with warnings.catch_warnings():  # duckdb 1.5 .df() on timestamptz trips a pandas 3.1 notice
        warnings.filterwarnings("ignore", message="The inplace keyword", category=Warning)
        return result.df()


def _named(name: str, **extra: Any) -> Query:
    def query(conn: Conn, filters: Filters) -> pd.DataFrame:
        return run_sql(conn, name, params(filters, **extra))

    query.__name__ = name
    query.__doc__ = f"Run sql/dashboard/{name}.sql."
    return query


state = _named("state")
filter_options = _named("filter_options")
kpis = _named("kpis")
volume = _named("volume")
topic_series = _named("topic_series")
cooccurrence = _named("cooccurrence")
lang_topic_share = _named("lang_topic_share")
articles = _named("articles")
articles_count = _named("articles_count")
feed_health = _named("feed_health")
stories_series = _named("stories_series")
stories_list = _named("stories_list", limit=STORY_LIMIT)
alerts = _named("alerts")

ALL_QUERIES: dict[str, Query] = {
    "state": state,
    "filter_options": filter_options,
    "kpis": kpis,
    "volume": volume,
    "topic_series": topic_series,
    "cooccurrence": cooccurrence,
    "lang_topic_share": lang_topic_share,
    "articles": articles,
    "articles_count": articles_count,
    "feed_health": feed_health,
    "stories_series": stories_series,
    "stories_list": stories_list,
    "alerts": alerts,
}

# Queries that need a feature view another issue adds; skipped while it does not exist.
NEEDS: dict[str, tuple[str, ...]] = {
    "stories_series": ("stories", "article_story"),
    "stories_list": ("stories", "article_story"),
    "alerts": ("alerts",),
}

# Filter fields each query ignores: blanked in cache keys so unrelated changes reuse results.
_NARROWING = ("day", "topic")
_IGNORES: dict[str, tuple[str, ...]] = {
    "state": ("*",),
    "filter_options": ("*",),
    "alerts": ("*",),
    "volume": ("measure", *_NARROWING),
    "topic_series": ("measure", "stack", *_NARROWING),
    "kpis": ("measure", "stack", "granularity", *_NARROWING),
    "cooccurrence": ("measure", "stack", "granularity", *_NARROWING),
    "lang_topic_share": ("measure", "stack", "granularity", *_NARROWING),
    "articles": ("measure", "stack", "granularity"),
    "articles_count": ("measure", "stack", "granularity"),
    "feed_health": ("measure", "stack", "granularity", "outlets", "langs", "topics", "keyword",
                    *_NARROWING),
    "stories_series": ("measure", "stack", *_NARROWING),
    "stories_list": ("measure", "stack", "granularity", *_NARROWING),
}


def scope(name: str, filters: Filters) -> Filters:
    """The filters with the fields query ``name`` ignores reset (a tighter cache key)."""
    ignored = _IGNORES.get(name, ())
    if "*" in ignored:
        return Filters()
    default = Filters()
    return replace(filters, **{f: getattr(default, f) for f in ignored})


def optional_views(conn: Conn) -> frozenset[str]:
    """Names of the optional feature views/tables present (stories, article_story, alerts)."""
    return frozenset(run_sql(conn, "optional_views", {})["name"])


def available(conn: Conn) -> dict[str, Query]:
    """The registry minus queries whose feature views do not exist in this database."""
    present = optional_views(conn)
    return {
        name: query
        for name, query in ALL_QUERIES.items()
        if all(view in present for view in NEEDS.get(name, ()))
    }


def run_all(conn: Conn, filters: Filters) -> dict[str, pd.DataFrame]:
    """Run every available dashboard query once with ``filters`` (for tests and benchmarks)."""
    return {name: query(conn, filters) for name, query in available(conn).items()}
