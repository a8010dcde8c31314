"""`retag`: stored articles get the current rules' tags, and the impact is reported per topic."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from mediawatch import store, writes
from mediawatch.models import Article, Feed, FeedOutcome, FetchResult
from mediawatch.retag import retag_database
from mediawatch.tagging import Rules

NOW = datetime(2025, 11, 30, 12, tzinfo=UTC)
FEED = Feed(url="https://example.org/rss", outlet="Example", lang="en", country="GB")
TEXTS = {
    "a1": ("Ceasefire talks in Miami end without a deal", "Negotiators discussed a truce."),
    "a2": ("EU agrees reparations loan from frozen Russian assets", "Euroclear holds the funds."),
    "a3": ("City opens a new bridge", "Traffic will resume on Monday."),
}


def _articles() -> list[Article]:
    return [
        Article(
            article_id=aid,
            canonical_url=f"https://example.org/{aid}",
            url=f"https://example.org/{aid}",
            guid=None,
            feed_url=FEED.url,
            outlet=FEED.outlet,
            title=title,
            summary=summary,
            lang="en",
            published_at=NOW,
            published_at_estimated=False,
            fetched_at=NOW,
        )
        for aid, (title, summary) in TEXTS.items()
    ]


def _db_with_stale_tags(db_path: Path) -> None:
    """Articles stored under old rules: a1 untagged, a3 wrongly tagged `territory`."""
    with store.writer(db_path) as conn:
        store.migrate(conn)
        store.sync_feeds(conn, [FEED])
        outcome = FeedOutcome(
            feed=FEED,
            fetch=FetchResult(feed_url=FEED.url, status="ok", started_at=NOW),
            articles=_articles(),
            tags={"a2": {"frozen_assets": ["frozen assets"]}, "a3": {"territory": ["bridge"]}},
        )
        writes.write_outcomes(conn, [outcome], {}, run_id="old", rules_version="old", now=NOW)


def test_retag_reports_added_and_removed_tags_and_updates_the_version(db_path: Path):
    _db_with_stale_tags(db_path)
    rules = Rules.load()
    seen: list[int] = []
    report = retag_database(db_path, rules, page_size=2, progress=seen.append)

    assert report.articles == 3 and seen == [2, 3]
    assert report.added["ceasefire"] == 1
    assert report.removed["territory"] == 1
    assert report.added["frozen_assets"] == 0 and report.removed["frozen_assets"] == 0
    assert any("ceasefire: +1 / -0" in line for line in report.lines())
    with store.reader(db_path) as conn:
        rows = conn.execute(
            "select article_id, topic, rules_version from article_topics order by 1, 2"
        ).fetchall()
    assert [(a, t) for a, t, _ in rows] == [("a1", "ceasefire"), ("a2", "frozen_assets")]
    assert {v for *_, v in rows} == {rules.version}


def test_a_second_retag_changes_nothing(db_path: Path):
    _db_with_stale_tags(db_path)
    rules = Rules.load()
    retag_database(db_path, rules)
    again = retag_database(db_path, rules)
    assert sum(again.added.values()) == sum(again.removed.values()) == 0
    assert again.lines()[-1].strip() == "no tag changed"
