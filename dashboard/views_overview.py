"""Overview: how much is the peace process covered, by whom and in which language."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.filters import STACKS, language_label
from dashboard.ui import ViewContext, chart, measure_word, nothing_matches


def _pct_change(now: float, before: float) -> str | None:
    if not before:
        return None
    return f"{(now - before) / before:+.0%}"


def _pp_change(now: float | None, before: float | None) -> str | None:
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    return f"{(now - before) * 100:+.1f} pp"


def _kpis(ctx: ViewContext) -> bool:
    """The KPI row; False when nothing matches."""
    df = ctx.frame("kpis").set_index("period")
    cur, prev = df.loc["current"], df.loc["previous"]
    if not cur["articles"]:
        return False
    days = ctx.filters.period_days()
    before = ctx.filters.previous()
    # Compare only with a previous period the data fully covers (else the change is an artefact).
    has_prev = before is not None and before.start is not None \
        and before.start >= ctx.first_day and prev["collection"] > 0
    vs = f"vs the previous {days} days" if days else "vs the previous period"
    cols = st.columns(5)
    cols[0].metric("Articles", f"{int(cur['articles']):,}",
                   _pct_change(cur["articles"], prev["articles"]) if has_prev else None,
                   help=f"Matching articles in the selected dates; change {vs}.")
    if ctx.has_query:
        cols[1].metric("Share of all coverage", f"{cur['share_of_coverage']:.1%}",
                       _pp_change(cur["share_of_coverage"], prev["share_of_coverage"])
                       if has_prev else None,
                       help="Matching articles / all articles of the selected outlets and "
                            f"languages; change {vs} in percentage points.")
    else:
        per_day = cur["articles"] / days if days else None
        cols[1].metric("Per day", f"{per_day:,.1f}" if per_day else "–",
                       help="Average matching articles per day in the selected dates.")
    cols[2].metric("Outlets", int(cur["outlets"]),
                   int(cur["outlets"] - prev["outlets"]) if has_prev else None,
                   help="Outlets with at least one matching article.")
    cols[3].metric("Languages", int(cur["langs"]),
                   int(cur["langs"] - prev["langs"]) if has_prev else None)
    cols[4].metric("Tagged with a topic", f"{cur['tagged_share']:.0%}",
                   _pp_change(cur["tagged_share"], prev["tagged_share"]) if has_prev else None,
                   help="Share of matching articles tagged with at least one of the five "
                        "negotiation topics.")
    if not has_prev:
        st.caption("No change shown: the data does not cover the whole previous period.")
    return True


def _set_stack() -> None:
    st.session_state["_mw_view"]["stack"] = st.session_state["v_stack"]


def _stories(ctx: ViewContext) -> None:
    st.subheader("Distinct stories vs articles")
    if not {"stories", "article_story"} <= ctx.features:
        st.caption("Story clustering is not in this database yet (the `stories` view arrives "
                   "with cross-outlet clustering); run `mediawatch ingest` after it lands.")
        return
    series = ctx.frame("stories_series")
    if series.empty:
        st.caption("No stories in the selected dates.")
        return
    st.caption("The same story runs in many outlets: the gap between the lines is wire copies, "
               "rewrites and translations.")
    chart(charts.stories_chart(series, granularity=ctx.filters.granularity,
                               events=ctx.event_frame()))
    top = ctx.frame("stories_list")
    st.caption("Stories by reach (number of outlets); **first outlet** reported it first.")
    st.dataframe(top, hide_index=True, column_config={
        "story_id": None,
        "first_seen": st.column_config.DatetimeColumn("First seen (UTC)",
                                                      format="YYYY-MM-DD HH:mm"),
        "first_outlet": st.column_config.TextColumn("First outlet ★"),
        "outlets": st.column_config.NumberColumn("Outlets", help="Reach: outlets that ran it"),
        "articles": st.column_config.NumberColumn("Articles"),
        "langs": st.column_config.ListColumn("Languages"),
        "title": st.column_config.TextColumn("Title", width="large"),
    })


def render(ctx: ViewContext) -> None:
    st.header("Overview")
    st.caption("How much is the peace process covered, by whom, and in which language? "
               "All numbers follow the sidebar filters; dates are UTC days.")
    if not _kpis(ctx):
        nothing_matches(ctx)
        return
    if "v_stack" not in st.session_state:
        st.session_state["v_stack"] = ctx.filters.stack
    left, right = st.columns([3, 1])
    with right:
        st.segmented_control(
            "Stack by", STACKS, key="v_stack", required=True, on_change=_set_stack,
            format_func={"outlet": "Outlet", "lang": "Language"}.get,
        )
    stack = ctx.filters.stack
    unit = "day" if ctx.filters.granularity == "day" else "week"
    with left:
        st.subheader(f"Coverage per {unit}, by {'outlet' if stack == 'outlet' else 'language'}")
    df = ctx.frame("volume")
    what = ("each bar is the matching articles' share of all articles published that "
            f"{unit} by the selected outlets" if ctx.filters.measure == "share"
            else f"each bar counts the matching articles per {unit}")
    st.caption(f"Showing {measure_word(ctx)}: {what}. Days without articles show as gaps at "
               "zero; dashed lines mark events from `seeds/events.csv`.")
    chart(charts.volume_chart(df, measure=ctx.filters.measure, stack=stack,
                              granularity=ctx.filters.granularity, events=ctx.event_frame()))
    by_group = df.groupby("group", as_index=False)["articles"].sum()
    by_group = by_group.sort_values("articles", ascending=False)
    if stack == "lang":
        by_group["group"] = by_group["group"].map(language_label)
    leaders = ", ".join(f"{g} ({n:,})" for g, n in by_group.head(3).itertuples(index=False))
    st.caption(f"Most matching articles: {leaders}.")
    _stories(ctx)
