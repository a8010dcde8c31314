"""The batch writer: one transaction stores a batch of feed outcomes, or nothing of it.

A feed's new articles, its tags, its new validators (ETag/Last-Modified) and its fetch_log row
land in the same transaction, so a crash can never record "seen" for articles it did not store,
and a rerun after a crash ingests them again without duplicates (anti-join on article_id).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import duckdb
import pyarrow as pa

from mediawatch import lake, stories
from mediawatch.models import Article, FeedOutcome, FeedState, FetchResult
from mediawatch.schedule import next_state
from mediawatch.sqlfiles import load_sql
from mediawatch.store import transaction
from mediawatch.storyindex import StoryIndex

_TS = pa.timestamp("us", tz="UTC")
# The writer builds a few MB of Arrow columns per batch. Arrow's default pool (mimalloc) kept
# ~75 MB of them mapped through a 100 k-article run (bench, docs/performance.md); the system
# allocator gives them back. Process-wide, so only where nobody asked for another pool.
if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
    pa.set_memory_pool(pa.system_memory_pool())


def articles_table(articles: Sequence[Article], run_id: str) -> pa.Table:
    """Columnar form of articles, named like articles_raw."""
    return pa.table(
        {
            "article_id": [a.article_id for a in articles],
            "canonical_url": [a.canonical_url for a in articles],
            "url": [a.url for a in articles],
            "guid": [a.guid for a in articles],
            "feed_url": [a.feed_url for a in articles],
            "outlet": [a.outlet for a in articles],
            "title": [a.title for a in articles],
            "summary": [a.summary for a in articles],
            "lang": [a.lang for a in articles],
            "published_at": pa.array([a.published_at for a in articles], _TS),
            "published_at_estimated": [a.published_at_estimated for a in articles],
            "fetched_at": pa.array([a.fetched_at for a in articles], _TS),
            "title_is_slug": [a.title_is_slug for a in articles],
            "run_id": [run_id] * len(articles),
        }
    )


def topics_table(outcomes: Sequence[FeedOutcome]) -> pa.Table:
    """One row per (article, topic) with the matched terms."""
    ids: list[str] = []
    topics: list[str] = []
    terms: list[list[str]] = []
    for outcome in outcomes:
        for article_id, tags in outcome.tags.items():
            for topic, matched in tags.items():
                ids.append(article_id)
                topics.append(topic)
                terms.append(list(matched))
    return pa.table(
        {
            "article_id": pa.array(ids, pa.string()),
            "topic": pa.array(topics, pa.string()),
            "matched_terms": pa.array(terms, pa.list_(pa.string())),
        }
    )


def _effective_result(outcome: FeedOutcome) -> FetchResult:
    """The fetch result as health sees it: a body that did not parse is an error too."""
    if outcome.fetch.status == "ok" and outcome.error:
        return replace(outcome.fetch, status="error", error=outcome.error, transient=False)
    return outcome.fetch


def feeds_table(
    outcomes: Sequence[FeedOutcome], states: dict[str, FeedState], now: datetime
) -> pa.Table:
    """New health and schedule state per fetched feed (deferred feeds are left out)."""
    rows: dict[str, list] = {
        k: []
        for k in (
            "feed_url etag last_modified last_fetch_at last_status last_http_status last_error "
            "consecutive_failures failure_weight next_fetch_at retry_after_until "
            "last_success_at redirected_to duration_ms items_seen"
        ).split()
    }
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
        rows["feed_url"].append(url)
        # a body that did not parse keeps the old validators: the next run fetches it again
        rows["etag"].append(new.etag if ok else old.etag)
        rows["last_modified"].append(new.last_modified if ok else old.last_modified)
        rows["last_fetch_at"].append(result.started_at or now)
        rows["last_status"].append(result.status)
        rows["last_http_status"].append(result.http_status)
        rows["last_error"].append(None if ok else result.error)
        rows["consecutive_failures"].append(new.consecutive_failures)
        rows["failure_weight"].append(new.failure_weight)
        rows["next_fetch_at"].append(new.next_fetch_at)
        rows["retry_after_until"].append(new.retry_after_until)
        rows["last_success_at"].append(now if ok else None)
        rows["redirected_to"].append(result.permanent_redirect)
        rows["duration_ms"].append(result.duration_ms)
        rows["items_seen"].append(outcome.items_seen)
    schema = pa.schema(
        [
            ("feed_url", pa.string()),
            ("etag", pa.string()),
            ("last_modified", pa.string()),
            ("last_fetch_at", _TS),
            ("last_status", pa.string()),
            ("last_http_status", pa.int32()),
            ("last_error", pa.string()),
            ("consecutive_failures", pa.int32()),
            ("failure_weight", pa.float64()),
            ("next_fetch_at", _TS),
            ("retry_after_until", _TS),
            ("last_success_at", _TS),
            ("redirected_to", pa.string()),
            ("duration_ms", pa.int32()),
            ("items_seen", pa.int32()),
        ]
    )
    return pa.table(rows, schema=schema)


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
    articles = [a for o in outcomes for a in o.articles]
    batch_articles = articles_table(articles, run_id)  # noqa: F841 - read by the SQL below
    batch_topics = topics_table(outcomes)  # noqa: F841
    batch_feeds = feeds_table(outcomes, states, now)  # noqa: F841
    try:
        with transaction(conn):
            conn.execute(load_sql("store/stage_new_articles"))
            conn.execute(load_sql("store/insert_new_articles"))
            stories.record_links(conn, articles)  # hreflang translations of the new articles
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
