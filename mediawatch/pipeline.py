"""The pure middle of a run: fetched bytes -> parsed items -> normalised, tagged articles.

No network and no database here, so every step is tested with plain inputs. Large batches are
spread over a process pool (feedparser is CPU-bound and holds the GIL).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path

from mediawatch.language import detect_language
from mediawatch.models import Feed, FeedOutcome, FetchResult, RawItem
from mediawatch.normalize import normalize_item
from mediawatch.parse import parse_feed
from mediawatch.rows import staged
from mediawatch.storymatch import make_doc, packed
from mediawatch.tagging import Rules

# Below this many body bytes a pool costs more (worker start-up) than it saves.
POOL_MIN_BYTES = 4 * 1024 * 1024


def parse_items(
    feed: Feed, body: bytes, content_type: str | None
) -> tuple[list[RawItem], str | None]:
    """Parse a fetched body with the parser for the feed's kind: (items, damage warning).

    The warning is set when the document was read only in part (broken or cut-off XML): the
    items before the damage are kept. Raises ValueError subclasses when nothing is readable.
    """
    if feed.kind == "sitemap":
        from mediawatch.sitemap import parse_sitemap

        return parse_sitemap(body, content_type, feed.url).items, None
    parsed = parse_feed(body, content_type)
    if parsed.damaged is None:
        return parsed.items, None
    return parsed.items, f"damaged feed, items after the error may be missing: {parsed.damaged}"


def _child_items(feed: Feed, children: Sequence[FetchResult]) -> tuple[list[RawItem], str | None]:
    """Items of a sitemap index's fetched child sitemaps; an error only when none was usable."""
    items: list[RawItem] = []
    errors: list[str] = []
    for child in children:
        try:
            if child.status != "ok":
                raise ValueError(child.error or child.status)
            items.extend(parse_items(feed, child.body or b"", child.content_type)[0])
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
    """Turn one fetch result into a FeedOutcome (articles, tags and story-matcher views, or a
    per-feed error).

    ``children``: for a sitemap index, the fetched child sitemaps (``sitemap_fetch``); their
    items count as the feed's own.
    """
    outcome = FeedOutcome(feed=feed, fetch=result)
    if result.status != "ok":
        outcome.error = result.error
        return outcome
    try:
        items, outcome.warning = parse_items(feed, result.body or b"", result.content_type)
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
        if not article.title_is_slug:
            outcome.docs[article.article_id] = packed(make_doc(
                article.article_id, article.outlet, lang, article.published_at, article.title,
                article.summary,
            ))
        tags = rules.tag(article.title, article.summary, lang)
        if tags:
            outcome.tags[article.article_id] = tags
    return outcome


_worker_rules: Rules | None = None


def _warm() -> None:
    """Nothing: submitted once per worker so the pool spawns them all up front."""


def _init_worker(topics_path: str) -> None:
    global _worker_rules
    _worker_rules = Rules.load(Path(topics_path))


def _process_in_worker(
    feed: Feed, result: FetchResult, fetched_at: datetime, children: Sequence[FetchResult] = ()
) -> FeedOutcome:
    assert _worker_rules is not None
    outcome = process_fetch(feed, result, _worker_rules, fetched_at, children)
    outcome.fetch = replace(outcome.fetch, body=None)  # do not ship the bytes back
    return staged(outcome)  # rows encoded here, on every core, not in the writer


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
    with _pool(workers, topics_path) as pool:
        futures = [
            pool.submit(_process_in_worker, f, r, fetched_at, kids.get(f.url, ())) for f, r in pairs
        ]
        return [fut.result() for fut in futures]


def _pool(workers: int, topics_path: Path) -> ProcessPoolExecutor:
    # Not fork: the caller runs threads (Prefect, httpx) that a fork would copy mid-lock. A
    # forkserver is a fresh interpreter that loads the workers' modules and morphology
    # dictionaries once (worker_preload) and forks each worker from itself: the workers share
    # those pages (~40 MB) instead of loading a copy each.
    context = get_context("forkserver")
    context.set_forkserver_preload(["mediawatch.worker_preload"])
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(str(topics_path),),
    )


class Processor:
    """``process_all`` for a whole run: batches go to one pool that lives as long as the run.

    Starting the pool costs ~1-2 s (the forkserver's imports and dictionaries, each worker's
    rules), so it is started once, when the run's bodies reach ``POOL_MIN_BYTES`` (small runs
    stay in-process), and kept. The rules are compiled in this process only when a batch is
    processed here (~40 MB of morphology dictionaries).
    ``submit`` returns at once while the pool works, so the caller can store the previous batch
    meanwhile: parsing on every core overlaps fetching and writing.
    """

    def __init__(
        self, topics_path: Path, *, workers: int | None = None, eager: bool = False,
        rules: Rules | None = None,
    ) -> None:
        self.topics_path = topics_path
        self._rules = rules  # compiled on first in-process use: the pool's workers have their own
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self._bytes = 0
        self._pool: ProcessPoolExecutor | None = None
        if eager:  # the caller knows the run is big: start the workers now
            self._pool = _pool(self.workers, topics_path)
            for _ in range(self.workers):
                self._pool.submit(_warm)

    @property
    def rules(self) -> Rules:
        """The compiled rules for in-process work (loaded once, when first needed)."""
        if self._rules is None:
            self._rules = Rules.load(self.topics_path)
        return self._rules

    def __enter__(self) -> Processor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(
        self,
        pairs: Sequence[tuple[Feed, FetchResult]],
        fetched_at: datetime,
        children: Mapping[str, Sequence[FetchResult]] | None = None,
    ) -> Batch:
        """Start processing one batch; ``Batch.result()`` gives its outcomes, in order."""
        kids = children or {}
        self._bytes += sum(len(r.body or b"") for _, r in pairs)
        self._bytes += sum(len(c.body or b"") for cs in kids.values() for c in cs)
        if self._pool is None and self.workers > 0 and self._bytes >= POOL_MIN_BYTES:
            self._pool = _pool(self.workers, self.topics_path)
        jobs = [(f, r, fetched_at, kids.get(f.url, ())) for f, r in pairs]
        if self._pool is not None:
            try:
                return Batch([self._pool.submit(_process_in_worker, *job) for job in jobs],
                             jobs, self)
            except BrokenProcessPool:  # a worker died (killed, out of memory): carry on here
                self.close()
                self.workers = 0
        return Batch([process_fetch(f, r, self.rules, at, ch) for f, r, at, ch in jobs])


Job = tuple[Feed, FetchResult, datetime, Sequence[FetchResult]]


class Batch:
    """The outcomes of one submitted batch: ready values or pool futures."""

    def __init__(self, parts: list[FeedOutcome] | list[Future[FeedOutcome]],
                 jobs: list[Job] | None = None, processor: Processor | None = None) -> None:
        self._parts, self._jobs, self._processor = parts, jobs, processor

    def result(self) -> list[FeedOutcome]:
        """The outcomes in submission order; a feed whose worker died is processed here."""
        out = []
        for i, part in enumerate(self._parts):
            if isinstance(part, Future):
                try:
                    part = part.result()
                except BrokenProcessPool:
                    assert self._jobs is not None and self._processor is not None
                    rules = self._processor.rules
                    part = process_fetch(*self._jobs[i][:2], rules, *self._jobs[i][2:])
            out.append(part)
        return out
