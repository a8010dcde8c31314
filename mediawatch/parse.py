"""Parse feed bytes into RawItems. The only module that imports feedparser.

Safety: feedparser always gets a ``BytesIO`` (a bare ``bytes`` or ``str`` argument may be opened
as a local path or URL) and ``response_headers``, never a URL. A document whose DOCTYPE declares
external (XXE) or nested (entity-expansion bomb) entities is refused outright with a ParseError;
behind that, expat fetches no external entities and feedparser's DOCTYPE filter keeps only
plain literal entities, so no local file text can reach an item.

Encoding: feedparser trusts labels, so a windows-1251 or KOI8 body labelled utf-8 (or not
labelled at all) would be decoded as windows-1252 mojibake. ``choose_charset`` decides first:
valid UTF-8 wins; an explicit non-Latin label that decodes is trusted; otherwise the body is read
as cp1251 or koi8-u when one of them yields plausible Cyrillic (letter frequencies, see
``cyrillic_charset``); only on this fallback path is the body decoded more than once.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from mediawatch.models import RawItem

MIN_DATE = datetime(1995, 1, 1, tzinfo=UTC)
MAX_FUTURE = timedelta(days=2)

_UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
_LATIN_NAMES = frozenset({"iso-8859-1", "latin-1", "latin1", "iso8859-1", "windows-1252",
                          "cp1252", "iso-8859-15"})
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
         codecs.BOM_UTF32_BE, b"\x00<\x00?", b"<\x00?\x00", b"\x00\x00\x00<", b"<\x00\x00\x00")
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*['"]([A-Za-z0-9._:-]+)['"]""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
_LEADING_JUNK = re.compile(rb"^(?:\s+|<\?[^>]*\?>|<!--.*?-->)+", re.S)
_FEED_ROOT = re.compile(rb"^<(?:[A-Za-z0-9_]+:)?(?:rss|feed|RDF|rdf)\b")
# An entity that is external (SYSTEM/PUBLIC) or refers to another entity: XXE or a "billion
# laughs" bomb. Plain literal entities (<!ENTITY nbsp "&#160;">) are harmless and allowed.
_HOSTILE_ENTITY = re.compile(
    rb"""<!ENTITY\s+(?:%\s*)?[^\s>]+\s+(?:SYSTEM|PUBLIC|"[^"]*&[^#]|'[^']*&[^#])""")
_CYRILLIC = re.compile("[а-яёіїєґ]")
_COMMON_CYRILLIC = "оеаинтсрвлкмдпуі"
CYRILLIC_MIN_SCORE = 0.7


class ParseError(ValueError):
    """The body could not be turned into feed items (message says why)."""


class NotAFeedError(ParseError):
    """The body is something else: an HTML page, JSON, an error page."""


@dataclass
class ParsedFeed:
    items: list[RawItem]
    feed_lang: str | None = None
    feed_title: str | None = None
    bozo: str | None = None  # feedparser's complaint about a feed it still read
    encoding: str | None = None  # charset the text was decoded with
    # the complaint when it is about the XML itself: items after that point may be missing
    damaged: str | None = None


def parse_feed(
    body: bytes,
    content_type: str | None,
    *,
    base_url: str | None = None,
    now: datetime | None = None,
) -> ParsedFeed:
    """Parse one RSS/Atom/RDF document. Raises ParseError / NotAFeedError with a clear message."""
    if not body or not body.strip():
        raise ParseError("empty response body")
    mime = _mime(content_type)
    head = _LEADING_JUNK.sub(b"", body.lstrip(codecs.BOM_UTF8)[:2048])
    if re.match(rb"<!doctype\s+html|<html[\s>]", head, re.I):
        raise NotAFeedError("not a feed: got text/html")
    if b"<!ENTITY" in body[:65536] and _HOSTILE_ENTITY.search(body[:65536]):
        raise ParseError("refused: the DOCTYPE declares external or nested XML entities "
                         "(XXE or entity expansion)")
    charset = choose_charset(body, content_type)
    headers = {"content-type": f"application/xml; charset={charset}" if charset
               else "application/xml"}
    if base_url:
        headers["content-location"] = base_url
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers,
                              sanitize_html=False, resolve_relative_uris=False)
    bozo = _bozo(parsed)
    entries = parsed.get("entries") or []
    if not entries and not parsed.get("version"):
        if mime == "text/html" or not _FEED_ROOT.match(head):
            raise NotAFeedError(f"not a feed: got {mime or 'a document with no RSS/Atom root'}")
        raise ParseError(f"malformed feed with no readable items: {bozo or 'unknown error'}")
    if not entries and bozo and parsed.get("bozo_exception") is not None and _is_xml_error(parsed):
        raise ParseError(f"malformed feed with no readable items: {bozo}")
    meta = parsed.get("feed") or {}
    feed_lang = _text(meta.get("language")) or _text((meta.get("title_detail") or {})
                                                     .get("language"))
    limit = (now or datetime.now(UTC)) + MAX_FUTURE
    items = [_item(entry, feed_lang, limit) for entry in entries]
    damaged = bozo if bozo and _is_xml_error(parsed) else None
    return ParsedFeed(items=items, feed_lang=feed_lang, feed_title=_text(meta.get("title")),
                      bozo=bozo, encoding=parsed.get("encoding") or charset, damaged=damaged)


def _item(entry: Any, feed_lang: str | None, latest: datetime) -> RawItem:
    summary = _text(entry.get("summary"))
    if summary is None:
        content = entry.get("content") or []
        summary = _text(content[0].get("value")) if content else None
    lang = _text((entry.get("title_detail") or {}).get("language")) or _text(
        (entry.get("summary_detail") or {}).get("language"))
    return RawItem(
        title=_text(entry.get("title")),
        link=_text(entry.get("link")),
        guid=_text(entry.get("id")),
        summary=summary,
        published=_date(entry, latest),
        lang_hint=lang or feed_lang,
    )


def _date(entry: Any, latest: datetime) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(entry, key)  # plain lookup: no feedparser key-fallback warnings
        if not value:
            continue
        try:
            when = datetime(*value[:6], tzinfo=UTC)
        except (TypeError, ValueError, OverflowError):
            continue
        return when if MIN_DATE <= when <= latest else None
    return None


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _mime(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def _bozo(parsed: Any) -> str | None:
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}" if exc is not None else "malformed feed"


def _is_xml_error(parsed: Any) -> bool:
    """True when feedparser's complaint is about the XML itself, not just its labels."""
    name = type(parsed.get("bozo_exception")).__name__
    return name in ("SAXParseException", "CharacterEncodingUnknown")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def choose_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset to decode ``body`` with, or None to let feedparser follow BOM/declaration."""
    if body.startswith(_BOMS) or body.isascii():
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    declared = []
    match = _CHARSET.search(content_type or "")
    if match:
        declared.append(match.group(1).lower())
    xml = _XML_ENCODING.match(body[:512])
    if xml:
        declared.append(xml.group(1).decode("ascii").lower())
    for name in declared:
        codec = _codec(name)
        if codec and name not in _UTF8_NAMES and name not in _LATIN_NAMES and _decodes(body, codec):
            return codec
    guess = cyrillic_charset(body)
    if guess:
        return guess
    for name in declared:
        codec = _codec(name)
        if codec and _decodes(body, codec):
            return codec
    return None  # feedparser's own fallbacks: utf-8, windows-1252, iso-8859-2


def cyrillic_charset(body: bytes) -> str | None:
    """'cp1251' or 'koi8_u' when one of them decodes ``body`` into plausible Cyrillic, else None.

    Plausible: the 16 most frequent Russian/Ukrainian letters make up >= 70 % of the Cyrillic
    letters (about 80 % in real text; Hebrew, CJK or the wrong Cyrillic table score <= 65 %).
    """
    sample = body[:65536]
    best, best_score = None, CYRILLIC_MIN_SCORE
    for codec in ("cp1251", "koi8_u"):
        text = sample.decode(codec, errors="replace").lower()
        letters = len(_CYRILLIC.findall(text))
        if letters < 8:
            continue
        score = sum(text.count(ch) for ch in _COMMON_CYRILLIC) / letters
        if score >= best_score:
            best, best_score = codec, score
    return best


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
