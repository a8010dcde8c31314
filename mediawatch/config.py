"""Settings from the environment: the only module that reads ``os.environ``.

Every value has a local default so a fresh clone works with no configuration.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
DEFAULT_SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"

USER_AGENT = (
    "mediawatch/0.1 (+https://github.com/mediawatch/mediawatch; news coverage research)"
)


@dataclass(frozen=True)
class HttpLimits:
    """Per-feed fetch limits. Generous for real feeds, tight enough to survive hostile ones."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    deadline_s: float = 60.0  # whole fetch of one feed, headers to last byte
    max_body_bytes: int = 20 * 1024 * 1024  # after gzip inflation too
    max_redirects: int = 5
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Settings:
    """Runtime configuration for one process."""

    db_path: Path = DEFAULT_DATA_DIR / "mediawatch.duckdb"
    storage: str = ""  # "" = the DuckDB file at db_path; "ducklake:..." selects DuckLake
    seeds_dir: Path = DEFAULT_SEEDS_DIR
    data_dir: Path = DEFAULT_DATA_DIR
    prefect_home: Path = DEFAULT_DATA_DIR / "prefect"
    http: HttpLimits = field(default_factory=HttpLimits)
    fetch_concurrency: int = 8
    fetch_retries: int = 2
    fetch_retry_delay_s: float = 5.0
    write_batch_articles: int = 2000
    lock_wait_s: float = 30.0  # how long a reader or writer waits for the DuckDB file lock

    @property
    def feeds_file(self) -> Path:
        return self.seeds_dir / "feeds.csv"

    @property
    def topics_file(self) -> Path:
        return self.seeds_dir / "topics.yaml"

    @property
    def events_file(self) -> Path:
        return self.seeds_dir / "events.csv"

    @property
    def store_target(self) -> str:
        """What ``store.connect`` opens: the DuckLake spec if storage selects one, else the file."""
        return self.storage or str(self.db_path)

    def with_db(self, db_path: str | Path | None) -> Settings:
        """Return a copy using another store (CLI ``--db``): a DuckDB file or a DuckLake spec."""
        if db_path is None:
            return self
        if str(db_path).startswith("ducklake:"):
            return replace(self, storage=str(db_path))
        return replace(self, db_path=Path(db_path), storage="")


def _float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not a number") from exc


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from environment variables (``MEDIAWATCH_*``), falling back to defaults."""
    env = dict(os.environ) if env is None else env
    data_dir = Path(env.get("MEDIAWATCH_DATA_DIR", str(DEFAULT_DATA_DIR)))
    http = HttpLimits(
        connect_timeout_s=_float(env, "MEDIAWATCH_CONNECT_TIMEOUT", HttpLimits.connect_timeout_s),
        read_timeout_s=_float(env, "MEDIAWATCH_READ_TIMEOUT", HttpLimits.read_timeout_s),
        deadline_s=_float(env, "MEDIAWATCH_FEED_DEADLINE", HttpLimits.deadline_s),
        max_body_bytes=int(_float(env, "MEDIAWATCH_MAX_BODY_BYTES", HttpLimits.max_body_bytes)),
    )
    db_path = Path(env.get("MEDIAWATCH_DB", str(data_dir / "mediawatch.duckdb")))
    storage = env.get("MEDIAWATCH_STORAGE", "")
    if storage.startswith("duckdb:"):  # explicit form of the default backend
        db_path, storage = Path(storage.removeprefix("duckdb:")), ""
    return Settings(
        db_path=db_path,
        storage=storage,
        seeds_dir=Path(env.get("MEDIAWATCH_SEEDS", str(DEFAULT_SEEDS_DIR))),
        data_dir=data_dir,
        prefect_home=Path(env.get("PREFECT_HOME", str(data_dir / "prefect"))),
        http=http,
        fetch_concurrency=int(_float(env, "MEDIAWATCH_FETCH_CONCURRENCY", 8)),
        fetch_retries=int(_float(env, "MEDIAWATCH_FETCH_RETRIES", 2)),
        fetch_retry_delay_s=_float(env, "MEDIAWATCH_FETCH_RETRY_DELAY", 5.0),
        lock_wait_s=_float(env, "MEDIAWATCH_LOCK_WAIT", 30.0),
    )


def prefect_environment(settings: Settings) -> dict[str, str]:
    """Environment defaults that keep Prefect local and offline (applied with setdefault)."""
    return {
        "PREFECT_HOME": str(settings.prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # the temporary API server starts in ~10 s, slower on a busy 2-core machine
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_API_ENABLE_HTTP2": "false",
        "PREFECT_LOGGING_LEVEL": "INFO",
    }


def apply_prefect_environment(settings: Settings) -> None:
    """Set Prefect's offline defaults in this process unless the user already set them."""
    for key, value in prefect_environment(settings).items():
        os.environ.setdefault(key, value)
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
