"""p95 latency of every dashboard query (``dashboard.queries``), default filters and a keyword."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import queries
from dashboard.filters import Filters
from mediawatch import store

KEYWORD = "перемир"  # ceasefire (uk/ru stem): matches a few per cent of titles and summaries


def p95(samples: list[float]) -> float:
    """95th percentile, linear between closest ranks (like numpy's default)."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    pos = 0.95 * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def filter_sets(conn: Any) -> dict[str, Filters]:
    """What the page runs: its default range (the last 30 days of data), and with a keyword."""
    state = queries.state(conn, Filters()).iloc[0]
    first, last = (pd.Timestamp(state[k]).date() for k in ("first_day", "last_day"))
    return {
        "default": Filters().with_default_dates(first, last),
        "keyword": Filters(keyword=KEYWORD).with_default_dates(first, last),
    }


def time_queries(db: Path, reps: int) -> dict[str, Any]:
    """Run every available query ``reps`` times per filter set (after one warm-up run each)."""
    out: dict[str, Any] = {}
    with store.reader(db) as conn:
        conn.execute("set enable_progress_bar = false")
        sets = filter_sets(conn)
        registry = queries.available(conn)
        for label, filters in sets.items():
            for name, query in registry.items():
                query(conn, filters)  # warm-up: first touch of the file's pages
                samples = []
                for _ in range(reps):
                    t = time.perf_counter()
                    query(conn, filters)
                    samples.append((time.perf_counter() - t) * 1000)
                out[f"{name}/{label}"] = {
                    "p95_ms": p95(samples),
                    "median_ms": statistics.median(samples),
                }
    worst = max(out, key=lambda k: out[k]["p95_ms"])
    return {
        "worst_p95_ms": out[worst]["p95_ms"],
        "worst_query": worst,
        "queries": out,
        "skipped": sorted(set(queries.ALL_QUERIES) - set(registry)),
        "reps": reps,
    }
