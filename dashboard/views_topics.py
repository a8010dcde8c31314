"""Topics: which negotiation issues rise or fall around events, and who stresses which."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.ui import ViewContext, as_day, chart, measure_word, nothing_matches

TOPIC_CHART_KEY = "topic_chart"
DATE_COLUMNS = ("day", "date", "alert_day", "bucket", "detected_on", "alerted_on", "created_at")


def on_topic_pick() -> None:
    """Chart click: narrow the Articles view to the clicked day and topic."""
    state = st.session_state.get(TOPIC_CHART_KEY) or {}
    points = (state.get("selection") or {}).get(charts.SELECT_TOPIC_DAY) or []
    if not points:
        return
    view = st.session_state["_mw_view"]
    view["day"] = as_day(points[0].get("bucket"))
    view["topic"] = points[0].get("topic") or None


def spikes_frame(alerts: pd.DataFrame) -> pd.DataFrame:
    """Alerts reduced to (bucket, topic) rows, whatever the alerts view calls its date column."""
    day_col = next((c for c in DATE_COLUMNS if c in alerts.columns), None)
    if day_col is None or "topic" not in alerts.columns or alerts.empty:
        return pd.DataFrame({"bucket": [], "topic": []})
    days = pd.to_datetime(alerts[day_col], utc=True, errors="coerce").dt.strftime("%Y-%m-%d")
    return pd.DataFrame({"bucket": days, "topic": alerts["topic"].astype(str)}).dropna()


def _alerts(ctx: ViewContext) -> pd.DataFrame | None:
    if "alerts" not in ctx.features:
        return None
    return ctx.frame("alerts")


def _series(ctx: ViewContext, alerts: pd.DataFrame | None) -> bool:
    df = ctx.frame("topic_series")
    if df.empty or not df["articles"].any():
        return False
    unit = "day" if ctx.filters.granularity == "day" else "week"
    st.subheader(f"Topic coverage per {unit}")
    smooth = ("Dots are daily values, lines the trailing 7-day mean"
              if unit == "day" else "Points are weekly values")
    base = ("share of all articles in the selected outlets and languages"
            if ctx.filters.measure == "share" else "number of tagged articles")
    st.caption(f"Showing {measure_word(ctx)} ({base}). {smooth}; an article can carry several "
               "topics. Dashed lines mark events; red triangles mark spike alerts. "
               "**Click a dot** to list that day's articles for that topic in the Articles tab.")
    spikes = spikes_frame(alerts) if alerts is not None else None
    if spikes is not None and ctx.filters.granularity != "day":
        spikes = None  # alerts are daily
    chart(
        charts.topic_chart(df, measure=ctx.filters.measure, granularity=ctx.filters.granularity,
                           events=ctx.event_frame(), spikes=spikes),
        key=TOPIC_CHART_KEY, on_select=on_topic_pick, selection_mode=charts.SELECT_TOPIC_DAY,
    )
    view = st.session_state["_mw_view"]
    if view.get("day") or view.get("topic"):
        picked = " · ".join(str(v) for v in (view.get("day"), view.get("topic")) if v)
        st.info(f"Articles narrowed to {picked}: open the **Articles** tab to read them.",
                icon=":material/filter_alt:")
    return True


def render(ctx: ViewContext) -> None:
    st.header("Topics")
    st.caption("Territory, security guarantees, elections, ceasefire and frozen assets: how "
               "much attention each gets, how they move around events, and which go together.")
    alerts = _alerts(ctx)
    if not _series(ctx, alerts):
        nothing_matches(ctx)
        return
    left, right = st.columns(2)
    with left:
        st.subheader("Topics that go together")
        st.caption("Row topic → column topic: of the articles tagged with the row topic, the "
                   "share also tagged with the column topic.")
        co = ctx.frame("cooccurrence")
        if co.empty:
            st.caption("Fewer than two topics match: nothing to pair.")
        else:
            chart(charts.cooccurrence_chart(co))
    with right:
        st.subheader("Topic share by language")
        st.caption("Do Ukrainian, Russian and English outlets stress different issues? Each bar "
                   "is the share of that language's articles tagged with the topic"
                   + ("." if ctx.filters.measure == "share" else " (here: counts)."))
        chart(charts.lang_topic_chart(ctx.frame("lang_topic_share"), measure=ctx.filters.measure))
    st.subheader("Spike alerts")
    if alerts is None:
        st.caption("No `alerts` view in this database yet: topic-spike alerts arrive with the "
                   "alerts flow (scheduled after ingest).")
    elif alerts.empty:
        st.caption("No spike alerts recorded.")
    else:
        st.caption("Days when a topic's volume jumped against its trailing 14 days.")
        st.dataframe(alerts, hide_index=True)
