"""``mediawatch serve``: run the scheduled deployments, on a local Prefect server if needed.

Prefect cannot schedule on its temporary in-process server, so when ``PREFECT_API_URL`` is not
set this starts ``prefect server start`` on 127.0.0.1 (SQLite under the project's PREFECT_HOME)
and stops it on exit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from mediawatch.config import Settings

SERVER_PORT = 4200


def _wait_healthy(api_url: str, proc: subprocess.Popen, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with code {proc.returncode}")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"prefect server not healthy at {api_url} after {timeout_s:.0f} s")


@contextmanager
def prefect_api(settings: Settings, port: int = SERVER_PORT) -> Iterator[str]:
    """Yield a Prefect API URL: the user's ``PREFECT_API_URL``, or a local server started here."""
    existing = os.environ.get("PREFECT_API_URL")
    if existing:
        yield existing
        return
    settings.prefect_home.mkdir(parents=True, exist_ok=True)
    api_url = f"http://127.0.0.1:{port}/api"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env={**os.environ, "PREFECT_HOME": str(settings.prefect_home)},
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C reaches `serve`, which stops the server after the runner
    )
    try:
        _wait_healthy(api_url, proc)
        yield api_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def serve_deployments(settings: Settings, interval_minutes: int = 15) -> None:
    """Register and run the deployments until interrupted (Ctrl-C)."""
    from prefect import serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with prefect_api(settings) as api_url, temporary_settings({PREFECT_API_URL: api_url}):
        from flows.deployments import deployments

        print(f"mediawatch: serving deployments on {api_url} (Ctrl-C stops)", flush=True)
        serve(*deployments(interval_minutes))
