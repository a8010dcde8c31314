"""Dashboard filter state: URL query-parameter round-trip and defaults (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.filters import (
    MAX_KEYWORD_CHARS,
    Filters,
    clean_keyword,
    from_query_params,
    to_query_params,
)

FULL = Filters(
    start=date(2025, 11, 1), end=date(2025, 11, 30), outlets=("Meduza", "Reuters"),
    langs=("ru",), topics=("ceasefire", "territory"), keyword="Geneva 100%",
    granularity="week", measure="count", stack="lang", day=date(2025, 11, 23), topic="ceasefire",
)


@pytest.mark.parametrize(
    "filters", [Filters(), FULL, Filters(keyword="O'Brien; --", langs=("uk",))]
)
def test_query_params_round_trip(filters: Filters) -> None:
    assert from_query_params(to_query_params(filters)) == filters


def test_defaults_leave_the_url_empty() -> None:
    assert to_query_params(Filters()) == {}


def test_lists_become_repeated_params() -> None:
    params = to_query_params(FULL)
    assert params["outlet"] == ["Meduza", "Reuters"]
    assert params["from"] == "2025-11-01"
    assert params["measure"] == "count"


def test_single_string_values_are_accepted_for_list_fields() -> None:
    assert from_query_params({"outlet": "Meduza", "lang": ["uk", "uk", " "]}) == Filters(
        outlets=("Meduza",), langs=("uk",)
    )


def test_malformed_values_fall_back_to_defaults() -> None:
    parsed = from_query_params(
        {"from": "yesterday", "to": "2025-13-45", "by": "hour", "measure": "<b>", "stack": "x"}
    )
    assert parsed == Filters()


def test_reversed_dates_are_swapped() -> None:
    parsed = from_query_params({"from": "2025-11-30", "to": "2025-11-01"})
    assert (parsed.start, parsed.end) == (date(2025, 11, 1), date(2025, 11, 30))


def test_keyword_is_cleaned_and_capped() -> None:
    assert clean_keyword("  peace\x00 talks\n ") == "peace talks"
    assert len(clean_keyword("x" * 10_000)) == MAX_KEYWORD_CHARS
    assert from_query_params({"q": "a" * 10_000}).keyword == "a" * MAX_KEYWORD_CHARS


def test_default_dates_are_the_last_30_days_of_data() -> None:
    f = Filters().with_default_dates(date(2025, 10, 20), date(2025, 12, 3))
    assert (f.start, f.end) == (date(2025, 11, 4), date(2025, 12, 3))
    short = Filters().with_default_dates(date(2025, 11, 20), date(2025, 12, 3))
    assert short.start == date(2025, 11, 20)


def test_dates_outside_the_data_are_clamped() -> None:
    f = Filters(start=date(2020, 1, 1), end=date(2030, 1, 1))
    f = f.with_default_dates(date(2025, 10, 20), date(2025, 12, 3))
    assert (f.start, f.end) == (date(2025, 10, 20), date(2025, 12, 3))


def test_previous_period_has_the_same_length_just_before() -> None:
    prev = Filters(start=date(2025, 11, 11), end=date(2025, 11, 20)).previous()
    assert prev is not None and (prev.start, prev.end) == (date(2025, 11, 1), date(2025, 11, 10))
    assert Filters().previous() is None


def test_unknown_values_from_an_old_link_are_dropped() -> None:
    f = Filters(outlets=("Gone", "Meduza"), langs=("xx",), topics=("ceasefire",), topic="nope")
    kept = f.restricted_to(["Meduza"], ["uk"], ["ceasefire"])
    assert (kept.outlets, kept.langs, kept.topics, kept.topic) == (("Meduza",), (), ("ceasefire",),
                                                                   None)
