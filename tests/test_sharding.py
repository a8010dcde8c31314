"""Sharded polling with 2 shards: the feed list splits disjointly and completely, prefect.yaml's
shard deployments cover every shard once, and two shard runs store everything exactly once."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from mediawatch.sample_server import serve_directory
from mediawatch.seeds import load_feeds, shard_feeds

REPO = Path(__file__).resolve().parent.parent
FLOW_FIXTURES = REPO / "tests" / "fixtures" / "flow"


def test_two_shards_split_the_real_feed_list_disjointly_and_completely():
    feeds = load_feeds(REPO / "seeds" / "feeds.csv")
    zero, one = (shard_feeds(feeds, shard, 2) for shard in range(2))
    urls = [f.url for f in feeds]
    assert not {f.url for f in zero} & {f.url for f in one}
    assert sorted(f.url for f in zero + one) == sorted(urls)
    assert min(len(zero), len(one)) >= len(feeds) // 4  # both workers get a real share
    # each shard keeps the list order, and a second split gives the same answer
    assert [f.url for f in zero] == [u for u in urls if u in {f.url for f in zero}]
    assert shard_feeds(feeds, 0, 2) == zero


def _deployments() -> list[dict]:
    return yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"]


def test_prefect_yaml_shard_deployments_cover_each_shard_once():
    from flows.ingest import ingest

    shards = [d for d in _deployments() if d["name"].startswith("ingest-shard-")]
    params = [d["parameters"] for d in shards]
    assert len(shards) >= 2
    assert {p["shards"] for p in params} == {len(shards)}
    assert sorted(p["shard"] for p in params) == list(range(len(shards)))
    for deployment in shards:
        assert deployment["entrypoint"] == "flows/ingest.py:ingest"
        assert deployment["work_pool"]["name"] == "mediawatch"  # one pool, N workers
        [schedule] = deployment["schedules"]
        assert schedule["interval"] == 900 and schedule["active"] is False  # opt-in topology
        inspect.signature(ingest.fn).bind(**deployment["parameters"])  # the flow takes them


def test_every_scheduled_ingest_runs_spike_alerts_after_it():
    from flows.alerts import detect_spikes
    from flows.deployments import deployments

    [alerts] = [d for d in _deployments() if d["name"] == "detect-spikes"]
    assert alerts["entrypoint"] == "flows/alerts.py:detect_spikes"
    inspect.signature(detect_spikes.fn).bind(**alerts["parameters"])
    scheduled = [d for d in _deployments() if d["entrypoint"] == "flows/ingest.py:ingest"]
    assert scheduled and all(d["parameters"]["detect_spikes_after"] for d in scheduled)
    served = {d.name: d for d in deployments()}
    assert served["ingest"].parameters["detect_spikes_after"] is True
    assert "detect-spikes" in served


MIRRORS = 3  # extra copies of each good fixture feed: same articles under other feed URLs


@pytest.fixture
def served_feeds(tmp_path: Path):
    """The flow fixtures plus mirrored copies (14 feeds: both shards get some, whatever the
    port in the URLs), served on 127.0.0.1; yield the feeds CSV."""
    folder = tmp_path / "site"
    shutil.copytree(FLOW_FIXTURES, folder)
    lines = (folder / "feeds.csv").read_text().splitlines()
    for name in ("uk_news", "en_world", "ru_news"):
        [row] = [line for line in lines if f"/{name}.xml" in line]
        for i in range(MIRRORS):
            shutil.copy(folder / f"{name}.xml", folder / f"{name}_{i}.xml")
            lines.append(row.replace(f"/{name}.xml", f"/{name}_{i}.xml"))
    with serve_directory(folder) as base:
        csv = tmp_path / "feeds.csv"
        csv.write_text("\n".join(lines).replace("{base}", base) + "\n")
        yield csv


def test_two_shard_runs_ingest_every_feed_and_article_exactly_once(
    prefect_harness, served_feeds, db_path
):
    from flows.ingest import ingest

    csv, db = str(served_feeds), str(db_path)
    runs = [ingest(feeds_file=csv, db=db, shard=shard, shards=2) for shard in (0, 1)]

    assert sum(r["feeds"] for r in runs) == 5 + 3 * MIRRORS and all(r["feeds"] for r in runs)
    # the 6 distinct articles (tests/test_ingest_flow.py), stored once though several feeds
    # in both shards carry them
    assert sum(r["new_articles"] for r in runs) == 6
    with duckdb.connect(str(db_path), read_only=True) as conn:
        counts = conn.execute("select count(*), count(distinct article_id) from articles")
        assert counts.fetchone() == (6, 6)
        fetched = conn.execute("select feed_url, count(*) from fetch_log group by all").fetchall()
        listed = {f.url for f in load_feeds(served_feeds)}
        assert {url for url, _ in fetched} == listed and {n for _, n in fetched} == {1}
        per_run = conn.execute("select count(distinct run_id) from fetch_log").fetchone()
    assert per_run == (2,)
