"""The real ingest flow under a Prefect test harness, against feeds served on 127.0.0.1."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from mediawatch.sample_server import serve_directory

FLOW_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "flow"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Serve a copy of the flow fixtures; yield (base_url, feeds.csv with the base filled in)."""
    folder = tmp_path / "site"
    shutil.copytree(FLOW_FIXTURES, folder)
    with serve_directory(folder) as base:
        csv = tmp_path / "feeds.csv"
        csv.write_text((folder / "feeds.csv").read_text().replace("{base}", base))
        yield base, csv


def _query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_ingest_stores_good_feeds_and_records_broken_ones(prefect_harness, served, db_path):
    from flows.ingest import ingest

    _, csv = served
    summary = ingest(feeds_file=str(csv), db=str(db_path))

    assert summary["feeds"] == 5
    assert summary["errors"] == 2  # 404 and an HTML page: errors, not a crashed run
    assert summary["fetched"] == 3
    # 3 uk + 2 en + 2 ru items, one ru item is the en article again (same canonical URL)
    assert summary["new_articles"] == 6
    assert _query(db_path, "select count(*) from articles") == [(6,)]
    health = dict(_query(db_path, "select outlet, last_status from feed_health"))
    assert health == {
        "Test UA": "ok",
        "Test EN": "ok",
        "Test RU": "ok",
        "Broken": "error",
        "HTML page": "error",
    }
    errors = dict(
        _query(db_path, "select outlet, last_error from feed_health where last_error is not null")
    )
    assert "404" in errors["Broken"]
    assert "not a feed" in errors["HTML page"]
    # tracking parameters and fragments are gone from the de-duplication key
    urls = {r[0] for r in _query(db_path, "select canonical_url from articles")}
    assert "https://ua.example.org/news/1" in urls
    assert not any("utm_" in u or "#" in u for u in urls)


def test_rerun_is_idempotent_and_uses_conditional_get(prefect_harness, served, db_path):
    from flows.ingest import ingest

    _, csv = served
    ingest(feeds_file=str(csv), db=str(db_path))
    second = ingest(feeds_file=str(csv), db=str(db_path))

    assert second["new_articles"] == 0
    assert second["not_modified"] == 3  # the file server answers If-Modified-Since with 304
    assert _query(db_path, "select count(*) from articles") == [(6,)]
    statuses = {
        r[0]
        for r in _query(db_path, "select last_status from feed_health where outlet like 'Test%'")
    }
    assert statuses == {"not_modified"}
    assert _query(db_path, "select count(distinct run_id) from fetch_log") == [(2,)]


def test_tags_are_stored_with_matched_terms_and_rules_version(prefect_harness, served, db_path):
    from flows.ingest import ingest
    from mediawatch.tagging import Rules

    _, csv = served
    ingest(feeds_file=str(csv), db=str(db_path))
    rows = _query(
        db_path,
        "select a.title, t.topic, t.matched_terms, t.rules_version "
        "from article_topics t join articles a using (article_id)",
    )
    topics = {(title, topic) for title, topic, _, _ in rows}
    assert ("Ceasefire talks in Miami end without a deal", "ceasefire") in topics
    assert any(topic == "frozen_assets" for _, topic in topics)
    assert all(len(terms) >= 1 for _, _, terms, _ in rows)
    assert {v for *_, v in rows} == {Rules.load().version}
    langs = dict(_query(db_path, "select outlet, any_value(lang) from articles group by outlet"))
    assert langs["Test UA"] == "uk" and langs["Test RU"] == "ru" and langs["Test EN"] == "en"


def test_duckdb_cli_reads_the_database(prefect_harness, served, db_path):
    from flows.ingest import ingest

    _, csv = served
    ingest(feeds_file=str(csv), db=str(db_path))
    cli = shutil.which("duckdb") or str(Path(__file__).resolve().parents[1] / ".venv/bin/duckdb")
    out = subprocess.run(
        [
            cli,
            "-readonly",
            str(db_path),
            "-csv",
            "-noheader",
            "-c",
            "select count(*) from articles",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "6"
