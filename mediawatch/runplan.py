"""What one ingest run fetches, and what it reports: pure functions over feeds and state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mediawatch.models import Feed, FeedOutcome, FeedState, FetchResult
from mediawatch.schedule import is_deferred, is_due


@dataclass(frozen=True)
class RunPlan:
    """Feeds to contact now, and feeds whose server asked us to wait (Retry-After)."""

    fetch: list[Feed]
    deferred: list[Feed]


def plan_run(
    feeds: Sequence[Feed], states: dict[str, FeedState], now: datetime, *, due_only: bool
) -> RunPlan:
    """Choose the feeds of a run.

    A manual run (``due_only=False``) contacts every listed feed whatever its schedule says;
    a scheduled run (``due_only=True``) only those whose next fetch time has passed. Either
    way, a feed whose ``Retry-After`` is still in the future is deferred, not contacted.
    """
    fetch: list[Feed] = []
    deferred: list[Feed] = []
    for feed in feeds:
        state = states.get(feed.url) or FeedState(feed_url=feed.url)
        if is_deferred(state, now):
            deferred.append(feed)
        elif not due_only or is_due(state, now):
            fetch.append(feed)
    return RunPlan(fetch=fetch, deferred=deferred)


def deferred_result(feed: Feed, state: FeedState | None, now: datetime) -> FetchResult:
    """The placeholder result of a feed that was not contacted because of Retry-After."""
    until = state.retry_after_until if state else None
    when = until.isoformat(timespec="seconds") if until else "later"
    return FetchResult(
        feed_url=feed.url,
        status="deferred",
        error=f"deferred: server asked to wait until {when}",
        started_at=now,
    )


@dataclass
class RunSummary:
    """Counts of one run, and one row per feed for the Prefect artifact."""

    run_id: str
    fetched: int = 0
    not_modified: int = 0
    new_articles: int = 0
    errors: int = 0
    deferred: int = 0
    rows: list[dict[str, object]] = field(default_factory=list)

    def add(self, outcome: FeedOutcome, new: int) -> None:
        """Count one feed's outcome (``new`` = articles the store did not hold before)."""
        status = outcome.fetch.status
        if status == "ok" and outcome.error:
            status = "error"
        if status == "ok":
            self.fetched += 1
        elif status == "not_modified":
            self.not_modified += 1
        elif status == "deferred":
            self.deferred += 1
        else:
            self.errors += 1
        self.new_articles += new
        self.rows.append(
            {
                "outlet": outcome.feed.outlet,
                "feed": outcome.feed.url,
                "status": status,
                "items": outcome.items_seen,
                "new": new,
                "error": outcome.error or outcome.fetch.error or "",
            }
        )

    @property
    def feeds(self) -> int:
        return self.fetched + self.not_modified + self.errors + self.deferred

    def log_line(self) -> str:
        """One line for logs and the CLI."""
        return (
            f"ingest {self.run_id}: {self.feeds} feeds: {self.fetched} fetched, "
            f"{self.not_modified} not modified, {self.errors} errors, {self.deferred} deferred; "
            f"{self.new_articles} new articles"
        )
