"""Assign new articles to stories, incrementally, inside the batch writer's transaction.

``assign_stories(conn, now)`` reads the ``new_articles`` temp table the writer staged and
inserted, loads only the stored articles of the same languages inside the time window around
them (``sql/store/stories_window.sql``), and gives each new article, oldest first, the story of

1. its translations: hreflang alternates stored in ``article_links`` (either direction), and
2. its most similar article in the window (``storymatch.score``), if any;

otherwise it founds a story of its own (story_id = its article_id). When a new article ties
two existing stories together (its translation is in one, its wire copy in another), the
stories merge under the oldest one. Cost: O(new + window) rows read and at most
O(new x window) comparisons, never a recompute of older stories. Articles whose title was
made from a URL slug join stories only through translation links: transliterated slugs differ
between outlets and repeat within one ("news-viyna-rosia-vtraty" every day).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import duckdb
import pyarrow as pa

from mediawatch.models import Article
from mediawatch.normalize import canonical_url
from mediawatch.sqlfiles import load_sql
from mediawatch.storymatch import WINDOW, Doc, WindowIndex, make_doc

_TS = pa.timestamp("us", tz="UTC")
LINK_WINDOW = timedelta(days=3)  # translations are published within hours; 3 days is generous
# Matcher views of recently seen articles. The window around each batch reloads the same stored
# articles again and again (a 100 k-item run built each one ~4 times); make_doc is a pure
# function of its arguments, so remembering it is exact. ~5 KB a doc as measured (RSS), so the
# cache is kept to about one busy day of articles: 50 k docs held ~250 MB in the writer process.
_doc = lru_cache(maxsize=12_000)(make_doc)


@dataclass(frozen=True)
class StoryStats:
    """What one assignment pass did (and how much it looked at)."""

    new_articles: int = 0
    joined: int = 0  # new articles that joined an existing or batch story
    window_articles: int = 0  # stored articles loaded as candidates
    comparisons: int = 0  # pairwise similarity evaluations
    merges: int = 0  # stories folded into another


def links_table(articles: Sequence[Article]) -> pa.Table:
    """The hreflang alternates of ``articles`` as rows of article_links."""
    rows = [
        (a.article_id, lang, url, canonical_url(url))
        for a in articles
        for lang, url in a.alternates
        if url
    ]
    names = ("article_id", "hreflang", "url", "canonical_url")
    return pa.table({n: pa.array([r[i] for r in rows], pa.string()) for i, n in enumerate(names)})


def record_links(conn: duckdb.DuckDBPyConnection, articles: Sequence[Article]) -> None:
    """Store the translation links of the batch's new articles (needs ``new_articles``)."""
    batch_links = links_table(articles)  # noqa: F841 - read by the SQL below
    if batch_links.num_rows:
        conn.execute(load_sql("store/stories_insert_links"))


class _Stories:
    """Union-find over story ids; the representative of a merge is the oldest story."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.first: dict[str, tuple[bool, datetime, str]] = {}  # story -> (is_new, seen, id)

    def see(self, story: str, at: datetime, is_new: bool) -> None:
        key = (is_new, at, story)
        self.first[story] = min(self.first.get(story, key), key)
        self.parent.setdefault(story, story)

    def find(self, story: str) -> str:
        while self.parent[story] != story:
            self.parent[story] = self.parent[self.parent[story]]
            story = self.parent[story]
        return story

    def union(self, a: str, b: str) -> str:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        keep, drop = sorted((ra, rb), key=lambda s: self.first[s])
        self.parent[drop] = keep
        self.first[keep] = min(self.first[keep], self.first[drop])
        return keep


def assign_stories(
    conn: duckdb.DuckDBPyConnection, now: datetime, *, window: timedelta = WINDOW
) -> StoryStats:
    """Give every article in ``new_articles`` a story; run inside the writer's transaction.

    ``window`` bounds the similarity candidates loaded around the batch (default: the
    matcher's own 24 h); translation links are looked up within ``LINK_WINDOW``.
    """
    new_rows = conn.execute(load_sql("store/stories_new")).fetchall()
    if not new_rows:
        return StoryStats()
    times = [r[5] for r in new_rows]
    lo, hi = min(times) - window, max(times) + window
    link_lo, link_hi = min(times) - LINK_WINDOW, max(times) + LINK_WINDOW
    langs = sorted({r[4] for r in new_rows if not r[6]})
    window_rows = (
        conn.execute(
            load_sql("store/stories_window"), {"lo": lo, "hi": hi, "langs": langs}
        ).fetchall()
        if langs
        else []
    )
    links: dict[str, list[tuple[str, str | None]]] = {}
    for article_id, other_id, other_story in conn.execute(
        load_sql("store/stories_links"), {"lo": link_lo, "hi": link_hi}
    ).fetchall():
        links.setdefault(article_id, []).append((other_id, other_story))

    stories = _Stories()
    index = WindowIndex()
    for aid, outlet, title, summary, lang, published, _slug, story_id in window_rows:
        stories.see(story_id, published, is_new=False)
        index.add(_doc(aid, outlet, lang, published, title, summary), story_id)
    for _aid, partners in links.items():
        for _other, other_story in partners:
            if other_story is not None:
                stories.see(other_story, now, is_new=False)

    assigned: dict[str, str] = {}
    joined = 0
    for aid, outlet, title, summary, lang, published, slug in new_rows:
        found: list[str] = []
        for other_id, other_story in links.get(aid, ()):
            story = other_story or assigned.get(other_id)
            if story is not None:
                found.append(story)
        doc: Doc | None = None
        if not slug:
            doc = _doc(aid, outlet, lang, published, title, summary)
            match = index.best_match(doc)
            if match is not None:
                found.append(index.story[match[0].article_id])
        if found:
            story = found[0]
            for other in found[1:]:
                story = stories.union(story, other)
            story = stories.find(story)
            joined += 1
        else:
            story = aid
            stories.see(story, published, is_new=True)
        assigned[aid] = story
        if doc is not None:
            index.add(doc, story)

    merges = _write(conn, stories, assigned, now)
    return StoryStats(len(new_rows), joined, len(window_rows), index.comparisons, merges)


def _write(
    conn: duckdb.DuckDBPyConnection, stories: _Stories, assigned: dict[str, str], now: datetime
) -> int:
    """Insert the new articles' stories and relabel merged stored stories; return merges."""
    story_assignments = pa.table(  # noqa: F841 - read by the SQL below
        {
            "article_id": pa.array(list(assigned), pa.string()),
            "story_id": pa.array([stories.find(s) for s in assigned.values()], pa.string()),
            "assigned_at": pa.array([now] * len(assigned), _TS),
        }
    )
    conn.execute(load_sql("store/stories_insert"))
    merged = [(s, stories.find(s)) for s in stories.parent if stories.find(s) != s]
    story_merges = pa.table(  # noqa: F841 - read by the SQL below
        {
            "old_story_id": pa.array([m[0] for m in merged], pa.string()),
            "new_story_id": pa.array([m[1] for m in merged], pa.string()),
        }
    )
    if merged:
        conn.execute(load_sql("store/stories_merge"))
    conn.execute(load_sql("store/stories_summary"))  # stories_raw rows of the touched stories
    return len(merged)
