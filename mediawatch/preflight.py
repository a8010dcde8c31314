"""Checks run before a flow starts, so bad input costs one clear line and no Prefect start-up."""

from __future__ import annotations

from pathlib import Path

from mediawatch import store
from mediawatch.config import Settings
from mediawatch.seeds import load_feeds
from mediawatch.tagging import load_topics


def check_store(settings: Settings) -> None:
    """Open the database (creating or upgrading its schema); raise StoreError if unusable."""
    with store.writer(settings.store_target, wait_s=settings.lock_wait_s) as conn:
        store.migrate(conn)


def check_ingest_inputs(settings: Settings, feeds_file: str | Path | None) -> None:
    """Validate the feeds file, the topic rules and the database; raise with file:line: reason."""
    load_feeds(Path(feeds_file) if feeds_file else settings.feeds_file)
    load_topics(settings.topics_file.read_bytes(), settings.topics_file)
    check_store(settings)
