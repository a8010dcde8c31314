"""Schema migration and the batch writer, without Prefect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from mediawatch import store, writes
from mediawatch.models import Article, Feed, FeedOutcome, FetchResult
from mediawatch.sqlfiles import load_sql

NOW = datetime(2025, 11, 30, 12, tzinfo=UTC)
FEED = Feed(url="https://example.org/rss", outlet="Example", lang="en", country="GB")


def _article(n: int, feed: Feed = FEED) -> Article:
    url = f"https://example.org/a/{n}"
    return Article(
        article_id=f"id{n:04d}",
        canonical_url=url,
        url=url,
        guid=None,
        feed_url=feed.url,
        outlet=feed.outlet,
        title=f"Title {n}",
        summary="",
        lang="en",
        published_at=NOW - timedelta(hours=n),
        published_at_estimated=False,
        fetched_at=NOW,
    )


def _outcome(articles: list[Article], feed: Feed = FEED, **tags) -> FeedOutcome:
    result = FetchResult(
        feed_url=feed.url, status="ok", http_status=200, etag='"v1"', started_at=NOW
    )
    return FeedOutcome(
        feed=feed, fetch=result, articles=articles, items_seen=len(articles), tags=tags
    )


@pytest.fixture
def conn(db_path: Path):
    c = store.connect(db_path)
    store.migrate(c)
    store.sync_feeds(c, [FEED])
    yield c
    c.close()


def test_migrate_is_idempotent_and_records_the_version(conn):
    version = store.migrate(conn)
    assert store.migrate(conn) == version == store.latest_version()
    views = {
        r[0]
        for r in conn.execute("select view_name from duckdb_views() where not internal").fetchall()
    }
    assert {"articles", "article_topics", "feed_health", "daily_coverage", "daily_topics"} <= views


def test_an_old_database_upgrades_in_place(db_path: Path):
    c = duckdb.connect(str(db_path))
    c.execute(load_sql("schema"))  # a version-1 database, as the first release wrote it
    c.execute("insert into schema_version (version) values (1)")
    c.execute("insert into feeds (feed_url, outlet) values ('https://old.example/rss', 'Old')")
    assert store.needs_migration(c) == (store.latest_version() > 1)
    store.migrate(c)
    assert store.schema_version(c) == store.latest_version()
    assert c.execute("select outlet from feed_health").fetchall() == [("Old",)]
    c.close()


def _article_keys(c: duckdb.DuckDBPyConnection) -> int:
    return c.execute(
        "select count(*) from duckdb_constraints() where constraint_type = 'PRIMARY KEY'"
        " and table_name in ('articles_raw', 'article_topics_raw', 'article_links',"
        " 'article_story_raw')").fetchone()[0]


def test_migration_006_drops_the_article_key_indexes_and_keeps_every_row(db_path: Path):
    c = duckdb.connect(str(db_path))
    store.migrate(c)
    # a database written before 006: the article tables carried PRIMARY KEY (ART) indexes
    c.execute("delete from schema_version where version = 6")
    for table, key in (("articles_raw", "article_id"), ("article_topics_raw", "article_id, topic"),
                       ("article_links", "article_id, canonical_url"),
                       ("article_story_raw", "article_id")):
        ddl = c.execute(f"select sql from duckdb_tables() where table_name = '{table}'").fetchone()
        c.execute(f"drop table {table}")
        c.execute(ddl[0].rstrip().rstrip(";").rstrip().rstrip(")") + f", primary key ({key}));")
    outcome = FeedOutcome(FEED, FetchResult(feed_url=FEED.url, status="ok", started_at=NOW),
                          articles=[_article(n) for n in range(30)],
                          tags={"id0001": {"ceasefire": ("ceasefire",)}})
    store.sync_feeds(c, [FEED])
    writes.write_outcomes(c, [outcome], {}, run_id="r1", rules_version="v", now=NOW)
    assert _article_keys(c) == 4
    store.migrate(c)
    assert store.schema_version(c) == store.latest_version()
    assert _article_keys(c) == 0
    assert c.execute("select count(*) from articles").fetchone()[0] == 30
    assert c.execute("select count(*) from article_topics").fetchone()[0] == 1
    assert c.execute("select count(*) from article_story").fetchone()[0] == 30
    # still one row per article: a rerun of the same batch adds nothing
    writes.write_outcomes(c, [outcome], {}, run_id="r2", rules_version="v", now=NOW)
    rows = c.execute("select count(*), count(distinct article_id) from articles_raw").fetchone()
    assert rows == (30, 30)
    c.close()


def test_write_stores_each_article_once_across_batches_and_feeds(conn):
    other = Feed(url="https://mirror.example/rss", outlet="Mirror", lang="en", country="US")
    store.sync_feeds(conn, [other])
    batch = [
        _outcome([_article(1), _article(2), _article(2)]),
        _outcome([_article(2, other)], other),
    ]
    counts = writes.write_outcomes(conn, batch, {}, run_id="r1", rules_version="v", now=NOW)
    assert counts == {FEED.url: 2}
    again = writes.write_outcomes(
        conn, [_outcome([_article(1), _article(3)])], {}, run_id="r2", rules_version="v", now=NOW
    )
    assert again == {FEED.url: 1}
    assert conn.execute("select count(*) from articles").fetchone() == (3,)
    log = conn.execute(
        "select run_id, items_seen, items_new from fetch_log order by run_id, feed_url"
    ).fetchall()
    assert log == [("r1", 3, 2), ("r1", 1, 0), ("r2", 2, 1)]


def test_tags_land_with_their_articles_and_validators_are_kept(conn):
    outcome = _outcome([_article(1)], id0001={"ceasefire": ["truce"]})
    writes.write_outcomes(conn, [outcome], {}, run_id="r1", rules_version="abc", now=NOW)
    assert conn.execute(
        "select topic, matched_terms, rules_version from article_topics"
    ).fetchall() == [("ceasefire", ["truce"], "abc")]
    assert conn.execute(
        "select etag, last_status from feeds where feed_url = ?", [FEED.url]
    ).fetchone() == (
        '"v1"',
        "ok",
    )


def test_a_batch_that_fails_midway_writes_nothing(conn, monkeypatch):
    real = writes.load_sql

    def failing_after_articles(name: str) -> str:
        if name == "store/insert_fetch_log":  # articles are already inserted at this point
            raise RuntimeError("disk full")
        return real(name)

    monkeypatch.setattr(writes, "load_sql", failing_after_articles)
    with pytest.raises(RuntimeError):
        writes.write_outcomes(
            conn, [_outcome([_article(1)])], {}, run_id="r1", rules_version="v", now=NOW
        )
    assert conn.execute("select count(*) from articles").fetchone() == (0,)


def test_reader_refuses_a_missing_database_with_a_clear_message(tmp_path: Path):
    with pytest.raises(store.StoreError, match="does not exist yet"):
        with store.reader(tmp_path / "nope.duckdb"):
            pass


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "bad.duckdb"
    bad.write_text("this is not a database")
    with pytest.raises(store.StoreError, match="cannot open database"):
        store.connect(bad)


def test_a_damaged_feed_is_ok_with_a_warning_kept_until_a_clean_read(conn):
    """The parser's complaint about a feed it read only in part reaches feed_health and
    fetch_log; a 304 or an error keeps it (same document, or none read), a clean read clears it."""
    from dataclasses import replace

    damaged = replace(_outcome([_article(1)]), warning="damaged feed, items after ...: cut")
    not_modified = FeedOutcome(FEED, FetchResult(feed_url=FEED.url, status="not_modified",
                                                 http_status=304, started_at=NOW))
    failed = FeedOutcome(FEED, FetchResult(feed_url=FEED.url, status="error", http_status=500,
                                           error="HTTP 500", started_at=NOW), error="HTTP 500")
    clean = _outcome([_article(2)])
    seen = []
    for n, outcome in enumerate([damaged, not_modified, failed, clean]):
        writes.write_outcomes(conn, [outcome], {}, run_id=f"r{n}", rules_version="t", now=NOW)
        seen.append(conn.execute("select last_status, last_warning from feed_health").fetchone())
    cut = "damaged feed, items after ...: cut"
    assert seen == [("ok", cut), ("not_modified", cut), ("error", cut), ("ok", None)]
    log = conn.execute("select run_id, warning from fetch_log order by run_id").fetchall()
    assert log == [("r0", cut), ("r1", None), ("r2", None), ("r3", None)]


def test_migration_007_adds_the_warning_columns_to_an_older_database(db_path: Path):
    c = duckdb.connect(str(db_path))
    store.migrate(c)
    c.execute("alter table feeds drop column last_warning")  # as a database before 007
    c.execute("alter table fetch_log drop column warning")
    c.execute("delete from schema_version where version = 7")
    assert store.needs_migration(c)
    store.migrate(c)
    columns = {r[0] for r in c.execute(
        "select table_name || '.' || column_name from duckdb_columns()"
        " where column_name in ('last_warning', 'warning')").fetchall()}
    assert {"feeds.last_warning", "fetch_log.warning", "feed_health.last_warning"} <= columns
    c.close()
