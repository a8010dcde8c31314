"""Load SQL text from ``sql/`` by name: SQL lives in .sql files, not in Python strings."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from mediawatch.config import SQL_DIR


@cache
def load_sql(name: str, sql_dir: Path = SQL_DIR) -> str:
    """Return the text of ``sql/<name>.sql``; ``name`` may hold a sub-folder (``store/x``)."""
    path = sql_dir / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file named {name!r} (looked for {path})")
    return path.read_text(encoding="utf-8")


def migration_files(sql_dir: Path = SQL_DIR) -> list[tuple[int, Path]]:
    """Numbered migrations ``sql/migrations/NNN_name.sql`` in the order they apply."""
    found = []
    for path in sorted((sql_dir / "migrations").glob("[0-9][0-9][0-9]_*.sql")):
        found.append((int(path.name[:3]), path))
    return found


def view_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    """``views.sql`` first, then any ``views_*.sql`` (feature views) in name order."""
    return [sql_dir / "views.sql", *sorted(sql_dir.glob("views_*.sql"))]
