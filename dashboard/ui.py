"""What every view receives (the filters, a cached loader, events) and small shared helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.filters import Filters

Loader = Callable[[str, Filters], pd.DataFrame]


class DataUnavailable(RuntimeError):
    """A query could not run (database locked too long, damaged, or an old schema)."""


@dataclass(frozen=True)
class ViewContext:
    """Read-only inputs of a view: no view reads globals or opens the database itself."""

    filters: Filters
    loader: Loader
    events: tuple[tuple[date, str], ...]
    features: frozenset[str]  # optional views present: stories, article_story, alerts
    first_day: date
    last_day: date

    def frame(self, name: str, filters: Filters | None = None) -> pd.DataFrame:
        """Run dashboard query ``name`` (cached) with these or the given filters."""
        return self.loader(name, filters or self.filters)

    def event_frame(self) -> pd.DataFrame:
        """Events inside the selected date range, for the annotation layer."""
        return charts.events_frame(
            self.events, self.filters.start or self.first_day, self.filters.end or self.last_day
        )

    def with_filters(self, **changes: object) -> Filters:
        return replace(self.filters, **changes)  # type: ignore[arg-type]

    @property
    def has_query(self) -> bool:
        """True when a keyword or topic filter narrows the collection to a query."""
        return bool(self.filters.keyword_norm or self.filters.topics)


def as_day(value: object) -> date | None:
    """A chart-selection value (ISO string or epoch milliseconds) as a date."""
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value / 1000, tz=UTC).date()
        return date.fromisoformat(str(value)[:10])
    except (ValueError, OverflowError, OSError):
        return None


def chart(spec: object, *, key: str | None = None, **kwargs: object) -> object:
    """Render an Altair chart at the full width of its container."""
    return st.altair_chart(spec, width="stretch", key=key, **kwargs)  # type: ignore[arg-type]


def nothing_matches(ctx: ViewContext) -> None:
    """The message for an empty filter result: what to change next."""
    hint = "widen the date range, clear the keyword, or remove outlet/language/topic filters"
    st.info(f"No articles match these filters — {hint} (sidebar, or **Reset filters**).")


def measure_word(ctx: ViewContext) -> str:
    return "share of all coverage" if ctx.filters.measure == "share" else "article counts"
