"""The ``mediawatch`` command: parses arguments and calls flows; prints one-line errors."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys

from mediawatch.config import PROJECT_ROOT, apply_prefect_environment, load_settings

EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mediawatch", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("ingest", help="poll the feeds once and store new articles")
    s.add_argument("--feeds", help="feeds CSV (default seeds/feeds.csv)")
    s.add_argument("--db", help="DuckDB file (default data/mediawatch.duckdb or $MEDIAWATCH_DB)")
    s.add_argument("--due-only", action="store_true", help="only feeds whose next fetch is due")
    s.add_argument("--shard", type=int, default=0, help="this worker's shard (0-based)")
    s.add_argument("--shards", type=int, default=1, help="number of shards")

    s = sub.add_parser("demo", help="build the demo DB from the bundled sample, open dashboard")
    s.add_argument("--db")
    s.add_argument("--no-dashboard", action="store_true")
    s.add_argument("--port", type=int, default=8501, help="dashboard port")

    s = sub.add_parser("serve", help="run the scheduled deployments (Ctrl-C stops)")
    s.add_argument("--interval", type=int, default=15, help="ingest interval in minutes")
    s.add_argument("--dashboard", action="store_true", help="also run the dashboard")
    s.add_argument("--port", type=int, default=8501, help="dashboard port")

    s = sub.add_parser("dashboard", help="run the Streamlit dashboard")
    s.add_argument("--db")
    s.add_argument("--port", type=int, default=8501)

    s = sub.add_parser("retag", help="re-tag stored articles with the current rules")
    s.add_argument("--db")

    s = sub.add_parser("alerts", help="detect topic spikes and record them in the alerts view")
    s.add_argument("--db")
    s.add_argument("--day", help="last day to evaluate, YYYY-MM-DD (default: today, UTC)")
    s.add_argument("--days", type=int, help="days to evaluate up to --day (default: seeds)")
    s.add_argument("--all", action="store_true", help="evaluate every day the store holds")

    s = sub.add_parser("tag", help="tag JSONL items: {id, lang?, title, summary} per line")
    s.add_argument("--input", required=True, help="JSONL file, or - for stdin")

    s = sub.add_parser("eval", help="precision/recall/F1 of the tagger on labelled JSONL")
    s.add_argument("--input", required=True)
    return p


def _dashboard_process(target: str, port: int) -> subprocess.Popen:
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "dashboard" / "app.py"),
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
    ]
    print(f"mediawatch: dashboard on http://127.0.0.1:{port} (Ctrl-C stops)", flush=True)
    key = "MEDIAWATCH_STORAGE" if target.startswith("ducklake:") else "MEDIAWATCH_DB"
    # its own session: a Ctrl-C in the terminal reaches `mediawatch`, which stops it in order
    return subprocess.Popen(cmd, env={**os.environ, key: target}, start_new_session=True)


def _wait(proc: subprocess.Popen) -> int:
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        return proc.wait()


def _run(args: argparse.Namespace) -> int:
    settings = load_settings().with_db(getattr(args, "db", None))
    if args.command == "tag":
        from mediawatch.evaluate import main_tag

        return main_tag(args.input, sys.stdout)
    if args.command == "eval":
        from mediawatch.evaluate import main_eval

        return main_eval(args.input, sys.stdout)
    if args.command == "dashboard":
        return _wait(_dashboard_process(settings.store_target, args.port))

    apply_prefect_environment(settings)
    if args.command == "ingest":
        from flows.ingest import ingest
        from mediawatch.preflight import check_ingest_inputs

        # Before Prefect starts: a bad row or an unusable database is one line on stderr, not a
        # flow-run traceback (and no Prefect server is started just to fail).
        check_ingest_inputs(settings, args.feeds)
        ingest(
            feeds_file=args.feeds, db=settings.store_target, due_only=args.due_only,
            shard=args.shard, shards=args.shards,
        )
        return 0
    if args.command == "demo":
        from flows.demo import build_demo

        summary = build_demo(settings.store_target)
        print(f"mediawatch: demo database {settings.store_target}: {summary}", flush=True)
        if args.no_dashboard:
            return 0
        return _wait(_dashboard_process(settings.store_target, args.port))
    if args.command == "retag":
        from flows.retag import retag
        from mediawatch.preflight import check_store

        check_store(settings)
        impact = retag(db=settings.store_target)
        for topic, change in impact.items():
            print(f"mediawatch retag: {topic}: +{change['added']} / -{change['removed']}")
        if not impact:
            print("mediawatch retag: no tag changed")
        return 0
    if args.command == "alerts":
        from datetime import date

        from flows.alerts import detect_spikes
        from mediawatch.alerts import RULES_FILE, AlertRules

        AlertRules.load(settings.seeds_dir / RULES_FILE)  # a bad rules file: one line, no Prefect
        if args.day:
            date.fromisoformat(args.day)
        summary = detect_spikes(
            db=settings.store_target, day=args.day, days=args.days, all_days=args.all
        )
        print(
            f"mediawatch alerts: {summary['spikes']} spikes ({summary['new']} new) "
            f"on {summary['days']} days",
            flush=True,
        )
        return 0
    if args.command == "serve":
        from flows.serve import serve_deployments

        dash = _dashboard_process(settings.store_target, args.port) if args.dashboard else None
        try:
            serve_deployments(settings, args.interval)
        except KeyboardInterrupt:
            pass
        finally:
            if dash is not None:
                dash.terminate()
                dash.wait(timeout=15)
        return 0
    raise AssertionError(args.command)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``mediawatch`` console script."""
    args = _parser().parse_args(argv)
    from mediawatch.seeds import SeedError
    from mediawatch.store import StoreError

    try:
        return _run(args)
    except (SeedError, StoreError, FileNotFoundError, ValueError) as exc:
        print(f"mediawatch {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
