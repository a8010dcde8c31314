"""The batch writer: one transaction stores a batch of feed outcomes, or nothing of it.

A feed's new articles, its tags, its new validators (ETag/Last-Modified) and its fetch_log row
land in the same transaction, so a crash can never record "seen" for articles it did not store,
and a rerun after a crash ingests them again without duplicates (anti-join on article_id).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime

import duckdb

from mediawatch import lake, rows, staging, stories
from mediawatch.models import FeedOutcome, FeedState, FetchResult
from mediawatch.schedule import next_state
from mediawatch.sqlfiles import load_sql
from mediawatch.store import transaction
from mediawatch.storyindex import StoryIndex


def _effective_result(outcome: FeedOutcome) -> FetchResult:
    """The fetch result as health sees it: a body that did not parse is an error too."""
    if outcome.fetch.status == "ok" and outcome.error:
        return replace(outcome.fetch, status="error", error=outcome.error, transient=False)
    return outcome.fetch


def feed_rows(
    outcomes: Sequence[FeedOutcome], states: dict[str, FeedState], now: datetime
) -> Iterator[dict[str, object]]:
    """New health and schedule state per fetched feed (deferred feeds are left out)."""
    for outcome in outcomes:
        result = _effective_result(outcome)
        if result.status == "deferred":
            continue
        url = outcome.feed.url
        old = states.get(url) or FeedState(feed_url=url)
        parse_error = outcome.error if outcome.fetch.status == "ok" else None
        new = next_state(
            old, outcome.fetch, outcome.feed.poll_minutes, now, parse_error=parse_error
        )
        ok = result.status in ("ok", "not_modified")
        yield {
            "feed_url": url,
            # a body that did not parse keeps the old validators: the next run fetches it again
            "etag": new.etag if ok else old.etag,
            "last_modified": new.last_modified if ok else old.last_modified,
            "last_fetch_at": result.started_at or now,
            "last_status": result.status,
            "last_http_status": result.http_status,
            "last_error": None if ok else result.error,
            "consecutive_failures": new.consecutive_failures,
            "failure_weight": new.failure_weight,
            "next_fetch_at": new.next_fetch_at,
            "retry_after_until": new.retry_after_until,
            "last_success_at": now if ok else None,
            "redirected_to": result.permanent_redirect,
            "duration_ms": result.duration_ms,
            "items_seen": outcome.items_seen,
            "last_warning": outcome.warning,
        }


@lake.retrying
def write_outcomes(
    conn: duckdb.DuckDBPyConnection,
    outcomes: Sequence[FeedOutcome],
    states: dict[str, FeedState],
    *,
    run_id: str,
    rules_version: str,
    now: datetime,
    story_index: StoryIndex | None = None,
) -> dict[str, int]:
    """Store one batch in one transaction; return new articles per feed URL.

    ``story_index``: the run's story candidates, kept between batches (see
    ``mediawatch.storyindex``); it is cleared if the transaction fails.
    """
    staged = [rows.rows_of(o) for o in outcomes]  # encoded by the parse workers, mostly
    staging.stage_lines(conn, "batch_articles", (s.articles for s in staged))
    staging.stage_lines(conn, "batch_topics", (s.topics for s in staged))
    staging.stage(conn, "batch_feeds", feed_rows(outcomes, states, now))
    links = "".join(s.links for s in staged)
    try:
        with transaction(conn):
            conn.execute(load_sql("store/stage_new_articles"), {"run_id": run_id})
            conn.execute(load_sql("store/insert_new_articles"))
            stories.record_links(conn, links)  # hreflang translations of the new articles
            # incremental: new articles x the days around them
            docs = {k: d for o in outcomes for k, d in o.docs.items()}
            stories.assign_stories(conn, now, index=story_index, run_id=run_id, docs=docs)
            conn.execute(load_sql("store/insert_new_topics"), {"rules_version": rules_version})
            conn.execute(load_sql("store/update_feed_states"))
            conn.execute(load_sql("store/insert_fetch_log"), {"run_id": run_id})
            counts = dict(conn.execute(load_sql("store/new_counts")).fetchall())
            conn.execute(load_sql("store/drop_new_articles"))
    except BaseException:
        if story_index is not None:  # it may hold stories of the rolled-back batch
            story_index.clear()
        raise
    return counts
