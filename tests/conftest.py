"""Shared test fixtures: an isolated Prefect home, one Prefect harness per session, paths."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

# Before anything imports Prefect: keep it local, offline and out of the user's ~/.prefect.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="mediawatch-test-prefect-")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# Fast retries and short lock waits in tests.
os.environ["MEDIAWATCH_FETCH_RETRY_DELAY"] = "0"
os.environ["MEDIAWATCH_FETCH_RETRIES"] = "1"
os.environ.pop("MEDIAWATCH_DB", None)

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session (~10 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repository (CI has it; a user's clone may not)."""
    if not SHARED.is_dir():
        pytest.skip(
            f"{SHARED} is absent: the shared fixtures are only on developer and CI machines"
        )
    return SHARED


@pytest.fixture
def conn() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory database with the current schema (modules needing a file define their own)."""
    from mediawatch import store

    db = duckdb.connect(":memory:")
    store.migrate(db)
    yield db
    db.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "mediawatch.duckdb"


@pytest.fixture(autouse=True)
def _restore_main_module() -> Iterator[None]:
    """Undo Streamlit AppTest's ``sys.modules['__main__'] = dashboard/app.py`` after each test.

    Left in place, every later process pool (pipeline.py; its workers re-import the main
    module) re-runs the dashboard script in its workers, which die, and the ingest flow fails
    with BrokenProcessPool.
    """
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main
