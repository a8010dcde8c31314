"""Text normalisation and tokenisation shared by language detection and topic tagging.

Everything here is a pure function of its input and built from C-level ``str`` methods
and precompiled regexes, so normalising costs far less than parsing a feed.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Every apostrophe look-alike Ukrainian text uses in the wild, mapped to ASCII "'".
APOSTROPHES = ("\u2019", "\u02bc", "`", "\u02b9", "\u2018", "\u2032", "\u00b4", "\u02bb")
# Typographic quotes, mapped to ASCII '"'.
QUOTES = ("\u00ab", "\u00bb", "\u201e", "\u201c", "\u201d", "\u201f", "\u2039", "\u203a")
# Hyphens and dashes, mapped to ASCII "-".
DASHES = ("\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\ufe63", "\uff0d")
# Invisible characters that split words when left in place.
INVISIBLE = ("\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")

_TAG_RE = re.compile(r"<[^<>]{0,2000}>")
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# A word: letters/digits, optionally joined by an in-word apostrophe (перемир'я, ukraine's).
TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Words plus the punctuation that ends a clause; a phrase never matches across the latter.
TOKEN_OR_BREAK_RE = re.compile(TOKEN_RE.pattern + r"""|[.,;:!?()\[\]"|]|\s-\s""")


def strip_html(text: str) -> str:
    """Decode HTML entities (also double-encoded ones) and replace tags with spaces."""
    for _ in range(2):  # "&amp;quot;" needs two rounds; a third would be unusual
        if "&" not in text or not _ENTITY_RE.search(text):
            break
        text = html.unescape(text)
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    return text


_PUNCT_MAP = {
    **dict.fromkeys(INVISIBLE, ""),
    **dict.fromkeys(APOSTROPHES, "'"),
    **dict.fromkeys(QUOTES, '"'),
    **dict.fromkeys(DASHES, "-"),
}
_PUNCT_RE = re.compile("[" + "".join(_PUNCT_MAP) + "]")


def _unify(match: re.Match[str]) -> str:
    return _PUNCT_MAP[match.group()]


def fold(text: str) -> str:
    """Return ``text`` ready for matching: no HTML, casefolded, ё→е, unified punctuation.

    Whitespace is left as it is (the tokenizer ignores it); see :func:`normalize`.
    """
    if not text:
        return ""
    text = strip_html(text)
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)  # decomposed й, ї from some CMSes
        if _PUNCT_RE.search(text):
            text = _PUNCT_RE.sub(_unify, text)
    text = text.casefold()
    if "ё" in text:
        text = text.replace("ё", "е")
    return text


def normalize(text: str) -> str:
    """Like :func:`fold`, and runs of whitespace become single spaces.

    >>> normalize("Перемир&#8217;я  у «Донбасі» — ЙОГО")
    'перемир\\'я у "донбасі" - його'
    """
    return " ".join(fold(text).split())


def tokenize(text: str) -> list[str]:
    """Split already normalised text into word tokens (apostrophes stay inside words)."""
    return TOKEN_RE.findall(text)


def words(text: str) -> list[str]:
    """Fold raw text and tokenise it."""
    return TOKEN_RE.findall(fold(text))
