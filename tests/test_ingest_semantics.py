"""Issue 9: what `mediawatch ingest` contacts. A manual run fetches every feed listed in the
feeds file now; ``--due-only`` follows the schedule; Retry-After defers a feed either way.

Every test counts the requests the loopback server received, so "fetched" means "contacted".
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hostile_server import GOOD_FEEDS, HostileServer, feed_name, serve_hostile, write_feeds_csv

from mediawatch import store

ALPHA, BETA, LASTMOD, PLAIN = ("/good/alpha.xml", "/good/beta.xml", "/good/lastmod.xml",
                               "/good/plain.xml")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[HostileServer]:
    secret = tmp_path / "secret.txt"
    secret.write_text("not used here")
    with serve_hostile(secret) as srv:
        yield srv


def _csv(server: HostileServer, path: Path, paths: list[str]) -> str:
    rows = [(feed_name(p) if p.startswith("/good/") else p.strip("/").replace("/", "-"),
             server.url(p), "en") for p in paths]
    return str(write_feeds_csv(path, rows))


def _feeds(db: Path) -> dict[str, dict[str, Any]]:
    with store.reader(db, wait_s=10) as conn:
        cur = conn.execute("select * from feeds")
        names = [d[0] for d in cur.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}


def _count(db: Path, sql: str = "select count(*) from articles") -> int:
    with store.reader(db, wait_s=10) as conn:
        return int(conn.execute(sql).fetchone()[0])


def _set(db: Path, sql: str, **params: Any) -> None:
    with store.writer(db, wait_s=10) as conn:
        conn.execute(sql, params)


def test_two_manual_runs_contact_every_feed_twice(
    prefect_harness: None, server: HostileServer, tmp_path: Path, db_path: Path
) -> None:
    from flows.ingest import ingest

    feeds = _csv(server, tmp_path / "feeds.csv", [ALPHA, BETA, LASTMOD, "/status/404"])
    first = ingest(feeds_file=feeds, db=str(db_path))
    stored = _count(db_path)
    state = _feeds(db_path)
    now = datetime.now(UTC)
    # nothing is due any more, and the 404 feed is backing off
    assert all(row["next_fetch_at"] > now for row in state.values())
    assert state[server.url("/status/404")]["consecutive_failures"] == 1

    second = ingest(feeds_file=feeds, db=str(db_path))

    for path in (ALPHA, BETA, LASTMOD, "/status/404"):
        assert server.count(path) == 2, path
    assert first["fetched"] == 3 and first["errors"] == 1
    assert first["new_articles"] == stored == sum(GOOD_FEEDS[p] for p in (ALPHA, BETA, LASTMOD))
    # ETag (alpha, beta) and Last-Modified (lastmod) both come back as 304
    assert second == {"feeds": 4, "fetched": 0, "not_modified": 3, "new_articles": 0,
                      "errors": 1, "deferred": 0}
    assert _count(db_path) == stored
    assert _count(db_path, "select count(distinct canonical_url) from articles") == stored
    after = _feeds(db_path)
    assert {after[server.url(p)]["last_status"] for p in (ALPHA, BETA, LASTMOD)} == {
        "not_modified"}
    assert after[server.url("/status/404")]["consecutive_failures"] == 2


def test_feeds_file_names_the_feeds_of_the_run(
    prefect_harness: None, server: HostileServer, tmp_path: Path, db_path: Path
) -> None:
    from flows.ingest import ingest

    ingest(feeds_file=_csv(server, tmp_path / "a.csv", [ALPHA, BETA, "/status/500"]),
           db=str(db_path))
    before = _feeds(db_path)
    articles_before = _count(db_path)
    failing_requests = server.count("/status/500")  # the first try and its retry

    # B keeps alpha, drops beta and the failing feed, adds a feed the database never saw
    summary = ingest(feeds_file=_csv(server, tmp_path / "b.csv", [ALPHA, LASTMOD]),
                     db=str(db_path))

    after = _feeds(db_path)
    assert summary["feeds"] == 2
    for path in (BETA, "/status/500"):  # absent from B: neither contacted nor changed
        url = server.url(path)
        assert after[url] == before[url], path
    assert server.count(BETA) == 1
    assert server.count("/status/500") == failing_requests
    assert server.count(ALPHA) == 2
    new = server.url(LASTMOD)
    assert new not in before and after[new]["last_status"] == "ok"
    assert _count(db_path) == articles_before + GOOD_FEEDS[LASTMOD]


def test_due_only_fetches_only_the_feeds_that_are_due(
    prefect_harness: None, server: HostileServer, tmp_path: Path, db_path: Path
) -> None:
    from flows.ingest import ingest

    ingest(feeds_file=_csv(server, tmp_path / "a.csv", [ALPHA, BETA, PLAIN]), db=str(db_path))
    past = datetime.now(UTC) - timedelta(minutes=1)
    _set(db_path, "update feeds set next_fetch_at = $t where feed_url = $u",
         t=past, u=server.url(BETA))

    # lastmod is new: never fetched counts as due
    feeds = _csv(server, tmp_path / "b.csv", [ALPHA, BETA, PLAIN, LASTMOD])
    summary = ingest(feeds_file=feeds, db=str(db_path), due_only=True)

    assert [server.count(p) for p in (ALPHA, BETA, PLAIN, LASTMOD)] == [1, 2, 1, 1]
    assert summary["feeds"] == 2 and summary["not_modified"] == 1 and summary["fetched"] == 1
    # the same file as a manual run: everything again
    ingest(feeds_file=feeds, db=str(db_path))
    assert [server.count(p) for p in (ALPHA, BETA, PLAIN, LASTMOD)] == [2, 3, 2, 2]


def test_retry_after_defers_the_feed_and_is_counted(
    prefect_harness: None, server: HostileServer, tmp_path: Path, db_path: Path
) -> None:
    from flows.ingest import ingest

    feeds = _csv(server, tmp_path / "feeds.csv", [ALPHA, "/status/429"])
    first = ingest(feeds_file=feeds, db=str(db_path))
    url = server.url("/status/429")
    before = _feeds(db_path)[url]
    assert first["errors"] == 1
    assert before["retry_after_until"] > datetime.now(UTC) + timedelta(minutes=55)
    assert before["last_error"] == "HTTP 429, retry after 3600 s"

    manual = ingest(feeds_file=feeds, db=str(db_path))
    scheduled = ingest(feeds_file=feeds, db=str(db_path), due_only=True)

    assert server.count("/status/429") == 1  # neither run contacted it
    assert manual["deferred"] == 1 and manual["errors"] == 0 and manual["not_modified"] == 1
    assert scheduled["deferred"] == 1 and scheduled["feeds"] == 1
    assert _feeds(db_path)[url] == before  # status, error, schedule: all as they were
    with store.reader(db_path, wait_s=10) as conn:
        outcomes = conn.execute("select outcome from fetch_log where feed_url = $u",
                                {"u": url}).fetchall()
    assert outcomes == [("error",)]

    # once the server's wait is over, a manual run contacts the feed again
    _set(db_path, "update feeds set retry_after_until = $t where feed_url = $u",
         t=datetime.now(UTC) - timedelta(seconds=1), u=url)
    again = ingest(feeds_file=feeds, db=str(db_path))
    assert server.count("/status/429") == 2 and again["deferred"] == 0 and again["errors"] == 1


def test_cli_exits_0_when_feeds_fail(
    prefect_harness: None, server: HostileServer, tmp_path: Path, db_path: Path,
    capsys: pytest.CaptureFixture[str]
) -> None:
    from flows.cli import main

    feeds = _csv(server, tmp_path / "feeds.csv", [ALPHA, "/status/410", "/html"])
    assert main(["ingest", "--feeds", feeds, "--db", str(db_path)]) == 0
    state = _feeds(db_path)
    assert [state[server.url(p)]["last_status"] for p in (ALPHA, "/status/410", "/html")] == [
        "ok", "error", "error"]
    assert "error:" not in capsys.readouterr().err


def test_cli_refuses_a_malformed_feeds_file_and_writes_nothing(
    prefect_harness: None, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from flows.cli import main

    feeds = tmp_path / "feeds.csv"
    feeds.write_text("outlet,url,lang,country\nGood,https://a.example/rss,en,GB\n"
                     "Bad,https://b.example/rss,english,GB\n", encoding="utf-8")
    assert main(["ingest", "--feeds", str(feeds), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"{feeds}:3:" in err and "lang" in err
    assert not db_path.exists()
