"""Deterministic synthetic databases for the dashboard tests (fixture-only SQL lives here).

45 days (2025-10-20 .. 2025-12-03) of articles from six outlets in three languages, tagged with
the five topics by a fixed rule, with a day without any article (2025-11-01), a ceasefire spike
on 2025-11-23 and hostile titles (markup, quotes, SQL fragments, ``%``/``_``) in the last days.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd

from mediawatch import store

FIRST_DAY = date(2025, 10, 20)
DAYS = 45
LAST_DAY = FIRST_DAY + timedelta(days=DAYS - 1)  # 2025-12-03
GAP_DAY = date(2025, 11, 1)  # no article at all that day
SPIKE_DAY = date(2025, 11, 23)  # +10 Reuters ceasefire articles
NOW = datetime(2025, 12, 3, 18, 0, tzinfo=UTC)  # the latest fetch

OUTLETS = [
    ("Ukrainska Pravda", "uk", "https://www.pravda.com.ua/rss/"),
    ("Suspilne", "uk", "https://suspilne.media/rss/all.rss"),
    ("Meduza", "ru", "https://meduza.io/rss/all"),
    ("RBC Ukraine", "ru", "https://rbc.ua/static/rss/all.rus.rss.xml"),
    ("Kyiv Independent", "en", "https://kyivindependent.com/news-archive/rss/"),
    ("Reuters", "en", "https://www.reuters.com/world/europe/rss"),
]
FAILING_FEED = ("Strana", "ru", "https://strana.example/rss")
DAMAGED_OUTLET = "Meduza"  # its last document was cut off: ok, with a warning
DAMAGE_WARNING = "damaged feed, items after the error may be missing: SAXParseException: cut"

TOPIC_RULES = [  # (topic, modulus, remainder, matched terms)
    ("territory", 3, 0, ["Donbas", "territory"]),
    ("ceasefire", 4, 1, ["ceasefire"]),
    ("elections", 5, 2, ["elections"]),
    ("security_guarantees", 7, 3, ["security guarantees"]),
    ("frozen_assets", 11, 4, ["frozen assets"]),
]

# Titles a hostile feed could send, placed on the first article of each outlet in the last days.
HOSTILE_TITLES = [
    "<script>alert(1)</script> peace talks",
    "100% ceasefire claim",
    "under_score agreement",
    "O'Brien: \"quotes\" inside",
    "'; DROP TABLE articles; --",
    "<img src=x onerror=alert(2)> Перемовини у Женеві",
]


@dataclass
class FixtureDB:
    """A built fixture database and the rows put into it (for expected values)."""

    path: Path
    articles: pd.DataFrame = field(default_factory=pd.DataFrame)
    tags: pd.DataFrame = field(default_factory=pd.DataFrame)


def _id(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _rows() -> tuple[list[dict], list[dict]]:
    articles: list[dict] = []
    tags: list[dict] = []
    k = 0
    for i in range(DAYS):
        day = FIRST_DAY + timedelta(days=i)
        if day == GAP_DAY:
            continue
        for j, (outlet, lang, feed) in enumerate(OUTLETS):
            n = 1 + (i + 2 * j) % 3
            if day == SPIKE_DAY and outlet == "Reuters":
                n += 10
            for m in range(n):
                k += 1
                published = datetime(day.year, day.month, day.day, 6 + m, 7 * j, tzinfo=UTC)
                title = f"{outlet} report {k}"
                if m == 0 and i >= DAYS - 2:
                    title = HOSTILE_TITLES[j]
                spike = day == SPIKE_DAY and outlet == "Reuters" and m >= n - 10
                summary = f"Summary of report {k}." + (" Witkoff visit." if k % 13 == 0 else "")
                aid = _id(f"{feed}#{k}")
                articles.append(
                    {
                        "article_id": aid,
                        "canonical_url": f"https://example.org/{lang}/{k}",
                        "url": f"https://example.org/{lang}/{k}?utm=rss",
                        "guid": str(k),
                        "feed_url": feed,
                        "outlet": outlet,
                        "title": title,
                        "summary": summary,
                        "lang": lang,
                        "published_at": published,
                        "published_at_estimated": False,
                        "fetched_at": published + timedelta(minutes=10),
                        "title_is_slug": False,
                        "run_id": "fixture",
                    }
                )
                for topic, mod, rem, terms in TOPIC_RULES:
                    if k % mod == rem or (spike and topic == "ceasefire"):
                        tags.append(
                            {
                                "article_id": aid,
                                "topic": topic,
                                "matched_terms": terms,
                                "rules_version": "fixture-1",
                            }
                        )
    return articles, tags


def _feeds() -> pd.DataFrame:
    rows = []
    for outlet, lang, url in OUTLETS:
        warning = DAMAGE_WARNING if outlet == DAMAGED_OUTLET else None
        rows.append((url, outlet, lang, "ok", 200, None, 0, NOW, NOW, warning))
    outlet, lang, url = FAILING_FEED
    rows.append((url, outlet, lang, "error", 503, "HTTP 503 Service Unavailable", 4, NOW,
                 NOW - timedelta(days=3), None))
    return pd.DataFrame(
        rows,
        columns=["feed_url", "outlet", "lang", "last_status", "last_http_status", "last_error",
                 "consecutive_failures", "last_fetch_at", "last_success_at", "last_warning"],
    )


def build_db(path: Path, *, empty: bool = False, built_by: str | None = None) -> FixtureDB:
    """Create a migrated database at ``path``; fill it unless ``empty``."""
    conn = store.connect(path)
    try:
        store.migrate(conn)
        if built_by:
            store.set_meta(conn, "built_by", built_by)
        if empty:
            return FixtureDB(path)
        article_rows, tag_rows = _rows()
        articles, tags = pd.DataFrame(article_rows), pd.DataFrame(tag_rows)
        conn.register("feeds_df", _feeds())
        conn.register("articles_df", articles)
        conn.register("tags_df", tags)
        conn.execute("insert into feeds by name select * from feeds_df")
        conn.execute("insert into articles_raw by name select * from articles_df")
        conn.execute(
            "insert into article_topics_raw by name "
            "select article_id, topic, cast(matched_terms as varchar[]) as matched_terms, "
            "rules_version from tags_df"
        )
        return FixtureDB(path, articles, tags)
    finally:
        conn.close()
