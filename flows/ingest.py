"""Prefect flow ``ingest``: fetch feeds concurrently, process them, store them with one writer.

Thin orchestration only: every step is one call into ``mediawatch``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner

from mediawatch import pipeline, runplan, seeds, store, writes
from mediawatch.config import HttpLimits, Settings, load_settings
from mediawatch.fetch import fetch_feed, make_client
from mediawatch.models import Feed, FeedOutcome, FeedState, FetchResult
from mediawatch.tagging import Rules

FEEDS_PER_BATCH = 64  # feeds processed and written per transaction


class TransientFetchError(Exception):
    """Raised inside the fetch task so Prefect retries it; carries the last result."""

    def __init__(self, result: FetchResult) -> None:
        super().__init__(result.error)
        self.result = result


@task(name="fetch-feed", cache_policy=NO_CACHE, log_prints=False)
def fetch_feed_task(url: str, state: FeedState | None, limits: HttpLimits) -> FetchResult:
    """Fetch one feed; raise on transient errors only, so retries apply to those alone."""
    with make_client(limits) as client:
        result = fetch_feed(url, state, client, limits)
    if result.transient:
        raise TransientFetchError(result)
    return result


@task(name="process-and-store", cache_policy=NO_CACHE)
def process_and_store_task(
    pairs: list[tuple[Feed, FetchResult]],
    states: dict[str, FeedState],
    settings: Settings,
    rules: Rules,
    run_id: str,
) -> list[tuple[FeedOutcome, int]]:
    """Parse, normalise, tag a batch of feeds and store it in one transaction."""
    now = datetime.now(UTC)
    outcomes = pipeline.process_all(pairs, rules, settings.topics_file, now)
    with store.writer(settings.store_target, wait_s=settings.lock_wait_s) as conn:
        counts = writes.write_outcomes(
            conn, outcomes, states, run_id=run_id, rules_version=rules.version, now=now
        )
    for outcome in outcomes:
        outcome.articles, outcome.tags = [], {}  # keep the flow's memory flat
    return [(o, counts.get(o.feed.url, 0)) for o in outcomes]


def _result_of(feed: Feed, future: PrefectFuture) -> FetchResult:
    """The fetch result of a finished task, also when its retries ran out."""
    value = future.result(raise_on_failure=False)
    if isinstance(value, TransientFetchError):
        return value.result
    if isinstance(value, BaseException):
        return FetchResult(feed_url=feed.url, status="error", error=f"fetch failed: {value}")
    return value


def _prepare(settings: Settings, feeds: list[Feed], run_id: str, kind: str) -> dict:
    with store.writer(settings.store_target, wait_s=settings.lock_wait_s) as conn:
        store.migrate(conn)
        store.sync_feeds(conn, feeds)
        store.start_run(conn, run_id, kind, datetime.now(UTC))
        return store.load_states(conn)


@flow(name="ingest", task_runner=ThreadPoolTaskRunner(max_workers=8), log_prints=False)
def ingest(
    feeds_file: str | None = None,
    db: str | None = None,
    due_only: bool = False,
    shard: int = 0,
    shards: int = 1,
    base_url: str | None = None,
    run_kind: str = "ingest",
) -> dict[str, int]:
    """Poll the feeds listed in ``feeds_file`` and store new articles in the DuckDB file ``db``.

    ``due_only`` applies the per-feed schedule (the scheduled deployment); a manual run fetches
    every listed feed. ``shard``/``shards`` split the feed list by a stable hash of the URL.
    """
    logger = get_run_logger()
    settings = load_settings().with_db(db)
    path = Path(feeds_file) if feeds_file else settings.feeds_file
    feeds = seeds.shard_feeds(seeds.load_feeds(path, base_url=base_url), shard, shards)
    rules = Rules.load(settings.topics_file)
    run_id = uuid.uuid4().hex[:12]
    states = _prepare(settings, feeds, run_id, run_kind)

    now = datetime.now(UTC)
    plan = runplan.plan_run(feeds, states, now, due_only=due_only)
    summary = runplan.RunSummary(run_id=run_id)
    for feed in plan.deferred:
        deferred = FeedOutcome(feed, runplan.deferred_result(feed, states.get(feed.url), now))
        summary.add(deferred, 0)

    fetch = fetch_feed_task.with_options(
        retries=settings.fetch_retries, retry_delay_seconds=settings.fetch_retry_delay_s
    )
    futures = [
        (feed, fetch.submit(_fetch_url(feed, states), states.get(feed.url), settings.http))
        for feed in plan.fetch
    ]
    for start in range(0, len(futures), FEEDS_PER_BATCH):
        batch = [(feed, _result_of(feed, fut)) for feed, fut in futures[start : start + FEEDS_PER_BATCH]]
        for outcome, new in process_and_store_task(batch, states, settings, rules, run_id):
            summary.add(outcome, new)

    with store.writer(settings.store_target, wait_s=settings.lock_wait_s) as conn:
        store.finish_run(
            conn, run_id, finished_at=datetime.now(UTC), feeds=summary.feeds,
            new_articles=summary.new_articles, errors=summary.errors,
        )
    create_table_artifact(
        key="ingest-summary", table=summary.rows, description=summary.log_line()
    )
    logger.info(summary.log_line())
    return {
        "feeds": summary.feeds,
        "fetched": summary.fetched,
        "not_modified": summary.not_modified,
        "new_articles": summary.new_articles,
        "errors": summary.errors,
        "deferred": summary.deferred,
    }


def _fetch_url(feed: Feed, states: dict[str, FeedState]) -> str:
    state = states.get(feed.url)
    return (state.redirected_to if state and state.redirected_to else None) or feed.url
