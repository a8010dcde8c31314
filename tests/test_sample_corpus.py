"""The committed offline sample corpus: parses, covers enough, is marked as sample, regenerates."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from random import Random
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest

from mediawatch.seeds import load_feeds

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "seeds" / "sample"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from seeds.sample import generate  # noqa: E402
from seeds.sample.outlets import SAMPLE_NOTICE  # noqa: E402

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def parsed() -> list[tuple[Any, Any]]:
    """(Feed, feedparser result) for every feed of the sample feed list."""
    out = []
    for feed in load_feeds(SAMPLE / "feeds.csv", base_url=BASE):
        body = (SAMPLE / "feeds" / feed.url.removeprefix(BASE + "/")).read_bytes()
        out.append((feed, feedparser.parse(body)))
    return out


def test_every_feed_parses_cleanly(parsed: list[tuple[Any, Any]]) -> None:
    assert len(parsed) == len(list((SAMPLE / "feeds").glob("*.xml"))) == 17
    for feed, result in parsed:
        assert not result.bozo, (feed.url, result.get("bozo_exception"))
        assert result.entries, feed.url


def test_coverage_meets_the_demo_bar(parsed: list[tuple[Any, Any]]) -> None:
    links = {e.link.split("?")[0] for _, r in parsed for e in r.entries}
    days = {date(*e.published_parsed[:3]) for _, r in parsed for e in r.entries}
    assert len(links) == generate.SAMPLE_ITEMS >= 800
    assert len({feed.outlet for feed, _ in parsed}) >= 12
    assert {feed.lang for feed, _ in parsed} == {"uk", "ru", "en"}
    assert min(days) == date(2025, 10, 20) and max(days) == date(2025, 12, 5)
    assert len(days) == 47


def test_marked_as_sample_data(parsed: list[tuple[Any, Any]]) -> None:
    for _, result in parsed:
        assert SAMPLE_NOTICE in result.feed.title
        assert SAMPLE_NOTICE in (result.feed.get("subtitle") or result.feed.get("description"))
        for entry in result.entries:
            assert urlsplit(entry.link).path.startswith(("/sample/", "/ua/sample/"))


def test_windows_1251_files_decode_to_cyrillic(parsed: list[tuple[Any, Any]]) -> None:
    cp1251 = {feed.outlet: r for feed, r in parsed if r.encoding == "windows-1251"}
    assert set(cp1251) == {"Censor.net", "Interfax"}
    for name in ("censor.xml", "interfax.xml"):
        raw = (SAMPLE / "feeds" / name).read_bytes()
        assert raw.startswith(b'<?xml version="1.0" encoding="windows-1251"?>')
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
    uk_text = " ".join(e.title for e in cp1251["Censor.net"].entries)
    ru_text = " ".join(e.title for e in cp1251["Interfax"].entries)
    assert "Україн" in uk_text and "ї" in uk_text and "є" in uk_text
    assert "Украин" in ru_text and "ы" in ru_text


def test_atom_feeds_exist(parsed: list[tuple[Any, Any]]) -> None:
    atom = [feed.outlet for feed, r in parsed if r.version == "atom10"]
    assert atom == ["Kyiv Independent", "Novaya Gazeta Europe"]


def test_text_noise_for_the_normaliser(parsed: list[tuple[Any, Any]]) -> None:
    raw = "".join(p.read_text(encoding="utf-8") for p in (SAMPLE / "feeds").glob("*.xml")
                  if b"windows-1251" not in p.read_bytes()[:60])
    uk = " ".join(e.title + e.summary for f, r in parsed if f.lang == "uk" for e in r.entries)
    for apostrophe in ("'", "’", "ʼ"):
        assert f"м{apostrophe}я" in uk or f"р{apostrophe}я" in uk, apostrophe
    assert "&amp;laquo;" in raw and "&amp;#8217;" in raw and "&lt;p&gt;" in raw
    assert "<![CDATA[" in raw
    assert "utm_source=rss" in raw


def test_wire_copies_and_shared_urls(parsed: list[tuple[Any, Any]]) -> None:
    outlets_per_title: dict[str, set[str]] = {}
    for feed, result in parsed:
        for entry in result.entries:
            outlets_per_title.setdefault(entry.title, set()).add(feed.outlet)
    assert sum(len(o) >= 2 for o in outlets_per_title.values()) >= 20
    pravda = [r for f, r in parsed if f.outlet == "Ukrainska Pravda"]
    main, top = ({e.link.split("?")[0] for e in r.entries} for r in pravda)
    assert len(top) >= 20 and top <= main


def test_topic_mix_follows_the_events() -> None:
    items = generate.plan_items(Random(7), generate.make_outlets(None), 1100,
                                generate.START, generate.END)

    def share(category: str, first: date, last: date) -> float:
        window = [i for i in items if first <= i.published.date() <= last]
        return Counter(i.category for i in window)[category] / len(window)

    quiet = (date(2025, 10, 30), date(2025, 11, 15))
    talks = (date(2025, 11, 20), date(2025, 12, 3))
    for topic in ("territory", "security_guarantees", "elections"):
        assert share(topic, *talks) > 1.5 * share(topic, *quiet), topic
    assert share("frozen_assets", date(2025, 10, 23), date(2025, 10, 26)) > 3 * share(
        "frozen_assets", *quiet)
    # Stories about the US plan appear only once it was reported (2025-11-19).
    markers = ("План ", "US plan", "Draft plan", "100 днів", "100 дней", "100 days")
    plan = [i for i in items if any(m in i.title for m in markers)]
    assert plan and min(i.published.date() for i in plan) >= date(2025, 11, 19)


def test_regenerates_byte_identically(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(SAMPLE / "generate.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    committed = sorted(p.name for p in (SAMPLE / "feeds").glob("*.xml"))
    assert sorted(p.name for p in (tmp_path / "feeds").glob("*.xml")) == committed
    for name in committed:
        assert (tmp_path / "feeds" / name).read_bytes() == (SAMPLE / "feeds" / name).read_bytes()
    assert (tmp_path / "feeds.csv").read_bytes() == (SAMPLE / "feeds.csv").read_bytes()


def test_generate_corpus_for_the_benchmark(tmp_path: Path) -> None:
    paths = generate.generate_corpus(tmp_path, items=3000, outlets=20, items_per_feed=50, seed=3)
    feeds = load_feeds(tmp_path / "feeds.csv", base_url=BASE)
    assert len(feeds) == len(paths) and len({f.outlet for f in feeds}) == 20
    links: set[str] = set()
    for path in paths:
        entries = feedparser.parse(path.read_bytes()).entries
        assert 0 < len(entries) <= 50
        links |= {e.link.split("?")[0] for e in entries}
    assert len(links) == 3000
    again = generate.generate_corpus(tmp_path / "again", items=3000, outlets=20, seed=3)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]
