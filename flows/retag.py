"""Prefect flow ``retag``: re-tag stored articles after the rules in seeds/topics.yaml change."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from mediawatch.config import load_settings
from mediawatch.retag import retag_database
from mediawatch.tagging import Rules


@flow(name="retag", log_prints=False)
def retag(db: str | None = None) -> dict[str, dict[str, int]]:
    """Re-tag every stored article; log progress and the per-topic impact (+added / -removed)."""
    logger = get_run_logger()
    settings = load_settings().with_db(db)
    rules = Rules.load(settings.topics_file)
    report = retag_database(
        settings.store_target,
        rules,
        wait_s=settings.lock_wait_s,
        progress=lambda n: logger.info("retag: %d articles re-tagged", n),
    )
    for line in report.lines():
        logger.info(line)
    create_markdown_artifact(
        key="retag-impact", markdown="\n".join(["```", *report.lines(), "```"])
    )
    topics = sorted(set(report.added) | set(report.removed))
    return {t: {"added": report.added[t], "removed": report.removed[t]} for t in topics}
