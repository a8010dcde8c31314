"""Seed files: the real feeds/events load, and every bad input names file, line and reason."""

from __future__ import annotations

import hashlib
import pickle
from datetime import date
from pathlib import Path

import pytest

from mediawatch.models import Feed
from mediawatch.seeds import SeedError, load_events, load_feeds, shard_feeds, shard_of

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
HEADER = "outlet,url,lang,country,kind,poll_minutes\n"
GOOD = "UNIAN,https://rss.unian.net/site/news_ukr.rss,uk,UA,rss,10\n"


def write(tmp_path: Path, text: str, name: str = "feeds.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def feeds_error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(SeedError) as info:
        load_feeds(path)
    return str(info.value).removeprefix(f"{path}")


def test_real_feeds_cover_30_outlets_in_three_languages() -> None:
    feeds = load_feeds(SEEDS / "feeds.csv")
    assert len({feed.outlet for feed in feeds}) >= 30
    langs = {feed.lang for feed in feeds}
    assert {"uk", "ru", "en"} <= langs
    for lang in ("uk", "ru", "en"):
        assert len({f.outlet for f in feeds if f.lang == lang}) >= 8
    assert {"TASS", "RIA Novosti"} <= {feed.outlet for feed in feeds}
    assert all(feed.url.startswith("https://") for feed in feeds)
    assert all(feed.poll_minutes > 0 for feed in feeds)
    assert {feed.kind for feed in feeds} == {"rss", "sitemap"}  # news sitemaps too (issue 7)


def test_real_events_load_sorted_with_the_peace_talks() -> None:
    events = load_events(SEEDS / "events.csv")
    by_date = {event.date: event.label for event in events}
    assert "Geneva" in by_date[date(2025, 11, 23)]
    assert "Miami" in by_date[date(2025, 11, 30)]
    assert "Moscow" in by_date[date(2025, 12, 2)]
    assert [e.date for e in events] == sorted(e.date for e in events)


def test_good_file_with_bom_whitespace_defaults_and_blank_lines(tmp_path: Path) -> None:
    text = (
        "\ufeff outlet , url ,lang,country\n"
        "  Meduza , https://meduza.io/rss/all ,RU, lv \n"
        "\n"
        "BBC News,https://feeds.bbci.co.uk/news/world/europe/rss.xml,en,GB\n"
    )
    feeds = load_feeds(write(tmp_path, text))
    assert feeds == [
        Feed(url="https://meduza.io/rss/all", outlet="Meduza", lang="ru", country="LV"),
        Feed(
            url="https://feeds.bbci.co.uk/news/world/europe/rss.xml",
            outlet="BBC News",
            lang="en",
            country="GB",
        ),
    ]
    assert feeds[0].poll_minutes == 15 and feeds[0].kind == "rss"


def test_sitemap_kind_and_poll_minutes(tmp_path: Path) -> None:
    path = write(
        tmp_path, HEADER + "Suspilne,https://suspilne.media/sitemap.xml,uk,UA,sitemap,60\n"
    )
    (feed,) = load_feeds(path)
    assert (feed.kind, feed.poll_minutes) == ("sitemap", 60)


def test_base_placeholder_is_substituted(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "UNIAN,{base}/unian.xml,uk,UA,rss,\n")
    (feed,) = load_feeds(path, base_url="http://127.0.0.1:8765/")
    assert feed.url == "http://127.0.0.1:8765/unian.xml"
    with pytest.raises(SeedError, match=r":2: url '\{base\}/unian.xml' uses \{base\} but no"):
        load_feeds(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ":1: file is empty (expected a header row)"),
        ("outlet,url,lang\n" + GOOD, ":1: missing column(s): country"),
        (
            "outlet,url,lang,country,colour\n",
            ":1: unknown column(s): colour"
            " (allowed: outlet, url, lang, country, kind, poll_minutes)",
        ),
        ("outlet,url,lang,country,url\n", ":1: repeated column(s): url"),
        ("outlet,url,lang,country,\n" + GOOD, ":1: header has an empty column name (column 5)"),
        (HEADER + GOOD + ",https://x.example/rss,uk,UA,rss,\n", ":3: outlet is empty"),
        (HEADER + "X,  ,uk,UA,rss,\n", ":2: url is empty"),
        (HEADER + "X,ftp://x,uk,UA,rss,\n", ":2: url 'ftp://x' must be http or https"),
        (
            HEADER + "X,file:///etc/passwd,uk,UA,rss,\n",
            ":2: url 'file:///etc/passwd' must be http or https",
        ),
        (
            HEADER + "X,example.com/rss,uk,UA,rss,\n",
            ":2: url 'example.com/rss' must be http or https",
        ),
        (HEADER + "X,https:///rss,uk,UA,rss,\n", ":2: url 'https:///rss' has no host"),
        (
            HEADER + "X,https://a b/rss,uk,UA,rss,\n",
            ":2: url 'https://a b/rss' contains whitespace",
        ),
        (
            HEADER + "X,https://x.example/rss,xx,UA,rss,\n",
            ":2: lang 'xx' is not an ISO 639-1 two-letter code",
        ),
        (
            HEADER + "X,https://x.example/rss,ukr,UA,rss,\n",
            ":2: lang 'ukr' is not an ISO 639-1 two-letter code",
        ),
        (
            HEADER + "X,https://x.example/rss,uk,Ukraine,rss,\n",
            ":2: country 'Ukraine' must be a two-letter code",
        ),
        (
            HEADER + "X,https://x.example/rss,uk,UA,atom,\n",
            ":2: kind 'atom' must be one of: rss, sitemap",
        ),
        (
            HEADER + GOOD + "X,https://x.example/rss,uk,UA,rss,0\n",
            ":3: poll_minutes '0' must be a positive integer",
        ),
        (
            HEADER + "X,https://x.example/rss,uk,UA,rss,-5\n",
            ":2: poll_minutes '-5' must be a positive integer",
        ),
        (
            HEADER + "X,https://x.example/rss,uk,UA,rss,7.5\n",
            ":2: poll_minutes '7.5' must be a positive integer",
        ),
        (
            HEADER + "X,https://x.example/rss,uk,UA,rss,ten\n",
            ":2: poll_minutes 'ten' must be a positive integer",
        ),
        (HEADER + "X,https://x.example/rss,uk\n", ":2: row has 3 fields, header has 6"),
        (
            HEADER + "X,https://x.example/rss,uk,UA,rss,15,extra\n",
            ":2: row has 7 fields, header has 6",
        ),
        (
            HEADER
            + GOOD
            + "\n"
            + GOOD.replace("UNIAN", "UNIAN copy").replace("rss.unian", "RSS.UNIAN"),
            ":4: duplicate url 'https://RSS.UNIAN.net/site/news_ukr.rss' (also on line 2)",
        ),
    ],
)
def test_bad_feeds_file_names_line_and_reason(tmp_path: Path, text: str, expected: str) -> None:
    assert feeds_error(tmp_path, text) == expected


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SeedError) as info:
        load_feeds(tmp_path / "nope.csv")
    assert str(info.value) == f"{tmp_path / 'nope.csv'}: file not found"
    assert info.value.line is None and info.value.reason == "file not found"


def test_relative_path_reads_like_the_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "seeds").mkdir()
    rows = "".join(GOOD.replace("news_ukr", f"news_{n}") for n in range(5))
    write(tmp_path / "seeds", HEADER + rows + "X,ftp://x,uk,UA,rss,\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SeedError) as info:
        load_feeds(Path("seeds/feeds.csv"))
    assert str(info.value) == "seeds/feeds.csv:7: url 'ftp://x' must be http or https"


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(
        tmp_path, HEADER + GOOD + "Укрінформ,https://x.example/rss,uk,UA,rss,\n", encoding="cp1251"
    )
    with pytest.raises(SeedError, match=r":3: not valid UTF-8$"):
        load_feeds(path)


def test_seed_error_is_a_value_error_and_pickles() -> None:
    error = SeedError("seeds/feeds.csv", 7, "url 'ftp://x' must be http or https")
    assert isinstance(error, ValueError)
    clone = pickle.loads(pickle.dumps(error))
    assert (clone.file, clone.line, clone.reason, str(clone)) == (
        error.file,
        error.line,
        error.reason,
        str(error),
    )


EVENTS_HEADER = "date,label,kind\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("label\n", ":1: missing column(s): date"),
        ("date,label,colour\n", ":1: unknown column(s): colour (allowed: date, label, kind, url)"),
        (EVENTS_HEADER + "2025-11-23,,talks\n", ":2: label is empty"),
        (EVENTS_HEADER + "2025-13-01,X,\n", ":2: date '2025-13-01' is not a valid YYYY-MM-DD date"),
        (EVENTS_HEADER + "23.11.2025,X,\n", ":2: date '23.11.2025' is not a valid YYYY-MM-DD date"),
        (EVENTS_HEADER + "20251123,X,\n", ":2: date '20251123' is not a valid YYYY-MM-DD date"),
        (
            EVENTS_HEADER + "2025-11-23,X,Big Talks\n",
            ":2: kind 'Big Talks' must be a lowercase word like 'talks'",
        ),
        (
            "date,label,url\n2025-11-23,X,javascript:alert(1)\n",
            ":2: url 'javascript:alert(1)' must be http or https",
        ),
        (
            EVENTS_HEADER + "2025-11-23,X,\n2025-11-24,Y,\n2025-11-23,X,\n",
            ":4: duplicate event 2025-11-23 'X' (also on line 2)",
        ),
    ],
)
def test_bad_events_file_names_line_and_reason(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text, name="events.csv")
    with pytest.raises(SeedError) as info:
        load_events(path)
    assert str(info.value) == f"{path}{expected}"


def test_events_optional_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "date,label\n2025-12-02,Moscow\n2025-11-23,Geneva\n", name="e.csv")
    assert [(e.date.day, e.label, e.kind, e.url) for e in load_events(path)] == [
        (23, "Geneva", None, None),
        (2, "Moscow", None, None),
    ]


def make_feeds(count: int) -> list[Feed]:
    return [
        Feed(url=f"https://outlet{n}.example/rss", outlet=f"O{n}", lang="en", country="GB")
        for n in range(count)
    ]


def test_shard_feeds_split_disjointly_and_completely() -> None:
    feeds = make_feeds(200)
    parts = [shard_feeds(feeds, shard, 4) for shard in range(4)]
    assert sorted(f.url for part in parts for f in part) == sorted(f.url for f in feeds)
    assert all(20 <= len(part) <= 80 for part in parts)
    assert shard_feeds(feeds, 0, 1) == feeds


def test_shard_is_stable_across_processes() -> None:
    # sha1-based: fixed values, unlike hash() which is salted per process.
    assert [shard_of(f"https://outlet{n}.example/rss", 7) for n in range(8)] == [
        shard_of(f"https://outlet{n}.example/rss", 7) for n in range(8)
    ]
    digest = hashlib.sha1(b"https://tass.ru/rss/v2.xml").hexdigest()
    assert shard_of("https://tass.ru/rss/v2.xml", 1000) == int(digest[:16], 16) % 1000


@pytest.mark.parametrize(("shard", "shards"), [(0, 0), (3, 3), (-1, 2)])
def test_shard_arguments_checked(shard: int, shards: int) -> None:
    with pytest.raises(ValueError):
        shard_feeds(make_feeds(3), shard, shards)
