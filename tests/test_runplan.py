"""Which feeds a run contacts, and what it reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mediawatch.models import Feed, FeedOutcome, FeedState, FetchResult
from mediawatch.runplan import RunSummary, deferred_result, plan_run

NOW = datetime(2025, 12, 1, 12, tzinfo=UTC)
FEEDS = [
    Feed(url=f"https://f{i}.example/rss", outlet=f"F{i}", lang="en", country="GB") for i in range(4)
]
STATES = {
    FEEDS[0].url: FeedState(feed_url=FEEDS[0].url, next_fetch_at=NOW - timedelta(minutes=1)),
    FEEDS[1].url: FeedState(
        feed_url=FEEDS[1].url,
        next_fetch_at=NOW + timedelta(hours=5),
        consecutive_failures=3,
        failure_weight=3.0,
    ),
    FEEDS[2].url: FeedState(
        feed_url=FEEDS[2].url,
        next_fetch_at=NOW + timedelta(hours=1),
        retry_after_until=NOW + timedelta(hours=1),
    ),
    # FEEDS[3] is new: no state yet
}


def test_a_manual_run_contacts_every_feed_except_those_asked_to_wait():
    plan = plan_run(FEEDS, STATES, NOW, due_only=False)
    assert [f.outlet for f in plan.fetch] == ["F0", "F1", "F3"]
    assert [f.outlet for f in plan.deferred] == ["F2"]


def test_a_scheduled_run_contacts_only_due_feeds():
    plan = plan_run(FEEDS, STATES, NOW, due_only=True)
    assert [f.outlet for f in plan.fetch] == ["F0", "F3"]
    assert [f.outlet for f in plan.deferred] == ["F2"]


def test_retry_after_in_the_past_no_longer_defers():
    states = {
        FEEDS[2].url: FeedState(feed_url=FEEDS[2].url, retry_after_until=NOW - timedelta(seconds=1))
    }
    assert plan_run(FEEDS[2:3], states, NOW, due_only=False).fetch == FEEDS[2:3]


def test_summary_counts_each_outcome_kind():
    summary = RunSummary(run_id="r")
    ok = FetchResult(feed_url="u", status="ok")
    summary.add(FeedOutcome(FEEDS[0], ok, items_seen=3), 2)
    summary.add(FeedOutcome(FEEDS[1], FetchResult(feed_url="u", status="not_modified")), 0)
    summary.add(FeedOutcome(FEEDS[2], deferred_result(FEEDS[2], STATES[FEEDS[2].url], NOW)), 0)
    summary.add(FeedOutcome(FEEDS[3], ok, error="not a feed: got text/html"), 0)
    assert (summary.fetched, summary.not_modified, summary.deferred, summary.errors) == (1, 1, 1, 1)
    assert summary.new_articles == 2 and summary.feeds == 4
    assert summary.rows[3]["status"] == "error" and "not a feed" in summary.rows[3]["error"]
    assert (
        "4 feeds: 1 fetched, 1 not modified, 1 errors, 1 deferred; 2 new articles"
        in summary.log_line()
    )
