"""Keep an installed package out of a process that does not need it.

DuckDB's Python client imports pandas the first time it binds a query parameter, only so that
it can recognise pandas values; pandas in turn loads pyarrow and numpy. In the ingest flow that
is ~85 MB of a run's peak memory (docs/performance.md) for values it never passes. DuckDB and
pyarrow both treat pandas as absent when importing it fails, so the ingest flow hides it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.machinery import ModuleSpec


class _Hidden:
    """A meta-path finder that makes imports of some top-level packages fail."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def find_spec(
        self, name: str, path: object = None, target: object = None
    ) -> ModuleSpec | None:
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r} (hidden by mediawatch)", name=name)
        return None  # not ours: the next finder decides


@contextmanager
def hidden(*names: str) -> Iterator[frozenset[str]]:
    """Make ``import <name>`` fail inside the block, for packages not imported yet.

    Yields the names actually hidden: a package some code already imported stays usable (hiding
    it then would only break that code's later imports of its submodules). Afterwards imports
    work again, and DuckDB and pyarrow look for pandas anew. Process-wide while it lasts: a
    first import of a hidden package from another thread fails too.
    """
    fresh = frozenset(n for n in names if n not in sys.modules)
    if not fresh:
        yield fresh
        return
    finder = _Hidden(fresh)
    sys.meta_path.insert(0, finder)
    try:
        yield fresh
    finally:
        sys.meta_path.remove(finder)
