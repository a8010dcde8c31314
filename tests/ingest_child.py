"""Child processes for the multi-process tests: run as ``python tests/ingest_child.py MODE ...``.

``ingest FEEDS DB [--batch N] [--stall-in-batch K]``
    The flow's write path without Prefect: fetch every feed over HTTP (``fetch_feed``), process
    it (``pipeline.process_fetch``) and store batches of N feeds, each through ``store.writer``
    and ``writes.write_outcomes`` exactly as ``flows.ingest`` does. With ``--stall-in-batch K``
    the K-th batch (1-based) stops *inside* its transaction, after its articles and tags are
    inserted and before the feed states and fetch_log rows: it prints ``IN-TRANSACTION`` and
    sleeps, so the parent can SIGKILL it there.
``write DB --batches N --size M [--pause S]``
    Write N batches of M synthetic articles, one transaction each (S seconds apart); print JSON
    with the worst wait for the write lock and the worst batch duration.
``read DB --stop FILE``
    Run the dashboard-style view queries in a loop until FILE exists; print JSON with the
    number of queries, errors, the worst wait for a read connection and the worst query.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

READ_QUERIES = {
    "daily_coverage": "select day, lang, sum(articles) from daily_coverage group by all order by 1",
    "daily_topics": "select day, topic, articles, share_of_coverage from daily_topics order by 1",
    "feed_health": "select feed_url, outlet, last_status, last_error, articles from feed_health",
    "articles_keyword": (
        "select article_id, title, outlet, published_at from articles "
        "where contains(lower(title), $kw) or contains(lower(summary), $kw) "
        "order by published_at desc limit 200"
    ),
}


def ingest(feeds_file: str, db: str, batch: int, stall_in: int) -> None:
    from mediawatch import pipeline, seeds, store, writes
    from mediawatch.config import HttpLimits
    from mediawatch.fetch import fetch_feed, make_client
    from mediawatch.models import FeedOutcome
    from mediawatch.tagging import Rules

    feeds = seeds.load_feeds(feeds_file)
    run_id = f"child-{int(time.time() * 1000)}"
    with store.writer(db) as conn:
        store.migrate(conn)
        store.sync_feeds(conn, feeds)
        store.start_run(conn, run_id, "ingest", datetime.now(UTC))
        states = store.load_states(conn)
    print(f"RUN {run_id}", flush=True)
    limits = HttpLimits(read_timeout_s=5, deadline_s=10)
    rules = Rules.load()
    with make_client(limits) as client:
        results = [(f, fetch_feed(f.url, states.get(f.url), client, limits)) for f in feeds]
    for number, start in enumerate(range(0, len(results), batch), start=1):
        now = datetime.now(UTC)
        outcomes: list[FeedOutcome] = [
            pipeline.process_fetch(f, r, rules, now) for f, r in results[start : start + batch]
        ]
        if number == stall_in:
            _stall_before_feed_states(writes)
        with store.writer(db) as conn:
            writes.write_outcomes(conn, outcomes, states, run_id=run_id,
                                  rules_version=rules.version, now=now)
        print(f"BATCH {number} COMMITTED", flush=True)
    print("DONE", flush=True)


def _stall_before_feed_states(writes_module: object) -> None:
    """Test hook, in this child only: stop the transaction half-way through the batch."""
    real = writes_module.load_sql  # type: ignore[attr-defined]

    def load_sql(name: str) -> str:
        if name == "store/update_feed_states":
            print("IN-TRANSACTION", flush=True)
            time.sleep(120)
        return real(name)

    writes_module.load_sql = load_sql  # type: ignore[attr-defined]


def write(db: str, batches: int, size: int, pause_s: float = 0.0) -> None:
    from mediawatch import store, writes
    from mediawatch.models import Article, Feed, FeedOutcome, FetchResult

    feed = Feed(url="https://writer.example.org/rss", outlet="Writer", lang="en", country="GB")
    with store.writer(db) as conn:
        store.migrate(conn)
        store.sync_feeds(conn, [feed])
    base = datetime(2025, 11, 1, tzinfo=UTC)
    worst_wait = worst_batch = 0.0
    for b in range(batches):
        now = datetime.now(UTC)
        articles = [
            Article(article_id=f"w{b:04d}{i:05d}", canonical_url=f"https://w.example.org/{b}/{i}",
                    url=f"https://w.example.org/{b}/{i}", guid=None, feed_url=feed.url,
                    outlet="Writer", title=f"Peace talks update {b}-{i}",
                    summary="Delegations met in Geneva to discuss the ceasefire plan.",
                    lang="en", published_at=base + timedelta(hours=(b * size + i) % 900),
                    published_at_estimated=False, fetched_at=now)
            for i in range(size)
        ]
        tags = {a.article_id: {"ceasefire": ["ceasefire"]} for a in articles[::3]}
        result = FetchResult(feed_url=feed.url, status="ok", http_status=200, started_at=now)
        outcome = FeedOutcome(feed, result, articles, tags, items_seen=size)
        t0 = time.monotonic()
        with store.writer(db, wait_s=60) as conn:
            t1 = time.monotonic()
            writes.write_outcomes(conn, [outcome], {}, run_id=f"w{b}", rules_version="v",
                                  now=now)
        t2 = time.monotonic()
        worst_wait, worst_batch = max(worst_wait, t1 - t0), max(worst_batch, t2 - t0)
        time.sleep(pause_s)  # optional gap between batches (what a flow spends processing)
    print(json.dumps({"batches": batches, "articles": batches * size,
                      "worst_lock_wait_s": worst_wait, "worst_batch_s": worst_batch}))


def read(db: str, stop: str) -> None:
    from mediawatch import store

    queries = errors = 0
    worst_wait = worst_query = 0.0
    last_error = ""
    deadline = time.monotonic() + 120  # bounded even if the parent never writes the stop file
    while not Path(stop).exists() and time.monotonic() < deadline:
        for sql in READ_QUERIES.values():
            t0 = time.monotonic()
            try:
                with store.reader(db, wait_s=30) as conn:
                    t1 = time.monotonic()
                    conn.execute(sql, {"kw": "geneva"} if "$kw" in sql else {}).fetchall()
            except Exception as exc:  # counted and reported: the test asserts there are none
                errors += 1
                last_error = f"{type(exc).__name__}: {exc}"
                continue
            t2 = time.monotonic()
            queries += 1
            worst_wait, worst_query = max(worst_wait, t1 - t0), max(worst_query, t2 - t0)
    print(json.dumps({"queries": queries, "errors": errors, "last_error": last_error,
                      "worst_lock_wait_s": worst_wait, "worst_query_s": worst_query}))


def main() -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("ingest")
    s.add_argument("feeds")
    s.add_argument("db")
    s.add_argument("--batch", type=int, default=3)
    s.add_argument("--stall-in-batch", type=int, default=0)
    s = sub.add_parser("write")
    s.add_argument("db")
    s.add_argument("--batches", type=int, default=40)
    s.add_argument("--size", type=int, default=500)
    s.add_argument("--pause", type=float, default=0.0)
    s = sub.add_parser("read")
    s.add_argument("db")
    s.add_argument("--stop", required=True)
    args = p.parse_args()
    if args.mode == "ingest":
        ingest(args.feeds, args.db, args.batch, args.stall_in_batch)
    elif args.mode == "write":
        write(args.db, args.batches, args.size, args.pause)
    else:
        read(args.db, args.stop)


if __name__ == "__main__":
    main()
