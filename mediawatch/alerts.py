"""Topic-spike detection (pure): a day's tagged articles against the trailing window.

Input is the daily series ``(day, topic, lang, articles)``; output is one :class:`Spike` per
(day, topic, lang) whose volume stands out. ``lang == ALL_LANGS`` is the topic over every
language. Thresholds come from ``seeds/alerts.yaml`` (:meth:`AlertRules.load`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from mediawatch.seeds import SeedError

ALL_LANGS = "all"
RULES_FILE = "alerts.yaml"
REQUIRE = ("any", "all")


@dataclass(frozen=True)
class AlertRules:
    """Thresholds for a spike; the defaults are those of the bundled seeds/alerts.yaml."""

    window_days: int = 14
    min_articles: int = 8
    min_history_days: int = 7
    zscore: float | None = 3.0
    ratio: float | None = 2.5
    require: str = "any"
    std_floor: float = 1.0
    mean_floor: float = 1.0
    per_language: bool = True
    recheck_days: int = 2

    @classmethod
    def load(cls, path: str | Path) -> AlertRules:
        """Read and validate the rules file; a problem is a SeedError naming file, line, reason."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SeedError(path, None, "file not found") from None
        try:
            node = yaml.compose(text)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else None
            raise SeedError(path, line, f"not valid YAML: {exc}") from None
        if not isinstance(data, dict) or node is None:
            raise SeedError(path, None, "expected a mapping of setting: value")
        lines = {k.value: k.start_mark.line + 1 for k, _ in node.value}
        return cls.from_mapping(data, path, lines)

    @classmethod
    def from_mapping(
        cls,
        data: dict[str, Any],
        path: str | Path = RULES_FILE,
        lines: dict[str, int] | None = None,
    ) -> AlertRules:
        """Validate a mapping (as read from YAML) into rules."""
        lines = lines or {}
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            line = lines.get(key)
            if key not in known:
                raise SeedError(path, line, f"unknown setting {key!r} (known: {', '.join(known)})")
            values[key] = _check(key, value, path, line)
        rules = cls(**values)
        if rules.zscore is None and rules.ratio is None:
            raise SeedError(path, None, "set zscore, ratio or both: with neither nothing can alert")
        return rules


def _check(key: str, value: Any, path: str | Path, line: int | None) -> Any:
    """One setting's type and range."""

    def bad(reason: str) -> SeedError:
        return SeedError(path, line, f"{key}: {reason}, got {value!r}")

    if key == "require":
        if value not in REQUIRE:
            raise bad(f"must be one of {', '.join(REQUIRE)}")
        return value
    if key == "per_language":
        if not isinstance(value, bool):
            raise bad("must be true or false")
        return value
    if key in ("zscore", "ratio") and value is None:
        return None  # this threshold is off
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad("must be a number")
    if key in ("window_days", "min_articles", "min_history_days", "recheck_days"):
        if not isinstance(value, int) or value < 1:
            raise bad("must be a whole number >= 1")
        if key == "window_days" and value < 2:
            raise bad("must be >= 2 (a standard deviation needs two days)")
        return value
    if key == "ratio" and value <= 1:
        raise bad("must be > 1 (times the trailing mean)")
    if value <= 0 or not math.isfinite(value):
        raise bad("must be a positive number")
    return float(value)


@dataclass(frozen=True)
class Spike:
    """One alert: a day whose volume of a topic (in a language, or ``all``) stands out."""

    day: date
    topic: str
    lang: str
    articles: int
    baseline_mean: float
    baseline_std: float
    zscore: float
    ratio: float


def _series(
    rows: Iterable[tuple[date, str, str, int]], per_language: bool
) -> dict[tuple[str, str], dict[date, int]]:
    """Daily counts per (topic, lang), plus (topic, ALL_LANGS) summed over languages."""
    series: dict[tuple[str, str], dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for day, topic, lang, articles in rows:
        series[(topic, ALL_LANGS)][day] += articles
        if per_language:
            series[(topic, lang)][day] += articles
    return series


def _mean_std(values: Sequence[int]) -> tuple[float, float]:
    """Mean and sample standard deviation."""
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / (len(values) - 1) if len(values) > 1 else 0.0
    return mean, math.sqrt(var)


def score(
    articles: int, baseline: Sequence[int], rules: AlertRules
) -> tuple[float, float, float, float] | None:
    """(mean, std, zscore, ratio) of a day against its baseline, or None when it does not alert."""
    if articles < rules.min_articles:
        return None
    mean, std = _mean_std(baseline)
    z = (articles - mean) / max(std, rules.std_floor)
    ratio = articles / max(mean, rules.mean_floor)
    checks = [
        z >= rules.zscore if rules.zscore is not None else None,
        ratio >= rules.ratio if rules.ratio is not None else None,
    ]
    active = [c for c in checks if c is not None]
    hit = all(active) if rules.require == "all" else any(active)
    return (mean, std, z, ratio) if hit else None


def detect(
    rows: Iterable[tuple[date, str, str, int]],
    days: Iterable[date],
    rules: AlertRules,
    *,
    first_day: date | None,
) -> list[Spike]:
    """Spikes on ``days`` in the daily series ``rows`` (day, topic, lang, articles).

    ``first_day`` is the first day the store holds any article: the baseline never reaches
    before it (days before the store existed are unknown, not quiet), and a day with fewer
    than ``min_history_days`` known days before it is not judged at all.
    """
    if first_day is None:
        return []
    series = _series(rows, rules.per_language)
    spikes: list[Spike] = []
    for day in sorted(set(days)):
        start = max(day - timedelta(days=rules.window_days), first_day)
        window = [start + timedelta(days=i) for i in range((day - start).days)]
        if len(window) < min(rules.min_history_days, rules.window_days):
            continue
        for (topic, lang), counts in sorted(series.items()):
            articles = counts.get(day, 0)
            found = score(articles, [counts.get(d, 0) for d in window], rules)
            if found is not None:
                spikes.append(Spike(day, topic, lang, articles, *found))
    return spikes


def days_to_check(today: date, rules: AlertRules, days: int | None = None) -> list[date]:
    """``today`` and the days before it that a run re-evaluates (late articles move counts)."""
    n = rules.recheck_days if days is None else days
    return [today - timedelta(days=i) for i in range(n)][::-1]


def describe(spike: Spike) -> str:
    """One human line, e.g. ``2025-11-23 territory/uk: 34 articles vs 8.1 ± 3.2 (z 8.1, x4.2)``."""
    return (
        f"{spike.day} {spike.topic}/{spike.lang}: {spike.articles} articles vs "
        f"{spike.baseline_mean:.1f} ± {spike.baseline_std:.1f} "
        f"(z {spike.zscore:.1f}, x{spike.ratio:.1f})"
    )
