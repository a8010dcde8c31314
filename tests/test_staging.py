"""staging.stage: Python rows become a typed DuckDB temp table, exactly, through JSON lines."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from mediawatch import staging
from mediawatch.config import SQL_DIR


@pytest.fixture
def tmpdir_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Staging files go to tmp_path, so a test can see none is left behind."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


AWKWARD = 'line\nbreak, "quotes", back\\slash, tab\t, NUL-free ✓ “Переговори” 🕊'


def test_values_arrive_exactly(conn: duckdb.DuckDBPyConnection, tmpdir_only: Path) -> None:
    kyiv = timezone(timedelta(hours=2))
    rows = [
        {
            "article_id": "a1",
            "title": AWKWARD,
            "summary": "",
            "guid": None,
            "published_at": datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=kyiv),
            "fetched_at": datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
            "published_at_estimated": True,
            "title_is_slug": False,
            "ignored_key": 1,
        }
    ]
    staging.stage(conn, "batch_articles", rows)
    got = conn.execute(
        "select article_id, title, summary, guid, published_at, fetched_at,"
        " published_at_estimated, title_is_slug, lang from batch_articles"
    ).fetchall()
    assert got == [
        (
            "a1",
            AWKWARD,
            "",
            None,
            datetime(2025, 3, 1, 10, 0, 0, 123456, tzinfo=UTC),  # the same instant
            datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
            True,
            False,
            None,  # a column the row lacks
        )
    ]
    assert list(tmpdir_only.iterdir()) == []  # the JSON-lines file is gone


def test_lists_sets_numbers_and_days(conn: duckdb.DuckDBPyConnection, tmpdir_only: Path) -> None:
    staging.stage(
        conn,
        "batch_topics",
        [
            {"article_id": "a", "topic": "ceasefire", "matched_terms": ("перемир'я", "truce")},
            {"article_id": "b", "topic": "territory", "matched_terms": frozenset({"z", "a"})},
        ],
    )
    assert conn.execute("select * from batch_topics order by article_id").fetchall() == [
        ("a", "ceasefire", ["перемир'я", "truce"]),
        ("b", "territory", ["a", "z"]),  # a set is staged sorted
    ]
    spike = {
        "day": date(2025, 2, 28),
        "topic": "elections",
        "lang": "uk",
        "articles": 7,
        "baseline_mean": 1.5,
        "baseline_std": 0.0,
        "zscore": float("inf"),
        "ratio": 4.666,
    }
    staging.stage(conn, "batch_alerts", [spike])
    assert conn.execute("select * from batch_alerts").fetchall() == [tuple(spike.values())]


def test_no_rows_give_an_empty_typed_table(conn: duckdb.DuckDBPyConnection) -> None:
    staging.stage(conn, "batch_feeds", [])
    assert conn.execute("select count(*) from batch_feeds").fetchall() == [(0,)]
    describe = "select column_name, column_type from (describe batch_feeds)"
    types = dict(conn.execute(describe).fetchall())
    assert types["last_fetch_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["consecutive_failures"] == "INTEGER"


def test_restaging_replaces_the_rows(conn: duckdb.DuckDBPyConnection) -> None:
    staging.stage(conn, "page_ids", [{"article_id": "a"}, {"article_id": "b"}])
    staging.stage(conn, "page_ids", [{"article_id": "c"}])
    assert conn.execute("select * from page_ids").fetchall() == [("c",)]


def test_an_unstageable_value_is_a_clear_error_and_leaves_no_file(
    conn: duckdb.DuckDBPyConnection, tmpdir_only: Path
) -> None:
    with pytest.raises(TypeError, match="cannot stage a bytes"):
        staging.stage(conn, "page_ids", [{"article_id": b"raw"}])
    assert list(tmpdir_only.iterdir()) == []


@pytest.mark.parametrize(
    ("staged", "table"),
    [
        ("batch_articles", "articles_raw"),
        ("batch_topics", "article_topics_raw"),
        ("batch_links", "article_links"),
        ("story_assignments", "article_story_raw"),
        ("batch_alerts", "alerts_raw"),
        ("incoming_feeds", "feeds"),
        ("batch_feeds", "feeds fetch_log"),  # state to feeds, duration and items to the log
    ],
)
def test_staged_columns_have_the_types_of_the_table_they_feed(
    conn: duckdb.DuckDBPyConnection, staged: str, table: str
) -> None:
    staging.stage(conn, staged, [])
    describe = "select column_name, column_type from (describe {})"
    got = dict(conn.execute(describe.format(staged)).fetchall())
    target = {
        c: t
        for name in reversed(table.split())
        for c, t in conn.execute(describe.format(name)).fetchall()
    }
    assert {c: target.get(c) for c in got} == got


def test_every_staging_file_creates_the_table_it_is_named_after(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    names = sorted(p.stem for p in (SQL_DIR / "staging").glob("*.sql"))
    assert len(names) == 10
    for name in names:
        staging.stage(conn, name, [])
        assert conn.execute(f"select count(*) from {name}").fetchall() == [(0,)]


def test_rows_a_worker_encoded_store_exactly_what_the_objects_store() -> None:
    """The writer takes a feed's rows as objects or as the JSON lines a parse worker made
    (rows.staged): the database ends up the same, run id included."""
    from test_stories import T0, art, outcomes_of

    from mediawatch import rows, store, writes

    articles = [
        art("a", "Outlet A", AWKWARD, "summary ✓", lang="uk",
            alternates=(("ru", "https://a.example/ru/a"), ("en", ""))),
        art("b", "Outlet B", "Ceasefire talks resume", at=T0 + timedelta(hours=1)),
        art("c", "Outlet B", "Слаг", slug=True),
    ]
    dumps = []
    for encode in (False, True):
        outcomes = outcomes_of(articles)
        outcomes[0].tags = {articles[0].article_id: {"ceasefire": ["перемир'я", "truce"]}}
        if encode:
            outcomes = [rows.staged(o) for o in outcomes]
            assert all(o.staged is not None and not o.articles and not o.tags for o in outcomes)
        db = duckdb.connect(":memory:")
        store.migrate(db)
        counts = writes.write_outcomes(
            db, outcomes, {}, run_id="run-1", rules_version="v", now=T0 + timedelta(hours=2)
        )
        dumps.append((
            counts,
            db.execute("select * from articles_raw order by article_id").fetchall(),
            db.execute(  # all but the time of tagging
                "select article_id, topic, matched_terms, rules_version from article_topics_raw"
            ).fetchall(),
            db.execute("select * from article_links order by all").fetchall(),
            db.execute("select count(*) from article_story_raw").fetchall(),
        ))
    assert dumps[0] == dumps[1]
    counts, stored, tags, links, assigned = dumps[1]
    assert sum(counts.values()) == 3 and {r[-1] for r in stored} == {"run-1"}
    assert [t[2] for t in tags] == [["перемир'я", "truce"]]
    assert len(links) == 1 and assigned == [(3,)]
