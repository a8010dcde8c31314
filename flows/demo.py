"""``mediawatch demo``: build the demo database from the bundled sample through the real flow."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from mediawatch import store
from mediawatch.config import load_settings
from mediawatch.sample_server import serve_directory

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "seeds" / "sample"
# A fixed port keeps the sample feeds' URLs (their identity in the feeds table) the same from one
# demo run to the next, so a rerun sends conditional GETs instead of adding new feeds.
DEMO_PORT = 8931


def build_demo(db: str | None = None, port: int = DEMO_PORT) -> dict[str, int]:
    """Serve ``seeds/sample/feeds`` on 127.0.0.1, run the ingest flow on it, mark the DB as demo,
    and detect topic spikes over the whole sample (so the dashboard can mark them)."""
    from flows.alerts import detect_spikes
    from flows.ingest import ingest

    settings = load_settings().with_db(db)
    with ExitStack() as stack:
        try:
            base_url = stack.enter_context(serve_directory(SAMPLE_DIR / "feeds", port=port))
        except OSError:  # the port is taken: any free one works, only the feed URLs differ
            print(f"mediawatch demo: port {port} is busy, serving the sample on a free port")
            base_url = stack.enter_context(serve_directory(SAMPLE_DIR / "feeds"))
        summary = ingest(
            feeds_file=str(SAMPLE_DIR / "feeds.csv"),
            db=settings.store_target,
            base_url=base_url,
            run_kind="demo",
        )
    with store.writer(settings.store_target, wait_s=settings.lock_wait_s) as conn:
        store.set_meta(conn, "built_by", "demo")
    detect_spikes(db=settings.store_target, all_days=True)
    return summary
