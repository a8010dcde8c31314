"""Prefect flow ``detect-spikes``: per topic (and language), a day's volume against the trailing
window; records alerts idempotently, then a table artifact and a log line.

Thin orchestration only: reading, detection and recording are calls into ``mediawatch``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from mediawatch import alert_store, alerts, store
from mediawatch.alerts import AlertRules, Spike
from mediawatch.config import load_settings

LOGGED_SPIKES = 10  # spikes spelled out in the log; the artifact lists them all


@task(name="read-topic-series", cache_policy=NO_CACHE)
def read_series_task(
    target: str, wait_s: float, days: list[date] | None, window_days: int
) -> tuple[list[tuple[date, str, str, int]], list[date], date | None]:
    """Daily (day, topic, lang, articles) covering the days and their windows; the days; the
    store's first day. ``days=None`` means every day the store holds."""
    with store.reader(target, wait_s=wait_s) as conn:
        first, last = alert_store.bounds(conn)
        if first is None:
            return [], [], None
        if days is None:
            days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        start = max(min(days) - timedelta(days=window_days), first)
        return alert_store.read_series(conn, start, max(days)), days, first


@task(name="record-alerts", cache_policy=NO_CACHE)
def record_task(target: str, wait_s: float, spikes: list[Spike], now: datetime) -> int:
    """Upsert the spikes; return how many are new."""
    with store.writer(target, wait_s=wait_s) as conn:
        if store.needs_migration(conn):
            store.migrate(conn)
        return alert_store.record(conn, spikes, now)


def _rows(spikes: list[Spike]) -> list[dict[str, object]]:
    return [
        {
            "day": s.day.isoformat(), "topic": s.topic, "lang": s.lang, "articles": s.articles,
            "baseline_mean": round(s.baseline_mean, 2), "baseline_std": round(s.baseline_std, 2),
            "zscore": round(s.zscore, 2), "ratio": round(s.ratio, 2),
        }
        for s in spikes
    ]


@flow(name="detect-spikes", log_prints=False)
def detect_spikes(
    db: str | None = None,
    day: str | None = None,
    days: int | None = None,
    all_days: bool = False,
    rules_file: str | None = None,
) -> dict[str, int]:
    """Find topic spikes and record them in ``alerts``.

    Evaluates ``day`` (ISO date, default today UTC) and the ``days - 1`` before it (default
    ``recheck_days`` from seeds/alerts.yaml), or every stored day with ``all_days``.
    """
    logger = get_run_logger()
    settings = load_settings().with_db(db)
    rules_path = Path(rules_file) if rules_file else settings.seeds_dir / alerts.RULES_FILE
    rules = AlertRules.load(rules_path)
    end = date.fromisoformat(day) if day else datetime.now(UTC).date()
    wanted = None if all_days else alerts.days_to_check(end, rules, days)
    series, checked, first = read_series_task(
        settings.store_target, settings.lock_wait_s, wanted, rules.window_days
    )
    spikes = alerts.detect(series, checked, rules, first_day=first)
    new = record_task(settings.store_target, settings.lock_wait_s, spikes, datetime.now(UTC))

    span = f"{min(checked)}..{max(checked)}" if checked else "no data"
    line = f"detect-spikes: {len(spikes)} spikes ({new} new) on {len(checked)} days ({span})"
    create_table_artifact(key="topic-spikes", table=_rows(spikes), description=line)
    logger.info(line)
    for spike in spikes[-LOGGED_SPIKES:]:
        logger.info("spike %s", alerts.describe(spike))
    return {"days": len(checked), "spikes": len(spikes), "new": new}
