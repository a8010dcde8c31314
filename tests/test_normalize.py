"""Normalisation as plain functions: canonical URLs, clean text, ids, dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mediawatch.models import Feed, RawItem
from mediawatch.normalize import (
    article_id,
    canonical_url,
    clean_text,
    dedupe_articles,
    normalize_item,
    title_from_url,
)
from mediawatch.parse import parse_feed

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
FEED = Feed(url="https://news.example.org/rss/world.xml", outlet="Test Wire", lang="en",
            country="GB")
FETCHED = datetime(2025, 11, 30, 12, 0, tzinfo=UTC)


def item(**kw: object) -> RawItem:
    base: dict[str, object] = {"title": "T", "link": "https://a.example/x", "guid": None,
                               "summary": None, "published": None}
    base.update(kw)
    return RawItem(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("raw", "canonical"), [
    ("HTTPS://News.Example.ORG:443/World/Story/?utm_source=rss&b=2&a=1#top",
     "https://news.example.org/World/Story?a=1&b=2"),
    ("http://example.org", "http://example.org/"),
    ("http://example.org:80/", "http://example.org/"),
    ("http://example.org:8080/a/", "http://example.org:8080/a"),
    ("https://www.bbc.co.uk/news/world-60901422?at_medium=RSS&at_campaign=KARANGA",
     "https://www.bbc.co.uk/news/world-60901422"),
    ("https://x.org/a?fbclid=1&gclid=2&yclid=3&mc_cid=4&mc_eid=5&ref=6&cmpid=7&UTM_Medium=8&id=9",
     "https://x.org/a?id=9"),
    ("https://user:secret@x.org/a", "https://x.org/a"),
    ("https://uk.example.org/новини/мир", "https://uk.example.org/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8/%D0%BC%D0%B8%D1%80"),
    ("https://uk.example.org/%d0%bc%d0%b8%d1%80", "https://uk.example.org/%D0%BC%D0%B8%D1%80"),
    ("  https://x.org/a?q=a+b  ", "https://x.org/a?q=a%20b"),
    ("urn:uuid:1234", "urn:uuid:1234"),
])
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical
    assert canonical_url(canonical) == canonical  # idempotent


def test_trailing_slash_and_scheme_policy() -> None:
    assert canonical_url("https://x.org/news/a/") == canonical_url("https://x.org/news/a")
    assert canonical_url("http://x.org/a") != canonical_url("https://x.org/a")


@pytest.mark.parametrize(("raw", "text"), [
    ("<p>Delegations met in <b>Geneva</b>.</p><p>Talks go on.</p>",
     "Delegations met in Geneva. Talks go on."),
    ("<script>alert('x')</script>Peace plan <img src=x onerror=alert(1)> leaked",
     "Peace plan leaked"),
    ("a <style>p {color: red}</style> b <!-- hidden --> c", "a b c"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;Escaped", "Escaped"),
    ("AT&amp;T &amp; &quot;Ukraine&quot; &#8212; &nbsp;news", 'AT&T & "Ukraine" — news'),
    ("  many\n\n   spaces\t here  ", "many spaces here"),
    ("5 < 6 and 7 > 3", "5 < 6 and 7 > 3"),
    ("broken <img src=x onerror=alert(1)", "broken"),
    ("zero\u200bwidth\x00ctl", "zerowidthctl"),
    (None, ""),
])
def test_clean_text(raw: str | None, text: str) -> None:
    assert clean_text(raw) == text


def test_article_id_prefers_the_canonical_url() -> None:
    a = article_id("https://x.org/a", "g1", feed_url="f1")
    assert a == article_id("https://x.org/a", "other", feed_url="f2")
    assert len(a) == 16 and int(a, 16) >= 0
    assert article_id("", "g1", feed_url="f1") != article_id("", "g1", feed_url="f2")
    assert article_id("", None, feed_url="f", title="t") == article_id(None, None, feed_url="f",
                                                                       title="t")
    assert article_id("", None, feed_url="f", title="t") != article_id("", "t", feed_url="f")


def test_normalize_item_full() -> None:
    raw = item(title=" <b>Geneva</b> talks &amp; more ", link="/world/story/?utm_source=rss#c",
               guid="g-1", summary="<p>Body</p>",
               published=datetime(2025, 11, 23, 14, 30, tzinfo=timezone(timedelta(hours=1))))
    art = normalize_item(raw, FEED, FETCHED, "en")
    assert art is not None
    assert art.title == "Geneva talks & more" and art.summary == "Body"
    assert art.url == "https://news.example.org/world/story/?utm_source=rss#c"
    assert art.canonical_url == "https://news.example.org/world/story"
    assert art.article_id == article_id(art.canonical_url, "g-1")
    assert art.published_at == datetime(2025, 11, 23, 13, 30, tzinfo=UTC)
    assert art.published_at.tzinfo == UTC and not art.published_at_estimated
    assert (art.feed_url, art.outlet, art.lang, art.guid) == (FEED.url, "Test Wire", "en", "g-1")


@pytest.mark.parametrize("published", [
    None, datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC),
    FETCHED + timedelta(days=3),
])
def test_missing_or_absurd_dates_fall_back_to_fetch_time(published: datetime | None) -> None:
    art = normalize_item(item(published=published), FEED, FETCHED, "en")
    assert art is not None and art.published_at == FETCHED and art.published_at_estimated


def test_naive_fetch_time_is_taken_as_utc() -> None:
    art = normalize_item(item(), FEED, datetime(2025, 11, 30, 12, 0), "en")
    assert art is not None and art.fetched_at == FETCHED


def test_nothing_usable_gives_none() -> None:
    assert normalize_item(item(title=None, link=None, guid="g"), FEED, FETCHED, "en") is None
    assert normalize_item(item(title="<p> </p>", link="javascript:alert(1)"), FEED, FETCHED,
                          "en") is None


def test_linkless_items_get_stable_synthetic_keys() -> None:
    a = normalize_item(item(title="Only title", link=None), FEED, FETCHED, "en")
    b = normalize_item(item(title=None, link=None, guid="only-guid", summary="Words here."),
                       FEED, FETCHED, "en")
    assert a is not None and b is not None
    assert a.url == "" and a.canonical_url == f"urn:mediawatch:{a.article_id}"
    assert b.title == "Words here." and b.article_id == article_id("", "only-guid",
                                                                   feed_url=FEED.url)


def test_url_guid_stands_in_for_a_missing_link() -> None:
    art = normalize_item(item(link=None, guid="https://x.org/story?id=3"), FEED, FETCHED, "en")
    assert art is not None and art.canonical_url == "https://x.org/story?id=3"


def test_link_only_item_gets_a_slug_title() -> None:
    art = normalize_item(item(title=None, link="https://x.org/2025/11/peace-plan-leaked.html"),
                         FEED, FETCHED, "en")
    assert art is not None and art.title == "Peace plan leaked" and art.title_is_slug
    assert title_from_url("https://x.org/123/") == "x.org"


def test_script_titles_from_a_feed_become_plain_text() -> None:
    parsed = parse_feed((FEEDS / "script-titles.xml").read_bytes(), None)
    art = normalize_item(parsed.items[0], FEED, FETCHED, "en")
    assert art is not None
    assert art.title == "Peace plan leaked"
    assert art.summary == "Text with a link"
    for text in (art.title, art.summary):
        assert "<" not in text and "onerror" not in text and "alert" not in text


def test_duplicate_guids_collapse_to_one_article_per_link() -> None:
    parsed = parse_feed((FEEDS / "duplicate-guids.xml").read_bytes(), None)
    arts = [a for i in parsed.items if (a := normalize_item(i, FEED, FETCHED, "en"))]
    assert len(arts) == 3
    unique = dedupe_articles(arts)
    assert [a.url for a in unique] == ["https://dup.example.org/a", "https://dup.example.org/b"]


def test_missing_fields_fixture() -> None:
    parsed = parse_feed((FEEDS / "missing-fields.xml").read_bytes(), None)
    arts = [normalize_item(i, FEED, FETCHED, "en") for i in parsed.items]
    assert [a is not None for a in arts] == [True, True, True, True, False]
    assert all(a.published_at_estimated for a in arts if a)


def test_relative_links_resolve_against_the_feed_url() -> None:
    parsed = parse_feed((FEEDS / "rss2.xml").read_bytes(), None, now=FETCHED)
    arts = [normalize_item(i, FEED, FETCHED, "en") for i in parsed.items]
    assert [a.canonical_url for a in arts if a] == [
        "https://news.example.org/world/geneva-talks?id=7",
        "https://news.example.org/world/relative-story",
        "https://news.example.org/world/content-only",
    ]
    assert arts[2] is not None and arts[2].summary == "Full text from content:encoded."
