"""Pure Altair chart builders: DataFrame in, chart out (tested through ``chart.to_dict()``).

Every time chart carries the event-annotation layer (a dashed rule and a label per event in
``seeds/events.csv``) so analysts can see coverage move around the talks. Dates travel as
ISO strings and are drawn on a UTC scale, so a browser in any time zone shows the same days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import altair as alt
import pandas as pd

from dashboard.filters import language_label

TOPIC_COLORS = {
    "territory": "#4c78a8",
    "security_guarantees": "#f58518",
    "elections": "#54a24b",
    "ceasefire": "#e45756",
    "frozen_assets": "#b279a2",
}
LANG_COLORS = {"uk": "#3b6fb6", "ru": "#c2553a", "en": "#6a9f58"}
_FALLBACK = ["#72b7b2", "#eeca3b", "#9d755d", "#bab0ac", "#ff9da6", "#79706e"]
SELECT_DAY = "day_pick"  # selection names the app reads back (st.altair_chart on_select)
SELECT_TOPIC_DAY = "topic_pick"
EVENT_COLOR = "#6b6b6b"


def _iso(value: object) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _with_buckets(df: pd.DataFrame, granularity: str) -> pd.DataFrame:
    """Add ISO ``bucket``/``bucket_end`` strings (bars and rects span the whole bucket)."""
    out = df.copy()
    step = timedelta(days=7 if granularity == "week" else 1)
    starts = pd.to_datetime(out["bucket"])
    out["bucket"] = starts.dt.strftime("%Y-%m-%d")
    out["bucket_end"] = (starts + step).dt.strftime("%Y-%m-%d")
    out["period"] = (
        "week of " + out["bucket"] if granularity == "week" else starts.dt.strftime("%a %d %b %Y")
    )
    return out


def _scale_for(values: Sequence[str], colors: dict[str, str]) -> alt.Scale:
    """A stable color per known value, fallback colors for the rest."""
    domain = sorted(set(values), key=lambda v: (v not in colors, v))
    extra = iter(_FALLBACK * 4)
    return alt.Scale(domain=domain, range=[colors.get(v) or next(extra) for v in domain])


def _x_time(field: str = "bucket") -> alt.X:
    return alt.X(
        f"{field}:T",
        title=None,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format="%d %b", labelAngle=0, tickCount=8),
    )


def _y_measure(measure: str, *, share_title: str, count_title: str) -> alt.Y:
    if measure == "share":
        return alt.Y("share:Q", title=share_title, axis=alt.Axis(format=".0%"))
    return alt.Y("articles:Q", title=count_title, axis=alt.Axis(format="d"))


def events_frame(events: Sequence[tuple[date, str]], first: object, last: object) -> pd.DataFrame:
    """Events (date, label) falling within [first, last], as ISO-dated rows with a short label."""
    lo, hi = pd.Timestamp(first), pd.Timestamp(last)
    rows = [(_iso(d), label, label.split(" (")[0][:40])
            for d, label in events if lo <= pd.Timestamp(d) <= hi]
    return pd.DataFrame(rows, columns=["day", "label", "short"])


def event_layer(events: pd.DataFrame) -> alt.LayerChart:
    """Dashed rule + vertical label (with a white halo) per event; present even when empty."""
    data = events if not events.empty else pd.DataFrame({"day": [], "label": [], "short": []})
    base = alt.Chart(data).encode(
        x=alt.X("day:T", scale=alt.Scale(type="utc")),
        tooltip=[alt.Tooltip("label:N", title="Event"), alt.Tooltip("day:N", title="Date")],
    )
    rule = base.mark_rule(color=EVENT_COLOR, strokeDash=[4, 3], strokeWidth=1.2)
    text_style = {"angle": 270, "align": "right", "baseline": "bottom", "dx": -4, "dy": -3,
                  "fontSize": 11}
    halo = base.mark_text(**text_style, stroke="white", strokeWidth=3.5, strokeOpacity=0.9,
                          color="white").encode(y=alt.value(0), text="short:N")
    text = base.mark_text(**text_style, color="#333333").encode(y=alt.value(0), text="short:N")
    return alt.layer(rule, halo, text)


def _finish(chart: alt.TopLevelMixin, height: int) -> alt.TopLevelMixin:
    return chart.properties(height=height).configure_legend(orient="bottom", columns=6)


def volume_chart(
    df: pd.DataFrame, *, measure: str, stack: str, granularity: str, events: pd.DataFrame
) -> alt.LayerChart:
    """Matching articles per day/week stacked by outlet or language (share or counts)."""
    data = _with_buckets(df, granularity)
    if stack == "lang":
        data["group"] = data["group"].map(language_label)
        color = alt.Color("group:N", title="Language", scale=_scale_for(
            data["group"].unique(), {language_label(k): v for k, v in LANG_COLORS.items()}))
    else:
        color = alt.Color("group:N", title="Outlet", scale=alt.Scale(scheme="tableau20"))
    bars = alt.Chart(data).mark_bar(orient="vertical", stroke="white", strokeWidth=0.3).encode(
        x=_x_time(),
        x2="bucket_end:T",
        y=_y_measure(measure, share_title="Share of all coverage", count_title="Articles"),
        color=color,
        order=alt.Order("group:N"),
        tooltip=[
            alt.Tooltip("period:N", title="Period"),
            alt.Tooltip("group:N", title="Outlet" if stack == "outlet" else "Language"),
            alt.Tooltip("articles:Q", title="Articles", format="d"),
            alt.Tooltip("share:Q", title="Share of coverage", format=".1%"),
            alt.Tooltip("total:Q", title="All articles in period", format="d"),
        ],
    )
    return _finish(alt.layer(bars, event_layer(events)), 320)


def topic_chart(
    df: pd.DataFrame,
    *,
    measure: str,
    granularity: str,
    events: pd.DataFrame,
    spikes: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """One line per topic on a shared axis: raw values as dots, 7-day rolling mean as lines."""
    data = _with_buckets(df, granularity)
    value = "share" if measure == "share" else "articles"
    rolling = "rolling_share" if measure == "share" else "rolling_articles"
    fmt = ".0%" if measure == "share" else "d"
    color = alt.Color("topic:N", title="Topic", scale=_scale_for(data["topic"], TOPIC_COLORS))
    pick = alt.selection_point(
        name=SELECT_TOPIC_DAY, fields=["bucket", "topic"], on="click", nearest=True
    )
    tooltip = [
        alt.Tooltip("topic:N", title="Topic"),
        alt.Tooltip("period:N", title="Period"),
        alt.Tooltip("articles:Q", title="Articles", format="d"),
        alt.Tooltip("share:Q", title="Share of coverage", format=".1%"),
    ]
    title = "Share of all coverage" if measure == "share" else "Articles"
    base = alt.Chart(data).encode(x=_x_time(), color=color)
    dots = base.mark_circle(size=38).encode(
        y=alt.Y(f"{value}:Q", title=title, axis=alt.Axis(format=fmt)),
        opacity=alt.condition(pick, alt.value(0.85), alt.value(0.35)),
        tooltip=tooltip,
    ).add_params(pick)
    if granularity == "day":
        tooltip_r = [*tooltip, alt.Tooltip(f"{rolling}:Q", title="7-day mean",
                                           format=".1%" if measure == "share" else ".1f")]
        lines = base.mark_line(strokeWidth=2.4, interpolate="monotone").encode(
            y=alt.Y(f"{rolling}:Q"), tooltip=tooltip_r
        )
    else:
        lines = base.mark_line(strokeWidth=2.4).encode(y=alt.Y(f"{value}:Q"), tooltip=tooltip)
    layers: list[alt.Chart | alt.LayerChart] = [lines, dots]
    if spikes is not None and not spikes.empty:
        marks = data.merge(spikes[["bucket", "topic"]].astype(str), on=["bucket", "topic"])
        layers.append(
            alt.Chart(marks).mark_point(
                shape="triangle-up", size=160, filled=True, color="#d62728", opacity=0.9
            ).encode(x=_x_time(), y=alt.Y(f"{value}:Q"),
                     tooltip=[alt.Tooltip("topic:N", title="Spike alert"),
                              alt.Tooltip("period:N", title="Day")])
        )
    layers.append(event_layer(events))
    return _finish(alt.layer(*layers), 360)


def cooccurrence_chart(df: pd.DataFrame) -> alt.LayerChart:
    """Heatmap: of the articles tagged A (row), the share also tagged B (column)."""
    data = df.copy()
    top = data["share_of_a"].max() if not data.empty else 0
    data["ink"] = ["white" if top and v >= 0.6 * top else "#222222" for v in data["share_of_a"]]
    base = alt.Chart(data).encode(
        x=alt.X("topic_b:N", title="…also tagged",
                axis=alt.Axis(labelAngle=-30, labelOverlap=False, labelLimit=160)),
        y=alt.Y("topic_a:N", title="Articles tagged…", axis=alt.Axis(labelLimit=160)),
    )
    rect = base.mark_rect().encode(
        color=alt.Color("share_of_a:Q", title="Share", scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(format=".0%")),
        tooltip=[
            alt.Tooltip("topic_a:N", title="Tagged"),
            alt.Tooltip("topic_b:N", title="Also tagged"),
            alt.Tooltip("articles:Q", title="Articles with both", format="d"),
            alt.Tooltip("topic_a_articles:Q", title="Articles tagged (row)", format="d"),
            alt.Tooltip("share_of_a:Q", title="Share of row", format=".1%"),
        ],
    )
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("share_of_a:Q", format=".0%"),
        color=alt.Color("ink:N", scale=None),
    )
    return alt.layer(rect, text).resolve_scale(color="independent").properties(height=300)


def lang_topic_chart(df: pd.DataFrame, *, measure: str) -> alt.Chart:
    """Grouped bars: per topic, each language's share of its own coverage (or counts)."""
    data = df.assign(language=df["lang"].map(language_label))
    scale = _scale_for(data["language"].unique(),
                       {language_label(k): v for k, v in LANG_COLORS.items()})
    if measure == "share":
        y = alt.Y("share:Q", title="Share of the language's coverage", axis=alt.Axis(format=".0%"))
    else:
        y = alt.Y("articles:Q", title="Articles", axis=alt.Axis(format="d"))
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("topic:N", title=None,
                axis=alt.Axis(labelAngle=0, labelOverlap=False, labelLimit=200)),
        xOffset=alt.XOffset("language:N"),
        y=y,
        color=alt.Color("language:N", title="Language", scale=scale),
        tooltip=[
            alt.Tooltip("language:N", title="Language"),
            alt.Tooltip("topic:N", title="Topic"),
            alt.Tooltip("articles:Q", title="Articles", format="d"),
            alt.Tooltip("lang_articles:Q", title="All articles in language", format="d"),
            alt.Tooltip("share:Q", title="Share", format=".1%"),
        ],
    ).properties(height=300).configure_legend(orient="bottom")


def day_bars(df: pd.DataFrame, *, selected: str | None, events: pd.DataFrame) -> alt.LayerChart:
    """Matching articles per day; clicking a bar selects that day (selection ``day_pick``)."""
    data = _with_buckets(df, "day")
    pick = alt.selection_point(name=SELECT_DAY, fields=["bucket"], on="click")
    data["selected"] = data["bucket"] == (selected or "")
    color = alt.Color("selected:N", legend=None,
                      scale=alt.Scale(domain=[False, True], range=["#4c78a8", "#e45756"]))
    bars = alt.Chart(data).mark_bar(orient="vertical").encode(
        x=_x_time(),
        x2="bucket_end:T",
        y=alt.Y("articles:Q", title="Articles", axis=alt.Axis(format="d")),
        color=color,
        tooltip=[alt.Tooltip("period:N", title="Day"),
                 alt.Tooltip("articles:Q", title="Matching articles", format="d")],
    ).add_params(pick)
    return alt.layer(bars, event_layer(events)).properties(height=170)


def source_heatmap(df: pd.DataFrame, *, events: pd.DataFrame) -> alt.LayerChart:
    """Outlet x day grid of article counts: gaps show feeds that went quiet."""
    data = _with_buckets(df, "day")
    rect = alt.Chart(data).mark_rect().encode(
        x=_x_time(),
        x2="bucket_end:T",
        y=alt.Y("group:N", title=None),
        color=alt.Color("articles:Q", title="Articles/day", scale=alt.Scale(scheme="greens")),
        tooltip=[alt.Tooltip("group:N", title="Outlet"), alt.Tooltip("period:N", title="Day"),
                 alt.Tooltip("articles:Q", title="Articles", format="d")],
    )
    return alt.layer(rect, event_layer(events)).properties(height=alt.Step(22))


def stories_chart(df: pd.DataFrame, *, granularity: str, events: pd.DataFrame) -> alt.LayerChart:
    """Articles vs distinct stories per period (wire copies and rewrites collapse)."""
    data = _with_buckets(df, granularity).melt(
        id_vars=["bucket", "period"], value_vars=["articles", "stories"],
        var_name="series", value_name="count",
    )
    lines = alt.Chart(data).mark_line(point=True).encode(
        x=_x_time(),
        y=alt.Y("count:Q", title="Per period", axis=alt.Axis(format="d")),
        color=alt.Color("series:N", title=None,
                        scale=alt.Scale(domain=["articles", "stories"],
                                        range=["#9ecae9", "#08519c"])),
        tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("count:Q", title="Count", format="d")],
    )
    return _finish(alt.layer(lines, event_layer(events)), 260)
