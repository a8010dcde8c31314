"""The Streamlit page through AppTest: every view, the main filters, and the failure messages."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.views_articles import table_frame, to_csv

try:
    from dashboard_fixtures import HOSTILE_TITLES, SPIKE_DAY, FixtureDB, build_db
except ImportError:  # tests/ imported as a package
    from tests.dashboard_fixtures import HOSTILE_TITLES, SPIKE_DAY, FixtureDB, build_db

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> FixtureDB:
    return build_db(tmp_path_factory.mktemp("app") / "demo.duckdb", built_by="demo")


def _run(monkeypatch: pytest.MonkeyPatch, db: Path, **params: str | list[str]) -> AppTest:
    monkeypatch.setenv("MEDIAWATCH_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(params)
    return at.run()


def _specs(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def _no_error(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _kpi(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize(
    ("view", "charts", "header"),
    [("Overview", 2, "Overview"), ("Topics", 3, "Topics"), ("Articles", 1, "Articles"),
     ("Sources", 1, "Sources")],
)
def test_every_view_renders_its_charts(monkeypatch, demo_db, view, charts, header) -> None:
    at = _run(monkeypatch, demo_db.path, view=view)
    _no_error(at)
    assert header in [h.value for h in at.header]
    assert len(at.get("vega_lite_chart")) >= charts


def test_overview_kpis_and_sample_banner(monkeypatch, demo_db) -> None:
    at = _run(monkeypatch, demo_db.path)
    _no_error(at)
    assert "Sample data" in _texts(at)
    assert {m.label for m in at.metric} >= {"Articles", "Outlets", "Languages",
                                            "Tagged with a topic"}
    assert _kpi(at, "Outlets") == "6"


def test_no_banner_for_a_real_database(monkeypatch, tmp_path) -> None:
    db = build_db(tmp_path / "real.duckdb")
    at = _run(monkeypatch, db.path)
    _no_error(at)
    assert "Sample data" not in _texts(at)


def test_missing_database_says_what_to_run(monkeypatch, tmp_path) -> None:
    at = _run(monkeypatch, tmp_path / "nope.duckdb")
    _no_error(at)
    assert "make demo" in _texts(at) and "mediawatch ingest" in _texts(at)


def test_empty_database_says_what_to_run(monkeypatch, tmp_path) -> None:
    db = build_db(tmp_path / "empty.duckdb", empty=True)
    at = _run(monkeypatch, db.path)
    _no_error(at)
    assert "no articles yet" in _texts(at) and "mediawatch ingest" in _texts(at)


def test_a_file_that_is_not_a_database(monkeypatch, tmp_path) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_text("this is not a database")
    monkeypatch.setenv("MEDIAWATCH_DB", str(bad))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "not a mediawatch database" in " ".join(e.value for e in at.error)


def test_counts_toggle_changes_the_charts(monkeypatch, demo_db) -> None:
    at = _run(monkeypatch, demo_db.path)
    y_before = _specs(at)[0]["layer"][0]["encoding"]["y"]["field"]
    at.segmented_control(key="f_measure").set_value("count").run()
    _no_error(at)
    y_after = _specs(at)[0]["layer"][0]["encoding"]["y"]["field"]
    assert (y_before, y_after) == ("share", "articles")
    assert at.query_params.get("measure") in ("count", ["count"])


def test_keyword_filter_narrows_the_counts(monkeypatch, demo_db) -> None:
    at = _run(monkeypatch, demo_db.path)
    before = int(_kpi(at, "Articles").replace(",", ""))
    at.text_input(key="f_keyword").input("Witkoff").run()
    _no_error(at)
    after = int(_kpi(at, "Articles").replace(",", ""))
    assert 0 < after < before
    assert "Share of all coverage" in {m.label for m in at.metric}


@pytest.mark.parametrize("keyword", ["'; DROP TABLE articles; --", "100%", "_", "\"'", "x" * 300])
def test_hostile_keywords_never_break_the_page(monkeypatch, demo_db, keyword) -> None:
    at = _run(monkeypatch, demo_db.path, q=keyword, view="Articles")
    _no_error(at)


def test_unmatched_keyword_gives_a_helpful_message(monkeypatch, demo_db) -> None:
    at = _run(monkeypatch, demo_db.path, q="no such words anywhere")
    _no_error(at)
    assert "No articles match these filters" in _texts(at)


def test_outlet_language_and_week_filters(monkeypatch, demo_db) -> None:
    at = _run(monkeypatch, demo_db.path, view="Topics")
    at.multiselect(key="f_langs").set_value(["uk"])
    at.multiselect(key="f_outlets").set_value(["Suspilne"])
    at.segmented_control(key="f_gran").set_value("week").run()
    _no_error(at)
    assert at.query_params.get("lang") in ("uk", ["uk"])
    lang_chart = _specs(at)[2]
    assert lang_chart["encoding"]["color"]["scale"]["domain"] == ["Ukrainian (uk)"]
    assert "Topic coverage per week" in [s.value for s in at.subheader]


def test_filters_are_read_from_the_url(monkeypatch, demo_db) -> None:
    at = _run(monkeypatch, demo_db.path, measure="count", by="week", stack="lang",
              outlet=["Meduza", "Unknown outlet"], **{"from": "2025-11-10", "to": "2025-11-30"})
    _no_error(at)
    assert at.segmented_control(key="f_measure").value == "count"
    assert at.segmented_control(key="f_gran").value == "week"
    assert at.multiselect(key="f_outlets").value == ["Meduza"]
    assert "Coverage per week, by language" in [s.value for s in at.subheader]


def test_articles_narrowed_by_day_and_topic_from_the_url(monkeypatch, demo_db) -> None:
    at = _run(monkeypatch, demo_db.path, view="Articles", day=SPIKE_DAY.isoformat(),
              article_topic="ceasefire")
    _no_error(at)
    table = at.dataframe[0].value
    assert set(pd.to_datetime(table["time_utc"]).dt.date) == {SPIKE_DAY}
    assert table["topics"].str.contains("ceasefire").all()
    assert at.selectbox(key="a_topic").value == "ceasefire"


def test_titles_with_markup_are_shown_as_text(monkeypatch, demo_db) -> None:
    at = _run(monkeypatch, demo_db.path, view="Articles")
    _no_error(at)
    titles = set(at.dataframe[0].value["title"])
    assert set(HOSTILE_TITLES) <= titles
    assert "<script>" not in _texts(at) and "onerror" not in _texts(at)
    assert not at.get("html")


def test_csv_holds_exactly_the_rows_shown(monkeypatch, demo_db) -> None:
    at = _run(monkeypatch, demo_db.path, view="Articles", article_topic="elections")
    shown = at.dataframe[0].value
    rows = pd.read_csv(pd.io.common.BytesIO(to_csv(shown)), keep_default_na=False)
    assert len(rows) == len(shown) > 0
    assert list(rows.columns) == list(shown.columns)
    assert rows["url"].tolist() == shown["url"].tolist()
    assert at.download_button[0].label.startswith("Download")


def test_csv_defuses_spreadsheet_formulas() -> None:
    raw = pd.DataFrame({"published_at": [pd.Timestamp("2025-11-23 10:00", tz="UTC")],
                        "outlet": ["X"], "lang": ["en"], "title": ["=HYPERLINK(\"x\")"],
                        "url": ["https://example.org/a"], "topics": [["ceasefire"]],
                        "matched_terms": ["ceasefire: ceasefire"]})
    rows = pd.read_csv(pd.io.common.BytesIO(to_csv(table_frame(raw))))
    assert rows.loc[0, "title"] == "'=HYPERLINK(\"x\")"


def test_sources_view_highlights_the_failing_feed(monkeypatch, demo_db) -> None:
    at = _run(monkeypatch, demo_db.path, view="Sources")
    _no_error(at)
    table = at.dataframe[0].value
    row = table[table["outlet"] == "Strana"].iloc[0]
    assert row["status"].startswith("failing") and "503" in row["last_error"]
    damaged = table[table["outlet"] == "Meduza"].iloc[0]  # ok, but its last document was cut
    assert damaged["status"] == "ok, damaged" and "SAXParseException" in damaged["last_warning"]
    assert set(table[~table["outlet"].isin(["Meduza", "Strana"])]["status"]) == {"ok"}
    assert next(m.value for m in at.metric if m.label.startswith("Stale")) == "1"
