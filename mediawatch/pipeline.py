"""The pure middle of a run: fetched bytes -> parsed items -> normalised, tagged articles.

No network and no database here, so every step is tested with plain inputs. Large batches are
spread over a process pool (feedparser is CPU-bound and holds the GIL).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path

from mediawatch.language import detect_language
from mediawatch.models import Feed, FeedOutcome, FetchResult, RawItem
from mediawatch.normalize import normalize_item
from mediawatch.parse import parse_feed
from mediawatch.tagging import Rules

# Below this many body bytes a pool costs more (worker start-up) than it saves.
POOL_MIN_BYTES = 4 * 1024 * 1024


def parse_items(feed: Feed, body: bytes, content_type: str | None) -> list[RawItem]:
    """Parse a fetched body with the parser for the feed's kind. Raises ValueError subclasses."""
    if feed.kind == "sitemap":
        from mediawatch.sitemap import parse_sitemap

        return parse_sitemap(body, content_type, feed.url).items
    return parse_feed(body, content_type).items


def _child_items(feed: Feed, children: Sequence[FetchResult]) -> tuple[list[RawItem], str | None]:
    """Items of a sitemap index's fetched child sitemaps; an error only when none was usable."""
    items: list[RawItem] = []
    errors: list[str] = []
    for child in children:
        try:
            if child.status != "ok":
                raise ValueError(child.error or child.status)
            items.extend(parse_items(feed, child.body or b"", child.content_type))
        except ValueError as exc:
            errors.append(f"{child.feed_url}: {exc}")
    if children and len(errors) == len(children):
        return items, f"sitemap index: no child sitemap usable ({errors[0]})"
    return items, None


def process_fetch(
    feed: Feed,
    result: FetchResult,
    rules: Rules,
    fetched_at: datetime,
    children: Sequence[FetchResult] = (),
) -> FeedOutcome:
    """Turn one fetch result into a FeedOutcome (articles + tags, or a per-feed error).

    ``children``: for a sitemap index, the fetched child sitemaps (``sitemap_fetch``); their
    items count as the feed's own.
    """
    outcome = FeedOutcome(feed=feed, fetch=result)
    if result.status != "ok":
        outcome.error = result.error
        return outcome
    try:
        items = parse_items(feed, result.body or b"", result.content_type)
    except ValueError as exc:  # parse errors are data: one error row, never the run
        outcome.error = str(exc) or exc.__class__.__name__
        return outcome
    if children:
        child_items, outcome.error = _child_items(feed, children)
        items.extend(child_items)
    outcome.items_seen = len(items)
    for item in items:
        article = normalize_item(item, feed, fetched_at, feed.lang)
        if article is None:
            continue
        # A title made from a URL slug is transliterated: its letters say nothing of the language.
        text = article.summary if article.title_is_slug else f"{article.title} {article.summary}"
        lang = detect_language(text, item.lang_hint or feed.lang)
        if lang != article.lang:
            article = replace(article, lang=lang)
        outcome.articles.append(article)
        tags = rules.tag(article.title, article.summary, lang)
        if tags:
            outcome.tags[article.article_id] = tags
    return outcome


_worker_rules: Rules | None = None


def _init_worker(topics_path: str) -> None:
    global _worker_rules
    _worker_rules = Rules.load(Path(topics_path))


def _process_in_worker(
    feed: Feed, result: FetchResult, fetched_at: datetime, children: Sequence[FetchResult] = ()
) -> FeedOutcome:
    assert _worker_rules is not None
    outcome = process_fetch(feed, result, _worker_rules, fetched_at, children)
    outcome.fetch = replace(outcome.fetch, body=None)  # do not ship the bytes back
    return outcome


def process_all(
    pairs: Sequence[tuple[Feed, FetchResult]],
    rules: Rules,
    topics_path: Path,
    fetched_at: datetime,
    *,
    workers: int | None = None,
    children: Mapping[str, Sequence[FetchResult]] | None = None,
) -> list[FeedOutcome]:
    """Process every fetch result, in a process pool when the batch is large enough.

    ``children`` maps a sitemap-index feed URL to its fetched child sitemaps.
    """
    kids = children or {}
    total = sum(len(r.body or b"") for _, r in pairs)
    total += sum(len(c.body or b"") for cs in kids.values() for c in cs)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or total < POOL_MIN_BYTES or len(pairs) < 2:
        return [process_fetch(f, r, rules, fetched_at, kids.get(f.url, ())) for f, r in pairs]
    # spawn, not fork: the caller may run threads (Prefect, httpx) that fork would copy mid-lock.
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=_init_worker,
        initargs=(str(topics_path),),
    ) as pool:
        futures = [
            pool.submit(_process_in_worker, f, r, fetched_at, kids.get(f.url, ())) for f, r in pairs
        ]
        return [fut.result() for fut in futures]
