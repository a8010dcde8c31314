"""optional_imports.hidden: a package not imported yet cannot be imported inside the block."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mediawatch import optional_imports

ROOT = Path(__file__).resolve().parents[1]

# run in a fresh interpreter: this test process may have imported pandas already
SCRIPT = """
import datetime, json, sys
import duckdb
from mediawatch.optional_imports import hidden
seen = {}
with hidden("pandas", "json") as names:
    seen["hidden"] = sorted(names)
    conn = duckdb.connect()
    seen["row"] = conn.execute("select ?, ?", [41 + 1, datetime.date(2025, 1, 2)]).fetchall()[0][0]
    seen["inside"] = sorted(m for m in ("pandas", "pyarrow", "numpy") if m in sys.modules)
    try:
        import pandas
    except ModuleNotFoundError as exc:
        seen["error"] = str(exc)
import pandas
seen["after"] = pandas.DataFrame({"a": [1]}).shape[0]
seen["df"] = len(conn.execute("select 1 as a").df())
print(json.dumps(seen))
"""


def test_hidden_package_fails_to_import_and_comes_back_afterwards() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    import json

    seen = json.loads(out.stdout)
    assert seen["hidden"] == ["pandas"]  # json was imported already: left alone
    assert seen["row"] == 42  # DuckDB binds parameters without pandas ...
    assert seen["inside"] == []  # ... and so never loads pyarrow or numpy either
    assert "hidden by mediawatch" in seen["error"]
    assert seen["after"] == 1 and seen["df"] == 1  # usable again, by DuckDB too


def test_an_imported_package_is_never_hidden() -> None:
    before = list(sys.meta_path)
    with optional_imports.hidden("subprocess") as names:
        assert names == frozenset()
        assert sys.meta_path == before
        import subprocess as again  # noqa: F401 - still importable
    assert sys.meta_path == before
