"""Sample outlets (real names, synthetic content) and the event timeline behind the topic mix."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

SAMPLE_NOTICE = "mediawatch sample data — not real articles"


@dataclass(frozen=True)
class Outlet:
    """One sample outlet and how its feed is written."""

    name: str
    slug: str  # file name stem
    lang: str
    country: str
    rate: float  # relative number of stories per day
    link: str  # link pattern: {y} {m} {d} {num}
    fmt: str = "rss"  # rss | atom
    encoding: str = "utf-8"
    html: str = "plain"  # plain | p | cdata | entities
    apostrophe: str = "'"  # how the outlet writes the Ukrainian apostrophe
    zone: str = "kyiv"  # kyiv | moscow | london | utc: offset of the feed's dates
    permalink_guid: bool = True
    top_feed: bool = False  # a second "top stories" feed repeating some items (same URLs)


OUTLETS: list[Outlet] = [
    Outlet("Ukrainska Pravda", "pravda", "uk", "UA", 1.4,
           "https://www.pravda.com.ua/sample/news/{y}/{m}/{d}/{num}/", html="entities",
           apostrophe="’", top_feed=True),
    Outlet("UNIAN", "unian", "uk", "UA", 1.6, "https://www.unian.ua/sample/war/{num}.html",
           apostrophe="ʼ"),
    Outlet("Suspilne", "suspilne", "uk", "UA", 1.0, "https://suspilne.media/sample/{num}/",
           html="p"),
    Outlet("Ukrinform", "ukrinform", "uk", "UA", 1.2,
           "https://www.ukrinform.ua/sample/rubric-polytics/{num}.html", apostrophe="’"),
    Outlet("Censor.net", "censor", "uk", "UA", 0.8, "https://censor.net/ua/sample/news/{num}",
           encoding="windows-1251", apostrophe="’", permalink_guid=False),
    Outlet("RBC-Ukraine", "rbc-ukraine", "uk", "UA", 1.0,
           "https://www.rbc.ua/sample/ukr/news/{num}.html", html="cdata", apostrophe="ʼ"),
    Outlet("Kyiv Independent", "kyiv-independent", "en", "UA", 0.9,
           "https://kyivindependent.com/sample/{num}/", fmt="atom", html="p", zone="utc"),
    Outlet("BBC News", "bbc", "en", "GB", 0.6, "https://www.bbc.com/sample/news/articles/{num}",
           zone="london"),
    Outlet("The Guardian", "guardian", "en", "GB", 0.6,
           "https://www.theguardian.com/sample/world/{y}/{m}/{d}/{num}", html="p", zone="london"),
    Outlet("Al Jazeera English", "aljazeera", "en", "QA", 0.5,
           "https://www.aljazeera.com/sample/news/{y}/{m}/{d}/{num}", html="entities", zone="utc"),
    Outlet("Politico Europe", "politico", "en", "BE", 0.4,
           "https://www.politico.eu/sample/article/{num}/", html="cdata", zone="utc"),
    Outlet("Meduza", "meduza", "ru", "LV", 0.9, "https://meduza.io/sample/news/{y}/{m}/{d}/{num}",
           html="cdata", zone="moscow"),
    Outlet("Novaya Gazeta Europe", "novaya-gazeta-europe", "ru", "LV", 0.6,
           "https://novayagazeta.eu/sample/articles/{y}/{m}/{d}/{num}", fmt="atom", zone="moscow"),
    Outlet("TASS", "tass", "ru", "RU", 1.6, "https://tass.ru/sample/politika/{num}", zone="moscow",
           permalink_guid=False),
    Outlet("RIA Novosti", "ria", "ru", "RU", 1.4, "https://ria.ru/sample/{y}{m}{d}/{num}.html",
           zone="moscow"),
    Outlet("Interfax", "interfax", "ru", "RU", 1.2, "https://www.interfax.ru/sample/world/{num}",
           encoding="windows-1251", zone="moscow"),
]

CATEGORIES = ("territory", "security_guarantees", "elections", "ceasefire", "frozen_assets",
              "war", "negative", "other")
TOPICS = CATEGORIES[:5]
BASE_WEIGHTS = {"territory": 0.07, "security_guarantees": 0.06, "elections": 0.04,
                "ceasefire": 0.05, "frozen_assets": 0.04, "war": 0.34, "negative": 0.12,
                "other": 0.22}
LANG_BIAS = {"en": {"negative": 1.5, "war": 0.8}, "ru": {"frozen_assets": 1.2}, "uk": {"war": 1.2}}

PLAN_REPORTED = date(2025, 11, 19)
# (day, {category: extra weight at the peak}): real events of the autumn 2025 peace process.
EVENTS: list[tuple[date, dict[str, float]]] = [
    (date(2025, 10, 23), {"frozen_assets": 0.45}),  # EU summit defers the reparations loan
    (date(2025, 11, 20), {"territory": 0.35, "security_guarantees": 0.3, "elections": 0.25,
                          "ceasefire": 0.1, "frozen_assets": 0.15}),  # 28-point plan reported
    (date(2025, 11, 23), {"security_guarantees": 0.45, "territory": 0.3, "ceasefire": 0.15}),
    (date(2025, 11, 30), {"elections": 0.35, "territory": 0.3, "security_guarantees": 0.25}),
    (date(2025, 12, 2), {"territory": 0.45, "ceasefire": 0.3, "security_guarantees": 0.2}),
    (date(2025, 12, 4), {"frozen_assets": 0.5}),  # reparations-loan proposal, EU summit ahead
]
# Where talks are happening, for "talks in ..." headlines: (from day, venue).
VENUE_PERIODS = [
    (date(2025, 1, 1), ("Washington", "Brussels")),
    (date(2025, 11, 20), ("Geneva",)),
    (date(2025, 11, 25), ("Geneva", "Abu Dhabi")),
    (date(2025, 11, 27), ("Miami",)),
    (date(2025, 12, 2), ("Moscow",)),
]
# Local hours a newsroom publishes at (index = hour).
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 10, 10, 10, 10, 9, 9, 8, 7, 6, 4, 3, 2]
_EU_DST_END = datetime(2025, 10, 26, 1, tzinfo=UTC)


def bump(days_from_peak: float) -> float:
    """Attention curve around an event: builds up a day before, decays over a few days after."""
    width = 0.8 if days_from_peak < 0 else 2.0
    return math.exp(-((days_from_peak / width) ** 2) / 2)


def day_weights(day: date, lang: str) -> dict[str, float]:
    """Category weights for one day and language (not normalised)."""
    weights = dict(BASE_WEIGHTS)
    for peak, extra in EVENTS:
        b = bump((day - peak).days)
        for category, amount in extra.items():
            weights[category] += amount * b
    for category, factor in LANG_BIAS.get(lang, {}).items():
        weights[category] *= factor
    return weights


def day_volume(day: date) -> float:
    """Relative number of stories on a day: weekends are quieter, event days busier."""
    extra = sum(sum(extra.values()) * bump((day - peak).days) for peak, extra in EVENTS)
    return (0.75 if day.weekday() >= 5 else 1.0) * (1.0 + 0.35 * extra)


def venues(day: date) -> tuple[str, ...]:
    """Venues in the news on a day."""
    current = VENUE_PERIODS[0][1]
    for start, names in VENUE_PERIODS:
        if day >= start:
            current = names
    return current


def utc_offset(zone: str, moment: datetime) -> timedelta:
    """UTC offset of a zone at a UTC moment (EU summer time ended 2025-10-26 01:00 UTC)."""
    winter = moment >= _EU_DST_END
    hours = {"kyiv": 2 if winter else 3, "london": 0 if winter else 1, "moscow": 3, "utc": 0}
    return timedelta(hours=hours[zone])
