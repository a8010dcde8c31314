"""DuckLake storage: several processes write one store at once while others read it.

A spec names the catalog and the data path: ``ducklake:sqlite:CATALOG:DATA_PATH`` (local),
``ducklake:postgres:LIBPQ:DATA_PATH`` (production, e.g. ``...:s3://bucket/lake/``). A
connection is an in-memory DuckDB with the catalog attached as ``lake`` and made the default.

DuckLake commits optimistically: when two writers' transactions overlap, the second commit
fails and its transaction rolls back. :func:`retrying` reruns the whole unit of work (one
transaction, or idempotent statements), which then sees the first writer's rows.
"""

from __future__ import annotations

import functools
import importlib.util
import random
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

import duckdb

PREFIX = "ducklake:"
ALIAS = "lake"
CATALOG_KINDS = ("sqlite", "postgres", "duckdb")
RETRY_WAIT_S = 60.0  # give up on a unit of work after this long losing commit races

P = ParamSpec("P")
T = TypeVar("T")

# Counts for this process: conflicts seen (each one retried) and units of work that gave up.
STATS: Counter[str] = Counter()

# DATA_PATH: an optional URL scheme ("s3://"), then no colon; the catalog is everything before.
_SPEC = re.compile(r"^(?P<catalog>.+?):(?P<data>(?:[a-z][a-z0-9+.-]*://)?[^:]*)$")
_CONFLICT = re.compile(
    r"failed to commit|conflict|database is locked|busy|most recent snapshot", re.IGNORECASE
)


class LakeError(RuntimeError):
    """The DuckLake store cannot be used: bad spec, missing extension, missing catalog."""


@dataclass(frozen=True)
class LakeSpec:
    """A parsed ``ducklake:KIND:CATALOG:DATA_PATH`` spec."""

    kind: str
    catalog: str
    data_path: str

    @property
    def attach_target(self) -> str:
        return f"ducklake:{self.kind}:{self.catalog}"

    @property
    def extensions(self) -> list[str]:
        """Extensions to load, catalog client first."""
        needed = [] if self.kind == "duckdb" else [self.kind]
        if "://" in self.data_path:
            needed.append("httpfs")
        return [*needed, "ducklake"]


def is_lake(target: object) -> bool:
    """True when ``target`` is a DuckLake spec rather than a DuckDB file path."""
    return isinstance(target, str) and target.startswith(PREFIX)


def _local(path: str) -> str:
    return str(Path(path).expanduser().resolve())


def parse_spec(spec: str) -> LakeSpec:
    """Parse a spec; local paths become absolute. Raises LakeError with the reason."""
    if not is_lake(spec):
        raise LakeError(f"{spec!r} is not a DuckLake spec (it must start with {PREFIX!r})")
    kind, _, rest = spec.removeprefix(PREFIX).partition(":")
    if kind not in CATALOG_KINDS:
        raise LakeError(f"{spec!r}: catalog kind must be one of {', '.join(CATALOG_KINDS)}")
    match = _SPEC.match(rest)
    if not rest or match is None or not match["data"]:
        if kind == "postgres" or not rest:
            raise LakeError(f"{spec!r}: expected ducklake:{kind}:CATALOG:DATA_PATH")
        catalog, data = rest, rest + ".files/"  # DuckLake's own default beside the catalog
    else:
        catalog, data = match["catalog"], match["data"]
    if kind != "postgres":
        catalog = _local(catalog)
    if "://" not in data:
        data = _local(data) + "/"
    return LakeSpec(kind=kind, catalog=catalog, data_path=data)


def extension_file(name: str) -> Path:
    """The binary of the ``duckdb-extension-<name>`` package matching this DuckDB version."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    version = duckdb.__version__
    if spec is None or not spec.submodule_search_locations:
        raise LakeError(
            f"DuckDB extension {name!r} is not installed: "
            f"pip install duckdb-extension-{name}=={version}"
        )
    folder = Path(next(iter(spec.submodule_search_locations)))
    path = folder / "extensions" / f"v{version}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise LakeError(f"{path} is missing: duckdb-extension-{name} must be version {version}")
    return path


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _prepare_sqlite_catalog(path: str, read_only: bool) -> None:
    """Create the catalog in WAL mode: readers then never block a committing writer."""
    if read_only:
        if not Path(path).is_file():
            raise LakeError(f"DuckLake catalog {path} does not exist yet: run `mediawatch ingest`")
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path, timeout=30) as db:
        if db.execute("pragma journal_mode").fetchone()[0].lower() != "wal":
            db.execute("pragma journal_mode=wal")
    db.close()


def _open(spec: LakeSpec, read_only: bool) -> duckdb.DuckDBPyConnection:
    if spec.kind == "sqlite":
        _prepare_sqlite_catalog(spec.catalog, read_only)
    elif spec.kind == "duckdb" and read_only and not Path(spec.catalog).is_file():
        raise LakeError(f"DuckLake catalog {spec.catalog} does not exist yet")
    if "://" not in spec.data_path and not read_only:
        Path(spec.data_path).mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    try:
        for name in spec.extensions:
            conn.execute(f"install {_quote(str(extension_file(name)))}")
            conn.execute(f"load {name}")
        options = f"DATA_PATH {_quote(spec.data_path)}" + (", READ_ONLY" if read_only else "")
        attach = f"attach {_quote(spec.attach_target)} as {ALIAS} ({options})"
        retrying(conn.execute)(attach)  # two first-time writers may race to create the catalog
    except duckdb.Error as exc:
        conn.close()
        if read_only and "does not exist" in str(exc):  # catalog file made, lake not yet
            raise LakeError(f"DuckLake {spec.attach_target} does not exist yet") from exc
        raise LakeError(f"cannot attach DuckLake {spec.attach_target}: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return conn


_instances: dict[tuple[LakeSpec, bool], duckdb.DuckDBPyConnection] = {}
_instances_lock = threading.Lock()


def connect(spec: str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection (cursor) with ``lake`` as default catalog; closing it keeps the attachment.

    Loading the extensions and attaching costs ~0.2-0.5 s, so each process attaches once per
    (spec, mode) and hands out cursors; every transaction still sees the latest snapshot.
    """
    key = (parse_spec(spec), read_only)
    with _instances_lock:
        base = _instances.get(key)
        if base is None:
            base = _instances[key] = _open(*key)
    cursor = base.cursor()
    cursor.execute(f"use {ALIAS}")
    return cursor


def exists(spec: str) -> bool:
    """True when the lake's catalog exists (a PostgreSQL catalog is assumed to)."""
    parsed = parse_spec(spec)
    return parsed.kind == "postgres" or Path(parsed.catalog).is_file()


def snapshot_stamp(conn: duckdb.DuckDBPyConnection) -> str:
    """The lake's latest snapshot id: changes exactly when a writer commits (cache keys)."""
    row = conn.execute(f"select max(snapshot_id) from ducklake_snapshots('{ALIAS}')").fetchone()
    return f"snapshot:{row[0]}"


def close_all() -> None:
    """Detach every lake this process opened (tests, shutdown)."""
    with _instances_lock:
        for conn in _instances.values():
            conn.close()
        _instances.clear()


def is_conflict(exc: BaseException) -> bool:
    """True for a lost commit race (retry the unit of work), false for real errors."""
    return isinstance(exc, duckdb.Error) and bool(_CONFLICT.search(str(exc)))


def retrying(fn: Callable[P, T], *, wait_s: float = RETRY_WAIT_S) -> Callable[P, T]:
    """Wrap one unit of work (a transaction or idempotent statements) to rerun on conflicts.

    On a DuckDB file there are no commit races, so the wrapper just calls ``fn`` once.
    """

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        deadline = time.monotonic() + wait_s
        delay = 0.02
        while True:
            try:
                return fn(*args, **kwargs)
            except duckdb.Error as exc:
                if not is_conflict(exc):
                    raise
                STATS["conflicts"] += 1
                if time.monotonic() >= deadline:
                    STATS["gave_up"] += 1
                    raise
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 1.0)

    return run


def is_lake_connection(conn: duckdb.DuckDBPyConnection) -> bool:
    """True when the connection's default catalog is a DuckLake."""
    row = conn.execute(
        "select type from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return row is not None and row[0] == "ducklake"


_COMMENT = re.compile(r"--[^\n]*")
_TABLE_KEY = re.compile(r",\s*(?:primary\s+key|unique)\s*\([^)]*\)", re.IGNORECASE)
_COLUMN_KEY = re.compile(r"\s+(?:primary\s+key|unique)\b", re.IGNORECASE)


def adapt_ddl(sql: str) -> str:
    """Drop PRIMARY KEY / UNIQUE constraints, which DuckLake does not support.

    Uniqueness never depends on them: every write de-duplicates itself (anti-join or MERGE).
    On a DuckDB file the small tables keep theirs; the article tables have none (migration 006).
    """
    sql = _COMMENT.sub("", sql)
    return _COLUMN_KEY.sub("", _TABLE_KEY.sub("", sql))
