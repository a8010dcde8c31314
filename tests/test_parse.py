"""parse_feed over small committed feeds and hostile documents."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mediawatch.parse import (
    NotAFeedError,
    ParseError,
    choose_charset,
    cyrillic_charset,
    parse_feed,
)

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
NOW = datetime(2025, 11, 30, 12, 0, tzinfo=UTC)


def load(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_rss2_items_fields_and_dates() -> None:
    parsed = parse_feed(load("rss2.xml"), "application/rss+xml", now=NOW)
    assert parsed.feed_title == "Test Wire" and parsed.feed_lang == "en-gb" and parsed.bozo is None
    assert len(parsed.items) == 3
    first, second, third = parsed.items
    assert first.title == "Geneva talks: delegations meet & agree on a framework"
    assert first.link == "https://news.example.org/world/geneva-talks?utm_source=rss&id=7"
    assert first.guid == "wire-0001"
    assert first.published == datetime(2025, 11, 23, 13, 30, tzinfo=UTC)  # +0100 -> UTC
    assert first.lang_hint == "en-gb"
    assert second.link == "/world/relative-story"  # resolved later, against the feed URL
    assert third.summary is not None and "content:encoded" in third.summary  # content fallback


def test_atom_items_and_language() -> None:
    parsed = parse_feed(load("atom.xml"), "application/atom+xml", now=NOW)
    assert parsed.feed_title == "Тестова стрічка" and parsed.feed_lang == "uk"
    guids = [i.guid for i in parsed.items]
    assert guids == ["tag:uk.example.org,2025:1", "tag:uk.example.org,2025:2"]
    first = parsed.items[0]
    assert first.title == "Переговори в Москві завершилися без результату"
    assert first.link == "https://uk.example.org/news/2025/12/02/talks"
    assert first.lang_hint == "uk"


@pytest.mark.parametrize("content_type", [
    "text/xml; charset=utf-8", "application/rss+xml; charset=UTF-8", None, "text/xml",
    "text/html; charset=iso-8859-1",
])
@pytest.mark.parametrize(("name", "title"), [
    ("uk-windows-1251-nodecl.xml", "Зеленський: мирні переговори в Женеві тривають"),
    ("ru-koi8-u-nodecl.xml", "Переговоры в Москве: Уиткофф встретился с Путиным"),
])
def test_cyrillic_single_byte_bodies_mislabelled_or_unlabelled(
    name: str, title: str, content_type: str | None
) -> None:
    parsed = parse_feed(load(name), content_type, now=NOW)
    assert [i.title for i in parsed.items] == [title]
    assert "\ufffd" not in (parsed.items[0].summary or "")


def test_windows_1251_with_a_lying_utf8_declaration() -> None:
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + load("uk-windows-1251-nodecl.xml")
    parsed = parse_feed(body, "application/xml; charset=utf-8", now=NOW)
    assert parsed.items[0].summary is not None and "ґанок, єдність" in parsed.items[0].summary
    assert parsed.damaged is None  # a label that lied is not a broken document


def test_truthful_declaration_is_trusted() -> None:
    text = "<rss version='2.0'><channel><item><title>Мир</title></item></channel></rss>"
    body = b'<?xml version="1.0" encoding="koi8-r"?>' + text.encode("koi8_r")
    assert parse_feed(body, "text/xml; charset=utf-8").items[0].title == "Мир"


def test_charset_choice() -> None:
    assert choose_charset(b"<rss/>", None) is None  # ASCII: nothing to decide
    assert choose_charset("<rss>мир</rss>".encode(), "text/xml; charset=windows-1251") == "utf-8"
    assert cyrillic_charset("Переговори тривають".encode("cp1251")) == "cp1251"
    assert cyrillic_charset("Переговоры продолжаются".encode("koi8_u")) == "koi8_u"
    assert cyrillic_charset("Café crème, déjà vu, naïve Zürich".encode("latin-1")) is None


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(NotAFeedError, match=r"^not a feed: got text/html$"):
        parse_feed(load("page.html"), "text/html; charset=utf-8")
    with pytest.raises(NotAFeedError, match=r"^not a feed: got text/html$"):
        parse_feed(load("page.html"), "application/rss+xml")  # the label lies, the body tells


def test_feed_served_as_text_html_still_parses() -> None:
    assert len(parse_feed(load("rss2.xml"), "text/html", now=NOW).items) == 3


def test_json_is_not_a_feed() -> None:
    with pytest.raises(NotAFeedError, match="not a feed: got application/json"):
        parse_feed(b'{"items": []}', "application/json")


@pytest.mark.parametrize("body", [b"", b"   \n\t "])
def test_empty_body(body: bytes) -> None:
    with pytest.raises(ParseError, match=r"^empty response body$"):
        parse_feed(body, "application/rss+xml")


def test_body_that_is_a_local_path_is_never_opened() -> None:
    with pytest.raises(NotAFeedError):
        parse_feed(b"/etc/passwd", None)
    with pytest.raises(NotAFeedError):
        parse_feed(str(FEEDS / "rss2.xml").encode(), None)


def test_truncated_feed_gives_the_items_it_could_read() -> None:
    parsed = parse_feed(load("truncated.xml"), "application/rss+xml")
    assert [i.title for i in parsed.items[:2]] == ["First complete item", "Second complete item"]
    assert parsed.bozo is not None
    assert parsed.damaged == parsed.bozo and "SAXParseException" in parsed.damaged


def test_truncated_feed_without_items_is_a_clear_error() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Cut'
    with pytest.raises(ParseError, match="malformed feed with no readable items"):
        parse_feed(body, "application/rss+xml")


def test_billion_laughs_is_refused() -> None:
    t0 = time.monotonic()
    with pytest.raises(ParseError, match="refused: the DOCTYPE declares external or nested"):
        parse_feed(load("billion-laughs.xml"), "application/rss+xml")
    assert time.monotonic() - t0 < 1


def test_plain_literal_entities_are_still_fine() -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY nbsp "&#160;"><!ENTITY co "ACME">]>'
            b'<rss version="2.0"><channel><item><title>&co; news</title></item></channel></rss>')
    assert parse_feed(body, "application/xml").items[0].title == "ACME news"


XXE_DOCS = [
    '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{uri}">]><rss version="2.0"><channel><title>&xxe;'
    '</title><item><title>a &xxe;</title><link>https://x.example/&xxe;</link>'
    "<description>&xxe;</description><guid>&xxe;</guid></item></channel></rss>",
    '<!DOCTYPE rss [<!ENTITY % p SYSTEM "{uri}"> %p;]><rss version="2.0"><channel>'
    "<item><title>a</title></item></channel></rss>",
    '<!DOCTYPE rss SYSTEM "{uri}"><rss version="2.0"><channel><item><title>a</title>'
    "</item></channel></rss>",
    '<!DOCTYPE feed [<!ENTITY xxe SYSTEM "{uri}">]><feed xmlns="http://www.w3.org/2005/Atom">'
    '<title>&xxe;</title><entry><title>&xxe;</title><content type="html">&xxe;</content>'
    "<id>&xxe;</id></entry></feed>",
]


@pytest.mark.parametrize("template", XXE_DOCS)
def test_xxe_never_reads_local_files(tmp_path: Path, template: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LOCAL-FILE-CONTENT")
    body = ('<?xml version="1.0"?>\n' + template.format(uri=secret.as_uri())).encode()
    try:
        parsed = parse_feed(body, "application/xml")
    except ParseError as exc:
        assert "TOP-SECRET" not in str(exc)
        return
    assert "TOP-SECRET" not in repr(parsed)


def test_items_with_missing_fields_do_not_crash() -> None:
    items = parse_feed(load("missing-fields.xml"), None).items
    assert len(items) == 5
    assert items[0].title == "Only a title" and items[0].link is None
    assert items[1].title is None and items[1].link == "https://sparse.example.org/only-link"
    assert items[2].guid == "only-guid-1" and items[2].published is None
    assert items[4] == items[4].__class__(None, None, None, None, None)


def test_duplicate_guids_are_kept_as_published() -> None:
    items = parse_feed(load("duplicate-guids.xml"), None).items
    assert [(i.guid, i.link) for i in items] == [
        ("g-1", "https://dup.example.org/a"),
        ("g-1", "https://dup.example.org/a"),
        ("g-1", "https://dup.example.org/b"),
    ]


def test_absurd_dates_become_none() -> None:
    items = parse_feed(load("absurd-dates.xml"), None, now=NOW).items
    dates = {i.title: i.published for i in items}
    assert dates["Epoch"] is None and dates["Far future"] is None and dates["Garbage"] is None
    assert dates["Good"] == datetime(2025, 11, 30, 15, 0, tzinfo=UTC)
    assert dates["Tomorrow"] == datetime(2025, 12, 1, 12, 0, tzinfo=UTC)  # within 2 days
    late = parse_feed(load("absurd-dates.xml"), None, now=datetime(2025, 11, 1, tzinfo=UTC))
    assert {i.title: i.published for i in late.items}["Tomorrow"] is None


def test_script_markup_is_left_raw_for_normalisation() -> None:
    item = parse_feed(load("script-titles.xml"), None).items[0]
    assert item.title is not None and "Peace plan" in item.title  # cleaned in normalize


def _big_feed(n: int) -> bytes:
    items = "".join(
        f"<item><title>Story {i} &amp; more</title><link>https://big.example.org/a/{i}</link>"
        f"<guid>g{i}</guid><description>&lt;p&gt;Summary {i}&lt;/p&gt;</description>"
        "<pubDate>Sun, 23 Nov 2025 12:00:00 GMT</pubDate></item>"
        for i in range(n)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def test_ten_thousand_items() -> None:
    t0 = time.monotonic()
    parsed = parse_feed(_big_feed(10_000), "application/rss+xml", now=NOW)
    assert len(parsed.items) == 10_000
    assert parsed.items[-1].guid == "g9999"
    assert time.monotonic() - t0 < 20
