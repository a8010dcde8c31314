"""The real ingest flow under a Prefect test harness, against feeds served on 127.0.0.1."""

from __future__ import annotations

import os
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


def _write_sitemaps(folder: Path, base: str) -> None:
    """A sitemap index pointing at one fresh child sitemap with two news articles."""
    from datetime import UTC, datetime

    today = datetime.now(UTC).date().isoformat()
    (folder / "index.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/news.xml</loc><lastmod>{today}</lastmod></sitemap>"
        "</sitemapindex>\n"
    )
    urls = "".join(
        f"<url><loc>https://news.example.ua/articles/{n}</loc><news:news><news:publication>"
        "<news:name>Example</news:name><news:language>uk</news:language></news:publication>"
        f"<news:publication_date>{today}T0{n}:00:00+02:00</news:publication_date>"
        f"<news:title>{title}</news:title></news:news></url>"
        for n, title in ((1, "Перемовини в Женеві: гарантії безпеки"), (2, "Обмін полоненими"))
    )
    (folder / "news.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{urls}</urlset>\n"
    )


def test_a_sitemap_index_is_followed_to_its_children(prefect_harness, tmp_path, db_path):
    from flows.ingest import ingest

    folder = tmp_path / "site"
    folder.mkdir()
    with serve_directory(folder) as base:
        _write_sitemaps(folder, base)
        csv = tmp_path / "feeds.csv"
        csv.write_text(f"outlet,url,lang,country,kind\nExample,{base}/index.xml,uk,UA,sitemap\n")
        summary = ingest(feeds_file=str(csv), db=str(db_path))

    assert summary["errors"] == 0 and summary["new_articles"] == 2
    rows = _query(db_path, "select title, lang from articles order by url")
    assert rows == [("Перемовини в Женеві: гарантії безпеки", "uk"), ("Обмін полоненими", "uk")]
    assert _query(db_path, "select kind, last_status from feed_health") == [("sitemap", "ok")]


def test_a_transient_failure_is_retried_by_prefect(prefect_harness, tmp_path, db_path, monkeypatch):
    import http.server
    import threading

    from flows.ingest import ingest

    monkeypatch.setenv("MEDIAWATCH_FETCH_RETRIES", "2")
    body = (FLOW_FIXTURES / "uk_news.xml").read_bytes()
    hits: list[int] = []

    class FlakyOnce(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            hits.append(1)
            if len(hits) == 1:
                self.send_error(503)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FlakyOnce)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        csv = tmp_path / "feeds.csv"
        url = f"http://127.0.0.1:{server.server_address[1]}/rss"
        csv.write_text(f"outlet,url,lang,country\nFlaky,{url},uk,UA\n")
        summary = ingest(feeds_file=str(csv), db=str(db_path))
    finally:
        server.shutdown()
        server.server_close()

    assert len(hits) == 2  # a 503, then the Prefect retry succeeded
    assert summary["fetched"] == 1 and summary["errors"] == 0 and summary["new_articles"] == 3


def test_the_ingest_process_loads_no_pandas_pyarrow_or_numpy(prefect_harness, served, db_path):
    """DuckDB would import pandas (with pyarrow and numpy, ~85 MB) on its first parameter.

    Run as the scheduled deployment runs it: a fresh process, spike detection afterwards."""
    import json
    import sys

    from prefect.settings import get_current_settings

    _, csv = served
    script = (
        "import json, sys\n"
        "from flows.ingest import ingest\n"
        f"summary = ingest(feeds_file={str(csv)!r}, db={str(db_path)!r},"
        " detect_spikes_after=True)\n"
        "print(json.dumps([summary['new_articles'],"
        " sorted(m for m in ('pandas', 'pyarrow', 'numpy') if m in sys.modules)]))\n"
    )
    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url)}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
        cwd=Path(__file__).resolve().parents[1], env=env,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [6, []]
    assert _query(db_path, "select count(*) from articles") == [(6,)]
