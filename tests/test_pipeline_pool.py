"""The parse workers' process pool: same outcomes as in-process, workers forked from a server
that preloaded the dictionaries, and a dead worker's feeds processed in the caller."""

from __future__ import annotations

import csv
import gc
import json
import os
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mediawatch import allocator, pipeline, rows
from mediawatch.models import Feed, FetchResult
from mediawatch.tagging import Rules
from seeds.sample.generate import generate_corpus

REPO = Path(__file__).resolve().parents[1]
TOPICS = REPO / "seeds" / "topics.yaml"
NOW = datetime(2025, 12, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Feed, FetchResult]]:
    root = tmp_path_factory.mktemp("corpus")
    generate_corpus(root, items=400, seed=3)
    out = []
    with (root / "feeds.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            name = row["url"].rsplit("/", 1)[1]
            feed = Feed(url=f"http://feeds.test/{name}", outlet=row["outlet"], lang=row["lang"],
                        country=row["country"])
            body = (root / "feeds" / name).read_bytes()
            out.append((feed, FetchResult(feed_url=feed.url, status="ok", body=body)))
    return out


def _summary(outcomes: list) -> list:
    """What each outcome carries, whether as objects or as the rows a worker encoded."""
    out = []
    for o in outcomes:
        staged = rows.rows_of(o)  # as the writer reads it either way
        articles = [json.loads(line) for line in staged.articles.splitlines()]
        tags = [json.loads(line) for line in staged.topics.splitlines()]
        out.append((o.feed.url, o.error, articles, tags, staged.links, sorted(o.docs)))
    return out


def test_pool_gives_the_in_process_outcomes(pairs: list[tuple[Feed, FetchResult]]) -> None:
    rules = Rules.load(TOPICS)
    expected = [pipeline.process_fetch(f, r, rules, NOW) for f, r in pairs]
    with pipeline.Processor(TOPICS, workers=2, eager=True) as processor:
        got = processor.submit(pairs, NOW).result()
    assert all(o.staged is not None and not o.articles for o in got)  # encoded by the workers
    assert sum(len(s[2]) for s in _summary(got)) >= 400  # some items also run in a "top" feed
    assert _summary(got) == _summary(expected)


def test_workers_are_forked_from_a_preloaded_server() -> None:
    with pipeline._pool(2, TOPICS) as pool:
        parents = {pool.submit(os.getppid).result() for _ in range(4)}
        frozen = pool.submit(gc.get_freeze_count).result()
    # forked by the forkserver (not by this process, as spawn would be) ...
    assert os.getpid() not in parents
    # ... which imported the workers' modules and dictionaries, then froze them (shared pages)
    assert frozen > 10_000


def test_a_killed_worker_loses_no_feed(pairs: list[tuple[Feed, FetchResult]]) -> None:
    with pipeline.Processor(TOPICS, workers=2, eager=True) as processor:
        pool = processor._pool
        assert pool is not None
        pool.submit(os.getpid).result()  # the workers are up
        pid, worker = next(iter(pool._processes.items()))
        os.kill(pid, signal.SIGKILL)
        worker.join(timeout=30)
        # -SIGKILL, or 255 when the executor's own thread read the forkserver's report first
        assert worker.exitcode in (-signal.SIGKILL, 255)
        got = processor.submit(pairs, NOW).result()  # the pool is broken: processed here
    rules = Rules.load(TOPICS)
    assert _summary(got) == _summary([pipeline.process_fetch(f, r, rules, NOW) for f, r in pairs])
    assert all(o.error is None for o in got)


def test_allocator_settings_leave_the_environment_in_charge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert allocator.tune_allocator() is False  # set by the user: not overridden
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    assert allocator.tune_allocator() is (os.uname().sysname == "Linux")
