"""The rows a batch stages for the writer, as JSON lines (see ``mediawatch.staging``).

Made where the articles are: a parse worker encodes its feed's articles, tags and translation
links once (``staged``), so the writer process neither unpickles ``Article`` objects nor
encodes them on its critical path; it only concatenates the text (docs/performance.md). No
DuckDB here: the parse workers import this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime

from mediawatch.models import Article, FeedOutcome, StagedRows
from mediawatch.normalize import canonical_url


def _jsonable(value: object) -> str | list:
    """What JSON has no type for: instants and days as ISO 8601, sets as sorted lists."""
    if isinstance(value, (datetime, date)):  # with its offset: read as TIMESTAMPTZ / DATE
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot stage a {type(value).__name__}: {value!r}")


_encode = json.JSONEncoder(ensure_ascii=False, default=_jsonable).encode


def json_lines(rows: Iterable[Mapping[str, object]]) -> str:
    """``rows`` as newline-delimited JSON objects (UTF-8 text, one row per line)."""
    return "".join([_encode(row) + "\n" for row in rows])


def article_rows(articles: Sequence[Article]) -> Iterator[dict[str, object]]:
    """Articles as rows of ``batch_articles`` (named like articles_raw, less the run id)."""
    for a in articles:
        yield {
            "article_id": a.article_id,
            "canonical_url": a.canonical_url,
            "url": a.url,
            "guid": a.guid,
            "feed_url": a.feed_url,
            "outlet": a.outlet,
            "title": a.title,
            "summary": a.summary,
            "lang": a.lang,
            "published_at": a.published_at,
            "published_at_estimated": a.published_at_estimated,
            "fetched_at": a.fetched_at,
            "title_is_slug": a.title_is_slug,
        }


def topic_rows(tags: Mapping[str, Mapping[str, Sequence[str]]]) -> Iterator[dict[str, object]]:
    """One ``batch_topics`` row per (article, topic), with the matched terms."""
    for article_id, by_topic in tags.items():
        for topic, matched in by_topic.items():
            yield {"article_id": article_id, "topic": topic, "matched_terms": matched}


def link_rows(articles: Sequence[Article]) -> Iterator[dict[str, str]]:
    """The hreflang alternates of ``articles`` as rows of ``batch_links`` (article_links)."""
    for a in articles:
        for lang, url in a.alternates:
            if url:
                yield {
                    "article_id": a.article_id,
                    "hreflang": lang,
                    "url": url,
                    "canonical_url": canonical_url(url),
                }


def rows_of(outcome: FeedOutcome) -> StagedRows:
    """The outcome's rows as JSON lines: encoded by its parse worker, or now."""
    if outcome.staged is not None:
        return outcome.staged
    return StagedRows(
        articles=json_lines(article_rows(outcome.articles)),
        topics=json_lines(topic_rows(outcome.tags)),
        links=json_lines(link_rows(outcome.articles)),
    )


def staged(outcome: FeedOutcome) -> FeedOutcome:
    """``outcome`` with its articles and tags as JSON lines instead of objects."""
    return replace(outcome, articles=[], tags={}, staged=rows_of(outcome))
