"""Dashboard filter state: one frozen dataclass and its round-trip to URL query parameters.

Pure (no Streamlit): the app reads ``st.query_params`` into a plain dict, calls
:func:`from_query_params`, and writes :func:`to_query_params` back, so a view can be shared
as a link. Only non-default values go into the URL; unknown or malformed values are dropped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Any, Literal

Granularity = Literal["day", "week"]
Measure = Literal["share", "count"]
StackBy = Literal["outlet", "lang"]

GRANULARITIES: tuple[Granularity, ...] = ("day", "week")
MEASURES: tuple[Measure, ...] = ("share", "count")
STACKS: tuple[StackBy, ...] = ("outlet", "lang")
DEFAULT_DAYS = 30
MAX_KEYWORD_CHARS = 200

# The query-parameter names, one per field; list fields repeat their key (?outlet=a&outlet=b).
PARAM_NAMES = {
    "start": "from",
    "end": "to",
    "outlets": "outlet",
    "langs": "lang",
    "topics": "topic",
    "keyword": "q",
    "granularity": "by",
    "measure": "measure",
    "stack": "stack",
    "day": "day",
    "topic": "article_topic",
}

LANGUAGE_NAMES = {"uk": "Ukrainian", "ru": "Russian", "en": "English"}


@dataclass(frozen=True)
class Filters:
    """Everything that selects or shapes the data on the page (hashable: a cache key)."""

    start: date | None = None  # inclusive UTC day; None = from the first article
    end: date | None = None  # inclusive UTC day; None = up to the last article
    outlets: tuple[str, ...] = ()  # empty = all
    langs: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    keyword: str = ""  # case-insensitive substring of title or summary
    granularity: Granularity = "day"
    measure: Measure = "share"
    stack: StackBy = "outlet"
    day: date | None = None  # Articles view narrowing: one day ...
    topic: str | None = None  # ... and/or one topic

    @property
    def keyword_norm(self) -> str:
        """The keyword as the queries match it: trimmed and lower-cased."""
        return self.keyword.strip().lower()

    def period_days(self) -> int | None:
        """Length of the date range in days, when both ends are set."""
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1

    def previous(self) -> Filters | None:
        """The same filters over the equally long period just before this one."""
        days = self.period_days()
        if days is None or self.start is None:
            return None
        end = self.start - timedelta(days=1)
        return replace(self, start=end - timedelta(days=days - 1), end=end)

    def with_default_dates(self, first: date, last: date, days: int = DEFAULT_DAYS) -> Filters:
        """Fill a missing range with the last ``days`` days of data and clamp it to the data."""
        end = min(max(self.end or last, first), last)
        start = self.start or end - timedelta(days=days - 1)
        start = min(max(start, first), end)
        return replace(self, start=start, end=end)

    def restricted_to(
        self, outlets: Iterable[str], langs: Iterable[str], topics: Iterable[str]
    ) -> Filters:
        """Drop selections that are not among the known values (e.g. from an old link)."""
        known_o, known_l, known_t = set(outlets), set(langs), set(topics)
        return replace(
            self,
            outlets=tuple(o for o in self.outlets if o in known_o),
            langs=tuple(lang for lang in self.langs if lang in known_l),
            topics=tuple(t for t in self.topics if t in known_t),
            topic=self.topic if self.topic in known_t else None,
        )


def clean_keyword(raw: str) -> str:
    """Remove control characters and cap the length; the text is matched literally."""
    text = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C" or ch == " ")
    return text.strip()[:MAX_KEYWORD_CHARS]


def _first(value: str | list[str] | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def _many(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    seen: dict[str, None] = {}
    for item in items:
        item = item.strip()
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _choice(value: str | None, allowed: tuple[str, ...], default: str) -> Any:
    return value if value in allowed else default


def from_query_params(params: Mapping[str, str | list[str]]) -> Filters:
    """Parse URL query parameters (values may be strings or lists of strings) into Filters."""
    get = params.get
    start, end = _date(_first(get("from"))), _date(_first(get("to")))
    if start and end and start > end:
        start, end = end, start
    topic = _first(get("article_topic"))
    return Filters(
        start=start,
        end=end,
        outlets=_many(get("outlet")),
        langs=_many(get("lang")),
        topics=_many(get("topic")),
        keyword=clean_keyword(_first(get("q")) or ""),
        granularity=_choice(_first(get("by")), GRANULARITIES, "day"),
        measure=_choice(_first(get("measure")), MEASURES, "share"),
        stack=_choice(_first(get("stack")), STACKS, "outlet"),
        day=_date(_first(get("day"))),
        topic=topic.strip() if topic and topic.strip() else None,
    )


def to_query_params(filters: Filters) -> dict[str, str | list[str]]:
    """The non-default fields as query parameters (lists for multi-valued fields)."""
    default = Filters()
    out: dict[str, str | list[str]] = {}
    for f in fields(Filters):
        value = getattr(filters, f.name)
        if value == getattr(default, f.name):
            continue
        name = PARAM_NAMES[f.name]
        if isinstance(value, tuple):
            out[name] = list(value)
        elif isinstance(value, date):
            out[name] = value.isoformat()
        else:
            out[name] = str(value)
    return out


def language_label(code: str) -> str:
    """'uk' -> 'Ukrainian (uk)'; unknown codes stay as they are."""
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code
