"""Re-tag stored articles with the current rules and report the impact per topic."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mediawatch import staging, store
from mediawatch.sqlfiles import load_sql
from mediawatch.tagging import Rules

PAGE_SIZE = 20_000


@dataclass
class RetagReport:
    """What a retag run changed."""

    rules_version: str
    articles: int = 0
    added: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        """Human-readable impact, one line per topic."""
        topics = sorted(set(self.added) | set(self.removed))
        out = [f"retag: {self.articles} articles with rules {self.rules_version}"]
        out += [f"  {t}: +{self.added[t]} / -{self.removed[t]}" for t in topics]
        if not topics:
            out.append("  no tag changed")
        return out


def retag_database(
    db_path: Path,
    rules: Rules,
    *,
    page_size: int = PAGE_SIZE,
    wait_s: float = 30.0,
    progress: Callable[[int], None] | None = None,
) -> RetagReport:
    """Re-tag every stored article, one short write transaction per page of articles."""
    report = RetagReport(rules_version=rules.version)
    after = ""
    while True:
        with store.writer(db_path, wait_s=wait_s) as conn:
            rows = conn.execute(
                load_sql("store/retag_page"), {"after": after, "page_size": page_size}
            ).fetchall()
            if not rows:
                return report
            staging.stage(conn, "page_ids", ({"article_id": r[0]} for r in rows))
            staging.stage(
                conn,
                "page_tags",
                (
                    {"article_id": article_id, "topic": topic, "matched_terms": matched}
                    for article_id, title, summary, lang in rows
                    for topic, matched in rules.tag(title, summary, lang).items()
                ),
            )
            with store.transaction(conn):
                for topic, added, removed in conn.execute(
                    load_sql("store/retag_impact")
                ).fetchall():
                    report.added[topic] += added
                    report.removed[topic] += removed
                conn.execute(load_sql("store/retag_replace"), {"rules_version": rules.version})
        report.articles += len(rows)
        after = rows[-1][0]
        if progress is not None:
            progress(report.articles)
