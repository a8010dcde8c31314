"""The benchmark machinery on tiny inputs, so it cannot rot. Structure only: no timings asserted."""

from __future__ import annotations

import sys
from pathlib import Path

# bench/ is run as `python -m bench.run` from the checkout, not installed with the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import baseline, bigdb, corpus, querybench, run, tagbench  # noqa: E402
from bench.texts import sample_texts  # noqa: E402
from dashboard import queries  # noqa: E402


def test_corpus_and_feedparser_baseline_count_the_same_items(tmp_path: Path) -> None:
    built = corpus.build(tmp_path / "c", items=120)
    assert built.files and built.bytes > 0
    parsed = baseline.parse_all(built.bodies())
    assert parsed.items == built.items >= 120  # top-stories feeds repeat some items
    assert parsed.seconds > 0 and parsed.cpu_seconds > 0
    csv = built.feeds_csv("http://127.0.0.1:1/x").read_text()
    assert "{base}" not in csv and "http://127.0.0.1:1/x/" in csv


def test_tag_rate_reports_cold_and_warm(tmp_path: Path) -> None:
    result = tagbench.tag_rate(sample_texts(200))
    assert result["articles"] == 200
    expected = {"cold_mb_per_cpu_s", "warm_mb_per_cpu_s", "cold_mb_per_s", "tagged_share"}
    assert expected <= set(result)
    assert 0 < result["tagged_share"] < 1


def test_big_db_has_every_dashboard_query_answering(tmp_path: Path) -> None:
    db = tmp_path / "big.duckdb"
    built = bigdb.build(db, 3000, feeds=12, days=60)
    assert built["articles"] == 3000 and set(built["steps"]) >= {"bigdb_articles", "bigdb_topics"}
    timed = querybench.time_queries(db, reps=1)
    assert timed["worst_query"] in timed["queries"]
    names = {key.split("/")[0] for key in timed["queries"]}
    assert names == set(queries.ALL_QUERIES) - set(timed["skipped"])
    assert {key.split("/")[1] for key in timed["queries"]} == {"default", "keyword"}


def test_p95_interpolates_between_ranks() -> None:
    assert querybench.p95([1.0]) == 1.0
    assert querybench.p95([float(i) for i in range(1, 21)]) == 19.05


def test_results_table_and_verdicts_cover_every_target() -> None:
    results = {key: 1.0 for key in run.TARGETS} | {"flow_fixed_overhead_s": 9.0}
    results["met"] = run.verdicts(results)
    assert set(results["met"]) == set(run.TARGETS)
    table = run.table(results)
    for key in [*run.TARGETS, "flow_fixed_overhead_s"]:
        assert f"`{key}`" in table
