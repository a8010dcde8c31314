"""Sources: is every feed delivering? Health, errors, and articles per day per feed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.filters import Filters
from dashboard.ui import ViewContext, chart

STALE_BG = "background-color: rgba(255, 75, 75, 0.14)"


def status_label(row: pd.Series) -> str:
    """One readable word per feed: failing, stale, ok or not modified (", damaged" when the
    last document read was broken part-way: its later items may be missing)."""
    if row["last_status"] == "error":
        return f"failing ×{int(row['consecutive_failures'])}"
    if row["stale"]:
        return "stale"
    if row["last_status"] is None or pd.isna(row["last_status"]):
        return "never fetched"
    label = str(row["last_status"]).replace("_", " ")
    warning = row.get("last_warning")
    return f"{label}, damaged" if isinstance(warning, str) and warning else label


def health_table(df: pd.DataFrame) -> pd.DataFrame:
    """Feed health rows as shown: status first, times in UTC, sparkline list last."""
    out = df.copy()
    out.insert(0, "status", out.apply(status_label, axis=1))
    out["last_error"] = out["last_error"].fillna("")
    out["last_warning"] = out["last_warning"].fillna("")
    return out[["status", "outlet", "lang", "last_success_at", "last_fetch_at", "last_http_status",
                "last_error", "last_warning", "consecutive_failures", "articles_in_range",
                "articles_per_day", "articles", "feed_url", "stale"]]


def _highlight(row: pd.Series) -> list[str]:
    return [STALE_BG if row["stale"] or row["status"].startswith("failing") else ""] * len(row)


def render(ctx: ViewContext) -> None:
    st.header("Sources")
    st.caption("Feed health from the `feed_health` view. A feed is **stale** when it has had no "
               "successful fetch within 24 h of the newest fetch in the database (or never); "
               "failing and stale feeds are highlighted; **damaged**: the last document read was "
               "broken part-way, so items after the break may be missing. Sparklines: articles "
               "per day in the selected dates.")
    health = ctx.frame("feed_health")
    if health.empty:
        st.info("No feeds recorded yet: run `mediawatch ingest` (or `make demo`).")
        return
    failing = int((health["last_status"] == "error").sum())
    stale = int(health["stale"].sum())
    c1, c2, c3 = st.columns(3)
    c1.metric("Feeds", len(health))
    c2.metric("Failing (last fetch errored)", failing)
    c3.metric("Stale (no success in 24 h)", stale)
    table = health_table(health)
    styled = table.style.apply(_highlight, axis=1)
    st.dataframe(
        styled, hide_index=True, width="stretch",
        column_config={
            "status": st.column_config.TextColumn("Status"),
            "outlet": st.column_config.TextColumn("Outlet"),
            "lang": st.column_config.TextColumn("Lang"),
            "last_success_at": st.column_config.DatetimeColumn("Last success (UTC)",
                                                               format="YYYY-MM-DD HH:mm"),
            "last_fetch_at": st.column_config.DatetimeColumn("Last fetch (UTC)",
                                                             format="YYYY-MM-DD HH:mm"),
            "last_http_status": st.column_config.NumberColumn("HTTP", format="%d"),
            "last_error": st.column_config.TextColumn("Last error", width="medium"),
            "last_warning": st.column_config.TextColumn("Last warning", width="medium"),
            "consecutive_failures": st.column_config.NumberColumn("Failures in a row"),
            "articles_in_range": st.column_config.NumberColumn("Articles (dates)", format="%d"),
            "articles_per_day": st.column_config.BarChartColumn("Articles/day", y_min=0),
            "articles": st.column_config.NumberColumn("Articles (all time)"),
            "feed_url": st.column_config.LinkColumn("Feed URL"),
            "stale": None,
        },
    )
    st.subheader("Articles per day and outlet")
    st.caption("All articles of the selected outlets and languages (keyword and topic filters "
               "do not apply here): a blank row segment is a feed that went quiet.")
    grid = ctx.frame("volume", Filters(start=ctx.filters.start, end=ctx.filters.end,
                                       outlets=ctx.filters.outlets, langs=ctx.filters.langs))
    if grid.empty:
        st.caption("No articles in the selected dates.")
        return
    chart(charts.source_heatmap(grid, events=ctx.event_frame()))
