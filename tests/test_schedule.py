"""Scheduling arithmetic: linear back-off with fractional weights, 24 h cap, Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mediawatch.models import FeedState, FetchResult
from mediawatch.schedule import (
    HARD_WEIGHT,
    MAX_INTERVAL,
    SOFT_WEIGHT,
    backoff_interval,
    failure_weight,
    is_deferred,
    is_due,
    next_state,
)

URL = "https://x.org/rss"
NOW = datetime(2025, 11, 30, 12, 0, tzinfo=UTC)


def res(status: str = "ok", **kw: object) -> FetchResult:
    return FetchResult(feed_url=URL, status=status, **kw)  # type: ignore[arg-type]


def test_success_schedules_the_next_poll_and_resets_failures() -> None:
    state = FeedState(URL, consecutive_failures=4, failure_weight=3.0,
                      retry_after_until=NOW - timedelta(hours=1))
    new = next_state(state, res(http_status=200, etag='"v2"', last_modified="lm"), 15, NOW)
    assert new.next_fetch_at == NOW + timedelta(minutes=15)
    assert (new.consecutive_failures, new.failure_weight, new.retry_after_until) == (0, 0.0, None)
    assert (new.etag, new.last_modified) == ('"v2"', "lm")


def test_not_modified_keeps_old_validators() -> None:
    state = FeedState(URL, etag='"v1"', last_modified="lm1")
    new = next_state(state, res("not_modified", http_status=304), 30, NOW)
    assert (new.etag, new.last_modified) == ('"v1"', "lm1")
    assert new.next_fetch_at == NOW + timedelta(minutes=30)


@pytest.mark.parametrize(("result", "weight"), [
    (res("error", http_status=404, error="HTTP 404"), HARD_WEIGHT),
    (res("error", http_status=410, error="HTTP 410"), HARD_WEIGHT),
    (res("error", error="DNS lookup failed for x.invalid"), HARD_WEIGHT),
    (res("error", error="timed out after 20 s", transient=True), SOFT_WEIGHT),
    (res("error", http_status=503, error="HTTP 503", transient=True), SOFT_WEIGHT),
    (res("error", http_status=429, retry_after_s=60, error="HTTP 429, retry after 60 s"),
     SOFT_WEIGHT),
    (res("ok", http_status=200), 0.0),
])
def test_failure_weights(result: FetchResult, weight: float) -> None:
    assert failure_weight(result) == weight


def test_parse_errors_are_hard_failures_and_keep_old_validators() -> None:
    state = FeedState(URL, etag='"old"')
    result = res("ok", http_status=200, etag='"new"')
    new = next_state(state, result, 15, NOW, parse_error="not a feed: got text/html")
    assert new.failure_weight == HARD_WEIGHT and new.consecutive_failures == 1
    assert new.etag == '"old"'  # else the next fetch would be a 304 "success"
    assert new.next_fetch_at == NOW + timedelta(minutes=30)


def test_linear_backoff_grows_by_weight() -> None:
    state = FeedState(URL)
    hard = res("error", http_status=404, error="HTTP 404")
    soft = res("error", error="connection refused", transient=True)
    state = next_state(state, hard, 15, NOW)
    assert state.next_fetch_at == NOW + timedelta(minutes=30)
    state = next_state(state, soft, 15, NOW)
    assert state.failure_weight == 1.5 and state.consecutive_failures == 2
    assert state.next_fetch_at == NOW + timedelta(minutes=15 * 2.5)


def test_undead_feed_is_polled_daily_forever() -> None:
    state = FeedState(URL)
    hard = res("error", http_status=410, error="HTTP 410")
    for _ in range(500):
        state = next_state(state, hard, 15, NOW)
    assert state.next_fetch_at == NOW + MAX_INTERVAL and state.consecutive_failures == 500
    assert is_due(state, NOW + MAX_INTERVAL)
    back = next_state(state, res("ok", http_status=200), 15, NOW)
    assert back.next_fetch_at == NOW + timedelta(minutes=15) and back.failure_weight == 0


def test_backoff_interval_cap() -> None:
    assert backoff_interval(15, 0) == timedelta(minutes=15)
    assert backoff_interval(60, 1000) == MAX_INTERVAL


def test_retry_after_defers_the_feed() -> None:
    result = res("error", http_status=429, retry_after_s=3600, error="HTTP 429, retry after 3600 s")
    state = next_state(FeedState(URL), result, 15, NOW)
    assert state.retry_after_until == NOW + timedelta(hours=1)
    assert state.next_fetch_at == NOW + timedelta(hours=1)
    assert is_deferred(state, NOW + timedelta(minutes=59))
    assert not is_due(state, NOW + timedelta(minutes=59))
    assert not is_deferred(state, NOW + timedelta(hours=1))
    assert is_due(state, NOW + timedelta(hours=1))


def test_absurd_retry_after_is_capped_at_a_week() -> None:
    result = res("error", http_status=503, retry_after_s=10**30, error="HTTP 503")
    state = next_state(FeedState(URL), result, 15, NOW)
    assert state.retry_after_until == NOW + timedelta(days=7)


def test_deferred_run_leaves_the_state_alone() -> None:
    state = FeedState(URL, retry_after_until=NOW + timedelta(hours=1), failure_weight=0.5)
    assert next_state(state, res("deferred"), 15, NOW) is state


def test_is_due_for_new_and_scheduled_feeds() -> None:
    assert is_due(None, NOW) and is_due(FeedState(URL), NOW)
    assert not is_deferred(None, NOW)
    later = FeedState(URL, next_fetch_at=NOW + timedelta(minutes=1))
    assert not is_due(later, NOW) and is_due(later, NOW + timedelta(minutes=1))


def test_naive_datetimes_are_utc() -> None:
    state = FeedState(URL, next_fetch_at=datetime(2025, 11, 30, 12, 0))
    assert is_due(state, NOW)
