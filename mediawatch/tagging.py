"""Topic tagging: rules from ``seeds/topics.yaml`` compiled once, explainable matches.

Every word of a term is reduced to its lemma (the dictionary form) by a morphological
backend, so "територія" also matches "території", "територіями". Each distinct token of
incoming text is lemmatised once and cached as the set of term words it satisfies; tagging a
text is then a tokenizer pass plus dictionary look-ups. See docs/tagging.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from pathlib import Path
from typing import Any

import yaml

from mediawatch.language import detect_language
from mediawatch.textnorm import TOKEN_OR_BREAK_RE, TOKEN_RE, fold

LANGS = ("uk", "ru", "en")

MAX_GAP = 2  # words of a phrase may have up to this many other words between them
BREAK = -1  # pseudo word id of clause punctuation: phrases do not span it
CACHE_LIMIT = 400_000  # distinct tokens remembered before the cache is reset

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


class TopicsError(ValueError):
    """The topics file is invalid; the message names the file, the topic and the reason."""


@dataclass(frozen=True)
class _TermSpec:
    text: str
    context: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    veto: tuple[str, ...] = ()


@dataclass(frozen=True)
class _LangSpec:
    terms: tuple[_TermSpec, ...]
    context: tuple[str, ...]
    exclude: tuple[str, ...]
    window: int
    veto: tuple[str, ...]
    veto_unless: tuple[str, ...]


@dataclass(frozen=True)
class TopicSpec:
    name: str
    description: str
    langs: dict[str, _LangSpec]


_TOP_KEYS = {"groups", "topics"}
_TOPIC_KEYS = {"description", *LANGS}
_LANG_KEYS = {"terms", "context", "exclude", "exclude_window", "veto", "veto_unless"}
_TERM_KEYS = {"term", "context", "exclude", "veto"}


def _check_keys(obj: Any, allowed: set[str], fail: Callable[[str], TopicsError]) -> None:
    if not isinstance(obj, dict):
        raise fail("must be a mapping")
    unknown = sorted(set(obj) - allowed, key=str)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _str_list(value: Any, lang: str, groups: dict[str, Any], what: str,
              fail: Callable[[str], TopicsError], depth: int = 0) -> tuple[str, ...]:
    """A list of phrases; "@name" pulls in the same-language list of group ``name``."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise fail(f"{what!r} must be a list")
    out: list[str] = []
    for item in value:
        if isinstance(item, str) and item.startswith("@"):
            group = groups.get(item[1:])
            if not isinstance(group, dict) or lang not in group:
                raise fail(f"{what!r}: unknown group {item!r} for language {lang!r}")
            if depth > 3:
                raise fail(f"{what!r}: groups nested too deeply at {item!r}")
            out.extend(_str_list(group[lang], lang, groups, f"groups.{item[1:]}.{lang}", fail,
                                 depth + 1))
        elif isinstance(item, str | int | float) and not isinstance(item, bool):
            alternatives = [""]  # "захопил* @settlements": one phrase per group member
            for word in str(item).split():
                options = (_str_list([word], lang, groups, what, fail, depth + 1)
                           if word.startswith("@") else (word,))
                alternatives = [f"{a} {o}".strip() for a in alternatives for o in options]
            for text in alternatives or [str(item)]:
                _check_phrase(text, what, fail)
                out.append(text)
        else:
            raise fail(f"{what!r}: {item!r} is not a word or phrase")
    return tuple(out)


def _check_phrase(text: str, what: str, fail: Callable[[str], TopicsError]) -> None:
    chunks = fold(text).split()
    if not chunks or not any(TOKEN_RE.search(c) for c in chunks):
        raise fail(f"{what!r}: {text!r} has no word in it")
    for c in chunks:
        if "*" in c and (not c.endswith("*") or "*" in c[:-1] or len(c) < 4
                         or TOKEN_RE.fullmatch(c[:-1]) is None):
            raise fail(f"{what!r}: {text!r}: '*' must end a word of at least 3 letters")


def _lang_spec(block: Any, lang: str, groups: dict[str, Any],
               fail: Callable[[str], TopicsError]) -> _LangSpec:
    _check_keys(block, _LANG_KEYS, lambda r: fail(f"{lang}: {r}"))
    terms: list[_TermSpec] = []
    raw_terms = block.get("terms")
    if not isinstance(raw_terms, list) or not raw_terms:
        raise fail(f"{lang}: 'terms' must be a non-empty list")
    for item in raw_terms:
        if isinstance(item, dict):
            _check_keys(item, _TERM_KEYS, lambda r, i=item: fail(f"{lang}: term {i!r}: {r}"))
            if not isinstance(item.get("term"), str):
                raise fail(f"{lang}: term {item!r}: 'term' must be a word or phrase")
            ctx = _str_list(item.get("context"), lang, groups, "context", fail)
            exc = _str_list(item.get("exclude"), lang, groups, "exclude", fail)
            veto = _str_list(item.get("veto"), lang, groups, "veto", fail)
            for text in _str_list([item["term"]], lang, groups, "terms", fail):
                terms.append(_TermSpec(text, ctx, exc, veto))
        else:
            terms.extend(_TermSpec(t) for t in _str_list([item], lang, groups, "terms", fail))
    window = block.get("exclude_window", 0)
    if not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 10:
        raise fail(f"{lang}: 'exclude_window' must be a whole number from 0 to 10")
    lists = {k: _str_list(block.get(k), lang, groups, k, fail)
             for k in ("context", "exclude", "veto", "veto_unless")}
    return _LangSpec(tuple(dict.fromkeys(terms)), lists["context"], lists["exclude"], window,
                     lists["veto"], lists["veto_unless"])


def load_topics(raw: bytes, path: Path | str) -> list[TopicSpec]:
    """Parse and validate a topics file; raise :class:`TopicsError` naming file, topic, reason."""
    where = _display(path)
    try:
        doc = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise TopicsError(f"{where}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    _check_keys(doc, _TOP_KEYS, lambda r: TopicsError(f"{where}: top level: {r}"))
    groups = doc.get("groups") or {}
    _check_keys(groups, set(groups) if isinstance(groups, dict) else set(),
                lambda r: TopicsError(f"{where}: 'groups': {r}"))
    for name, group in groups.items():
        _check_keys(group, set(LANGS), lambda r, n=name: TopicsError(f"{where}: group {n!r}: {r}"))
    topics = doc.get("topics")
    if not isinstance(topics, dict) or not topics:
        raise TopicsError(f"{where}: 'topics' must be a mapping of topic ids")
    out: list[TopicSpec] = []
    for name, body in topics.items():
        def fail(reason: str, name: Any = name) -> TopicsError:
            return TopicsError(f"{where}: topic {name!r}: {reason}")

        if not isinstance(name, str) or not name.isidentifier() or name != name.lower():
            raise fail("topic ids must be lower_snake_case")
        _check_keys(body, _TOPIC_KEYS, fail)
        langs = {lang: _lang_spec(body[lang], lang, groups, fail) for lang in LANGS if lang in body}
        if not langs:
            raise fail("needs terms for at least one of uk, ru, en")
        out.append(TopicSpec(name, str(body.get("description", "")), langs))
    return out


def _display(path: Path | str) -> str:
    from mediawatch.config import PROJECT_ROOT

    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class _Phrase:
    text: str  # as written in the yaml
    words: tuple[int, ...]  # word-pattern ids, in order


Span = tuple[int, int]
Occ = dict[int, list[int]]  # word-pattern id -> token positions in the text


def _find(phrase: _Phrase, occ: Occ) -> list[Span]:
    """Spans where the phrase's words occur in order, <= MAX_GAP apart, within one clause."""
    if len(phrase.words) == 1:
        return [(p, p) for p in occ.get(phrase.words[0], ())]
    spans: list[Span] = []
    for start in occ.get(phrase.words[0], ()):
        end = start
        for wid in phrase.words[1:]:
            end = next((p for p in occ.get(wid, ()) if end < p <= end + 1 + MAX_GAP), -1)
            if end < 0:
                break
        else:
            if end == start or not any(start < b < end for b in occ.get(BREAK, ())):
                spans.append((start, end))
    return spans


class _PhraseSet:
    """Phrases checked together; one-word phrases reduce to a set intersection."""

    __slots__ = ("singles", "multi", "firsts")

    def __init__(self, phrases: list[_Phrase]):
        self.singles = frozenset(p.words[0] for p in phrases if len(p.words) == 1)
        self.multi = tuple(p for p in phrases if len(p.words) > 1)
        self.firsts = frozenset(p.words[0] for p in self.multi)

    def any_in(self, occ: Occ, memo: dict[Any, bool]) -> bool:
        """Whether one of the phrases occurs (remembered in ``memo`` for this text)."""
        found = memo.get(self)
        if found is None:
            found = memo[self] = not self.singles.isdisjoint(occ) or (
                not self.firsts.isdisjoint(occ) and any(_find(p, occ) for p in self.multi))
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


class Rules:
    """Compiled topic rules. Build with :meth:`Rules.load`; call :meth:`tag`."""

    def __init__(self, topics: list[TopicSpec], version: str, morph: str = DEFAULT_MORPH):
        self.version = version
        self.morph = morph
        self.topics = [t.name for t in topics]
        self._keys = _backend(morph)
        self._index: dict[str, dict[str, list[int]]] = {lang: {} for lang in LANGS}
        self._prefixes: list[tuple[str, int]] = []
        self._word_ids: dict[tuple[str, str, str], int] = {}
        self._cache: dict[str, tuple[int, ...]] = {}  # token -> word-pattern ids
        # lang -> first word id of a term -> the terms starting with it
        # lang -> anchor word id -> terms containing it; a text is only checked against
        # terms whose anchor (their least common word) it contains
        self._by_anchor: dict[str, dict[int, list[_Term]]] = {lang: {} for lang in LANGS}
        self._sets: dict[tuple[str, tuple[str, ...]], _PhraseSet] = {}
        self._simple: set[_Term] = set()  # terms that match by mere presence
        self._anchors: set[int] = set()  # word ids that anchor some term
        self._starters: set[str] = set()  # cached tokens carrying such a word id
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

    @classmethod
    def load(cls, path: Path | None = None, morph: str = DEFAULT_MORPH) -> Rules:
        """Read, validate and compile a topics file (default: the configured seeds file)."""
        if path is None:
            from mediawatch.config import load_settings

            path = load_settings().topics_file
        raw = Path(path).read_bytes()
        topics = load_topics(raw, path)
        return cls(topics, hashlib.sha256(raw).hexdigest()[:12], morph)

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
    def _resolve(self, token: str) -> tuple[int, ...]:
        """Word-pattern ids a token satisfies (computed once per distinct token)."""
        if not token[0].isalnum():
            return (BREAK,)
        ids: set[int] = set()
        cyrillic = "а" <= token[0] <= "я" or token[0] in "іїєґ"
        for lang in ("uk", "ru") if cyrillic else ("en", "uk", "ru"):
            index = self._index[lang]
            for k in (token, *self._keys(token, lang)) if index else ():
                ids.update(index.get(k, ()))
        ids.update(wid for prefix, wid in self._prefixes if token.startswith(prefix))
        if not self._anchors.isdisjoint(ids):
            self._starters.add(token)
        return tuple(sorted(ids))

    def _occurrences(self, text: str) -> Occ:
        """Positions of every word pattern (and clause break) in the text."""
        tokens = TOKEN_OR_BREAK_RE.findall(text)
        cache = self._cache
        ids_at = list(map(cache.get, tokens))  # C-level look-ups; None = never seen
        if None in ids_at:
            if len(cache) + len(ids_at) > CACHE_LIMIT:
                cache.clear()
                self._starters.clear()
            for pos in [i for i, ids in enumerate(ids_at) if ids is None]:
                ids_at[pos] = cache.get(tokens[pos]) or cache.setdefault(
                    tokens[pos], self._resolve(tokens[pos]))
        if self._starters.isdisjoint(tokens):  # no term can match: skip positions
            return {}
        occ: Occ = {}
        for pos in compress(range(len(ids_at)), ids_at):  # empty tuples are skipped
            for wid in ids_at[pos]:
                occ.setdefault(wid, []).append(pos)
        return occ

    def tag(self, title: str, summary: str, lang: str | None = None) -> dict[str, list[str]]:
        """Return {topic: sorted distinct matched terms as written in the yaml} for one article.

        ``lang`` picks that language's rules; when missing it is detected from the text,
        and when it is none of uk/ru/en every language's rules apply.
        """
        text = fold(f"{title}\n{summary}")
        occ = self._occurrences(text)
        if len(occ) <= (BREAK in occ):  # nothing but punctuation
            return {}
        if lang is None:
            lang = detect_language(text)
        found: dict[str, set[str]] = {}
        memo: dict[Any, bool] = {}  # per text: phrase set / rule block -> result
        simple = self._simple
        for code in (lang,) if lang in LANGS else LANGS:
            by_anchor = self._by_anchor[code]
            for wid in by_anchor.keys() & occ.keys():
                for term in by_anchor[wid]:
                    ok = memo.get(term.rules)
                    if ok is None:
                        ok = memo[term.rules] = term.rules.admits(occ, memo)
                    if ok and (term in simple or term.matches(occ, memo)):
                        found.setdefault(term.topic, set()).add(term.phrase.text)
        return {t: sorted(found[t]) for t in self.topics if t in found}
