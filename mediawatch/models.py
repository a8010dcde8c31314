"""Typed records passed between the pipeline stages (fetch -> parse -> normalise -> store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from mediawatch.storymatch import PackedDoc

FetchStatus = Literal["ok", "not_modified", "error", "deferred"]
FeedKind = Literal["rss", "sitemap"]


@dataclass(frozen=True)
class Feed:
    """One row of seeds/feeds.csv."""

    url: str
    outlet: str
    lang: str  # declared language: a hint, not the truth
    country: str
    poll_minutes: int = 15
    kind: FeedKind = "rss"


@dataclass(frozen=True)
class FeedState:
    """What the database remembers about a feed between runs."""

    feed_url: str
    etag: str | None = None
    last_modified: str | None = None
    next_fetch_at: datetime | None = None
    retry_after_until: datetime | None = None
    consecutive_failures: int = 0
    failure_weight: float = 0.0
    redirected_to: str | None = None  # permanent redirect target, fetched instead of feed_url


@dataclass
class FetchResult:
    """Outcome of one HTTP fetch of one feed. Never raises: errors are data."""

    feed_url: str
    status: FetchStatus
    http_status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    permanent_redirect: str | None = None  # new URL after a 301/308
    retry_after_s: int | None = None
    error: str | None = None
    transient: bool = False  # worth retrying now (timeouts, 5xx, connection reset)
    started_at: datetime | None = None
    duration_ms: int = 0


@dataclass(frozen=True)
class RawItem:
    """One feed entry as parsed, before normalisation. All text still raw (may hold HTML)."""

    title: str | None
    link: str | None
    guid: str | None
    summary: str | None
    published: datetime | None  # UTC if the feed gave a parseable date, else None
    lang_hint: str | None = None  # language declared by the feed / entry
    title_is_slug: bool = False  # sitemaps: title made from the URL slug
    alternates: tuple[tuple[str, str], ...] = ()  # sitemaps: (hreflang, url) translations


@dataclass(frozen=True)
class Article:
    """A normalised article, ready to store."""

    article_id: str
    canonical_url: str
    url: str
    guid: str | None
    feed_url: str
    outlet: str
    title: str
    summary: str
    lang: str
    published_at: datetime  # UTC, tz-aware
    published_at_estimated: bool
    fetched_at: datetime  # UTC, tz-aware
    title_is_slug: bool = False
    alternates: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class StagedRows:
    """A feed's new rows as JSON lines, ready for the writer (``mediawatch.rows``)."""

    articles: str  # batch_articles rows
    topics: str  # batch_topics rows
    links: str  # batch_links rows


@dataclass
class FeedOutcome:
    """Everything one feed contributed to a run: what the store writes in one transaction."""

    feed: Feed
    fetch: FetchResult
    articles: list[Article] = field(default_factory=list)
    tags: dict[str, dict[str, list[str]]] = field(
        default_factory=dict
    )  # article_id -> topic -> terms
    items_seen: int = 0
    error: str | None = None  # fetch or parse error, if any
    warning: str | None = None  # the feed was read, but only in part (parse.ParsedFeed.damaged)
    # article_id -> the story matcher's view of it (not for slug titles), made by the parse
    # worker so the single writer process does not tokenise every new article again; packed
    # (storymatch.packed) to cross the process boundary cheaply
    docs: dict[str, PackedDoc] = field(default_factory=dict)
    # articles, tags and links encoded by the parse worker (then ``articles`` and ``tags`` are
    # empty): the writer stages the text as it is (mediawatch.rows.staged)
    staged: StagedRows | None = None
