"""Topic-spike alerts: detection on synthetic series, rules validation, idempotent recording,
and the ``detect-spikes`` flow over a DuckDB file and a DuckLake."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from mediawatch import alert_store, store
from mediawatch.alerts import ALL_LANGS, AlertRules, Spike, days_to_check, detect
from mediawatch.seeds import SeedError

REPO = Path(__file__).resolve().parent.parent
RULES = AlertRules(window_days=14, min_articles=8, zscore=3.0, ratio=2.5, min_history_days=7)
START = date(2025, 11, 1)
DAY = START + timedelta(days=14)  # the day under test; START..DAY-1 is its full window


def series(topic: str, lang: str, counts: list[int], start: date = START) -> list[tuple]:
    return [(start + timedelta(days=i), topic, lang, n) for i, n in enumerate(counts) if n]


def keys(spikes: list[Spike]) -> list[tuple[date, str, str]]:
    return [(s.day, s.topic, s.lang) for s in spikes]


NOISY_TEN = [8, 12, 9, 11, 10, 10, 7, 13, 10, 10, 9, 11, 8, 12]  # mean 10, std 1.71


# --- detection ---------------------------------------------------------------------------------


def test_a_known_spike_is_found_with_its_numbers():
    rows = series("territory", "uk", [*NOISY_TEN, 40])
    spikes = detect(rows, [DAY], RULES, first_day=START)
    assert keys(spikes) == [(DAY, "territory", ALL_LANGS), (DAY, "territory", "uk")]
    spike = spikes[0]
    assert spike.articles == 40
    assert spike.baseline_mean == pytest.approx(10.0)
    assert spike.baseline_std == pytest.approx(statistics.stdev(NOISY_TEN))  # 1.71
    assert spike.zscore == pytest.approx(30 / statistics.stdev(NOISY_TEN))
    assert spike.ratio == pytest.approx(4.0)


def test_a_quiet_series_gives_no_alert():
    rows = series("ceasefire", "en", [*NOISY_TEN, 13])  # the top of its usual range
    assert detect(rows, [DAY], RULES, first_day=START) == []


def test_a_day_with_too_few_articles_never_alerts():
    rows = series("frozen_assets", "en", [0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 7])
    assert detect(rows, [DAY], RULES, first_day=START) == []  # 7x the mean, but 7 < 8 articles
    rows = series("frozen_assets", "en", [0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 8])
    assert keys(detect(rows, [DAY], RULES, first_day=START))[0] == (DAY, "frozen_assets", "all")


def test_a_spike_in_one_language_alerts_that_language_only():
    en = series("elections", "en", [18, 22] * 7 + [18])
    ru = series("elections", "ru", [1, 3] * 7 + [12])
    spikes = detect(en + ru, [DAY], RULES, first_day=START)
    assert keys(spikes) == [(DAY, "elections", "ru")]  # all languages: 30 vs 24 +- 3, no alert
    assert spikes[0].ratio == pytest.approx(6.0)
    no_split = AlertRules(**{**RULES.__dict__, "per_language": False})
    assert detect(en + ru, [DAY], no_split, first_day=START) == []


def test_a_topic_surging_from_nothing_alerts_with_finite_numbers():
    rows = series("security_guarantees", "en", [0] * 14 + [9])
    [spike, _] = detect(rows, [DAY], RULES, first_day=START)
    assert spike.baseline_mean == 0 and spike.zscore == 9.0 and spike.ratio == 9.0


def test_no_alert_before_the_store_has_enough_history():
    rows = series("territory", "uk", [3, 4, 3, 30])
    day = START + timedelta(days=3)
    assert detect(rows, [day], RULES, first_day=START) == []  # 3 known days < 7
    # days before the store's first day are unknown, not quiet: the window is clipped to them
    late, opened = START + timedelta(days=20), START + timedelta(days=11)
    rows = series("territory", "uk", [10, 9, 11, 10, 10, 9, 11, 10, 10, 30], start=opened)
    [spike, _] = detect(rows, [late], RULES, first_day=opened)
    assert spike.baseline_mean == pytest.approx(10.0)


def test_require_all_needs_both_thresholds():
    # 24: z = (24 - 10) / 1.71 = 8.2 >= 3, but ratio 2.4 < 2.5
    rows = series("territory", "uk", [*NOISY_TEN, 24])
    both = AlertRules(**{**RULES.__dict__, "require": "all", "per_language": False})
    assert detect(rows, [DAY], both, first_day=START) == []
    assert len(detect(rows, [DAY], RULES, first_day=START)) == 2  # any: the z-score suffices


def test_days_to_check_ends_today():
    assert days_to_check(DAY, RULES) == [DAY - timedelta(days=1), DAY]
    assert days_to_check(DAY, RULES, 3)[0] == DAY - timedelta(days=2)


# --- rules file --------------------------------------------------------------------------------


def test_bundled_rules_load():
    rules = AlertRules.load(REPO / "seeds" / "alerts.yaml")
    assert rules.window_days == 14 and rules.min_articles >= 5 and rules.per_language


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("window_days: 14\nzscore: -1\n", 2, "zscore: must be a positive number"),
        ("window_days: 1\n", 1, "window_days: must be >= 2"),
        ("min_articles: 2.5\n", 1, "min_articles: must be a whole number"),
        ("ratio: 0.5\n", 1, "ratio: must be > 1"),
        ("require: most\n", 1, "require: must be one of any, all"),
        ("per_language: yes please\n", 1, "per_language: must be true or false"),
        ("window: 14\n", 1, "unknown setting 'window'"),
        ("zscore: null\nratio: null\n", None, "set zscore, ratio or both"),
        ("- 1\n- 2\n", None, "expected a mapping"),
        ("zscore: [3\n", 2, "not valid YAML"),
    ],
)
def test_bad_rules_name_the_line_and_reason(tmp_path, text, line, reason):
    path = tmp_path / "alerts.yaml"
    path.write_text(text)
    with pytest.raises(SeedError, match=reason) as info:
        AlertRules.load(path)
    assert info.value.line == line and info.value.file == str(path)


# --- recording and the flow ----------------------------------------------------------------------


def _spike(articles: int = 40) -> Spike:
    return Spike(DAY, "territory", "uk", articles, 10.0, 1.75, 17.1, 4.0)


def test_recording_twice_keeps_one_row_with_fresh_numbers(db_path):
    with store.writer(db_path) as conn:
        store.migrate(conn)
        first = datetime(2025, 11, 15, 8, tzinfo=UTC)
        assert alert_store.record(conn, [_spike(40)], first) == 1
        assert alert_store.record(conn, [_spike(44)], first + timedelta(hours=1)) == 0
        rows = conn.execute("select articles, detected_at from alerts").fetchall()
    assert rows == [(44, first)]


def _insert_articles(target: str, counts: dict[tuple[date, str, str], int]) -> None:
    """Synthetic tagged articles, published at noon UTC on their day."""
    import pyarrow as pa

    ids, days, langs, topics = [], [], [], []
    for (day, topic, lang), n in counts.items():
        for i in range(n):
            ids.append(f"{day}-{topic}-{lang}-{i}")
            days.append(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=12))
            langs.append(lang)
            topics.append(topic)
    synthetic = pa.table({"article_id": ids, "published_at": days, "lang": langs, "topic": topics})  # noqa: F841
    with store.writer(target) as conn:
        store.migrate(conn)
        with store.transaction(conn):
            conn.execute(
                "insert into articles_raw (article_id, canonical_url, url, feed_url, outlet, title,"
                " summary, lang, published_at, published_at_estimated, fetched_at) "
                "select article_id, 'https://x.test/' || article_id, "
                "'https://x.test/' || article_id, 'https://x.test/feed', 'X', 't', 's', lang, "
                "published_at, false, published_at "
                "from synthetic"
            )
            conn.execute(
                "insert into article_topics_raw (article_id, topic, matched_terms, rules_version) "
                "select article_id, topic, ['term'], 'test' from synthetic"
            )


@pytest.mark.parametrize("backend", ["duckdb", "ducklake"])
def test_flow_records_spikes_once_and_the_view_shows_them(prefect_harness, tmp_path, backend):
    from flows.alerts import detect_spikes

    target = (
        str(tmp_path / "m.duckdb") if backend == "duckdb"
        else f"ducklake:sqlite:{tmp_path}/catalog.sqlite:{tmp_path}/lake/"
    )
    counts = {(START + timedelta(days=i), "territory", "uk"): n for i, n in enumerate(NOISY_TEN)}
    counts |= {(START + timedelta(days=i), "ceasefire", "en"): n for i, n in enumerate(NOISY_TEN)}
    counts[(DAY, "territory", "uk")] = 40
    counts[(DAY, "ceasefire", "en")] = 11
    _insert_articles(target, counts)

    first = detect_spikes(db=target, day=DAY.isoformat())
    again = detect_spikes(db=target, day=DAY.isoformat())
    everything = detect_spikes(db=target, all_days=True)

    assert first == {"days": 2, "spikes": 2, "new": 2}
    assert again == {"days": 2, "spikes": 2, "new": 0}
    assert everything == {"days": 15, "spikes": 2, "new": 0}
    with store.reader(target) as conn:
        rows = conn.execute(
            "select day, topic, lang, articles, round(ratio, 1) from alerts order by lang"
        ).fetchall()
        columns = [d[0] for d in conn.execute("select * from alerts limit 0").description]
    assert rows == [(DAY, "territory", "all", 40, 4.0), (DAY, "territory", "uk", 40, 4.0)]
    assert columns == [
        "day", "topic", "lang", "articles", "baseline_mean", "baseline_std", "zscore", "ratio",
        "detected_at",
    ]


def test_cli_alerts_reports_the_run(prefect_harness, tmp_path, capsys):
    from flows.cli import main

    target = str(tmp_path / "m.duckdb")
    counts = {(START + timedelta(days=i), "territory", "uk"): n for i, n in enumerate(NOISY_TEN)}
    counts[(DAY, "territory", "uk")] = 40
    _insert_articles(target, counts)
    assert main(["alerts", "--db", target, "--day", DAY.isoformat()]) == 0
    assert "mediawatch alerts: 2 spikes (2 new) on 2 days" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "rules", "message"),
    [
        (["--day", "2025-13-01"], "window_days: 14\n", "month must be in 1..12"),
        ([], "window_days: 0\n", "alerts.yaml:1: window_days: must be a whole number >= 1"),
    ],
)
def test_cli_alerts_refuses_bad_input_in_one_line(
    tmp_path, monkeypatch, capsys, args, rules, message
):
    from flows.cli import main

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "alerts.yaml").write_text(rules)
    monkeypatch.setenv("MEDIAWATCH_SEEDS", str(seeds))
    assert main(["alerts", "--db", str(tmp_path / "m.duckdb"), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mediawatch alerts: error:") and message in err and "\n" not in err
