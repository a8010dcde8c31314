"""Fixed cost of a scheduled run: a whole ``mediawatch ingest`` process when every feed says 304."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mediawatch.config import PROJECT_ROOT


def cli_run(feeds: Path, db: Path, prefect_home: Path, api_url: str | None = None) -> float:
    """Wall seconds of ``python -m flows.cli ingest --feeds F --db D`` (the console script)."""
    env = {
        **os.environ,
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    env.pop("PREFECT_API_URL", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "ingest", "--feeds", str(feeds), "--db", str(db)],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"mediawatch ingest failed: {done.stderr[-2000:]}")
    return seconds


@contextmanager
def prefect_server(prefect_home: Path, port: int, log: Path) -> Iterator[tuple[str, float]]:
    """A long-lived ``prefect server start`` (what ``mediawatch serve`` runs); yields its API
    URL and how long it took to become healthy. Stopped (its process group) on exit."""
    env = {
        **os.environ,
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    prefect = Path(sys.executable).with_name("prefect")
    started = time.perf_counter()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"prefect server did not start; see {log}")
            time.sleep(0.25)
        yield url, time.perf_counter() - started
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
