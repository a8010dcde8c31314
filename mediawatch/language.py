"""Light offline language detection for news titles and summaries.

Cyrillic text is told apart by letters only one language has (і ї є ґ and the in-word
apostrophe for Ukrainian; ы э ъ ё for Russian; ў for Belarusian) and by frequent function
words; Latin text by function words of a few languages. The caller's hint (e.g. the feed's
language) decides only when the text itself is ambiguous.
"""

from __future__ import annotations

import re

from mediawatch.textnorm import TOKEN_RE, strip_html

UK_LETTERS = frozenset("іїєґ")
RU_LETTERS = frozenset("ыэъё")
BE_LETTERS = frozenset("ў")

_UK_WORDS = frozenset(
    "та що як це для від його її які який яка після також або але щодо між через "
    "він вона вони було буде мають може їх нас щоб коли україна україни україні".split()
)
_RU_WORDS = frozenset(
    "и что как это для от его ее её они было будет которые который которая после также "
    "или но между через он она может их нас чтобы когда украина украины украине россии".split()
)
_LATIN_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the of and to in is on for that with as by from at was are has have will be "
        "it its said says after over not this an or would".split()
    ),
    "de": frozenset("der die das und ist nicht mit den dem des ein eine auf für sich zu".split()),
    "fr": frozenset("le la les et des est un une pour dans du que sur pas au avec qui".split()),
    "es": frozenset("el la los las y de que en un una por con para es del se".split()),
    "it": frozenset("il la le e di che un una per con del della non sono gli".split()),
    "pl": frozenset("i w na z że się nie do to jest od po dla jak przez oraz".split()),
}
# Word endings typical of one language (Russian -ие/-ия/-ость vs Ukrainian -ння/-ість/-ати).
_UK_ENDINGS = ("ння", "ття", "ість", "ати", "ити", "ського", "ської")
_RU_ENDINGS = (
    "ие", "ия", "ии", "ию", "ость", "ать", "ять", "ение", "ению", "ения", "ской", "ского",
)
# How many function words of the best language a Latin text needs; fewer is "und".
_MIN_LATIN_HITS = 1


_CYR_RE = re.compile("[а-яіїєґёў]")
_LAT_RE = re.compile("[a-z]")
_UK_APOSTROPHE_RE = re.compile("[а-яіїєґ]'[а-яіїєґ]")  # перемир'я, з'їзд: Ukrainian spelling


def _letter_counts(text: str) -> tuple[int, int, int, int, int, int]:
    """Return (cyrillic, latin, uk-only, ru-only, be-only, in-word apostrophes) of folded text."""
    count = text.count
    return (
        len(_CYR_RE.findall(text)),
        len(_LAT_RE.findall(text)),
        sum(count(ch) for ch in UK_LETTERS),
        sum(count(ch) for ch in RU_LETTERS),
        sum(count(ch) for ch in BE_LETTERS),
        len(_UK_APOSTROPHE_RE.findall(text)) if "'" in text else 0,
    )


def _cyrillic(tokens: list[str], uk: int, ru: int, be: int) -> str | None:
    if be:  # ў is Belarusian only (which also has і like uk and ы э like ru)
        return "be"
    uk_words = sum(1 for t in tokens if t in _UK_WORDS)
    ru_words = sum(1 for t in tokens if t in _RU_WORDS)
    uk_ends = sum(1 for t in tokens if t.endswith(_UK_ENDINGS))
    ru_ends = sum(1 for t in tokens if t.endswith(_RU_ENDINGS))
    uk_score = 2 * uk + uk_words + uk_ends
    ru_score = 2 * ru + ru_words + ru_ends
    if uk_score > ru_score:
        return "uk"
    if ru_score > uk_score:
        return "ru"
    return None


def _latin(tokens: list[str]) -> str | None:
    scores = {lang: sum(1 for t in tokens if t in vocab) for lang, vocab in _LATIN_WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] >= _MIN_LATIN_HITS and ranked[0] > ranked[1]:
        return best
    return None


def detect_language(text: str, hint: str | None = None) -> str:
    """Return "uk", "ru", "en", another ISO 639-1 code, or "und" when undecidable.

    ``hint`` (e.g. the feed's declared language) is returned only when the text is
    ambiguous: too short, or with no letter or word that points one way.
    """
    hint = (hint or "").strip().lower()[:2] or None
    folded = strip_html(text or "").casefold().replace("\u2019", "'").replace("\u02bc", "'")
    cyr, lat, uk, ru, be, apos = _letter_counts(folded)
    if cyr == 0 and lat == 0:
        return hint or "und"
    tokens = TOKEN_RE.findall(folded)
    if cyr >= lat:
        found = _cyrillic(tokens, uk + apos, ru, be)
        if found:
            return found
        if hint in ("uk", "ru", "be", "bg", "sr", "mk"):
            return hint
        return "und"
    found = _latin(tokens)
    if found:
        return found
    # Latin script without telling function words (a short headline of names):
    # trust a Latin-script hint, otherwise English is by far the likeliest here.
    if hint and hint not in ("uk", "ru", "be", "bg", "sr", "mk"):
        return hint
    return "en"
