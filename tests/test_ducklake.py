"""DuckLake storage: spec parsing, the same schema and views as a DuckDB file, conflict retry,
and several ingest processes writing one lake while a dashboard-style process reads it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from mediawatch import lake, store
from mediawatch.config import load_settings
from mediawatch.sample_server import serve_directory
from mediawatch.seeds import shard_of

REPO = Path(__file__).resolve().parent.parent


def _spec(tmp_path: Path) -> str:
    return f"ducklake:sqlite:{tmp_path}/catalog.sqlite:{tmp_path}/lake/"


# --- specs -----------------------------------------------------------------------------------


def test_spec_with_sqlite_catalog_and_local_data_path(tmp_path):
    spec = lake.parse_spec(_spec(tmp_path))
    assert spec.kind == "sqlite"
    assert spec.catalog == f"{tmp_path}/catalog.sqlite"
    assert spec.data_path == f"{tmp_path}/lake/"
    assert spec.extensions == ["sqlite", "ducklake"]


def test_spec_with_postgres_catalog_and_s3_data_path():
    spec = lake.parse_spec("ducklake:postgres:dbname=mediawatch host=pg.internal:s3://news/lake/")
    assert spec.catalog == "dbname=mediawatch host=pg.internal"
    assert spec.data_path == "s3://news/lake/"
    assert spec.attach_target == "ducklake:postgres:dbname=mediawatch host=pg.internal"
    assert spec.extensions == ["postgres", "httpfs", "ducklake"]


def test_spec_without_data_path_uses_ducklake_default(tmp_path):
    spec = lake.parse_spec(f"ducklake:sqlite:{tmp_path}/c.sqlite")
    assert spec.data_path == f"{tmp_path}/c.sqlite.files/"


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("ducklake:mysql:x:y", "catalog kind must be one of"),
        ("ducklake:sqlite:", "expected ducklake:sqlite:CATALOG:DATA_PATH"),
        ("ducklake:postgres:dbname=x", "expected ducklake:postgres:CATALOG:DATA_PATH"),
        ("data/x.duckdb", "is not a DuckLake spec"),
    ],
)
def test_bad_specs_are_refused_with_the_reason(spec, reason):
    with pytest.raises(lake.LakeError, match=reason):
        lake.parse_spec(spec)


def test_settings_select_the_lake_from_env_or_db_option(tmp_path):
    spec = _spec(tmp_path)
    assert load_settings({"MEDIAWATCH_STORAGE": spec}).store_target == spec
    from_option = load_settings({}).with_db(spec)
    assert from_option.store_target == spec
    assert from_option.with_db(tmp_path / "x.duckdb").store_target == str(tmp_path / "x.duckdb")
    explicit = load_settings({"MEDIAWATCH_STORAGE": f"duckdb:{tmp_path}/y.duckdb"})
    assert explicit.store_target == f"{tmp_path}/y.duckdb"


def test_extension_binaries_match_the_duckdb_version():
    for name in ("sqlite", "ducklake"):
        path = lake.extension_file(name)
        assert path.parent.name == f"v{duckdb.__version__}"
    with pytest.raises(lake.LakeError, match="pip install duckdb-extension-nosuch=="):
        lake.extension_file("nosuch")


def test_adapt_ddl_drops_only_key_constraints():
    ddl = (
        "create table t (\n    id varchar primary key,  -- the key\n    n integer not null,\n"
        "    u varchar unique\n);\ncreate table s (a int, b int, primary key (a, b));"
    )
    adapted = lake.adapt_ddl(ddl)
    assert "primary key" not in adapted and "unique" not in adapted
    assert "id varchar," in adapted and "n integer not null" in adapted
    assert "create table s (a int, b int);" in adapted


# --- one process -----------------------------------------------------------------------------


def _relations(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = conn.execute(
        "select table_name, table_type from information_schema.tables "
        "where table_catalog = current_database()"
    ).fetchall()
    return dict(rows)


def test_lake_gets_the_same_tables_and_views_as_a_duckdb_file(tmp_path):
    spec = _spec(tmp_path)
    with store.writer(spec) as conn:
        version = store.migrate(conn)
        assert store.migrate(conn) == version  # idempotent
        assert lake.is_lake_connection(conn)
        lake_relations = _relations(conn)
    with store.writer(tmp_path / "file.duckdb") as conn:
        assert store.migrate(conn) == version
        assert not lake.is_lake_connection(conn)
        file_relations = _relations(conn)
    assert lake_relations == file_relations
    assert {"articles", "article_topics", "feed_health", "daily_coverage", "daily_topics"} <= {
        name for name, kind in lake_relations.items() if kind == "VIEW"
    }


def test_snapshot_stamp_changes_when_a_writer_commits(tmp_path):
    spec = _spec(tmp_path)
    assert not lake.exists(spec)
    with store.writer(spec) as conn:
        store.migrate(conn)
    assert lake.exists(spec)
    def stamp() -> str:
        with store.reader(spec) as conn:
            return lake.snapshot_stamp(conn)

    before = stamp()
    assert stamp() == before
    with store.writer(spec) as conn:
        store.set_meta(conn, "built_by", "test")
    assert stamp() != before


def test_reading_a_lake_that_does_not_exist_is_a_clear_error(tmp_path):
    with pytest.raises(store.StoreError, match="does not exist yet"):
        store.connect(_spec(tmp_path), read_only=True)


def test_a_lost_commit_race_is_rerun_and_lands_once(tmp_path):
    spec = _spec(tmp_path)
    with store.writer(spec) as conn:
        store.migrate(conn)
    other = lake._open(lake.parse_spec(spec), read_only=False)  # a second "process"
    other.execute("use lake")
    attempts = []

    @lake.retrying
    def add_meta(conn: duckdb.DuckDBPyConnection) -> None:
        attempts.append(1)
        with store.transaction(conn):
            conn.execute(
                "insert into meta select 'k', 'mine' where not exists "
                "(select 1 from meta where key = 'k')"
            )
            if len(attempts) == 1:  # the other writer commits while this transaction is open
                other.execute("insert into meta values ('other', 'x')")

    before = lake.STATS["conflicts"]
    with store.writer(spec) as conn:
        add_meta(conn)
        rows = conn.execute("select key, value from meta order by key").fetchall()
    other.close()
    assert len(attempts) == 2
    assert lake.STATS["conflicts"] == before + 1
    assert rows == [("k", "mine"), ("other", "x")]


FLOW_FIXTURES = REPO / "tests" / "fixtures" / "flow"


def test_ingest_flow_writes_the_lake_and_reruns_idempotently(prefect_harness, tmp_path):
    import shutil

    from flows.ingest import ingest

    folder = tmp_path / "site"
    shutil.copytree(FLOW_FIXTURES, folder)
    spec = _spec(tmp_path)
    with serve_directory(folder) as base:
        csv = tmp_path / "feeds.csv"
        csv.write_text((folder / "feeds.csv").read_text().replace("{base}", base))
        first = ingest(feeds_file=str(csv), db=spec)
        second = ingest(feeds_file=str(csv), db=spec)
    assert first["new_articles"] == 6 and first["errors"] == 2
    assert second["new_articles"] == 0 and second["not_modified"] == 3
    with store.reader(spec) as conn:
        counts = conn.execute("select count(*), count(distinct article_id) from articles")
        assert counts.fetchall() == [(6, 6)]
        health = dict(conn.execute("select outlet, last_status from feed_health").fetchall())
        assert health["Test UA"] == "not_modified" and health["Broken"] == "error"
        assert conn.execute("select count(*) from article_topics").fetchone()[0] > 0


# --- several processes -----------------------------------------------------------------------

FEEDS = 24
ITEMS = 15  # unique items per feed
WIRE = 3  # syndicated items that every feed carries: stored once

WRITER = """
import json, pathlib, sys, time
import flows.ingest
from flows import cli
flows.ingest.FEEDS_PER_BATCH = 3  # many small transactions, interleaved with the other shard
from mediawatch import lake
pathlib.Path(sys.argv[1]).touch()
while not pathlib.Path(sys.argv[2]).exists():
    time.sleep(0.005)
rc = cli.main(sys.argv[3:])
print(json.dumps({"rc": rc, **lake.STATS}))
"""

READER = """
import json, pathlib, sys, time
from mediawatch import store
spec, stop = sys.argv[1], pathlib.Path(sys.argv[2])
out = {"reads": 0, "errors": [], "max_articles": 0, "duplicates": 0, "shrank": 0}
while not stop.exists():
    try:
        with store.reader(spec, wait_s=5) as c:
            total, distinct = c.execute(
                "select count(*), count(distinct article_id) from articles").fetchone()
            c.execute("select day, lang, sum(articles) from daily_coverage group by all").fetchall()
            c.execute("select topic, sum(articles) from daily_topics group by all").fetchall()
            c.execute("select last_status, count(*) from feed_health group by all").fetchall()
    except Exception as exc:  # before the first writer commits the schema: nothing to read yet
        if out["reads"] or "does not exist" not in str(exc):
            out["errors"].append(repr(exc))
        time.sleep(0.02)
        continue
    out["reads"] += 1
    out["duplicates"] += total - distinct
    out["shrank"] += total < out["max_articles"]
    out["max_articles"] = max(out["max_articles"], total)
print(json.dumps(out))
"""


def _rss(feed: int) -> str:
    items = [
        (f"https://outlet{feed}.example.org/news/{j}", f"Ceasefire talks update {feed}-{j}")
        for j in range(ITEMS)
    ]
    items += [(f"https://wire.example.org/story/{k}", f"Wire: guarantees {k}") for k in range(WIRE)]
    body = "".join(
        f"<item><title>{title}</title><link>{url}</link><guid>{url}</guid>"
        f"<pubDate>Mon, 01 Dec 2025 {(j % 24):02d}:00:00 GMT</pubDate>"
        f"<description>Negotiators met again about {title}.</description></item>"
        for j, (url, title) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Outlet {feed}</title><link>https://outlet{feed}.example.org/</link>{body}"
        "</channel></rss>"
    )


@contextmanager
def _serve_both_shards_at_once(site: Path, shards: int, delay_s: float) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1, holding every response until each shard has asked for a
    feed: the shard runs are then fetching, and so writing, at the same time."""
    seen: set[int] = set()
    all_seen = threading.Event()
    lock = threading.Lock()

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            url = f"http://127.0.0.1:{self.server.server_port}{self.path}"
            with lock:
                seen.add(shard_of(url, shards))
                if len(seen) == shards:
                    all_seen.set()
            all_seen.wait(timeout=60)
            time.sleep(delay_s)
            super().do_GET()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def many_feeds(tmp_path: Path) -> Iterator[Path]:
    """FEEDS generated RSS feeds served on 127.0.0.1; yield the feeds CSV."""
    site = tmp_path / "site"
    site.mkdir()
    for i in range(FEEDS):
        (site / f"feed{i}.xml").write_text(_rss(i), encoding="utf-8")
    with _serve_both_shards_at_once(site, shards=2, delay_s=0.2) as base:
        csv = tmp_path / "feeds.csv"
        rows = [f"Outlet {i},{base}/feed{i}.xml,en,GB,rss,15" for i in range(FEEDS)]
        csv.write_text("outlet,url,lang,country,kind,poll_minutes\n" + "\n".join(rows) + "\n")
        yield csv


def _env(spec: str) -> dict[str, str]:
    from prefect.settings import PREFECT_API_URL

    return {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),  # the session harness's API
        "MEDIAWATCH_STORAGE": spec,
        "PYTHONPATH": str(REPO),
    }


@pytest.mark.slow
def test_two_shard_writers_and_a_reader_share_one_lake(prefect_harness, many_feeds, tmp_path):
    spec = _spec(tmp_path)
    env = _env(spec)
    # a shard that starts late holds the other's responses at the barrier (up to 60 s): on a
    # loaded machine the fetch limits must outlast it, or the early shard's feeds time out
    env |= {"MEDIAWATCH_READ_TIMEOUT": "90", "MEDIAWATCH_FEED_DEADLINE": "120"}
    go, stop = tmp_path / "go", tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, spec, str(stop)], env=env, cwd=REPO,
        stdout=subprocess.PIPE, text=True,
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path / f"ready{i}"), str(go),
             "ingest", "--feeds", str(many_feeds), "--shard", str(i), "--shards", "2"],
            env=env, cwd=REPO, stdout=subprocess.PIPE, text=True,
        )
        for i in range(2)
    ]
    try:
        while not all((tmp_path / f"ready{i}").exists() for i in range(2)):
            assert all(w.poll() is None for w in writers), "a writer died before the start signal"
            time.sleep(0.05)
        go.touch()
        results = [
            json.loads(w.communicate(timeout=180)[0].strip().splitlines()[-1]) for w in writers
        ]
        stop.touch()
        read = json.loads(reader.communicate(timeout=30)[0])
    finally:  # a failure must not leave the busy reader running through the rest of the suite
        for proc in (reader, *writers):
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    assert [r["rc"] for r in results] == [0, 0]
    assert sorted(set(read["errors"])) == [] and read["reads"] > 0
    assert read["duplicates"] == 0 and read["shrank"] == 0
    print(f"\nDuckLake: conflicts retried per writer {[r.get('conflicts', 0) for r in results]}, "
          f"gave up {[r.get('gave_up', 0) for r in results]}, reads {read['reads']}")

    expected = FEEDS * ITEMS + WIRE
    with store.reader(spec) as conn:
        total, distinct = conn.execute(
            "select count(*), count(distinct article_id) from articles"
        ).fetchone()
        per_feed = dict(conn.execute(
            "select feed_url, count(*) from articles where url not like '%wire%' group by all"
        ).fetchall())
        runs = conn.execute("select feeds, new_articles from runs order by feeds").fetchall()
        overlap = conn.execute(
            "select max(started_at) < min(finished_at), min(finished_at) - max(started_at) "
            "from runs"
        ).fetchone()
        statuses = conn.execute("select last_status, count(*) from feed_health group by all")
        statuses = statuses.fetchall()
        fetches = conn.execute("select count(*), count(distinct feed_url) from fetch_log")
        fetches = fetches.fetchone()
    assert overlap[0], f"the shard runs did not overlap: {overlap}"
    assert (total, distinct) == (expected, expected)
    assert len(per_feed) == FEEDS and set(per_feed.values()) == {ITEMS}
    # each feed polled by exactly one shard; the shards split the list as shard_of says
    shard_sizes = sorted(sum(shard_of(url, 2) == s for url in per_feed) for s in range(2))
    assert [feeds for feeds, _ in runs] == shard_sizes and 0 not in shard_sizes
    assert sum(new for _, new in runs) == expected
    assert statuses == [("ok", FEEDS)]
    assert fetches == (FEEDS, FEEDS)


def test_dashboard_reads_the_lake_named_by_mediawatch_storage(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    try:
        from dashboard_fixtures import build_db
    except ImportError:
        from tests.dashboard_fixtures import build_db

    spec = _spec(tmp_path)
    fixture = build_db(spec)  # the dashboard tests' database, written into a lake
    monkeypatch.delenv("MEDIAWATCH_DB", raising=False)
    monkeypatch.setenv("MEDIAWATCH_STORAGE", spec)
    at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=30).run()
    assert not at.exception and not at.error
    assert at.get("vega_lite_chart")  # charts drawn from the lake's views
    assert f"{len(fixture.articles):,} articles" in " ".join(c.value for c in at.caption)
