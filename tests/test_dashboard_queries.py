"""Dashboard queries on the fixture database: exact numbers, and hostile keyword input."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboard import queries
from dashboard.filters import Filters
from mediawatch import store

try:
    from dashboard_fixtures import FIRST_DAY, GAP_DAY, LAST_DAY, SPIKE_DAY, FixtureDB, build_db
except ImportError:  # tests/ imported as a package
    from tests.dashboard_fixtures import (
        FIRST_DAY,
        GAP_DAY,
        LAST_DAY,
        SPIKE_DAY,
        FixtureDB,
        build_db,
    )

RANGE = Filters(start=date(2025, 10, 25), end=date(2025, 11, 30))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> FixtureDB:
    return build_db(tmp_path_factory.mktemp("dash") / "fixture.duckdb")


@pytest.fixture
def conn(db: FixtureDB):
    with store.reader(db.path) as c:
        yield c


def _in_range(db: FixtureDB, f: Filters) -> pd.DataFrame:
    """The fixture articles passing date/outlet/language/keyword/topic filters (pandas)."""
    a = db.articles.assign(day=db.articles["published_at"].map(lambda t: t.date()))
    a = a[(a["day"] >= f.start) & (a["day"] <= f.end)]
    if f.outlets:
        a = a[a["outlet"].isin(f.outlets)]
    if f.langs:
        a = a[a["lang"].isin(f.langs)]
    kw = f.keyword_norm
    if kw:
        hit = a["title"].str.lower().str.contains(kw, regex=False) | a["summary"].str.lower(
        ).str.contains(kw, regex=False)
        a = a[hit]
    if f.topics:
        ids = set(db.tags.loc[db.tags["topic"].isin(f.topics), "article_id"])
        a = a[a["article_id"].isin(ids)]
    return a


def test_kpis_count_articles_outlets_and_tagged_share(conn, db: FixtureDB) -> None:
    k = queries.kpis(conn, RANGE).set_index("period")
    expected = _in_range(db, RANGE)
    tagged = expected["article_id"].isin(set(db.tags["article_id"])).sum()
    assert k.loc["current", "articles"] == len(expected)
    assert k.loc["current", "outlets"] == 6 and k.loc["current", "langs"] == 3
    assert k.loc["current", "tagged"] == tagged
    prev = RANGE.previous()
    assert k.loc["previous", "articles"] == len(_in_range(db, prev))


def test_kpis_share_of_coverage_uses_the_collection_as_base(conn, db: FixtureDB) -> None:
    f = Filters(start=RANGE.start, end=RANGE.end, topics=("ceasefire",))
    k = queries.kpis(conn, f).set_index("period")
    assert k.loc["current", "collection"] == len(_in_range(db, RANGE))
    assert k.loc["current", "share_of_coverage"] == pytest.approx(
        len(_in_range(db, f)) / len(_in_range(db, RANGE))
    )


def test_volume_is_zero_filled_and_shares_sum_to_one(conn, db: FixtureDB) -> None:
    v = queries.volume(conn, RANGE)
    days = (RANGE.end - RANGE.start).days + 1
    assert v["bucket"].nunique() == days
    gap = v[v["bucket"].dt.date == GAP_DAY]
    assert len(gap) == 6 and gap["articles"].sum() == 0
    assert v["articles"].sum() == len(_in_range(db, RANGE))
    full = v[v["total"] > 0].groupby("bucket")["share"].sum()
    assert full.to_numpy() == pytest.approx(1.0)


def test_volume_by_language_per_week(conn, db: FixtureDB) -> None:
    f = Filters(start=RANGE.start, end=RANGE.end, granularity="week", stack="lang")
    v = queries.volume(conn, f)
    assert set(v["group"]) == {"uk", "ru", "en"}
    assert all(pd.Timestamp(b).weekday() == 0 for b in v["bucket"])  # ISO weeks start Monday
    assert v["articles"].sum() == len(_in_range(db, RANGE))


def test_topic_series_counts_share_and_rolling_mean(conn, db: FixtureDB) -> None:
    s = queries.topic_series(conn, RANGE)
    cease = s[s["topic"] == "ceasefire"].set_index(s[s["topic"] == "ceasefire"]["bucket"].dt.date)
    arts = _in_range(db, RANGE)
    ids = set(db.tags.loc[db.tags["topic"] == "ceasefire", "article_id"])
    spike = arts[(arts["day"] == SPIKE_DAY) & arts["article_id"].isin(ids)]
    assert cease.loc[SPIKE_DAY, "articles"] == len(spike)
    assert cease.loc[SPIKE_DAY, "share"] == pytest.approx(
        len(spike) / (arts["day"] == SPIKE_DAY).sum()
    )
    window = cease.loc[SPIKE_DAY - timedelta(days=6): SPIKE_DAY, "articles"]
    assert cease.loc[SPIKE_DAY, "rolling_articles"] == pytest.approx(window.mean())
    assert cease.loc[GAP_DAY, "articles"] == 0 and pd.isna(cease.loc[GAP_DAY, "share"])


def test_topic_filter_limits_the_topics_shown(conn) -> None:
    f = Filters(start=RANGE.start, end=RANGE.end, topics=("elections", "territory"))
    assert set(queries.topic_series(conn, f)["topic"]) == {"elections", "territory"}


def test_cooccurrence_counts_articles_with_both_topics(conn, db: FixtureDB) -> None:
    co = queries.cooccurrence(conn, RANGE).set_index(["topic_a", "topic_b"])
    ids = set(_in_range(db, RANGE)["article_id"])
    tags = db.tags[db.tags["article_id"].isin(ids)]
    a = set(tags.loc[tags["topic"] == "territory", "article_id"])
    b = set(tags.loc[tags["topic"] == "ceasefire", "article_id"])
    row = co.loc[("territory", "ceasefire")]
    assert row["articles"] == len(a & b)
    assert row["share_of_a"] == pytest.approx(len(a & b) / len(a))
    assert not any(ta == tb for ta, tb in co.index)


def test_lang_topic_share_is_per_language(conn, db: FixtureDB) -> None:
    lt = queries.lang_topic_share(conn, RANGE).set_index(["lang", "topic"])
    arts = _in_range(db, RANGE)
    uk = arts[arts["lang"] == "uk"]
    ids = set(db.tags.loc[db.tags["topic"] == "territory", "article_id"])
    assert lt.loc[("uk", "territory"), "share"] == pytest.approx(
        uk["article_id"].isin(ids).sum() / len(uk)
    )


def test_articles_newest_first_with_topics_and_terms(conn, db: FixtureDB) -> None:
    rows = queries.articles(conn, RANGE)
    assert len(rows) == min(queries.ARTICLE_LIMIT, len(_in_range(db, RANGE)))
    assert rows["published_at"].is_monotonic_decreasing
    first = rows.iloc[0]
    expected = sorted(db.tags.loc[db.tags["article_id"] == first["article_id"], "topic"])
    assert list(first["topics"]) == expected
    if expected:
        assert first["matched_terms"].startswith(expected[0] + ": ")


def test_articles_narrowed_to_day_and_topic(conn, db: FixtureDB) -> None:
    f = Filters(start=RANGE.start, end=RANGE.end, day=SPIKE_DAY, topic="ceasefire")
    rows = queries.articles(conn, f)
    assert set(rows["published_at"].dt.date) == {SPIKE_DAY}
    assert all("ceasefire" in list(t) for t in rows["topics"])
    assert queries.articles_count(conn, f)["articles"].iloc[0] == len(rows)


def test_feed_health_flags_stale_feeds_with_sparklines(conn) -> None:
    h = queries.feed_health(conn, RANGE).set_index("outlet")
    assert bool(h.loc["Strana", "stale"]) and h.loc["Strana", "last_status"] == "error"
    assert not h.drop(index="Strana")["stale"].any()
    days = (RANGE.end - RANGE.start).days + 1
    assert all(len(s) == days for s in h["articles_per_day"])
    assert sum(h.loc["Reuters", "articles_per_day"]) == h.loc["Reuters", "articles_in_range"]


HOSTILE = [
    "%", "_", "'", '"', ";", "\\", "100%", "under_score", "O'Brien", "' OR 1=1 --",
    "'; DROP TABLE articles; --", "<script>", "%' OR '1'='1", "перемовини", "x" * 10_000,
]


@pytest.mark.parametrize("keyword", HOSTILE, ids=lambda k: k[:20])
def test_hostile_keywords_match_literally(conn, db: FixtureDB, keyword: str) -> None:
    f = Filters(start=FIRST_DAY, end=LAST_DAY, keyword=keyword)
    expected = len(_in_range(db, f))
    assert queries.articles_count(conn, f)["articles"].iloc[0] == expected
    assert queries.kpis(conn, f).set_index("period").loc["current", "articles"] == expected
    assert int(queries.volume(conn, f)["articles"].sum()) == expected


def test_percent_and_underscore_are_not_wildcards(conn) -> None:
    f = Filters(start=FIRST_DAY, end=LAST_DAY)
    assert queries.articles_count(conn, Filters(**{**f.__dict__, "keyword": "100%"})).iloc[0, 0] > 0
    assert queries.articles_count(conn, Filters(**{**f.__dict__, "keyword": "1_0"})).iloc[0, 0] == 0
    assert queries.articles_count(conn, Filters(**{**f.__dict__, "keyword": "%%"})).iloc[0, 0] == 0


def test_database_is_intact_after_hostile_input(db: FixtureDB) -> None:
    with store.reader(db.path) as c:
        assert c.execute("select count(*) from articles").fetchone()[0] == len(db.articles)


def test_run_all_skips_missing_feature_views(tmp_path: Path) -> None:
    path = tmp_path / "no_alerts.duckdb"
    build_db(path)
    with store.writer(path) as c:  # as a database from before the alerts feature
        c.execute("drop view alerts")
    with store.reader(path) as conn:
        present = queries.optional_views(conn)
        results = queries.run_all(conn, RANGE)
    assert "alerts" not in present
    assert "alerts" not in results
    assert set(results) >= set(queries.ALL_QUERIES) - set(queries.NEEDS)
    assert all(isinstance(df, pd.DataFrame) for df in results.values())


def test_feature_views_are_used_when_present(tmp_path: Path) -> None:
    path = tmp_path / "stories.duckdb"
    build_db(path)
    with store.writer(path) as c:  # stand-ins shaped like the clustering and alerts issues' views
        if "stories" not in queries.optional_views(c):
            c.execute("create view article_story as select article_id, "
                      "'s' || (hash(title) % 50) as story_id from articles")
            c.execute("create view stories as select story_id, min(a.published_at) as first_seen, "
                      "min(a.outlet) as first_outlet, count(*) as articles, "
                      "count(distinct a.outlet) as outlets, list(distinct a.lang) as langs, "
                      "min(a.title) as title from article_story s join articles a "
                      "using (article_id) group by story_id")
        c.execute("insert into alerts_raw values (date '2025-11-23', 'ceasefire', 'all', 30, "
                  "10.0, 2.0, 4.2, 3.0, now(), now())")  # the real view (spike alerts issue)
    with store.reader(path) as c:
        results = queries.run_all(c, Filters(keyword="report"))
    assert set(results) == set(queries.ALL_QUERIES)
    series = results["stories_series"]
    assert (series["stories"] <= series["articles"]).all()
    assert results["stories_list"]["outlets"].is_monotonic_decreasing
    assert results["alerts"]["topic"].tolist() == ["ceasefire"]


def test_scope_drops_fields_a_query_ignores() -> None:
    f = Filters(start=RANGE.start, measure="count", day=SPIKE_DAY, keyword="x")
    assert queries.scope("volume", f) == Filters(start=RANGE.start, keyword="x")
    assert queries.scope("articles", f).day == SPIKE_DAY
    assert queries.scope("state", f) == Filters()
