"""When to fetch each feed next: pure arithmetic over FeedState, after Media Cloud's rss-fetcher.

Policy
- Success (``ok`` or ``not_modified``): next fetch = now + ``poll_minutes``; failure count and
  weight reset to zero; new validators (ETag / Last-Modified) are kept for the next
  conditional GET (a 200 without them clears them, a 304 keeps the old ones). After a failure
  the old validators stay, so a body that failed to parse is fetched in full again.
- Failure: the feed's failure weight grows by a fraction of the failure's severity:
  ``HARD_WEIGHT`` (1.0) for errors that will not fix themselves soon (404, 410, other 4xx, DNS
  NXDOMAIN, refused URL schemes, "not a feed" and other parse errors) and ``SOFT_WEIGHT`` (0.5)
  for transient ones (timeouts, refused or reset connections, 5xx, 429). The back-off is linear:
  next fetch = now + ``poll_minutes * (1 + weight)``, capped at ``MAX_INTERVAL`` (24 h).
- Undead feeds: a feed that keeps failing stays at the cap, polled once a day, and is never
  disabled; the first success brings it back to its normal interval.
- Retry-After (429, 503): ``retry_after_until`` = now + the server's delay (at most
  ``MAX_RETRY_AFTER``); the next fetch is never before it, and ``is_deferred`` tells a run not
  to contact the feed at all until then (even a manual run).
- Deferred (not contacted this run): the state is unchanged.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from mediawatch.models import FeedState, FetchResult

HARD_WEIGHT = 1.0
SOFT_WEIGHT = 0.5
MAX_INTERVAL = timedelta(hours=24)
MAX_RETRY_AFTER = timedelta(days=7)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def failure_weight(result: FetchResult, parse_error: str | None = None) -> float:
    """How much one outcome adds to the failure weight: 0 for success, 0.5 soft, 1.0 hard."""
    if result.status in ("ok", "not_modified"):
        return HARD_WEIGHT if parse_error else 0.0
    if result.status == "deferred":
        return 0.0
    if result.transient or result.http_status == 429 or (result.http_status or 0) >= 500:
        return SOFT_WEIGHT
    return HARD_WEIGHT


def backoff_interval(poll_minutes: int, weight: float) -> timedelta:
    """``poll_minutes * (1 + weight)``, capped at 24 h."""
    return min(timedelta(minutes=max(poll_minutes, 1) * (1.0 + max(weight, 0.0))), MAX_INTERVAL)


def next_state(
    state: FeedState,
    result: FetchResult,
    poll_minutes: int,
    now: datetime,
    *,
    parse_error: str | None = None,
) -> FeedState:
    """The feed's state after this fetch. ``parse_error``: the body was fetched but unusable."""
    now = _utc(now)
    if result.status == "deferred":
        return state
    if result.status in ("ok", "not_modified") and not parse_error:
        etag, last_modified = result.etag, result.last_modified
        if result.status == "not_modified":
            etag = etag or state.etag
            last_modified = last_modified or state.last_modified
        return replace(
            state,
            etag=etag,
            last_modified=last_modified,
            next_fetch_at=now + backoff_interval(poll_minutes, 0.0),
            retry_after_until=None,
            consecutive_failures=0,
            failure_weight=0.0,
        )
    weight = state.failure_weight + failure_weight(result, parse_error)
    next_at = now + backoff_interval(poll_minutes, weight)
    until = None
    if result.retry_after_s is not None:
        wait_s = min(max(result.retry_after_s, 0), MAX_RETRY_AFTER.total_seconds())
        until = now + timedelta(seconds=wait_s)
        next_at = max(next_at, until)
    # Validators stay as they were: storing those of an unusable body would turn the next
    # fetch into a 304 "success" and hide the error.
    return replace(
        state,
        next_fetch_at=next_at,
        retry_after_until=until,
        consecutive_failures=state.consecutive_failures + 1,
        failure_weight=weight,
    )


def is_deferred(state: FeedState | None, now: datetime) -> bool:
    """True while the server's Retry-After is still in the future: do not contact the feed."""
    if state is None or state.retry_after_until is None:
        return False
    return _utc(state.retry_after_until) > _utc(now)


def is_due(state: FeedState | None, now: datetime) -> bool:
    """True when a scheduled run should fetch the feed now (never fetched counts as due)."""
    if state is None:
        return True
    if is_deferred(state, now):
        return False
    return state.next_fetch_at is None or _utc(state.next_fetch_at) <= _utc(now)
