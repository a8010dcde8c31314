"""Fetch many feeds at once over one client: the first attempt of a run, never raising.

Sitemap feeds (``kind = sitemap``) go through ``sitemap_fetch`` so an index also brings its
newest child sitemaps. Retrying transient failures is left to the orchestrator (Prefect).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from mediawatch.config import HttpLimits
from mediawatch.fetch import fetch_feed
from mediawatch.models import Feed, FeedState, FetchResult
from mediawatch.sitemap_fetch import fetch_sitemap


@dataclass(frozen=True)
class FetchTarget:
    """One feed to contact: where (its URL, or the target of a permanent redirect) and how."""

    feed: Feed
    url: str
    state: FeedState | None


@dataclass
class Fetched:
    """A fetch result, plus the child sitemaps a sitemap index led to."""

    feed: Feed
    result: FetchResult
    children: list[FetchResult] = field(default_factory=list)

    @property
    def transient(self) -> bool:
        return self.result.transient


def target_for(feed: Feed, state: FeedState | None) -> FetchTarget:
    """Fetch a feed at its permanent-redirect target when one was recorded."""
    url = state.redirected_to if state is not None and state.redirected_to else feed.url
    return FetchTarget(feed=feed, url=url, state=state)


def fetch_target(target: FetchTarget, client: httpx.Client, limits: HttpLimits) -> Fetched:
    """Fetch one feed (or sitemap); errors, even unexpected ones, come back as data."""
    feed = target.feed
    try:
        if feed.kind == "sitemap":
            result, children = fetch_sitemap(
                target.url, target.state, client, limits, datetime.now(UTC)
            )
            return Fetched(feed, result, children)
        return Fetched(feed, fetch_feed(target.url, target.state, client, limits))
    except Exception as exc:  # fetch_feed returns errors as data; a bug must not sink the batch
        error = FetchResult(feed_url=feed.url, status="error", error=f"fetch failed: {exc}")
        return Fetched(feed, error)


def fetch_many(
    targets: Sequence[FetchTarget], client: httpx.Client, limits: HttpLimits, *, concurrency: int
) -> list[Fetched]:
    """Fetch every target once, ``concurrency`` at a time, in input order."""
    with ThreadPoolExecutor(max_workers=max(concurrency, 1)) as threads:
        return list(threads.map(lambda t: fetch_target(t, client, limits), targets))
