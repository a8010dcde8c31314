"""Big benchmark databases (1 M, 10 M articles) generated inside DuckDB from bench/sql/*.sql.

The schema and views are the product's own (``store.migrate``); the rows are synthetic but
shaped like a real archive: outlets in uk/ru/en at their sample rates, articles spread evenly
over ``days`` days up to ``END`` with an hour of jitter, headline and summary text from the
sample generator (unique per row), the tags the real tagger gives that text (~40 % tagged), and
one article in four sharing a story with a neighbour.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from bench.texts import sample_texts
from mediawatch import store
from mediawatch.tagging import Rules

SQL_DIR = Path(__file__).resolve().parent / "sql"
LANGS = ("uk", "ru", "en")
END = datetime(2025, 12, 5, 23, 0, tzinfo=UTC)  # the sample corpus ends on this day too
BANK_PER_LANG = 3000


def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _bank() -> dict[str, list[Any]]:
    """BANK_PER_LANG generated texts per language, in LANGS order, with their real tags."""
    texts = sample_texts(BANK_PER_LANG * 8)
    rules = Rules.load()
    titles: list[str] = []
    tails: list[str] = []
    summaries: list[str] = []
    topics: list[list[str]] = []
    outlets: list[tuple[str, int]] = []
    for number, lang in enumerate(LANGS):
        chosen = [t for t in texts if t.lang == lang][:BANK_PER_LANG]
        if len(chosen) < BANK_PER_LANG:
            raise RuntimeError(f"the generator gave only {len(chosen)} {lang} texts")
        for t in chosen:
            titles.append(t.title)
            tails.append(" ".join(t.title.split()[-3:]))
            summaries.append(t.summary)
            topics.append(sorted(rules.tag(t.title, t.summary, lang)))
        outlets.extend(dict.fromkeys((t.outlet, number) for t in chosen))
    return {
        "titles": titles,
        "tails": tails,
        "summaries": summaries,
        "topics": topics,
        "outlets": outlets,
    }


STORY_SUMMARY_PARTS = 8  # story summaries are built in slices to stay under memory_limit


def build(
    path: Path,
    articles: int,
    *,
    feeds: int = 200,
    days: int = 730,
    threads: int = 2,
    memory_limit: str = "3GB",
) -> dict[str, Any]:
    """Create ``path`` holding ``articles`` articles over ``days`` days; return timings."""
    for old in (path, path.with_name(path.name + ".wal")):
        old.unlink(missing_ok=True)
    began = time.perf_counter()
    bank = _bank()
    outlets = bank["outlets"]
    start = END - timedelta(days=days)
    params = {
        "n": articles,
        "k": BANK_PER_LANG,
        "feed_urls": [f"https://bench.example/{i}/rss.xml" for i in range(feeds)],
        "feed_outlets": [
            f"{outlets[i % len(outlets)][0]} {i // len(outlets) + 1}" for i in range(feeds)
        ],
        "feed_langs": [outlets[i % len(outlets)][1] for i in range(feeds)],
        "lang_codes": list(LANGS),
        "start_ts": start,
        "end_ts": END,
        "span_s": days * 86400,
        "titles": bank["titles"],
        "tails": bank["tails"],
        "summaries": bank["summaries"],
        "topics": bank["topics"],
    }
    steps: dict[str, float] = {}
    conn = duckdb.connect(str(path))
    try:
        conn.execute("set enable_progress_bar = false")
        conn.execute(f"set threads = {threads}")
        conn.execute(f"set memory_limit = '{memory_limit}'")
        store.migrate(conn)
        for name in (
            "bigdb_feeds",
            "bigdb_articles",
            "bigdb_feed_counts",  # the per-feed counters ingest keeps (migration 005)
            "bigdb_topics",
            "bigdb_stories",
            "bigdb_story_summary",  # the story summaries ingest keeps (stories_raw, migration 004)
        ):
            sql = _sql(name)
            used = {k: v for k, v in params.items() if f"${k}" in sql}
            t = time.perf_counter()
            parts = STORY_SUMMARY_PARTS if "$parts" in sql else 1
            for part in range(parts):
                conn.execute(sql, {**used, "part": part, "parts": parts} if parts > 1 else used)
            steps[name] = time.perf_counter() - t
        conn.execute("checkpoint")
    finally:
        conn.close()
    return {
        "articles": articles,
        "seconds": time.perf_counter() - began,
        "steps": steps,
        "bytes": path.stat().st_size,
    }
