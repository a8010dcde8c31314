"""Real-world documents from ../shared through parse_feed + normalize_item (never copied here).

- feedparser's own test cases: each yields items or a ParseError, never another exception.
- rumca-js RSS-Link-Database-2022 (BBC, CNN, Guardian, Reuters items as JSON): rebuilt into
  RSS documents, then parsed and normalised with exact counts.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from mediawatch.models import Feed
from mediawatch.normalize import canonical_url, normalize_item
from mediawatch.parse import NotAFeedError, ParseError, parse_feed

SHARED = Path(__file__).resolve().parents[2] / "shared"
CASES = SHARED / "fixtures" / "feedparser-cases"
RUMCA = SHARED / "fixtures" / "real-feeds" / "rumca-js_RSS-Link-Database-2022" / "2022"
FETCHED = datetime(2025, 11, 30, 12, 0, tzinfo=UTC)
HEADER = re.compile(rb"Header:\s*Content-type:\s*([^\r\n]+)", re.I)


def _case_files() -> list[Path]:
    return sorted(p for p in CASES.rglob("*.xml")) if CASES.is_dir() else []


def _need(path: Path) -> None:
    if not path.is_dir():
        pytest.skip(f"shared fixtures not found at {path} (they live outside the repo)")


@pytest.mark.parametrize("path", _case_files(), ids=lambda p: str(p.relative_to(CASES)))
def test_feedparser_case_goes_through_the_pipeline(path: Path) -> None:
    body = path.read_bytes()
    match = HEADER.search(body)  # the simulated HTTP header the case is written for
    content_type = match.group(1).decode("ascii", "replace").strip() if match else None
    feed = Feed(url="http://example.org/feed.xml", outlet="cases", lang="en", country="US")
    try:
        parsed = parse_feed(body, content_type, base_url=feed.url, now=FETCHED)
    except ParseError as exc:  # NotAFeedError included: a per-feed error, with a message
        assert str(exc)
        return
    for item in parsed.items:
        article = normalize_item(item, feed, FETCHED, "en")
        if article is not None:
            assert article.published_at.tzinfo is not None and len(article.article_id) == 16


def test_feedparser_cases_are_present() -> None:
    _need(CASES)
    assert len(_case_files()) >= 80


def test_koi8r_case_without_any_encoding_information_is_read_as_cyrillic() -> None:
    _need(CASES)
    parsed = parse_feed((CASES / "illformed" / "chardet" / "koi8r.xml").read_bytes(), None)
    assert parsed.items[0].title == "Как пережить новогоднюю ночь"


def test_html_disguised_case_is_not_a_feed() -> None:
    _need(CASES)
    with pytest.raises(NotAFeedError):
        parse_feed((CASES / "illformed" / "always_strip_doctype.xml").read_bytes(), None)


# --- rumca-js RSS-Link-Database-2022 ------------------------------------------------------


def _rss(items: list[dict]) -> bytes:
    parts = []
    for it in items:
        when = datetime.fromisoformat(it["date_published"])
        parts.append(
            f"<item><title>{escape(it['title'] or '')}</title><link>{escape(it['link'])}</link>"
            f"<description>{escape(it['description'] or '')}</description>"
            f"<pubDate>{format_datetime(when)}</pubDate></item>"
        )
    doc = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
           "<language>en</language>" + "".join(parts) + "</channel></rss>")
    return doc.encode("utf-8")


def _articles(source_file: str) -> tuple[list[dict], list]:
    raw, articles = [], []
    for path in sorted(RUMCA.glob(f"*/{source_file}")):
        items = json.loads(path.read_text(encoding="utf-8"))
        feed = Feed(url=items[0]["source"], outlet=source_file, lang="en", country="GB")
        parsed = parse_feed(_rss(items), "application/rss+xml", now=FETCHED)
        assert len(parsed.items) == len(items), path
        raw += items
        articles += [normalize_item(i, feed, FETCHED, "en") for i in parsed.items]
    return raw, articles


@pytest.mark.parametrize(("source_file", "count"), [
    ("http.feeds.bbci.co.uknewsrss.xml_entries.json", 1371),
    ("http.rss.cnn.comrssedition.rss_entries.json", 1244),
    ("https.www.theguardian.comrss_entries.json", 128),
    ("https.www.reuters.com_entries.json", 2),
])
def test_rumca_items_survive_with_exact_counts(source_file: str, count: int) -> None:
    _need(RUMCA)
    raw, articles = _articles(source_file)
    assert len(raw) == len(articles) == count
    assert all(a is not None for a in articles)
    for item, art in zip(raw, articles, strict=True):
        assert art.published_at == datetime.fromisoformat(item["date_published"])
        assert not art.published_at_estimated
        assert art.url == item["link"] and art.canonical_url == canonical_url(item["link"])
        assert "<" not in art.summary and "&lt;" not in art.summary
        assert "utm_" not in art.canonical_url and "at_medium" not in art.canonical_url
    assert len({a.article_id for a in articles}) == len({a.canonical_url for a in articles})


def test_rumca_bbc_tracking_parameters_are_dropped() -> None:
    _need(RUMCA)
    items = json.loads((RUMCA / "2022-03-29" / "http.feeds.bbci.co.uknewsrss.xml_entries.json")
                       .read_text(encoding="utf-8"))
    feed = Feed(url=items[0]["source"], outlet="BBC", lang="en", country="GB")
    parsed = parse_feed(_rss(items), "application/rss+xml", now=FETCHED)
    articles = [normalize_item(i, feed, FETCHED, "en") for i in parsed.items]
    assert len(articles) == 33
    assert articles[0] is not None
    assert articles[0].canonical_url == "https://www.bbc.co.uk/news/business-60901422"
    assert articles[0].title == "'We see the queue for food growing day by day'"


def test_rumca_guardian_html_descriptions_become_plain_text() -> None:
    _need(RUMCA)
    raw, articles = _articles("https.www.theguardian.comrss_entries.json")
    with_html = [a for r, a in zip(raw, articles, strict=True) if "<" in (r["description"] or "")]
    assert len(with_html) == 128
    assert all(a.summary and "<" not in a.summary for a in with_html)
