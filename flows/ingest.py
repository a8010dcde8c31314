"""Prefect flow ``ingest``: fetch feeds concurrently, process them, store them with one writer.

Thin orchestration only: every step is one call into ``mediawatch``.
"""

from __future__ import annotations

import gc
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from mediawatch import optional_imports, pipeline, runplan, seeds, store, topics_yaml, writes
from mediawatch.allocator import release_free_memory, tune_allocator
from mediawatch.config import Settings, load_settings
from mediawatch.fetch import make_client
from mediawatch.fetch_many import Fetched, FetchTarget, fetch_many, fetch_target, target_for
from mediawatch.models import Feed, FeedOutcome, FeedState, FetchResult
from mediawatch.storyindex import StoryIndex

tune_allocator()  # before the run's threads start: see mediawatch/allocator.py

FEEDS_PER_BATCH = 64  # feeds fetched by one task, processed and written per transaction
LOOKAHEAD = 2  # batches being processed (on every core) while the flow stores an earlier one
FETCH_AHEAD = 2  # batches being fetched at once (each by fetch_concurrency threads)


class TransientFetchError(Exception):
    """Raised by the refetch task so Prefect retries it; carries the last attempt."""

    def __init__(self, fetched: Fetched) -> None:
        super().__init__(fetched.result.error)
        self.fetched = fetched


@task(name="fetch-batch", cache_policy=NO_CACHE, log_prints=False)
def fetch_batch_task(
    targets: list[FetchTarget], client: httpx.Client, settings: Settings
) -> list[Fetched]:
    """First attempt at a batch of feeds, concurrently over the run's one client.

    One task per batch, not per feed: a task costs ~5 ms of CPU in the flow and the API server,
    more than fetching a feed over a kept-alive connection. Transient failures are retried by
    ``refetch_task``, one Prefect task (with Prefect's retries) per failing feed.
    """
    return fetch_many(targets, client, settings.http, concurrency=settings.fetch_concurrency)


@task(name="refetch-feed", cache_policy=NO_CACHE, log_prints=False)
def refetch_task(target: FetchTarget, client: httpx.Client, settings: Settings) -> Fetched:
    """Fetch one feed again; raise on a transient error so Prefect's retries apply."""
    fetched = fetch_target(target, client, settings.http)
    if fetched.transient:
        raise TransientFetchError(fetched)
    return fetched


def _retry_transient(
    fetched: list[Fetched], targets: list[FetchTarget], client: httpx.Client, settings: Settings
) -> list[Fetched]:
    """Replace transient failures by the outcome of their Prefect-retried refetch."""
    if settings.fetch_retries <= 0 or not any(f.transient for f in fetched):
        return fetched
    refetch = refetch_task.with_options(
        retries=settings.fetch_retries - 1, retry_delay_seconds=settings.fetch_retry_delay_s
    )
    futures = {
        i: refetch.submit(targets[i], client, settings)
        for i, f in enumerate(fetched)
        if f.transient
    }
    out = list(fetched)
    for i, future in futures.items():
        value = future.result(raise_on_failure=False)
        if isinstance(value, TransientFetchError):
            out[i] = value.fetched
        elif isinstance(value, Fetched):
            out[i] = value
    return out


@task(name="store-batch", cache_policy=NO_CACHE)
def store_batch_task(
    batches: list[tuple[pipeline.Batch, datetime]],
    states: dict[str, FeedState],
    settings: Settings,
    rules_version: str,
    run_id: str,
    story_index: StoryIndex,
) -> list[tuple[FeedOutcome, int]]:
    """Store processed batches of feeds, one transaction each, over one connection.

    Usually one batch. At the end of a run the batches still pending are written back to back,
    once all are parsed: one open of the file and one checkpoint instead of one per batch, with
    DuckDB's cache warm for the later ones (readers wait that much longer: a few batches).
    """
    ready = [(batch.result(), now) for batch, now in batches]  # parsed before the file is held
    stored: list[tuple[FeedOutcome, int]] = []
    with store.writer(settings.store_target, wait_s=settings.lock_wait_s) as conn:
        for outcomes, now in ready:
            counts = writes.write_outcomes(
                conn, outcomes, states, run_id=run_id, rules_version=rules_version, now=now,
                story_index=story_index,
            )
            for outcome in outcomes:  # stored: keep the flow's memory flat
                stored.append((outcome, counts.get(outcome.feed.url, 0)))
                outcome.articles, outcome.tags, outcome.docs = [], {}, {}
                outcome.staged = None
    return stored


def _results_of(targets: list[FetchTarget], future: PrefectFuture) -> list[Fetched]:
    """The results of a finished batch task (an error per feed if the task itself failed)."""
    value = future.result(raise_on_failure=False)
    if isinstance(value, BaseException):
        error = f"fetch failed: {value}"
        return [
            Fetched(t.feed, FetchResult(feed_url=t.feed.url, status="error", error=error))
            for t in targets
        ]
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
    detect_spikes_after: bool = False,
) -> dict[str, int]:
    """Poll the feeds listed in ``feeds_file`` and store new articles in the DuckDB file ``db``.

    ``due_only`` applies the per-feed schedule (the scheduled deployment); a manual run fetches
    every listed feed. ``shard``/``shards`` split the feed list by a stable hash of the URL.
    ``detect_spikes_after`` runs the ``detect-spikes`` flow on the fresh data when done.
    """
    # DuckDB would load pandas (and pyarrow, numpy: ~85 MB) on its first query parameter
    with _frozen_heap(), optional_imports.hidden("pandas"):
        summary = _ingest(
            feeds_file, db, due_only, shard, shards, base_url, run_kind, detect_spikes_after
        )
    release_free_memory()  # the run's batches and story index are gone: unmap what they used
    return summary


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Keep Python's cycle collector off the objects that exist before the run.

    A flow process holds ~1-2 M long-lived objects (Prefect, pydantic, modules); every full
    collection walked all of them, ~1 s of a 5 k-item run into a 1 M DB (bench). Frozen, they
    are skipped; unfrozen afterwards, so nothing is kept from collection for good.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _ingest(
    feeds_file: str | None,
    db: str | None,
    due_only: bool,
    shard: int,
    shards: int,
    base_url: str | None,
    run_kind: str,
    detect_spikes_after: bool,
) -> dict[str, int]:
    logger = get_run_logger()
    settings = load_settings().with_db(db)
    path = Path(feeds_file) if feeds_file else settings.feeds_file
    feeds = seeds.shard_feeds(seeds.load_feeds(path, base_url=base_url), shard, shards)
    # a bad topics file fails here, before any fetch; workers compile the rules themselves
    version = topics_yaml.rules_version(settings.topics_file)
    run_id = uuid.uuid4().hex[:12]
    states = _prepare(settings, feeds, run_id, run_kind)

    now = datetime.now(UTC)
    plan = runplan.plan_run(feeds, states, now, due_only=due_only)
    summary = runplan.RunSummary(run_id=run_id)
    story_index = StoryIndex()  # story candidates, read from the DB once per run, not per batch
    for feed in plan.deferred:
        deferred = FeedOutcome(feed, runplan.deferred_result(feed, states.get(feed.url), now))
        summary.add(deferred, 0)

    def stored(items: list[tuple[pipeline.Batch, datetime, list[Fetched]]]) -> None:
        # quote(): Prefect would otherwise walk every article and feed state looking for futures
        batches = [(batch, fetched_at) for batch, fetched_at, _ in items]
        for outcome, new in store_batch_task(
            quote(batches), quote(states), settings, version, run_id, quote(story_index)
        ):
            summary.add(outcome, new)
        for _, _, fetched in items:  # Prefect keeps task results for the run: drop the bodies
            for f in fetched:
                f.result.body = None
                for child in f.children:
                    child.body = None

    chunks = deque(
        plan.fetch[i : i + FEEDS_PER_BATCH] for i in range(0, len(plan.fetch), FEEDS_PER_BATCH)
    )
    fetching: deque[tuple[list[FetchTarget], PrefectFuture]] = deque()
    with (
        make_client(settings.http) as client,
        # a run of more than one batch starts the worker processes now, while it fetches
        pipeline.Processor(settings.topics_file, eager=len(chunks) > 1) as processor,
    ):

        def fetch_next() -> None:
            if chunks:
                targets = [target_for(f, states.get(f.url)) for f in chunks.popleft()]
                future = fetch_batch_task.submit(quote(targets), client, settings)
                fetching.append((targets, future))

        for _ in range(FETCH_AHEAD):
            fetch_next()
        pending: deque[tuple[pipeline.Batch, datetime, list[Fetched]]] = deque()
        while fetching:
            targets, future = fetching.popleft()
            fetch_next()
            fetched = _retry_transient(_results_of(targets, future), targets, client, settings)
            del future  # the bodies live on only in the batch being processed
            fetched_at = datetime.now(UTC)
            pairs = [(f.feed, f.result) for f in fetched]
            children = {f.feed.url: f.children for f in fetched if f.children}
            batch = processor.submit(pairs, fetched_at, children=children)
            pending.append((batch, fetched_at, fetched))
            if len(pending) > LOOKAHEAD:
                stored([pending.popleft()])
        if pending:  # the last batches, written back to back over one connection
            stored(list(pending))

    with store.writer(settings.store_target, wait_s=settings.lock_wait_s) as conn:
        store.finish_run(
            conn, run_id, finished_at=datetime.now(UTC), feeds=summary.feeds,
            new_articles=summary.new_articles, errors=summary.errors,
        )
    create_table_artifact(
        key="ingest-summary", table=summary.rows, description=summary.log_line()
    )
    logger.info(summary.log_line())
    if detect_spikes_after:
        from flows.alerts import detect_spikes

        detect_spikes(db=settings.store_target)
    return {
        "feeds": summary.feeds,
        "fetched": summary.fetched,
        "not_modified": summary.not_modified,
        "new_articles": summary.new_articles,
        "errors": summary.errors,
        "deferred": summary.deferred,
    }
