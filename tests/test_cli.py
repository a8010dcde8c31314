"""The `mediawatch` command: one-line errors before Prefect starts, and what it prints."""

from __future__ import annotations

from pathlib import Path

from flows.cli import EXIT_BAD_INPUT, main

FLOW_FEEDS = Path(__file__).resolve().parent / "fixtures" / "flow" / "feeds.csv"


def test_an_unusable_database_is_one_line_and_exit_2(tmp_path: Path, capsys):
    feeds = tmp_path / "feeds.csv"
    feeds.write_text("outlet,url,lang,country\nX,https://x.example/rss,en,GB\n")
    bad_db = tmp_path / "not.duckdb"
    bad_db.write_text("plain text, not a DuckDB file")

    assert main(["ingest", "--feeds", str(feeds), "--db", str(bad_db)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert err.startswith("mediawatch ingest: error: cannot open database")
    assert "\n" not in err and "Traceback" not in err
    assert bad_db.read_text() == "plain text, not a DuckDB file"


def test_tag_prints_one_line_per_input(tmp_path: Path, capsys):
    items = tmp_path / "items.jsonl"
    items.write_text(
        '{"id": "a", "title": "Перемир\'я на Донбасі", "summary": ""}\n'
        '{"id": "b", "lang": "en", "title": "Bridge opens", "summary": "Traffic resumes."}\n'
    )
    assert main(["tag", "--input", str(items)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(",")[0] for line in lines] == ['{"id": "a"', '{"id": "b"']
    assert '"ceasefire"' in lines[0] and '"topics": []' in lines[1]


def test_retag_prints_the_impact(prefect_harness, tmp_path: Path, capsys):
    from test_retag import _db_with_stale_tags

    db = tmp_path / "m.duckdb"
    _db_with_stale_tags(db)
    assert main(["retag", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "mediawatch retag: ceasefire: +1 / -0" in out
    assert "mediawatch retag: territory: +0 / -1" in out
