"""mediawatch dashboard: coverage of the Russia–Ukraine peace negotiations (``streamlit run``).

Reads top to bottom: page config, database state, cached loaders, sidebar filters (kept in the
URL), then the four views as tabs (only the open tab runs its queries). Every read opens a
short-lived read-only connection (``store.reader``) so a running ingest is never blocked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard import filters as fl
from dashboard import queries, views_articles, views_overview, views_sources, views_topics
from dashboard.ui import DataUnavailable, Loader, ViewContext
from mediawatch import lake, store
from mediawatch.config import load_settings
from mediawatch.seeds import SeedError, load_events

st.set_page_config(page_title="mediawatch · peace-talks coverage", layout="wide",
                   page_icon=":material/newspaper:")

SETTINGS = load_settings()
DB_PATH = SETTINGS.db_path
DB = SETTINGS.store_target  # DB_PATH, or a DuckLake spec from MEDIAWATCH_STORAGE
VIEWS = ("Overview", "Topics", "Articles", "Sources")
RENDER = (views_overview.render, views_topics.render, views_articles.render,
          views_sources.render)
NEXT_STEP = ("Create sample data with `make demo` (or `mediawatch demo --no-dashboard`), or "
             "fetch the real feeds with `mediawatch ingest`.")


@dataclass(frozen=True)
class DbState:
    """What the page needs before any view: bounds, version, demo flag, optional views."""

    articles: int
    first_day: date | None
    last_day: date | None
    version: str
    built_by: str | None
    features: frozenset[str]


def file_stamp(path: Path) -> str:
    """Changes whenever a writer commits (database file or its WAL changes)."""
    parts = []
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            stat = p.stat()
            parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
    return "|".join(parts)


def data_stamp() -> str:
    """Changes whenever a writer commits: the lake's snapshot id, or the file's stamp."""
    if not lake.is_lake(DB):
        return file_stamp(DB_PATH)
    with store.reader(DB, wait_s=SETTINGS.lock_wait_s) as conn:
        return lake.snapshot_stamp(conn)


@st.cache_data(show_spinner=False, max_entries=16)
def load_state(db_path: str, stamp: str) -> DbState:
    """Bounds and freshness of the data; cached until the file changes."""
    with store.reader(db_path, wait_s=SETTINGS.lock_wait_s) as conn:
        row = queries.state(conn, fl.Filters()).iloc[0]
        built_by = store.get_meta(conn, "built_by")
        features = queries.optional_views(conn)
    version = f"{stamp}|{row['last_fetched_at']}|{row['last_feed_fetch_at']}"
    return DbState(int(row["articles"]), _day(row["first_day"]), _day(row["last_day"]), version,
                   built_by, features)


def _day(value: object) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


@st.cache_data(show_spinner=False, max_entries=512)
def load(name: str, db_path: str, version: str, filters: fl.Filters) -> pd.DataFrame:
    """One dashboard query; the key includes the data version, so new data invalidates it."""
    with store.reader(db_path, wait_s=SETTINGS.lock_wait_s) as conn:
        return queries.ALL_QUERIES[name](conn, filters)


@st.cache_data(show_spinner=False)
def load_event_list(path: str, stamp: str) -> tuple[tuple[date, str], ...]:
    return tuple((e.date, e.label) for e in load_events(path))


def loader(version: str) -> Loader:
    """The views' query function, bound to the current data version."""
    def run(name: str, filters: fl.Filters) -> pd.DataFrame:
        try:
            return load(name, DB, version, queries.scope(name, filters))
        except store.StoreError as exc:
            raise DataUnavailable(f"{exc}. Try again in a moment.") from exc
        except duckdb.Error as exc:
            raise DataUnavailable(
                f"Query {name!r} failed ({type(exc).__name__}): the database may be from an "
                "older or newer mediawatch; `mediawatch ingest` upgrades it."
            ) from exc
    return run


# ---- database state: missing, unreadable, empty --------------------------------------------
st.title("Peace-talks coverage monitor")
st.caption("How Ukrainian, Russian and English outlets cover the Russia–Ukraine peace "
           "negotiations: volume, outlets, languages and the issues at stake.")
if not (lake.exists(DB) if lake.is_lake(DB) else DB_PATH.exists()):
    st.info(f"No database at `{DB}` yet. {NEXT_STEP} Set `MEDIAWATCH_DB` to open another "
            "file.", icon=":material/database:")
    st.stop()
try:
    state = load_state(DB, data_stamp())
except store.StoreError as exc:
    if "locked" in str(exc):  # an ingest is writing: it releases the file within seconds
        st.warning(f"Cannot read the database right now: {exc}.", icon=":material/hourglass_top:")
        st.button("Try again")
    else:
        st.error(f"`{DB}` is not a mediawatch database ({exc}). {NEXT_STEP}")
    st.stop()
except duckdb.Error as exc:
    st.error(f"`{DB}` is not a mediawatch database ({type(exc).__name__}). {NEXT_STEP}")
    st.stop()

if state.built_by == "demo":
    st.info("**Sample data.** This database was built by `mediawatch demo` from the bundled "
            "synthetic feeds: the numbers illustrate the dashboard, they are not real coverage. "
            "Run `mediawatch ingest` against the real feeds for real data.",
            icon=":material/science:")
if state.articles == 0 or state.first_day is None or state.last_day is None:
    st.info(f"The database at `{DB}` has no articles yet. {NEXT_STEP}",
            icon=":material/inbox:")
    st.stop()
load_ = loader(state.version)
try:
    options = load_("filter_options", fl.Filters())
    events = load_event_list(str(SETTINGS.events_file), file_stamp(SETTINGS.events_file))
except DataUnavailable as exc:
    st.warning(str(exc), icon=":material/hourglass_top:")
    st.stop()
except SeedError as exc:
    st.warning(f"Event annotations are off: {exc}", icon=":material/event_busy:")
    events = ()
values = {k: options.loc[options["kind"] == k, "value"].tolist()
          for k in ("outlet", "lang", "topic")}
default_range = fl.Filters().with_default_dates(state.first_day, state.last_day)


# ---- sidebar filters (initialised once per session from the URL) ----------------------------
def init_from_url() -> None:
    raw = {key: st.query_params.get_all(key) for key in st.query_params}
    f = fl.from_query_params(raw).restricted_to(values["outlet"], values["lang"], values["topic"])
    f = f.with_default_dates(state.first_day, state.last_day)
    st.session_state.update({
        "f_dates": (f.start, f.end), "f_outlets": list(f.outlets), "f_langs": list(f.langs),
        "f_topics": list(f.topics), "f_keyword": f.keyword, "f_gran": f.granularity,
        "f_measure": f.measure, "_mw_view": {"stack": f.stack, "day": f.day, "topic": f.topic},
    })


def reset_filters() -> None:
    for key in ("f_dates", "f_outlets", "f_langs", "f_topics", "f_keyword", "f_gran",
                "f_measure", "v_stack", "a_day", "a_topic"):
        st.session_state.pop(key, None)
    st.session_state.update({"f_dates": (default_range.start, default_range.end),
                             "_mw_view": {"stack": "outlet", "day": None, "topic": None}})


if "_mw_view" not in st.session_state:
    init_from_url()

with st.sidebar:
    st.header("Filters")
    picked = st.date_input("Dates (UTC)", key="f_dates", min_value=state.first_day,
                           max_value=state.last_day, format="YYYY-MM-DD",
                           help="Default: the last 30 days of data.")
    st.multiselect("Outlets", values["outlet"], key="f_outlets", placeholder="All outlets")
    st.multiselect("Languages", values["lang"], key="f_langs", placeholder="All languages",
                   format_func=fl.language_label)
    st.multiselect("Topics", values["topic"], key="f_topics", placeholder="All topics",
                   help="Articles tagged with any of these topics.")
    st.text_input("Keyword in title or summary", key="f_keyword", max_chars=fl.MAX_KEYWORD_CHARS,
                  placeholder="e.g. Geneva, Женева, Witkoff",
                  help="Case-insensitive; quotes, % and _ are matched literally.")
    st.segmented_control("Granularity", fl.GRANULARITIES, key="f_gran", required=True,
                         format_func=str.capitalize)
    st.segmented_control("Measure", fl.MEASURES, key="f_measure", required=True,
                         format_func={"share": "Share of coverage", "count": "Counts"}.get,
                         help="Share: matching articles / all articles of the selected outlets "
                              "and languages in the period (Media Cloud's normalisation).")
    st.button("Reset filters", on_click=reset_filters, icon=":material/restart_alt:")
    st.caption("The page URL holds these filters: copy it to share this exact view.")

dates = tuple(picked) if isinstance(picked, tuple | list) else (picked,)
view_state = st.session_state["_mw_view"]
filters = fl.Filters(
    start=dates[0] if dates else default_range.start,
    end=dates[-1] if dates else default_range.end,
    outlets=tuple(st.session_state["f_outlets"]),
    langs=tuple(st.session_state["f_langs"]),
    topics=tuple(st.session_state["f_topics"]),
    keyword=fl.clean_keyword(st.session_state["f_keyword"] or ""),
    granularity=st.session_state["f_gran"] or "day",
    measure=st.session_state["f_measure"] or "share",
    stack=view_state.get("stack") or "outlet",
    day=view_state.get("day"),
    topic=view_state.get("topic"),
)

# The URL keeps non-default values; the default date range stays implicit ("latest 30 days").
in_url = filters
if (filters.start, filters.end) == (default_range.start, default_range.end):
    in_url = replace(filters, start=None, end=None)
wanted = fl.to_query_params(in_url)
for name in fl.PARAM_NAMES.values():
    value = wanted.get(name)
    if value is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get_all(name) != (value if isinstance(value, list) else [value]):
        st.query_params[name] = value

# ---- views ----------------------------------------------------------------------------------
ctx = ViewContext(filters=filters, loader=load_, events=events, features=state.features,
                  first_day=state.first_day, last_day=state.last_day)
for tab, render in zip(st.tabs(VIEWS, key="view", bind="query-params"), RENDER, strict=True):
    if tab.open is False:
        continue
    with tab:
        try:
            render(ctx)
        except DataUnavailable as exc:
            st.warning(str(exc), icon=":material/hourglass_top:")
DB_LABEL = DB if lake.is_lake(DB) else DB_PATH.name
st.caption(f"Data: `{DB_LABEL}` · {state.articles:,} articles from {state.first_day} to "
           f"{state.last_day} (UTC) · read-only, refreshed when new data lands.")
