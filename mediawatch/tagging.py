"""Topic tagging: rules from ``seeds/topics.yaml`` compiled once, explainable matches.

Every word of a term is reduced to its lemma (the dictionary form) by a morphological
backend, so "територія" also matches "території", "територіями". Each distinct token of
incoming text is lemmatised once and cached as the set of term words it satisfies; tagging a
text is then a tokenizer pass plus dictionary look-ups. See docs/tagging.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, compress
from pathlib import Path
from typing import Any

from mediawatch.language import detect_language
from mediawatch.textnorm import TOKEN_OR_BREAK_RE, TOKEN_RE, fold
from mediawatch.topics_yaml import (
    LANGS,
    TopicsError,
    TopicSpec,
    _LangSpec,
    load_topics,
    version_of,
)

__all__ = ["LANGS", "Rules", "TopicSpec", "TopicsError", "load_topics"]

MAX_GAP = 2  # words of a phrase may have up to this many other words between them
BREAK = -1  # pseudo word id of clause punctuation: phrases do not span it
CACHE_LIMIT = 400_000  # distinct tokens (and chunks) remembered before the caches are reset
GATE = 4  # letters of a word checked before it is lemmatised (see Rules._gate)

# Function words never anchor a phrase ("from nato" is looked up by "nato").
_FUNCTION_WORDS = frozenset(
    "the of to in on at by for from into out with and a an its it is be over under "
    "з із зі до в у на над під про для від за та і й що як "
    "с со из к в во на над под о об про для от за и что как по".split()
)

Keys = Callable[[str, str], list[str]]  # (folded word, lang) -> lemmas, likeliest first


def _pymorphy3() -> Keys:
    import pymorphy3
    import Stemmer

    analysers = {lang: pymorphy3.MorphAnalyzer(lang=lang) for lang in ("uk", "ru")}
    english = Stemmer.Stemmer("english")

    def keys(word: str, lang: str) -> list[str]:
        if lang == "en":
            return [english.stemWord(word.removesuffix("'s"))]
        return list(dict.fromkeys(p.normal_form for p in analysers[lang].parse(word)))

    def forms(lemma: str, lang: str) -> set[str]:
        """Every dictionary form of every paradigm ``lemma`` is in (so every word that may
        have it as a lemma), spelled also as the analyser's substitutions allow (г for ґ)."""
        analyser = analysers[lang]
        out = {lemma, *(f.word for p in analyser.parse(lemma) for f in p.lexeme)}
        for written, substitutes in analyser.char_substitutes.items():  # {b"г": [(.., "ґ")]}
            for _, dst in substitutes:  # the analyser reads "г" in a text as "ґ" too
                out |= {f.replace(dst, written.decode()) for f in out if dst in f}
        return out

    def lemmas(word: str, lang: str) -> list[str]:
        """The lemmas of ``keys``, in no particular order: the analyser's own loop without
        ranking the parses (pymorphy3's probability estimator only reorders them) or
        building ``Parse`` objects; ~20 % cheaper, and matching does not need the order."""
        units = getattr(analysers.get(lang), "_units", None)  # pymorphy3 2.0.x internals
        if units is None:
            return keys(word, lang)
        parses: list[Any] = []
        seen: set[Any] = set()
        lower = word.lower()
        for unit, terminal in units:
            parses.extend(unit.parse(word, lower, seen))
            if terminal and parses:
                break
        return [p[2] for p in parses]  # (word, tag, normal form, score, methods)

    keys.forms = forms  # type: ignore[attr-defined]
    keys.lemmas = lemmas  # type: ignore[attr-defined]
    return keys


def _simplemma() -> Keys:
    import simplemma

    def keys(word: str, lang: str) -> list[str]:
        return [simplemma.lemmatize(word.removesuffix("'s"), lang=lang).casefold()]

    return keys


def _snowball() -> Keys:
    import Stemmer  # PyStemmer has no Ukrainian: its Russian stemmer is the closest

    stemmers = {"uk": Stemmer.Stemmer("russian"), "ru": Stemmer.Stemmer("russian"),
                "en": Stemmer.Stemmer("english")}
    return lambda word, lang: [stemmers[lang].stemWord(word.removesuffix("'s"))]


def _exact() -> Keys:
    return lambda word, lang: []


MORPH_BACKENDS: dict[str, Callable[[], Keys]] = {
    "pymorphy3": _pymorphy3, "simplemma": _simplemma, "snowball": _snowball, "exact": _exact,
}
DEFAULT_MORPH = "pymorphy3"


@lru_cache(maxsize=4)
def _backend(name: str) -> Keys:
    return MORPH_BACKENDS[name]()


def preload_morphology(name: str = DEFAULT_MORPH) -> None:
    """Load a morphology backend now (its dictionaries), so later ``Rules`` share it."""
    _backend(name)


@dataclass(frozen=True)
class _Phrase:
    text: str  # as written in the yaml
    words: tuple[int, ...]  # word-pattern ids, in order


_PRESENT, _PHRASE = object(), object()  # how a term is checked (see Rules._check)

Span = tuple[int, int]
Occ = dict[int, list[int]]  # word-pattern id -> token positions in the text


def _find(phrase: _Phrase, occ: Occ) -> list[Span]:
    """Spans where the phrase's words occur in order, <= MAX_GAP apart, within one clause."""
    words = phrase.words
    if len(words) == 1:
        return [(p, p) for p in occ.get(words[0], ())]
    starts = occ.get(words[0])
    rest = list(map(occ.get, words[1:]))
    if starts is None or None in rest:  # a word is missing: no start can complete
        return []
    spans: list[Span] = []
    breaks = occ.get(BREAK, ())
    for start in starts:
        end = start
        for positions in rest:
            limit = end + 1 + MAX_GAP
            for p in positions:  # ascending: the first in reach, as the next word
                if end < p <= limit:
                    end = p
                    break
            else:
                break
        else:  # every word found (end > start, as the phrase has >= 2 words)
            if not any(start < b < end for b in breaks):
                spans.append((start, end))
    return spans


class _PhraseSet:
    """Phrases checked together; one-word phrases reduce to a set intersection."""

    __slots__ = ("singles", "multi", "firsts", "by_first")

    def __init__(self, phrases: list[_Phrase]):
        self.singles = frozenset(p.words[0] for p in phrases if len(p.words) == 1)
        self.multi = tuple(p for p in phrases if len(p.words) > 1)
        self.firsts = frozenset(p.words[0] for p in self.multi)
        by_first: dict[int, list[_Phrase]] = {}
        for p in self.multi:
            by_first.setdefault(p.words[0], []).append(p)
        self.by_first = {w: tuple(ps) for w, ps in by_first.items()}

    def any_in(self, occ: Occ, memo: dict[Any, bool]) -> bool:
        """Whether one of the phrases occurs (remembered in ``memo`` for this text)."""
        found = memo.get(self)
        if found is None:
            found = memo[self] = not self.singles.isdisjoint(occ) or any(
                _find(p, occ) for w in self.firsts.intersection(occ) for p in self.by_first[w])
        return found

    def spans(self, occ: Occ) -> list[Span]:
        out = [(pos, pos) for wid in self.singles.intersection(occ) for pos in occ[wid]]
        for p in self.multi if not self.firsts.isdisjoint(occ) else ():
            out.extend(_find(p, occ))
        return out


@dataclass(frozen=True, eq=False)  # identity hash: used as a memo key
class _LangRules:  # empty lists are None, so checks cost nothing when unused
    context: _PhraseSet | None
    exclude: _PhraseSet | None
    window: int
    veto: _PhraseSet | None
    veto_unless: _PhraseSet | None

    def admits(self, occ: Occ, memo: dict[Any, bool]) -> bool:
        """Topic-level checks: required context present, no unanswered veto."""
        if self.context is not None and not self.context.any_in(occ, memo):
            return False
        if self.veto is None or self.veto_unless is not None and self.veto_unless.any_in(occ, memo):
            return True
        return not self.veto.any_in(occ, memo)


@dataclass(frozen=True, eq=False)
class _Term:
    topic: str
    rules: _LangRules
    phrase: _Phrase
    context: _PhraseSet | None
    exclude: _PhraseSet | None
    veto: _PhraseSet | None

    @property
    def simple(self) -> bool:
        """One word and nothing else to check: present means matched."""
        return (len(self.phrase.words) == 1 and self.context is None and self.veto is None
                and self.exclude is None and self.rules.exclude is None)

    def matches(self, occ: Occ, memo: dict[Any, bool]) -> bool:
        """Whether this term counts in the text (the topic-level checks are done apart)."""
        if self.context is not None and not self.context.any_in(occ, memo):
            return False
        if self.veto is not None and self.veto.any_in(occ, memo):
            return False
        spans = _find(self.phrase, occ)
        w = self.rules.window
        for ex in (self.rules.exclude, self.exclude):
            if spans and ex is not None and ex.any_in(occ, memo):
                for s, e in ex.spans(occ):
                    spans = [(a, b) for a, b in spans if b < s - w or a > e + w]
        return bool(spans)

    @property
    def plain(self) -> bool:
        """Nothing to check but the phrase itself."""
        return (self.context is None and self.veto is None and self.exclude is None
                and self.rules.exclude is None)


class Rules:
    """Compiled topic rules. Build with :meth:`Rules.load`; call :meth:`tag`."""

    def __init__(self, topics: list[TopicSpec], version: str, morph: str = DEFAULT_MORPH):
        self.version = version
        self.morph = morph
        self.topics = [t.name for t in topics]
        self._keys = _backend(morph)
        self._lemmas: Keys = getattr(self._keys, "lemmas", self._keys)  # order not needed
        self._index: dict[str, dict[str, list[int]]] = {lang: {} for lang in LANGS}
        self._prefixes: list[tuple[str, int]] = []
        self._word_ids: dict[tuple[str, str, str], int] = {}
        # per language (None: all), token -> word-pattern ids; chunk -> ids per token
        self._cache: dict[str | None, dict[str, tuple[int, ...]]] = {}
        self._chunks: dict[str | None, dict[str, tuple[tuple[int, ...], ...]]] = {}
        # lang -> first word id of a term -> the terms starting with it
        # lang -> anchor word id -> terms containing it; a text is only checked against
        # terms whose anchor (their least common word) it contains
        self._by_anchor: dict[str, dict[int, list[_Term]]] = {lang: {} for lang in LANGS}
        self._sets: dict[tuple[str, tuple[str, ...]], _PhraseSet] = {}
        self._simple: set[_Term] = set()  # terms that match by mere presence
        self._anchors: set[int] = set()  # word ids that anchor some term
        # per language, cached chunks with a token carrying such a word id
        self._starters: dict[str | None, set[str]] = {}
        for code in (None, *LANGS):
            self._cache[code], self._chunks[code], self._starters[code] = {}, {}, set()
        # words of context and veto lists are common background (Russia, Ukraine, ...):
        # a term is better anchored on another of its words
        self._background = {
            w for t in topics for spec in t.langs.values()
            for text in (*spec.context, *spec.veto, *spec.veto_unless,
                         *(c for term in spec.terms for c in term.context))
            for w in fold(text).split()
        }
        self._background_prefixes = tuple(w[:-1] for w in self._background if w.endswith("*"))
        for topic in topics:
            for lang, spec in topic.langs.items():
                self._compile(topic.name, lang, spec)
        self._gate()
        self._lang_wids = {lang: frozenset({BREAK, *(w for (code, _, _), w in self._word_ids.items()
                                                      if code == lang)}) for lang in LANGS}
        # lang -> anchor -> per term: its words when more than one, its rules, how it is
        # checked (_PRESENT: matched by presence, _PHRASE: by the phrase alone, else the term),
        # its topic and phrase as written
        self._checks: dict[str, dict[int, tuple[tuple[Any, ...], ...]]] = {
            lang: {wid: tuple(self._check(t) for t in terms) for wid, terms in by_anchor.items()}
            for lang, by_anchor in self._by_anchor.items()}

    def _check(self, t: _Term) -> tuple[Any, ...]:
        how = _PRESENT if t in self._simple else _PHRASE if t.plain else t
        words = frozenset(t.phrase.words) if len(t.phrase.words) > 1 else None
        return words, t.rules, how, t.phrase, t.topic, t.phrase.text

    @classmethod
    def load(cls, path: Path | None = None, morph: str = DEFAULT_MORPH) -> Rules:
        """Read, validate and compile a topics file (default: the configured seeds file)."""
        if path is None:
            from mediawatch.config import load_settings

            path = load_settings().topics_file
        raw = Path(path).read_bytes()
        topics = load_topics(raw, path)
        return cls(topics, version_of(raw), morph)

    # -- compiling -----------------------------------------------------------------------
    def _word(self, lang: str, word: str) -> int:
        kind = "prefix" if word.endswith("*") else "lemma"
        key = (lang, kind, word)
        if key in self._word_ids:
            return self._word_ids[key]
        wid = self._word_ids[key] = len(self._word_ids)
        if kind == "prefix":
            self._prefixes.append((word[:-1], wid))
        else:  # the form as written always matches; so do forms sharing its likeliest lemma
            for k in {word, *self._keys(word, lang)[:1]}:
                self._index[lang].setdefault(k, []).append(wid)
        return wid

    def _phrase(self, lang: str, text: str) -> _Phrase:
        out: list[int] = []
        for chunk in fold(text).split():
            if chunk.endswith("*"):
                out.append(self._word(lang, chunk))
            else:
                out.extend(self._word(lang, w) for w in TOKEN_RE.findall(chunk))
        return _Phrase(text, tuple(out))

    def _set(self, lang: str, texts: tuple[str, ...]) -> _PhraseSet | None:
        if not texts:
            return None
        if (lang, texts) not in self._sets:  # shared, so one check per text serves all
            self._sets[lang, texts] = _PhraseSet([self._phrase(lang, t) for t in texts])
        return self._sets[lang, texts]

    def _compile(self, topic: str, lang: str, spec: _LangSpec) -> None:
        lr = _LangRules(self._set(lang, spec.context), self._set(lang, spec.exclude),
                        spec.window, self._set(lang, spec.veto), self._set(lang, spec.veto_unless))
        for t in spec.terms:
            term = _Term(topic, lr, self._phrase(lang, t.text), self._set(lang, t.context),
                         self._set(lang, t.exclude), self._set(lang, t.veto))
            anchor = self._anchor(lang, t.text, term.phrase)
            self._by_anchor[lang].setdefault(anchor, []).append(term)
            self._anchors.add(anchor)
            if term.simple:
                self._simple.add(term)

    def _anchor(self, lang: str, text: str, phrase: _Phrase) -> int:
        """The phrase's word least likely to be in an unrelated text: not a function word."""
        words = [w for chunk in fold(text).split()
                 for w in ([chunk] if chunk.endswith("*") else TOKEN_RE.findall(chunk))]

        def commonness(word: str) -> tuple[bool, bool, int]:
            background = word in self._background or word.startswith(self._background_prefixes)
            return word.rstrip("*") in _FUNCTION_WORDS, background, -len(word)

        ranked = sorted(zip(words, phrase.words, strict=True), key=lambda wp: commonness(wp[0]))
        return ranked[0][1]

    # -- matching ------------------------------------------------------------------------
    def _gate(self) -> None:
        """Per language, the first letters any word lemmatised to an index key can start with.

        The backend is slow on unseen words (pymorphy3: ~60 us), and most words of a text
        cannot be part of any term: they are only analysed when their first ``GATE`` letters
        are those of some form of some term word. Backends that cannot list forms analyse all.
        """
        forms = getattr(self._keys, "forms", None)
        self._gates: dict[str, frozenset[str] | None] = {}
        for lang, index in self._index.items():
            if forms is None or lang == "en":  # the English stemmer is cheap: no gate
                self._gates[lang] = None
                continue
            heads = {f[:GATE] for k in index for f in forms(k, lang)}
            self._gates[lang] = frozenset(heads)
        by_head: dict[str, list[tuple[str, int]]] = {}  # prefixes have >= 3 letters
        for prefix, wid in self._prefixes:
            by_head.setdefault(prefix[:3], []).append((prefix, wid))
        self._prefix_heads = {h: tuple(v) for h, v in by_head.items()}

    def _resolve(self, token: str, lang: str | None = None) -> tuple[int, ...]:
        """Word-pattern ids a token satisfies: of one language's rules, or of all when
        ``lang`` is None (computed once per distinct token and language, see _ids)."""
        if not token[0].isalnum():
            return (BREAK,)
        ids: set[int] = set()
        cyrillic = "а" <= token[0] <= "я" or token[0] in "іїєґ"
        head = token[:GATE]
        for code in ("uk", "ru") if cyrillic else ("en", "uk", "ru"):
            index = self._index[code]
            if not index or lang is not None and code != lang:
                continue
            gate = self._gates[code]
            if gate is None or head in gate:
                for k in (token, *self._lemmas(token, code)):
                    ids.update(index.get(k, ()))
            else:  # no form of an index word starts so: only the written form may match
                ids.update(index.get(token, ()))
        own = None if lang is None else self._lang_wids[lang]
        for prefix, wid in self._prefix_heads.get(token[:3], ()):
            if token.startswith(prefix) and (own is None or wid in own):
                ids.add(wid)
        return tuple(sorted(ids))

    def _ids(self, token: str, lang: str | None) -> tuple[int, ...]:
        """:meth:`_resolve`, cached."""
        cache = self._cache[lang]
        ids = cache.get(token)
        if ids is None:
            ids = cache[token] = self._resolve(token, lang)
        return ids

    def _chunk(self, chunk: str, lang: str | None) -> tuple[tuple[int, ...], ...]:
        """Per token of a whitespace-free chunk, its word-pattern ids (tokens cached)."""
        if chunk == "-":  # a spaced dash is a clause break (see _occurrences for edge cases)
            return ((BREAK,),)
        out = tuple(self._ids(token, lang) for token in TOKEN_OR_BREAK_RE.findall(chunk))
        if not self._anchors.isdisjoint(chain.from_iterable(out)):
            self._starters[lang].add(chunk)
        return out

    def _occurrences(self, text: str, lang: str | None = None) -> Occ:
        """Positions of every word pattern (and clause break) in the text.

        Tokens never contain whitespace, so the text is split on it and each distinct chunk
        ("війни,", "(нато)") is tokenised and resolved once; a text then costs a
        ``str.split`` and dict look-ups. With ``lang`` (one of ``LANGS``) only that
        language's word patterns are looked for and placed: the other languages' rules never
        ask for them (so a Ukrainian word is not analysed as Russian for a Ukrainian text).
        """
        chunks = text.split()
        cache = self._chunks[lang]
        per_chunk = list(map(cache.get, chunks))  # C-level look-ups; None = never seen
        if None in per_chunk:
            if len(cache) + len(per_chunk) > CACHE_LIMIT:
                for caches in (self._chunks, self._cache, self._starters):
                    for c in caches.values():
                        c.clear()
                per_chunk = [None] * len(chunks)  # redone, so its starters are known again
            for pos in [i for i, ids in enumerate(per_chunk) if ids is None]:
                ids = cache.get(chunks[pos])
                if ids is None:
                    ids = cache[chunks[pos]] = self._chunk(chunks[pos], lang)
                per_chunk[pos] = ids
        if self._starters[lang].isdisjoint(chunks):  # no term can match: skip positions
            return {}
        if "-" in chunks and not self._plain_dashes(chunks):
            ids_at = [self._ids(t, lang) for t in TOKEN_OR_BREAK_RE.findall(text)]
        else:
            ids_at = list(chain.from_iterable(per_chunk))
        occ: Occ = {}
        for pos in compress(range(len(ids_at)), ids_at):  # empty tuples are skipped
            for wid in ids_at[pos]:
                occ.setdefault(wid, []).append(pos)
        return occ

    @staticmethod
    def _plain_dashes(chunks: list[str]) -> bool:
        """Whether every "-" chunk is a clause break as the tokenizer's ``\\s-\\s`` sees it:
        whitespace on both sides, none of it taken by a neighbouring dash. Else the caller
        tokenises the whole text."""
        if chunks[0] == "-" or chunks[-1] == "-":
            return False
        return all(chunks[i - 1] != "-" for i, c in enumerate(chunks) if c == "-")

    def tag(self, title: str, summary: str, lang: str | None = None) -> dict[str, list[str]]:
        """Return {topic: sorted distinct matched terms as written in the yaml} for one article.

        ``lang`` picks that language's rules; when missing it is detected from the text,
        and when it is none of uk/ru/en every language's rules apply.
        """
        text = fold(f"{title}\n{summary}")
        occ = self._occurrences(text, lang if lang in LANGS else None)
        if len(occ) <= (BREAK in occ):  # nothing but punctuation
            return {}
        if lang is None:
            lang = detect_language(text)
        found: dict[str, set[str]] = {}
        memo: dict[Any, bool] = {}  # per text: phrase set / rule block -> result
        present = occ.keys()
        for code in (lang,) if lang in LANGS else LANGS:
            by_anchor = self._checks[code]
            for wid in by_anchor.keys() & present:
                for words, rules, how, phrase, topic, text in by_anchor[wid]:
                    if words is not None and not present >= words:
                        continue  # a word of the phrase is missing (cheap, so checked first)
                    ok = memo.get(rules)
                    if ok is None:
                        ok = memo[rules] = rules.admits(occ, memo)
                    if ok and (how is _PRESENT or (_find(phrase, occ) if how is _PHRASE
                                                   else how.matches(occ, memo))):
                        found.setdefault(topic, set()).add(text)
        if not found:
            return {}
        return {t: sorted(found[t]) for t in self.topics if t in found}
