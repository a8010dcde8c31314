"""`mediawatch demo`: the bundled sample through the real flow, twice, gives the same database."""

from __future__ import annotations

from pathlib import Path

import duckdb


def _one(db: Path, sql: str):
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchone()


def test_demo_builds_the_promised_database_and_a_rerun_adds_nothing(prefect_harness, db_path):
    from flows.demo import build_demo

    first = build_demo(str(db_path))
    articles, outlets, langs, days = _one(
        db_path,
        "select count(*), count(distinct outlet), list_sort(list(distinct lang)), "
        "date_diff('day', min(published_at), max(published_at)) from articles",
    )
    assert first["errors"] == 0
    assert articles == first["new_articles"] >= 800
    assert outlets >= 12
    assert set(langs) >= {"uk", "ru", "en"}
    assert days >= 45
    assert _one(db_path, "select value from meta where key = 'built_by'") == ("demo",)
    tagged = _one(
        db_path, "select count(distinct topic), count(distinct article_id) from article_topics"
    )
    assert tagged[0] == 5 and tagged[1] > 100

    second = build_demo(str(db_path))
    assert second["new_articles"] == 0
    assert second["not_modified"] == first["fetched"]
    assert _one(db_path, "select count(*) from articles") == (articles,)
    assert _one(db_path, "select count(*) from feeds") == (first["feeds"],)


def test_demo_falls_back_to_a_free_port_when_its_port_is_taken(prefect_harness, db_path, capsys):
    import socket

    from flows.demo import build_demo

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        summary = build_demo(str(db_path), port=taken.getsockname()[1])
    assert "is busy" in capsys.readouterr().out
    assert summary["errors"] == 0 and summary["new_articles"] >= 800
