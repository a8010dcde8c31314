"""Articles: the matching articles themselves, narrowed by a day or topic, exportable as CSV."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.filters import language_label
from dashboard.queries import ARTICLE_LIMIT
from dashboard.ui import ViewContext, as_day, chart, nothing_matches

DAY_CHART_KEY = "day_chart"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def table_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The rows and columns the table shows (and the CSV contains), newest first."""
    return pd.DataFrame({
        "time_utc": pd.to_datetime(df["published_at"], utc=True),
        "outlet": df["outlet"],
        "language": df["lang"],
        "title": df["title"],
        "url": df["url"],
        "topics": df["topics"].map(lambda ts: ", ".join(ts)),
        "matched_terms": df["matched_terms"],
    })


def _defuse(value: object) -> object:
    """Keep spreadsheet apps from running feed text as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(table: pd.DataFrame) -> bytes:
    """CSV of exactly the table's rows; text cells that look like formulas are quoted."""
    out = table.copy()
    out["time_utc"] = out["time_utc"].dt.strftime("%Y-%m-%d %H:%M:%S")
    for column in ("outlet", "title", "url", "topics", "matched_terms"):
        out[column] = out[column].map(_defuse)
    return out.to_csv(index=False).encode("utf-8")


def _on_day_pick() -> None:
    state = st.session_state.get(DAY_CHART_KEY) or {}
    points = (state.get("selection") or {}).get(charts.SELECT_DAY) or []
    if points:
        day = as_day(points[0].get("bucket"))
        st.session_state["_mw_view"]["day"] = day
        st.session_state["a_day"] = day


def _on_narrow() -> None:
    view = st.session_state["_mw_view"]
    view["day"] = st.session_state.get("a_day")
    view["topic"] = st.session_state.get("a_topic")


def _clear() -> None:
    st.session_state["_mw_view"].update(day=None, topic=None)
    st.session_state["a_day"] = None
    st.session_state["a_topic"] = None


def _narrowing(ctx: ViewContext, days: list[date], topics: list[str]) -> None:
    view = st.session_state["_mw_view"]
    for key, field, allowed in (("a_day", "day", days), ("a_topic", "topic", topics)):
        if st.session_state.get(key, view.get(field)) not in allowed:
            view[field] = None  # e.g. the day fell outside a new date range
        st.session_state[key] = view.get(field)
    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    c1.selectbox("Day", days, key="a_day", on_change=_on_narrow, placeholder="All days",
                 format_func=lambda d: d.strftime("%a %d %b %Y"))
    c2.selectbox("Topic", topics, key="a_topic", on_change=_on_narrow, placeholder="All topics")
    c3.button("Clear", on_click=_clear, disabled=not (view.get("day") or view.get("topic")))


def render(ctx: ViewContext) -> None:
    st.header("Articles")
    st.caption("The matching articles, newest first. **Click a bar** (or choose a day/topic) "
               "to narrow the list; the CSV holds exactly the rows shown.")
    daily = ctx.frame("volume", ctx.with_filters(stack="lang", granularity="day"))
    per_day = daily.groupby("bucket", as_index=False)["articles"].sum()
    if per_day.empty or not per_day["articles"].any():
        nothing_matches(ctx)
        return
    selected = ctx.filters.day.isoformat() if ctx.filters.day else None
    chart(charts.day_bars(per_day, selected=selected, events=ctx.event_frame()),
          key=DAY_CHART_KEY, on_select=_on_day_pick, selection_mode=charts.SELECT_DAY)
    days = [pd.Timestamp(b).date() for b in per_day.loc[per_day["articles"] > 0, "bucket"]]
    topics = sorted(ctx.frame("filter_options").query("kind == 'topic'")["value"])
    _narrowing(ctx, days[::-1], topics)
    total = int(ctx.frame("articles_count")["articles"].iloc[0])
    if total == 0:
        st.info("No article on that day for that topic: choose another day or topic, or "
                "**Clear** the narrowing.")
        return
    table = table_frame(ctx.frame("articles"))
    shown = len(table)
    more = f" (the newest {ARTICLE_LIMIT:,}; narrow the filters to see others)" \
        if total > shown else ""
    st.caption(f"Showing {shown:,} of {total:,} matching articles{more}.")
    st.dataframe(
        table, hide_index=True, width="stretch", height=460,
        column_config={
            "time_utc": st.column_config.DatetimeColumn("Time (UTC)", format="YYYY-MM-DD HH:mm"),
            "outlet": st.column_config.TextColumn("Outlet"),
            "language": st.column_config.TextColumn("Lang", help="uk, ru or en"),
            "title": st.column_config.TextColumn("Title", width="large"),
            "url": st.column_config.LinkColumn("Source", display_text="open ↗"),
            "topics": st.column_config.TextColumn("Topics"),
            "matched_terms": st.column_config.TextColumn("Matched terms",
                                                         help="topic: the terms that matched"),
        },
    )
    name = f"mediawatch-articles-{ctx.filters.start}-{ctx.filters.end}.csv"
    st.download_button("Download these rows as CSV", to_csv(table), file_name=name,
                       mime="text/csv", icon=":material/download:")
    langs = ", ".join(sorted({language_label(v) for v in table["language"]}))
    st.caption(f"Languages in this list: {langs}. Titles are shown as plain text.")
