"""Chart builders through ``chart.to_dict()``: encodings, share vs counts, event annotations."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import charts

EVENTS = [(date(2025, 11, 23), "Geneva talks (US–Ukraine)"), (date(2025, 2, 12), "Out of range")]
DAYS = pd.date_range("2025-11-20", "2025-11-26", freq="D")


def _volume() -> pd.DataFrame:
    rows = [(d, g, n, 10, n / 10) for d in DAYS for g, n in (("uk", 3), ("en", 7))]
    return pd.DataFrame(rows, columns=["bucket", "group", "articles", "total", "share"])


def _topics() -> pd.DataFrame:
    rows = [(d, t, 2, 10, 0.2, 2.0, 0.2) for d in DAYS for t in ("ceasefire", "territory")]
    return pd.DataFrame(rows, columns=["bucket", "topic", "articles", "total", "share",
                                       "rolling_articles", "rolling_share"])


def _events() -> pd.DataFrame:
    return charts.events_frame(EVENTS, DAYS[0], DAYS[-1])


def _marks(spec: dict) -> list[str]:
    """Mark types of every (nested) layer."""
    out = []
    for layer in spec.get("layer", []):
        if "layer" in layer:
            out += _marks(layer)
        else:
            mark = layer["mark"]
            out.append(mark["type"] if isinstance(mark, dict) else mark)
    return out


def _event_layer(spec: dict) -> dict:
    """The nested rule+text layer of a time chart."""
    for layer in spec["layer"]:
        if "layer" in layer and _marks(layer)[0] == "rule":
            return layer
    raise AssertionError("no event annotation layer")


def _param_names(node: object) -> set[str]:
    """Names of every selection parameter anywhere in the spec."""
    if isinstance(node, dict):
        found = {p["name"] for p in node.get("params", []) if "select" in p}
        for value in node.values():
            found |= _param_names(value)
        return found
    if isinstance(node, list):
        return set().union(*(_param_names(v) for v in node)) if node else set()
    return set()


def _datasets(spec: dict) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


def test_events_frame_keeps_only_events_in_range() -> None:
    ev = _events()
    assert ev.to_dict("records") == [
        {"day": "2025-11-23", "label": "Geneva talks (US–Ukraine)", "short": "Geneva talks"}
    ]


@pytest.mark.parametrize(("measure", "field", "fmt"), [("share", "share", ".0%"),
                                                       ("count", "articles", "d")])
def test_volume_chart_share_or_counts(measure: str, field: str, fmt: str) -> None:
    spec = charts.volume_chart(_volume(), measure=measure, stack="lang", granularity="day",
                               events=_events()).to_dict()
    bars = spec["layer"][0]
    assert bars["mark"]["type"] == "bar"
    enc = bars["encoding"]
    assert enc["y"]["field"] == field and enc["y"]["axis"]["format"] == fmt
    assert enc["x"]["field"] == "bucket" and enc["x"]["type"] == "temporal"
    assert enc["x2"]["field"] == "bucket_end"
    assert enc["color"]["field"] == "group"
    assert {t["field"] for t in enc["tooltip"]} >= {"articles", "share", "group"}


def test_volume_chart_has_the_event_annotation_layer() -> None:
    spec = charts.volume_chart(_volume(), measure="share", stack="outlet", granularity="week",
                               events=_events()).to_dict()
    layer = _event_layer(spec)
    assert _marks(layer) == ["rule", "text", "text"]
    assert layer["layer"][2]["encoding"]["text"]["field"] == "short"
    assert any(row.get("label") == "Geneva talks (US–Ukraine)"
               for data in _datasets(spec) for row in data)


def test_language_stack_uses_readable_names_and_fixed_colors() -> None:
    spec = charts.volume_chart(_volume(), measure="share", stack="lang", granularity="day",
                               events=_events()).to_dict()
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True))["English (en)"] == \
        charts.LANG_COLORS["en"]


@pytest.mark.parametrize("measure", ["share", "count"])
def test_topic_chart_lines_dots_selection_and_events(measure: str) -> None:
    spec = charts.topic_chart(_topics(), measure=measure, granularity="day",
                              events=_events()).to_dict()
    assert _marks(spec) == ["line", "circle", "rule", "text", "text"]
    line, dots = spec["layer"][0], spec["layer"][1]
    rolling = "rolling_share" if measure == "share" else "rolling_articles"
    assert line["encoding"]["y"]["field"] == rolling
    assert dots["encoding"]["y"]["field"] == ("share" if measure == "share" else "articles")
    assert charts.SELECT_TOPIC_DAY in _param_names(spec)
    assert spec["layer"][0]["encoding"]["color"]["field"] == "topic"


def test_topic_chart_marks_spikes() -> None:
    spikes = pd.DataFrame({"bucket": ["2025-11-23"], "topic": ["ceasefire"]})
    spec = charts.topic_chart(_topics(), measure="share", granularity="day", events=_events(),
                              spikes=spikes).to_dict()
    assert "point" in _marks(spec)


def test_weekly_topic_chart_has_no_rolling_line() -> None:
    spec = charts.topic_chart(_topics(), measure="share", granularity="week",
                              events=_events()).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["field"] == "share"


def test_event_layer_present_even_without_events() -> None:
    spec = charts.day_bars(_volume(), selected=None, events=charts.events_frame([], DAYS[0],
                                                                                DAYS[-1])).to_dict()
    assert _marks(_event_layer(spec)) == ["rule", "text", "text"]


def test_day_bars_select_a_day_and_highlight_it() -> None:
    per_day = _volume().groupby("bucket", as_index=False)["articles"].sum()
    spec = charts.day_bars(per_day, selected="2025-11-23", events=_events()).to_dict()
    bars = spec["layer"][0]
    assert charts.SELECT_DAY in _param_names(spec)
    assert bars["encoding"]["color"]["field"] == "selected"
    rows = [r for data in _datasets(spec) for r in data if r.get("selected")]
    assert [r["bucket"] for r in rows] == ["2025-11-23"]


def test_cooccurrence_heatmap() -> None:
    df = pd.DataFrame({"topic_a": ["ceasefire", "territory"], "topic_b": ["territory", "ceasefire"],
                       "articles": [3, 3], "topic_a_articles": [10, 6],
                       "share_of_a": [0.3, 0.5]})
    spec = charts.cooccurrence_chart(df).to_dict()
    rect = spec["layer"][0]
    assert rect["mark"]["type"] == "rect"
    assert rect["encoding"]["color"]["field"] == "share_of_a"
    assert {rect["encoding"]["x"]["field"], rect["encoding"]["y"]["field"]} == {"topic_a",
                                                                              "topic_b"}


@pytest.mark.parametrize(("measure", "field"), [("share", "share"), ("count", "articles")])
def test_language_comparison_grouped_bars(measure: str, field: str) -> None:
    df = pd.DataFrame({"lang": ["uk", "ru", "en"], "topic": ["territory"] * 3,
                       "articles": [5, 4, 3], "lang_articles": [10, 10, 10],
                       "share": [0.5, 0.4, 0.3]})
    spec = charts.lang_topic_chart(df, measure=measure).to_dict()
    assert spec["encoding"]["xOffset"]["field"] == "language"
    assert spec["encoding"]["y"]["field"] == field


def test_source_heatmap_and_stories_chart_are_time_charts() -> None:
    heat = charts.source_heatmap(_volume(), events=_events()).to_dict()
    assert _marks(heat)[0] == "rect" and _event_layer(heat)
    stories = pd.DataFrame({"bucket": DAYS, "articles": 10, "stories": 6})
    spec = charts.stories_chart(stories, granularity="day", events=_events()).to_dict()
    assert _marks(spec)[0] == "line" and _event_layer(spec)
