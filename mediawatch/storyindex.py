"""The stored articles a new article may join, bucketed by UTC day, kept for a whole run.

A new article published on day ``d`` is compared only with articles of days ``d-1 .. d+1``
(``score`` then keeps those within ``WINDOW``, 24 h). Buckets are filled from the database
once per run (``stories.assign_stories`` loads the days a batch needs and has not loaded), and
every article the run assigns is added to its bucket, so a run of many batches reads each
stored article at most once instead of once per batch.

Memory: held documents are stored by column, not as :class:`Doc` objects: their tokens as
numbers (a vocabulary maps each token to one) in one flat ``array``, with offsets, and their
publication times as floats: ~0.3 KB a document instead of ~0.6 (bench: ~57 -> ~30 MB for
100 k). ``best_match`` numbers the new article's tokens the same way and builds a ``Doc`` view
only for the few candidates it scores. When more than ``max_docs`` documents are held, the
least recently needed days are dropped (and loaded again if a later batch needs them).

Determinism: candidates are ranked by shared rare tokens, then by insertion order, so the same
sequence of batches gives the same stories whatever the hash seed.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

from mediawatch.storymatch import MIN_TITLE_JACCARD, SPAN, WINDOW, Doc, score

DAY_S = 86_400
# Candidate lookup skips a title token found in more than this many articles of the three
# days (same language): it identifies nothing, and the rarer tokens of the title still probe.
# 60 kept story P/R unchanged on the labelled pairs and cut the lookup cost (500 before).
MAX_POSTING = 60
MAX_CANDIDATES = 64  # most docs scored per new doc
MAX_DOCS = 200_000  # documents held before the least recently needed days are dropped


def day_of(when: datetime) -> int:
    """The UTC day number (days since 1970-01-01) of an aware datetime."""
    return int(when.timestamp() // DAY_S)


class Stories:
    """Union-find over story ids; a merge keeps the stored story first, then the oldest.

    ``begin_batch`` marks every story known so far as stored; stories founded after it are
    the batch's new ones until the next call. ``merges`` lists the stories folded in the
    current batch (their stored rows must be relabelled).
    """

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self._key: dict[str, tuple[datetime, str]] = {}  # story -> (first seen, id)
        self.earliest: dict[str, datetime] = {}  # root story -> earliest held member published
        self._new: set[str] = set()
        self.merges: list[str] = []

    def begin_batch(self) -> None:
        self._new.clear()
        self.merges = []

    def see(self, story: str, at: datetime, *, is_new: bool = False) -> None:
        """Record a story (stored, or founded by this batch) and when its first article ran."""
        key = (at, story)
        old = self._key.get(story)
        self._key[story] = key if old is None else min(old, key)
        self.parent.setdefault(story, story)
        if is_new:
            self._new.add(story)

    def add_member(self, story: str, published: datetime) -> None:
        """Record an article of ``story`` held for matching (for the story-span limit)."""
        self.see(story, published)
        root = self.find(story)
        first = self.earliest.get(root)
        if first is None or published < first:
            self.earliest[root] = published

    def _rank(self, story: str) -> tuple[bool, datetime, str]:
        return (story in self._new, *self._key[story])

    def find(self, story: str) -> str:
        while self.parent[story] != story:
            self.parent[story] = self.parent[self.parent[story]]
            story = self.parent[story]
        return story

    def union(self, a: str, b: str) -> str:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        keep, drop = sorted((ra, rb), key=self._rank)
        self.parent[drop] = keep
        self._key[keep] = min(self._key[keep], self._key[drop])
        if drop in self.earliest:
            dropped = self.earliest.pop(drop)
            self.earliest[keep] = min(self.earliest.get(keep, dropped), dropped)
        if drop not in self._new:
            self.merges.append(drop)
        return keep


class _Day:
    __slots__ = ("ids", "postings", "used")

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.postings: dict[str, dict[int, list[int]]] = {}  # lang -> token number -> doc ids
        self.used = 0


class StoryIndex:
    """Assigned articles by day with a token index; see the module docstring."""

    def __init__(self, max_docs: int = MAX_DOCS) -> None:
        self.max_docs = max_docs
        self.clear()

    def clear(self) -> None:
        """Forget everything (after a failed batch: what it added was never stored)."""
        self.stories = Stories()
        self.synced_at: datetime | None = None  # when held days were last brought up to date
        self.comparisons = 0
        # held documents by column, indexed by doc id (None / "" once their day is dropped)
        self._article_id: list[str | None] = []
        self._outlet: list[str] = []
        self._lang: list[str] = []
        self._story: list[str] = []  # story id when added (resolve with find)
        self._published = array("d")  # POSIX seconds
        self._bounds = array("i")  # per doc: title end, summary end, entities end in _tokens
        self._tokens = array("i")  # token numbers of every held doc, back to back
        self._ids: dict[str, int] = {}  # article_id -> doc id
        self._days: dict[int, _Day] = {}
        self._number: dict[str, int] = {}  # token or outlet -> its number
        self._words: list[str] = []  # number -> token
        self._tick = 0
        self._docs = 0

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._ids

    def __len__(self) -> int:
        return self._docs

    @property
    def days(self) -> frozenset[int]:
        """The day numbers whose stored articles are all held."""
        return frozenset(self._days)

    def story_of(self, article_id: str) -> str:
        """The current story of an indexed article."""
        return self.stories.find(self._story[self._ids[article_id]])

    def open_days(self, days: Iterable[int]) -> list[int]:
        """Mark ``days`` as needed now; return those not held yet (to be loaded, then added)."""
        self._tick += 1
        missing = []
        for day in sorted(set(days)):
            bucket = self._days.get(day)
            if bucket is None:
                bucket = self._days[day] = _Day()
                missing.append(day)
            bucket.used = self._tick
        return missing

    def _numbers(self, tokens: Iterable[str]) -> list[int]:
        """The numbers of ``tokens``, numbering the unseen ones."""
        number, words = self._number, self._words
        out = []
        for token in tokens:
            n = number.get(token)
            if n is None:
                n = number[token] = len(words)
                words.append(token)
            out.append(n)
        return out

    def add(self, doc: Doc, story_id: str) -> None:
        """Hold ``doc`` (a member of ``story_id``) in its day's bucket, if that day is open."""
        bucket = self._days.get(day_of(doc.published_at))
        if bucket is None or doc.article_id in self._ids:
            return
        title = self._numbers(doc.title_tokens)
        tokens = self._tokens
        tokens.extend(title)
        self._bounds.append(len(tokens))
        tokens.extend(self._numbers(doc.summary_tokens))
        self._bounds.append(len(tokens))
        tokens.extend(self._numbers(doc.entities))
        self._bounds.append(len(tokens))
        index = len(self._article_id)
        self._article_id.append(doc.article_id)
        self._outlet.append(self._words[self._numbers((doc.outlet,))[0]])  # one str per outlet
        self._lang.append(doc.lang)
        self._published.append(doc.published_at.timestamp())
        self._story.append(story_id)
        self._ids[doc.article_id] = index
        bucket.ids.append(index)
        postings = bucket.postings.setdefault(doc.lang, {})
        for token in title:  # every rule needs shared title tokens (see best_match)
            postings.setdefault(token, []).append(index)
        self.stories.add_member(story_id, doc.published_at)
        self._docs += 1

    def evict(self) -> int:
        """Drop least recently needed days (not those of the current batch) over ``max_docs``.

        The dropped documents' tokens stay in the flat array (a run drops few, if any: the cap
        is far above a run's window); their columns forget them.
        """
        dropped = 0
        for day in sorted(self._days, key=lambda d: (self._days[d].used, d)):
            if self._docs <= self.max_docs or self._days[day].used == self._tick:
                break
            for index in self._days.pop(day).ids:
                article_id = self._article_id[index]
                assert article_id is not None
                del self._ids[article_id]
                self._article_id[index] = None
                self._docs -= 1
                dropped += 1
        return dropped

    def _view(self, index: int) -> Doc:
        """Held document ``index`` as a ``Doc`` whose tokens are numbers (arrays)."""
        bounds, tokens = self._bounds, self._tokens
        start = bounds[3 * index - 1] if index else 0
        title_end, summary_end, end = bounds[3 * index : 3 * index + 3]
        return Doc(
            self._article_id[index] or "",
            self._outlet[index],
            self._lang[index],
            datetime.fromtimestamp(self._published[index], UTC),
            tokens[start:title_end],
            tokens[title_end:summary_end],
            tokens[summary_end:end],
        )

    def best_match(self, doc: Doc) -> tuple[str, float] | None:
        """The most similar held article that is the same story as ``doc``: (its id, score)."""
        # Prefix filter (set-similarity joins): every rule of ``score`` needs title Jaccard
        # >= MIN_TITLE_JACCARD, so a match shares at least ``need`` of this doc's title tokens,
        # and hence at least one of its ``len - need + 1`` rarest ones. Only those are probed.
        if not doc.title_tokens:
            return None
        day = day_of(doc.published_at)
        days = (self._days.get(day + k) for k in (-1, 0, 1))
        buckets = [p for p in (b.postings.get(doc.lang) for b in days if b) if p]
        # title tokens as numbers, as held documents have them (unseen tokens get numbers too)
        toks = frozenset(self._numbers(doc.title_tokens))
        n_toks = len(toks)
        query: Doc | None = None  # all of the doc in numbers: built for the first score
        need = max(1, math.ceil(MIN_TITLE_JACCARD * n_toks - 1e-9))
        lists = []
        words = self._words
        # sorted by the token itself: rarity ties resolve the same way whatever the hash seed
        for token in sorted(toks, key=words.__getitem__):
            parts = [p for p in (b.get(token) for b in buckets) if p]
            lists.append((sum(map(len, parts)), len(lists), parts))
        lists.sort()
        shared: Counter[int] = Counter()
        for total, _, parts in lists[: n_toks - need + 1]:
            if total <= MAX_POSTING:  # that common a token identifies nothing
                for posting in parts:
                    shared.update(posting)
        best: tuple[str, float] | None = None
        # most shared tokens first, then the earlier-added doc: the same candidates every run
        ranked = heapq.nsmallest(MAX_CANDIDATES, shared.items(), key=lambda kv: (-kv[1], kv[0]))
        when = doc.published_at
        stamp, near = when.timestamp(), WINDOW.total_seconds()
        span_lo, span_hi = when - SPAN, when + SPAN
        article_ids, outlets, published = self._article_id, self._outlet, self._published
        bounds, tokens = self._bounds, self._tokens
        story_of, stories = self._story, self.stories
        for index, _ in ranked:
            other_id = article_ids[index]
            if other_id is None or outlets[index] == doc.outlet or other_id == doc.article_id:
                continue  # an outlet does not wire-copy itself (score would say 0)
            if abs(published[index] - stamp) > near:
                continue
            start = bounds[3 * index - 1] if index else 0
            end = bounds[3 * index]
            size = end - start  # Jaccard <= shorter / longer: skip without looking
            if min(size, n_toks) < MIN_TITLE_JACCARD * max(size, n_toks):
                continue
            common = len(toks.intersection(tokens[start:end]))  # every rule needs it
            if common < MIN_TITLE_JACCARD * (n_toks + size - common):
                continue
            first = stories.earliest.get(stories.find(story_of[index]))
            if first is not None and not span_lo <= first <= span_hi:
                continue  # a story is one news item, not a running theme: no endless chains
            self.comparisons += 1
            if query is None:
                query = Doc(
                    doc.article_id, doc.outlet, doc.lang, when, toks,
                    frozenset(self._numbers(doc.summary_tokens)),
                    frozenset(self._numbers(doc.entities)),
                )
            value = score(query, self._view(index))
            if value > 0.0 and (best is None or value > best[1]):
                best = (other_id, value)
                if value >= 1.0:  # nothing scores higher, and a tie would not replace it
                    break
        return best
