"""When are two articles the same story? Pure functions over titles and summaries.

Token-set similarity on normalised text, per language: simple, fast and explainable.
A title becomes a set of content tokens (folded, stop words dropped, each cut to a
5-character prefix: a cheap stemmer for inflected Ukrainian and Russian). Two articles in
the same language within the time window are one story when their titles overlap enough
(Jaccard), with guards for short and generic headlines (see ``same_story``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from mediawatch.textnorm import TOKEN_RE, fold, strip_html, words

PREFIX = 5  # stem = first 5 characters ("переговори", "переговорів" -> "перег")
TITLE_JACCARD = 0.5  # titles this similar are one story...
MIN_SHARED = 3  # ...when they share at least this many content tokens
SHORT_TITLE = 6  # titles with fewer content tokens need their summaries to agree...
SHORT_JACCARD = 0.8  # ...or, lacking summaries, nearly the same words
SUMMARY_JACCARD = 0.5  # a rewrite with another headline: summaries this similar
SUMMARY_TITLE_FLOOR = 0.25  # ...and titles at least this similar
SUMMARY_LEAD = 40  # tokens of the summary compared (the lead, not the boilerplate tail)
SPAN = timedelta(hours=36)  # most a story's articles may lie after its first one
_SPEAKER = re.compile(r"^\W*([^\W\d][^:]{0,30}):\s")
_HAS_DIGIT = re.compile(r"\d").search
MIN_TITLE_JACCARD = min(TITLE_JACCARD, SHORT_JACCARD, SUMMARY_TITLE_FLOOR)  # any match has this
WINDOW = timedelta(hours=24)  # most apart two articles of one story may be, by similarity

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


# A token set: a frozenset of tokens; or, for documents held in bulk (``StoryIndex``), a
# sequence of distinct token numbers, the other side then numbered the same way. ``score``'s
# first argument always has frozensets.
Tokens = frozenset[str] | frozenset[int] | Sequence[int]


@dataclass(frozen=True, slots=True)
class Doc:
    """One article as the matcher sees it."""

    article_id: str
    outlet: str
    lang: str
    published_at: datetime
    title_tokens: Tokens
    summary_tokens: Tokens
    entities: Tokens = frozenset()  # stems of names and numbers in the title


def tokens(text: str, limit: int | None = None) -> frozenset[str]:
    """Content tokens of raw text: folded, no stop words, 5-char prefixes."""
    found = [
        w[:PREFIX] for w in words(text or "") if w not in STOPWORDS and (len(w) > 1 or w.isdigit())
    ]
    return frozenset(found[:limit] if limit else found)


def entities(title: str) -> frozenset[str]:
    """Stems of the title's names and numbers: capitalised words after the first, and digits.

    Title-case headlines ("Prisoner Swap Brings 115 Home") capitalise everything, so there
    only numbers count.
    """
    text = strip_html(title or "")
    raw = [w for w in TOKEN_RE.findall(text) if len(w) > 1 or w.isdigit()]
    body = raw[1:]
    caps = [w for w in body if w[:1].isupper()]
    title_case = len(body) >= 3 and len(caps) >= 0.6 * len(body)
    found = {w for w in body if _HAS_DIGIT(w)}
    if not title_case:
        found.update(w for w in caps if w.casefold() not in STOPWORDS)
    speaker = _SPEAKER.match(text)  # "Macron: ..." / "Фон дер Ляєн: ..." names who speaks
    if speaker:
        found.update(TOKEN_RE.findall(speaker.group(1)))
    return frozenset(fold(w)[:PREFIX] for w in found if w.casefold() not in STOPWORDS)


def make_doc(
    article_id: str, outlet: str, lang: str, published_at: datetime, title: str, summary: str
) -> Doc:
    """Build the matcher's view of one article."""
    title_tokens = tokens(title)
    summary_tokens = tokens(summary, SUMMARY_LEAD)
    if summary_tokens == title_tokens:  # feeds that repeat the title as summary add nothing
        summary_tokens = frozenset()
    return Doc(
        article_id, outlet, lang, published_at, title_tokens, summary_tokens, entities(title)
    )


# A ``Doc`` as the parse workers ship it: (article_id, outlet, lang, published_at, title,
# summary and entity tokens each joined by spaces). Three strings unpickle ~4x faster than
# three frozensets of token strings and take ~40 % of their memory (a 64-feed batch: 5.8 MB
# and 10 ms instead of 14 MB and 42 ms in the writer process). Tokens never hold spaces.
PackedDoc = tuple[str, str, str, datetime, str, str, str]


def packed(doc: Doc) -> PackedDoc:
    """``doc`` in the compact form the parse workers send (see ``PackedDoc``)."""
    return (
        doc.article_id, doc.outlet, doc.lang, doc.published_at, " ".join(doc.title_tokens),
        " ".join(doc.summary_tokens), " ".join(doc.entities),
    )


def unpacked(doc: PackedDoc) -> Doc:
    """The ``Doc`` (with frozensets, as ``score``'s first argument needs) of a packed one."""
    article_id, outlet, lang, published_at, title, summary, names = doc
    return Doc(
        article_id, outlet, lang, published_at, frozenset(title.split()),
        frozenset(summary.split()), frozenset(names.split()),
    )


def jaccard(a: Tokens, b: Tokens) -> float:
    """|a ∩ b| / |a ∪ b|; 0.0 for two empty sets. ``a`` must be a frozenset."""
    if not a or not b:
        return 0.0
    shared = len(a.intersection(b))  # type: ignore[union-attr]
    return shared / (len(a) + len(b) - shared)


def score(a: Doc, b: Doc) -> float:
    """How alike two articles are, 0..1; 0.0 when they may not be one story at all.

    ``a`` has frozensets; ``b`` may hold sequences (a document held by the story index).

    Never one story by text: different languages, the same outlet (an outlet does not wire-copy
    itself; its repeated headlines are recurring rubrics), conflicting names or numbers, or
    more than ``WINDOW`` apart. Otherwise the title Jaccard when the titles qualify on their
    own, else the summary Jaccard when summaries carry the match (a rewrite with a new
    headline). Short titles ("Live updates", "Головне за 25 листопада") qualify only with
    agreeing summaries, or, lacking summaries, nearly identical words.
    """
    if a.lang != b.lang or a.outlet == b.outlet or conflicting(a, b):
        return 0.0
    if abs(a.published_at - b.published_at) > WINDOW:
        return 0.0
    title_j = jaccard(a.title_tokens, b.title_tokens)
    shared = len(a.title_tokens.intersection(b.title_tokens))  # type: ignore[union-attr]
    summary_j = jaccard(a.summary_tokens, b.summary_tokens)
    has_summaries = bool(a.summary_tokens and b.summary_tokens)
    if has_summaries and summary_j >= SUMMARY_JACCARD and title_j >= SUMMARY_TITLE_FLOOR:
        return max(title_j, summary_j)
    if min(len(a.title_tokens), len(b.title_tokens)) < SHORT_TITLE:
        return title_j if title_j >= SHORT_JACCARD and not has_summaries and shared >= 2 else 0.0
    if shared >= MIN_SHARED and title_j >= TITLE_JACCARD:
        return title_j
    return 0.0


def conflicting(a: Doc, b: Doc) -> bool:
    """Each title names something the other does not (Odesa vs Zaporizhzhia, 115 vs 84).

    Generic headlines ("Air raid alert in X: explosions heard") differ only there; a rewrite
    of one story may add a name, but two titles with a name each that the other lacks are
    two stories.
    """
    return any(e not in b.title_tokens for e in a.entities) and any(
        e not in a.title_tokens for e in b.entities
    )


def same_story(a: Doc, b: Doc) -> bool:
    """True when ``score`` says the two articles report one story."""
    return score(a, b) > 0.0
