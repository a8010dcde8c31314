"""Issue 5, bad configuration: a malformed feeds.csv or topics.yaml stops `mediawatch ingest`
with exit 2 and one line naming the file, the line and the reason, and nothing is written.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from mediawatch import store
from mediawatch.config import DEFAULT_SEEDS_DIR

HEADER = "outlet,url,lang,country,kind,poll_minutes\n"
GOOD_ROW = "Good,https://good.example.org/rss,en,GB,rss,15\n"

BAD_FEEDS = [
    # (id, file text, line, words the reason must contain)
    ("file-url", HEADER + GOOD_ROW + "Local,file:///etc/passwd,en,GB,rss,15\n", 3,
     "must be http or https"),
    ("ftp-url", HEADER + "Ftp,ftp://ftp.example.org/feed.xml,en,GB,rss,15\n" + GOOD_ROW, 2,
     "must be http or https"),
    ("no-scheme", HEADER + GOOD_ROW + "Bare,example.org/rss,en,GB,rss,15\n", 3,
     "must be http or https"),
    ("bad-lang", HEADER + GOOD_ROW + "Lang,https://l.example.org/rss,english,GB,rss,15\n", 3,
     "ISO 639-1"),
    ("bad-country", HEADER + GOOD_ROW + "C,https://c.example.org/rss,en,Britain,rss,15\n", 3,
     "country"),
    ("bad-poll", HEADER + GOOD_ROW + "P,https://p.example.org/rss,en,GB,rss,-5\n", 3,
     "poll_minutes"),
    ("bad-kind", HEADER + GOOD_ROW + "K,https://k.example.org/rss,en,GB,atom-ish,15\n", 3,
     "kind"),
    ("missing-field", HEADER + GOOD_ROW + GOOD_ROW.replace("good", "x") + "Short,https://s.org\n",
     4, "fields"),
    ("empty-outlet", HEADER + ",https://e.example.org/rss,en,GB,rss,15\n", 2, "outlet is empty"),
    ("duplicate-url", HEADER + GOOD_ROW + GOOD_ROW.replace("Good,", "Again,"), 3,
     "duplicate url"),
    ("unknown-column", "outlet,url,lang,country,colour\n", 1, "unknown column"),
    ("not-utf8", HEADER + "Bad,https://b.example.org/rss,en,GB,rss,15\n".replace("Bad", "B\xe4d"),
     2, "UTF-8"),
]


def _write(path: Path, text: str) -> Path:
    if "\xe4" in text:
        path.write_bytes(text.encode("latin-1"))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ingest(feeds: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from flows.cli import main

    code = main(["ingest", "--feeds", str(feeds), "--db", str(db)])
    return code, capsys.readouterr().err.strip()


@pytest.mark.parametrize("text,line,reason", [c[1:] for c in BAD_FEEDS],
                         ids=[c[0] for c in BAD_FEEDS])
def test_malformed_feeds_row_is_named_and_nothing_is_written(
    prefect_harness: None, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str],
    text: str, line: int, reason: str,
) -> None:
    feeds = _write(tmp_path / "feeds.csv", text)
    code, err = _ingest(feeds, db_path, capsys)
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert f"{feeds}:{line}: " in err and reason in err, err
    assert not db_path.exists()  # not even created


def test_bad_feeds_file_leaves_an_existing_database_untouched(
    prefect_harness: None, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with store.writer(db_path) as conn:
        store.migrate(conn)
    before = _digest(db_path)
    feeds = _write(tmp_path / "feeds.csv", BAD_FEEDS[0][1])
    code, err = _ingest(feeds, db_path, capsys)
    assert code == 2 and f"{feeds}:3:" in err
    assert _digest(db_path) == before
    with store.reader(db_path) as conn:
        assert conn.execute("select count(*) from feeds").fetchone() == (0,)
        assert conn.execute("select count(*) from runs").fetchone() == (0,)


def test_missing_feeds_file_is_a_one_line_error(
    prefect_harness: None, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _ingest(tmp_path / "nope.csv", db_path, capsys)
    assert code == 2 and "nope.csv" in err and "not found" in err and len(err.splitlines()) == 1
    assert not db_path.exists()


@pytest.fixture
def seeds_with_topics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A seeds folder (MEDIAWATCH_SEEDS) holding a copy of the real topics.yaml to break."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(DEFAULT_SEEDS_DIR / "topics.yaml", seeds / "topics.yaml")
    monkeypatch.setenv("MEDIAWATCH_SEEDS", str(seeds))
    return seeds / "topics.yaml"


def test_topics_yaml_syntax_error_names_file_and_line(
    prefect_harness: None, seeds_with_topics: Path, tmp_path: Path, db_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = seeds_with_topics.read_text(encoding="utf-8").splitlines()
    first_topic = next(i for i, text in enumerate(lines) if text.startswith("topics:"))
    lines.insert(first_topic + 1, "  broken: [unclosed, list")
    seeds_with_topics.write_text("\n".join(lines) + "\n", encoding="utf-8")
    feeds = _write(tmp_path / "feeds.csv", HEADER + GOOD_ROW)

    code, err = _ingest(feeds, db_path, capsys)

    assert code == 2 and len(err.splitlines()) == 1, err
    match = err.split("error: ", 1)[1]
    where, _, reason = match.partition(": ")
    assert where.startswith(str(seeds_with_topics)) and where.rsplit(":", 1)[1].isdigit(), err
    assert int(where.rsplit(":", 1)[1]) >= first_topic + 2  # at or after the broken line
    assert "YAML" in reason
    assert not db_path.exists()


def test_topics_yaml_invalid_rule_names_file_topic_and_reason(
    prefect_harness: None, seeds_with_topics: Path, tmp_path: Path, db_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = seeds_with_topics.read_text(encoding="utf-8")
    text = text.replace("topics:\n", "topics:\n  Bad-Topic:\n    en:\n      terms: [x]\n", 1)
    seeds_with_topics.write_text(text, encoding="utf-8")
    feeds = _write(tmp_path / "feeds.csv", HEADER + GOOD_ROW)

    code, err = _ingest(feeds, db_path, capsys)

    assert code == 2 and len(err.splitlines()) == 1, err
    assert str(seeds_with_topics) in err and "Bad-Topic" in err and "lower_snake_case" in err
    assert not db_path.exists()
