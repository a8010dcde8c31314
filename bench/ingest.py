"""Drive ``bench.ingest_worker``: send it runs, read their timings, sample its memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.procmon import Sampler


class IngestWorker:
    """A running ``bench.ingest_worker`` with a memory sampler on its process tree."""

    def __init__(self, prefect_home: Path, log: Path, api_url: str | None = None) -> None:
        env = {
            **os.environ,
            "PREFECT_HOME": str(prefect_home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "WARNING",
        }
        if api_url:  # a long-lived server, as `mediawatch serve` runs; else a temporary one
            env["PREFECT_API_URL"] = api_url
        else:
            env.pop("PREFECT_API_URL", None)
        prefect_home.mkdir(parents=True, exist_ok=True)
        self._log = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.ingest_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env=env,
        )
        self.sampler = Sampler(self.proc.pid).__enter__()

    def run(
        self, feeds: Path, db: Path, copy_from: Path | None = None, keep: bool = False
    ) -> dict[str, Any]:
        """One flow run; returns {seconds, summary, peak_rss_bytes, ...}."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        spec = {
            "feeds": str(feeds),
            "db": str(db),
            "keep": keep,
            "copy_from": str(copy_from) if copy_from else None,
        }
        self.proc.stdin.write(json.dumps(spec) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            raise RuntimeError(f"ingest worker died (exit {code}); see {self._log.name}")
        result = json.loads(line)
        result["peak_rss_bytes"] = self.sampler.peak(result["start"], result["end"])
        return result

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.sampler.__exit__()
        self._log.close()

    def __enter__(self) -> IngestWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
