"""When are two articles the same story? Pure functions over titles and summaries.

Token-set similarity on normalised text, per language: simple, fast and explainable.
A title becomes a set of content tokens (folded, stop words dropped, each cut to a
5-character prefix: a cheap stemmer for inflected Ukrainian and Russian). Two articles in
the same language within the time window are one story when their titles overlap enough
(Jaccard), with guards for short and generic headlines (see ``same_story``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mediawatch.textnorm import words

PREFIX = 5  # stem = first 5 characters ("переговори", "переговорів" -> "перег")
TITLE_JACCARD = 0.5  # titles this similar are one story...
MIN_SHARED = 3  # ...when they share at least this many content tokens
MIN_TOKENS = 3  # shorter titles only match through their summaries
SUMMARY_JACCARD = 0.5  # a rewrite with another headline: summaries this similar
SUMMARY_TITLE_FLOOR = 0.25  # ...and titles at least this similar
SUMMARY_LEAD = 40  # tokens of the summary compared (the lead, not the boilerplate tail)
WINDOW = timedelta(days=3)

STOPWORDS = frozenset(
    # uk
    "і й та в у на з із зі до від по за про для що як це не але чи його її їх він вона вони "
    "після через під над між щодо також вже ще який яка яке які буде може має було були "
    # ru
    "и в во на с со к ко от по за о об для что как это не но ли его ее её их он она они "
    "после через под над между также уже еще ещё который которая которое которые будет "
    # en
    "a an the of to in on at for from by with and or but not is are was were be been has "
    "have had will would can could its it this that these those as after over says said "
    "into about than new".split()
)


@dataclass(frozen=True)
class Doc:
    """One article as the matcher sees it."""

    article_id: str
    outlet: str
    lang: str
    published_at: datetime
    title_tokens: frozenset[str]
    summary_tokens: frozenset[str]


def tokens(text: str, limit: int | None = None) -> frozenset[str]:
    """Content tokens of raw text: folded, no stop words, 5-char prefixes."""
    found = [w[:PREFIX] for w in words(text or "") if w not in STOPWORDS and len(w) > 1]
    return frozenset(found[:limit] if limit else found)


def make_doc(
    article_id: str, outlet: str, lang: str, published_at: datetime, title: str, summary: str
) -> Doc:
    """Build the matcher's view of one article."""
    title_tokens = tokens(title)
    summary_tokens = tokens(summary, SUMMARY_LEAD)
    if summary_tokens == title_tokens:  # feeds that repeat the title as summary add nothing
        summary_tokens = frozenset()
    return Doc(article_id, outlet, lang, published_at, title_tokens, summary_tokens)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b|; 0.0 for two empty sets."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def score(a: Doc, b: Doc) -> float:
    """How alike two articles are, 0..1; 0.0 when they may not be one story at all.

    Different languages, or more than ``WINDOW`` apart: 0. Otherwise the title Jaccard when the
    titles qualify on their own, else the summary Jaccard when summaries carry the match.
    Same-outlet pairs must also agree in their summaries: an outlet's recurring rubric
    ("Morning briefing", "Losses of the day") repeats its headline for different news.
    """
    if a.lang != b.lang or abs(a.published_at - b.published_at) > WINDOW:
        return 0.0
    title_j = jaccard(a.title_tokens, b.title_tokens)
    shared = len(a.title_tokens & b.title_tokens)
    summary_j = jaccard(a.summary_tokens, b.summary_tokens)
    has_summaries = bool(a.summary_tokens and b.summary_tokens)
    if a.outlet == b.outlet and not (has_summaries and summary_j >= SUMMARY_JACCARD):
        return 0.0
    short = min(len(a.title_tokens), len(b.title_tokens)) < MIN_TOKENS
    if not short and shared >= MIN_SHARED and title_j >= TITLE_JACCARD:
        return title_j
    if has_summaries and summary_j >= SUMMARY_JACCARD and title_j >= SUMMARY_TITLE_FLOOR:
        return max(title_j, summary_j)
    return 0.0


def same_story(a: Doc, b: Doc) -> bool:
    """True when ``score`` says the two articles report one story."""
    return score(a, b) > 0.0


class WindowIndex:
    """Inverted index token -> docs, so a new doc is compared only with docs sharing tokens."""

    def __init__(self) -> None:
        self.docs: list[Doc] = []
        self.story: dict[str, str] = {}  # article_id -> story_id
        self._postings: dict[tuple[str, str], list[int]] = {}  # (lang, token) -> doc indexes
        self.comparisons = 0

    def add(self, doc: Doc, story_id: str) -> None:
        index = len(self.docs)
        self.docs.append(doc)
        self.story[doc.article_id] = story_id
        for token in doc.title_tokens | doc.summary_tokens:
            self._postings.setdefault((doc.lang, token), []).append(index)

    def best_match(self, doc: Doc) -> tuple[Doc, float] | None:
        """The most similar indexed doc that is the same story as ``doc``, or None."""
        candidates: set[int] = set()
        for token in doc.title_tokens | doc.summary_tokens:
            candidates.update(self._postings.get((doc.lang, token), ()))
        best: tuple[Doc, float] | None = None
        for index in sorted(candidates):
            other = self.docs[index]
            if other.article_id == doc.article_id:
                continue
            self.comparisons += 1
            value = score(doc, other)
            if value > 0.0 and (best is None or value > best[1]):
                best = (other, value)
        return best
