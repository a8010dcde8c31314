"""Sitemap parsing over every real fixture file (exact counts), edge cases and hostile XML."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mediawatch.sitemap import (
    SitemapError,
    lang_from_path,
    parse_sitemap,
    parse_w3c_date,
    period_end_from_url,
    select_children,
    title_from_slug,
)
from mediawatch.sitemap_fetch import is_sitemap_index

SHARED = Path(__file__).resolve().parents[2] / "shared"
LOXAR = SHARED / "fixtures" / "real-feeds" / "loxar-ua_case-monitoring-etl"

# file -> (<url> items, items without a date, items with a slug title, items with alternates)
REAL_URLSETS = {
    "pravda/unpacked_sitemap-2025-12.xml": (486, 0, 486, 486),
    "suspilne/news0.xml": (500, 0, 0, 0),
    "suspilne/news1.xml": (500, 0, 0, 0),
    "svoboda/part1.xml": (1615, 0, 1615, 0),
    "hromadske/https_hromadske_ua_sitemaps_posts_2025_12.xml": (358, 4, 358, 152),
    "cenzor/sitemap_uk_resonance_202512.xml": (11, 0, 0, 0),
    "espreso/sitemap_news_1.xml": (6179, 0, 6179, 0),
    "babel/11-12-11-26.xml": (369, 0, 369, 256),
    "slovo_i_dilo/monthly_2025-11_uk.xml": (1076, 0, 1076, 0),
}
INDEX = "pravda/www_pravda_com_ua_sitemap_sitemap-archive.xml"


def _real(name: str) -> bytes:
    if not LOXAR.is_dir():
        pytest.skip(f"shared real-feed fixtures not found at {LOXAR} (checkout without ../shared)")
    return (LOXAR / name).read_bytes()


def test_every_real_fixture_file_is_covered() -> None:
    if not LOXAR.is_dir():
        pytest.skip(f"shared real-feed fixtures not found at {LOXAR}")
    found = {str(p.relative_to(LOXAR)) for p in LOXAR.rglob("*.xml")}
    assert found == set(REAL_URLSETS) | {INDEX}


@pytest.mark.parametrize("name", sorted(REAL_URLSETS))
def test_real_sitemap_exact_counts(name: str) -> None:
    total, undated, slugs, with_alternates = REAL_URLSETS[name]
    parsed = parse_sitemap(_real(name), "application/xml", f"https://example.org/{name}")
    assert not parsed.is_index and parsed.child_sitemaps == []
    assert len(parsed.items) == total
    assert sum(i.published is None for i in parsed.items) == undated
    assert sum(i.title_is_slug for i in parsed.items) == slugs
    assert sum(bool(i.alternates) for i in parsed.items) == with_alternates
    assert all(i.link and i.link.startswith("https://") for i in parsed.items)
    assert all(i.title for i in parsed.items)


def test_real_sitemap_index_lists_children_newest_first() -> None:
    parsed = parse_sitemap(_real(INDEX), None, "https://www.pravda.com.ua/sitemap/archive.xml")
    assert parsed.is_index and parsed.items == []
    assert len(parsed.child_sitemaps) == 309
    assert parsed.child_sitemaps[0].loc.endswith("sitemap-2025-12.xml.gz")
    assert parsed.child_sitemaps[-1].loc.endswith("sitemap-2000-04.xml.gz")
    dates = [c.lastmod for c in parsed.child_sitemaps]
    assert dates == sorted(dates, reverse=True)  # no lastmod: the month in the URL decides
    now = datetime(2025, 12, 10, tzinfo=UTC)
    assert select_children(parsed, now, max_children=3, window_days=31) == [
        "https://www.pravda.com.ua/sitemap/sitemap-2025-12.xml.gz",
        "https://www.pravda.com.ua/sitemap/sitemap-2025-11.xml.gz",
    ]
    assert len(select_children(parsed, now, max_children=3, window_days=90)) == 3
    assert is_sitemap_index(_real(INDEX))
    assert not is_sitemap_index(_real("cenzor/sitemap_uk_resonance_202512.xml"))


def test_suspilne_cyrillic_image_titles() -> None:
    items = parse_sitemap(_real("suspilne/news0.xml"), None, "https://suspilne.media/").items
    first = items[0]
    assert first.title.startswith('"Багато змінюється, є сигнали')
    assert first.title.endswith("Зеленський про переговори у Женеві")
    assert not first.title_is_slug
    assert first.published == datetime(2025, 11, 23, 21, 13, 31, tzinfo=UTC)


def test_censor_takes_the_wordier_image_caption_over_a_name_in_image_title() -> None:
    items = parse_sitemap(_real("cenzor/sitemap_uk_resonance_202512.xml"), None, "x").items
    assert items[0].title.startswith("Пілот FPV на позивний IIID")  # image:title is "третяк"
    assert items[0].lang_hint == "uk"  # from the /ua/ path segment


def test_hromadske_missing_lastmod_gives_no_date() -> None:
    items = parse_sitemap(
        _real("hromadske/https_hromadske_ua_sitemaps_posts_2025_12.xml"), None, "x"
    ).items
    assert items[0].published is None
    assert items[1].published == datetime(2025, 12, 5, 10, 56, 34, tzinfo=UTC)


def test_espreso_date_only_lastmod_is_midnight_utc() -> None:
    items = parse_sitemap(_real("espreso/sitemap_news_1.xml"), None, "x").items
    assert items[0].published == datetime(2025, 9, 14, tzinfo=UTC)
    assert items[0].title == "Poglyad shcho tvoritsya z tsinami"  # transliteration stays Latin


def test_svoboda_minified_one_line_with_fractional_seconds() -> None:
    body = _real("svoboda/part1.xml")
    assert body.count(b"\n") <= 1
    first = parse_sitemap(body, None, "x").items[0]
    assert first.published == datetime(2025, 12, 22, 5, 48, 53, 10000, tzinfo=UTC)
    assert first.title == "News rosia ataka droniv"  # the numeric id segment is skipped


def test_pravda_hreflang_alternates_link_three_language_variants() -> None:
    items = parse_sitemap(_real("pravda/unpacked_sitemap-2025-12.xml"), None, "x").items
    by_url = {i.link: i for i in items}
    en = by_url["https://www.pravda.com.ua/eng/news/2025/12/01/8009697/"]
    ru = by_url["https://www.pravda.com.ua/rus/news/2025/12/01/8009697/"]
    uk = by_url["https://www.pravda.com.ua/news/2025/12/01/8009697/"]
    assert (en.lang_hint, ru.lang_hint, uk.lang_hint) == ("en", "ru", None)  # uk: the feed's
    assert dict(en.alternates) == {"ru": ru.link, "uk": uk.link}
    assert dict(uk.alternates) == {"en": en.link, "ru": ru.link}
    triples = sum(1 for i in items if len(i.alternates) == 2)
    assert triples == 486  # 162 articles x 3 languages, each listing the other two


def test_babel_self_hreflang_sets_language_and_is_not_an_alternate() -> None:
    first = parse_sitemap(_real("babel/11-12-11-26.xml"), None, "x").items[0]
    assert first.lang_hint == "uk"
    assert [lang for lang, _ in first.alternates] == ["en"]  # amphtml links are not translations


URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://example.org/rus/news/2025/11/30/peregovory-v-majami/</loc>
    <lastmod>2025-12-01</lastmod>
    <news:news>
      <news:publication><news:name>X</news:name><news:language>ru</news:language></news:publication>
      <news:publication_date>2025-11-30T18:30:00+02:00</news:publication_date>
      <news:title>Переговоры в Майами завершились</news:title>
    </news:news>
  </url>
</urlset>""".encode()


def test_news_title_and_publication_date_win_over_lastmod() -> None:
    item = parse_sitemap(URLSET, None, "x").items[0]
    assert item.title == "Переговоры в Майами завершились" and not item.title_is_slug
    assert item.published == datetime(2025, 11, 30, 16, 30, tzinfo=UTC)
    assert item.lang_hint == "ru"


def test_gzip_sitemap_is_inflated() -> None:
    assert len(parse_sitemap(gzip.compress(URLSET), None, "x").items) == 1


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&xxe;</loc></url></urlset>"""
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol3;</loc></url></urlset>"""


@pytest.mark.parametrize(
    "body", [XXE, BOMB, XXE.decode().encode("utf-16")], ids=["xxe", "bomb", "utf16"]
)
def test_doctype_and_entities_are_refused(body: bytes) -> None:
    with pytest.raises(SitemapError, match="DOCTYPE"):
        parse_sitemap(body, None, "x")


@pytest.mark.parametrize(
    "body", [b"", b"<rss><channel/></rss>", b"<urlset><url><loc>x</url>", b"\x1f\x8bjunk"]
)
def test_not_a_sitemap_is_a_value_error(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_sitemap(body, None, "x")


def test_helpers() -> None:
    assert parse_w3c_date("2025-12-22T05:48:53.257Z") == datetime(
        2025, 12, 22, 5, 48, 53, 257000, tzinfo=UTC
    )
    assert parse_w3c_date("not a date") is None and parse_w3c_date(" ") is None
    assert lang_from_path("https://hromadske.ua/en/war/1-x") == "en"
    assert lang_from_path("https://www.pravda.com.ua/rus/news/1/") == "ru"
    assert lang_from_path("https://example.org/news/1") is None
    assert title_from_slug("https://hromadske.ua/svit/255592-na-myrnykh-perehovorakh") == (
        "Na myrnykh perehovorakh"
    )
    assert period_end_from_url("https://x/sitemap-2025-02.xml") == datetime(2025, 3, 1, tzinfo=UTC)
    assert period_end_from_url("https://x/sitemap-2025-12-31.xml") == datetime(
        2026, 1, 1, tzinfo=UTC
    )
    assert period_end_from_url("https://x/news0.xml") is None
