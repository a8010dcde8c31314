"""Assign new articles to stories, incrementally, inside the batch writer's transaction.

``assign_stories(conn, now)`` reads the ``new_articles`` temp table the writer staged and
inserted, loads only the stored articles of the same languages inside the time window around
them (``sql/store/stories_window.sql``), and gives each new article, oldest first, the story of

1. its translations: hreflang alternates stored in ``article_links`` (either direction), and
2. its most similar article in the window (``storymatch.score``), if any;

otherwise it founds a story of its own (story_id = its article_id). When a new article ties
two existing stories together (its translation is in one, its wire copy in another), the
stories merge under the oldest one. Cost: O(new + window) rows read and at most
O(new x window) comparisons, never a recompute of older stories. Articles whose title was
made from a URL slug join stories only through translation links: transliterated slugs differ
between outlets and repeat within one ("news-viyna-rosia-vtraty" every day).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb

from mediawatch import staging
from mediawatch.sqlfiles import load_sql
from mediawatch.storyindex import DAY_S, Stories, StoryIndex, day_of
from mediawatch.storymatch import Doc, PackedDoc, make_doc, unpacked

LINK_WINDOW = timedelta(days=3)  # translations are published within hours; 3 days is generous
# Another writer's batch may commit up to this long after the time it stamps its rows with.
SYNC_MARGIN = timedelta(minutes=15)


@dataclass(frozen=True)
class StoryStats:
    """What one assignment pass did (and how much it looked at)."""

    new_articles: int = 0
    joined: int = 0  # new articles that joined an existing or batch story
    window_articles: int = 0  # stored articles loaded as candidates
    comparisons: int = 0  # pairwise similarity evaluations
    merges: int = 0  # stories folded into another


def record_links(conn: duckdb.DuckDBPyConnection, links: str) -> None:
    """Store the translation links of the batch's new articles (needs ``new_articles``).

    ``links``: the batch's ``batch_links`` rows as JSON lines (``mediawatch.rows.link_rows``).
    """
    if links:
        staging.stage_lines(conn, "batch_links", [links])
        conn.execute(load_sql("store/stories_insert_links"))


def assign_stories(
    conn: duckdb.DuckDBPyConnection,
    now: datetime,
    *,
    index: StoryIndex | None = None,
    run_id: str | None = None,
    docs: Mapping[str, PackedDoc] | None = None,
) -> StoryStats:
    """Give every article in ``new_articles`` a story; run inside the writer's transaction.

    ``index``: the run's :class:`StoryIndex` (a run of many batches passes the same one, so
    stored articles are read once per run); without it, a fresh one reads what this batch
    needs. ``run_id``: this run's id, so other writers' articles that arrived since a day was
    loaded are added (the run's own are already held). Translation links are looked up within
    ``LINK_WINDOW``. ``docs``: matcher views of new articles already made (by the parse
    workers); the others are made here.
    """
    docs = docs or {}
    new_rows = conn.execute(load_sql("store/stories_new")).fetchall()
    if not new_rows:
        return StoryStats()
    index = index if index is not None else StoryIndex()
    stories = index.stories
    stories.begin_batch()
    held = len(index)
    days = {day_of(r[5]) + k for r in new_rows if not r[6] for k in (-1, 0, 1)}
    loaded = index.days
    for lo, hi in _day_ranges(index.open_days(days)):
        _hold(index, conn, load_sql("store/stories_window"), {"lo": lo, "hi": hi})
    refresh = sorted(days & loaded)
    if refresh and run_id is not None and index.synced_at is not None:
        # articles other writers stored since those days were loaded
        since = index.synced_at - SYNC_MARGIN
        lo, hi = _span(refresh[0], refresh[-1])
        params = {"lo": lo, "hi": hi, "since": since, "run_id": run_id}
        _hold(index, conn, load_sql("store/stories_window_recent"), params)
    index.synced_at = now
    window = len(index) - held

    times = [r[5] for r in new_rows]
    links: dict[str, list[tuple[str, str | None]]] = {}
    for article_id, other_id, other_story in conn.execute(
        load_sql("store/stories_links"),
        {"lo": min(times) - LINK_WINDOW, "hi": max(times) + LINK_WINDOW},
    ).fetchall():
        links.setdefault(article_id, []).append((other_id, other_story))
        if other_story is not None:
            stories.see(other_story, now)

    assigned: dict[str, str] = {}
    joined = 0
    before = index.comparisons
    for aid, outlet, title, summary, lang, published, slug in new_rows:
        found: list[str] = []
        for other_id, other_story in links.get(aid, ()):
            story = other_story or assigned.get(other_id)
            if story is not None:
                found.append(story)
        doc: Doc | None = None
        if not slug:
            made = docs.get(aid)
            doc = unpacked(made) if made else make_doc(aid, outlet, lang, published, title, summary)
            match = index.best_match(doc)
            if match is not None:
                found.append(index.story_of(match[0]))
        if found:
            story = found[0]
            for other in found[1:]:
                story = stories.union(story, other)
            story = stories.find(story)
            joined += 1
        else:
            story = aid
            stories.see(story, published, is_new=True)
        assigned[aid] = story
        if doc is not None:
            index.add(doc, story)
    comparisons = index.comparisons - before
    merges = _write(conn, stories, assigned, now)
    index.evict()
    return StoryStats(len(new_rows), joined, window, comparisons, merges)


def _span(first_day: int, last_day: int) -> tuple[datetime, datetime]:
    """The instants [lo, hi) covering UTC days ``first_day .. last_day``."""
    return (datetime.fromtimestamp(first_day * DAY_S, UTC),
            datetime.fromtimestamp((last_day + 1) * DAY_S, UTC))


def _day_ranges(days: list[int]) -> list[tuple[datetime, datetime]]:
    """Sorted day numbers as few [lo, hi) instant ranges (one per run of consecutive days)."""
    runs: list[list[int]] = []  # [first, last] day of each run
    for day in days:
        if runs and day == runs[-1][1] + 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [_span(first, last) for first, last in runs]


def _hold(index: StoryIndex, conn: duckdb.DuckDBPyConnection, sql: str, params: dict) -> None:
    """Add the stored articles a window query returns (those not held yet) to ``index``."""
    for aid, outlet, title, summary, lang, published, story_id in conn.execute(
        sql, params
    ).fetchall():
        if aid not in index:
            index.add(make_doc(aid, outlet, lang, published, title, summary), story_id)


def _write(
    conn: duckdb.DuckDBPyConnection, stories: Stories, assigned: dict[str, str], now: datetime
) -> int:
    """Insert the new articles' stories and relabel merged stored stories; return merges."""
    staging.stage(
        conn,
        "story_assignments",
        (
            {"article_id": aid, "story_id": stories.find(story), "assigned_at": now}
            for aid, story in assigned.items()
        ),
    )
    conn.execute(load_sql("store/stories_insert"))
    merged = [(s, stories.find(s)) for s in stories.merges]
    # staged even when empty: store/stories_summary reads it
    staging.stage(conn, "story_merges", ({"old_story_id": o, "new_story_id": n} for o, n in merged))
    if merged:
        conn.execute(load_sql("store/stories_merge"))
    conn.execute(load_sql("store/stories_summary"))  # stories_raw rows of the touched stories
    return len(merged)
