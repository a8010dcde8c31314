"""Parse XML sitemaps (sitemaps.org 0.9 with the Google ``news:``/``image:`` extensions).

A ``<urlset>`` becomes ``RawItem``s; a ``<sitemapindex>`` becomes a list of child sitemaps.
Parsing streams through expat (no tree is built, so the 1.4 MB Espreso file costs little)
and refuses any DOCTYPE or ENTITY declaration, which shuts out external entities (XXE) and
entity-expansion bombs whatever the document's encoding; sitemaps never need a DTD.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from urllib.parse import unquote, urlsplit
from xml.parsers import expat

from mediawatch.inflate import InflateLimitError, inflate_into
from mediawatch.models import RawItem

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
XHTML_NS = "http://www.w3.org/1999/xhtml"
MAX_INFLATED = 64 * 1024 * 1024  # sitemaps.org caps a sitemap at 50 MB uncompressed
CHUNK = 64 * 1024

# First path segment -> language, for outlets that put the language in the URL.
PATH_LANGS = {"rus": "ru", "ru": "ru", "eng": "en", "en": "en", "ukr": "uk", "uk": "uk", "ua": "uk"}
_DATE_IN_URL = re.compile(
    r"(?<!\d)(20\d\d|19\d\d)[-_/](0[1-9]|1[0-2])(?:[-_/](0[1-9]|[12]\d|3[01]))?(?!\d)"
)
_LEADING_ID = re.compile(r"^\d+[-_]")
_EXTENSION = re.compile(r"\.(?:s?html?|php|aspx?)$", re.IGNORECASE)


class SitemapError(ValueError):
    """The body is not a sitemap this parser will read (unsafe, malformed or not XML)."""


class ChildSitemap(NamedTuple):
    """One ``<sitemap>`` of an index: its URL and lastmod (or the period end read from the URL)."""

    loc: str
    lastmod: datetime | None


@dataclass
class SitemapParse:
    """What one sitemap document holds."""

    items: list[RawItem] = field(default_factory=list)
    child_sitemaps: list[ChildSitemap] = field(default_factory=list)  # newest first
    is_index: bool = False


def parse_w3c_date(text: str | None) -> datetime | None:
    """W3C datetime (date-only, minutes, seconds, fractions, ``Z``) -> aware UTC; junk -> None."""
    if not text or not (text := text.strip()):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # date-only and naive values are read as UTC
    return value.astimezone(UTC)


def norm_lang(code: str | None) -> str | None:
    """``uk-UA`` -> ``uk``; ``ua`` (a common mistake) -> ``uk``; ``x-default`` -> None."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    if not base or base == "x":
        return None
    return "uk" if base == "ua" else base


def lang_from_path(url: str) -> str | None:
    """Language from the first path segment (``/rus/``, ``/eng/``, ``/ru/``, ``/en/``, ``/ua/``)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return PATH_LANGS.get(segments[0].lower()) if segments else None


def title_from_slug(url: str) -> str:
    """A readable title from the URL slug (transliteration stays Latin), or host + path."""
    parts = urlsplit(url)
    segments = [_EXTENSION.sub("", unquote(s)) for s in parts.path.split("/") if s]
    wordy = [s for s in segments if "-" in s.strip("-_") and any(c.isalpha() for c in s)]
    if wordy:
        words = _LEADING_ID.sub("", wordy[-1]).replace("_", "-").split("-")
        text = " ".join(w for w in words if w)
        return text[:1].upper() + text[1:]
    return f"{parts.netloc}{parts.path}".rstrip("/")


def decompress_body(body: bytes) -> bytes:
    """Inflate a gzip body (a ``.xml.gz`` served as-is), capped; other bodies pass through."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    out = bytearray()
    try:
        inflate_into(zlib.decompressobj(16 + zlib.MAX_WBITS), body, out, MAX_INFLATED)
    except InflateLimitError:
        raise SitemapError(f"gzip sitemap inflates beyond {MAX_INFLATED // 2**20} MB") from None
    except zlib.error as exc:
        raise SitemapError(f"broken gzip sitemap: {exc}") from exc
    return bytes(out)


class _Reader:
    """expat callbacks collecting ``<url>`` and ``<sitemap>`` records; keeps no tree."""

    def __init__(self, page_url: str) -> None:
        self.page_url = page_url
        self.result = SitemapParse()
        self.root: str | None = None
        self.record: dict[str, object] | None = None
        self.text: list[str] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition(" ")
        if self.root is None:
            self.root = local
            if local not in ("urlset", "sitemapindex"):
                raise SitemapError(f"not a sitemap: root element <{local}>")
            self.result.is_index = local == "sitemapindex"
        elif local in ("url", "sitemap") and not ns.startswith(("http://www.google", XHTML_NS)):
            self.record = {"alternates": [], "images": []}
        elif self.record is not None and ns == XHTML_NS and local == "link":
            if attrs.get("rel", "").lower() == "alternate" and attrs.get("href"):
                self.record["alternates"].append((attrs.get("hreflang", ""), attrs["href"].strip()))
        self.text = []

    def data(self, chunk: str) -> None:
        self.text.append(chunk)

    def end(self, name: str) -> None:
        ns, _, local = name.rpartition(" ")
        record = self.record
        if record is None:
            return
        value = "".join(self.text).strip()
        self.text = []
        if ns == NEWS_NS and local in ("title", "publication_date", "language"):
            record[f"news_{local}"] = value
        elif ns == IMAGE_NS and local in ("title", "caption"):
            record["images"].append(value)
        elif local in ("loc", "lastmod") and not ns.startswith(("http://www.google", XHTML_NS)):
            record.setdefault(local, value)
        elif local == "url" and not ns.startswith(("http://www.google", XHTML_NS)):
            self._emit_url(record)
            self.record = None
        elif local == "sitemap" and not ns.startswith(("http://www.google", XHTML_NS)):
            if record.get("loc"):
                loc = str(record["loc"])
                when = parse_w3c_date(record.get("lastmod")) or period_end_from_url(loc)
                self.result.child_sitemaps.append(ChildSitemap(loc, when))
            self.record = None

    def _emit_url(self, record: dict) -> None:
        loc = record.get("loc")
        if not loc:
            return
        alternates: list[tuple[str, str]] = []
        self_lang = None
        for hreflang, href in record["alternates"]:
            lang = norm_lang(hreflang)
            if lang is None:
                continue
            if href == loc:
                self_lang = lang
            else:
                alternates.append((lang, href))
        title, summary = _pick_title(record.get("news_title"), record["images"])
        is_slug = title is None
        self.result.items.append(
            RawItem(
                title=title if title is not None else title_from_slug(loc),
                link=loc,
                guid=None,
                summary=summary,
                published=parse_w3c_date(record.get("news_publication_date"))
                or parse_w3c_date(record.get("lastmod")),
                lang_hint=self_lang
                or norm_lang(record.get("news_language"))
                or lang_from_path(loc),
                title_is_slug=is_slug,
                alternates=tuple(alternates),
            )
        )


def _pick_title(news_title: str | None, images: list[str]) -> tuple[str | None, str | None]:
    """``news:title``, else the wordiest image title/caption; another caption becomes the summary.

    The wordiest wins because some outlets put the photographer's name in ``image:title``
    and the headline in ``image:caption`` (Censor.net) while others do the opposite.
    """
    texts = [t for t in images if t]
    if news_title:
        return news_title, (texts[0] if texts else None)
    if not texts:
        return None, None
    best = max(texts, key=lambda t: len(t.split()))
    rest = [t for t in texts if t != best and len(t.split()) >= 4]
    return best, (rest[0] if rest else None)


def period_end_from_url(url: str) -> datetime | None:
    """``sitemap-2025-12.xml`` -> 2026-01-01 (end of the month it covers); no date -> None."""
    found = _DATE_IN_URL.findall(urlsplit(url).path)
    if not found:
        return None
    year, month, day = (int(x) if x else 0 for x in found[-1])
    if day:
        return datetime(year, month, day, tzinfo=UTC) + timedelta(days=1)
    return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)


def _refuse_dtd(*_args: object) -> None:
    raise SitemapError("sitemap declares a DOCTYPE/ENTITY: refused (XXE / entity expansion)")


def parse_sitemap(body: bytes, content_type: str | None, page_url: str) -> SitemapParse:
    """Parse a sitemap or sitemap index. Raises SitemapError (a ValueError) on unusable input.

    ``content_type`` is accepted for symmetry with the feed parser: the XML declaration, not
    the header, decides the encoding.
    """
    del content_type
    body = decompress_body(body)
    reader = _Reader(page_url)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.data
    try:
        for start in range(0, len(body), CHUNK):
            parser.Parse(body[start : start + CHUNK], False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise SitemapError(f"malformed sitemap XML: {exc}") from exc
    if reader.root is None:
        raise SitemapError("empty sitemap")
    reader.result.child_sitemaps.sort(key=_newest_first)
    return reader.result


def _newest_first(child: ChildSitemap) -> tuple[int, float]:
    # Dated children first, newest first; undated keep document order (sort is stable).
    return (0, -child.lastmod.timestamp()) if child.lastmod else (1, 0.0)


def select_children(
    index: SitemapParse, now: datetime, max_children: int = 3, window_days: int = 31
) -> list[str]:
    """The newest ``max_children`` child sitemaps dated within ``window_days`` of ``now``.

    When no child carries a date (neither lastmod nor a date in its URL) the first
    ``max_children`` in document order are taken: indexes list their newest part first.
    """
    dated = [c for c in index.child_sitemaps if c.lastmod is not None]
    if not dated:
        return [c.loc for c in index.child_sitemaps[:max_children]]
    earliest = now - timedelta(days=window_days)
    recent = [c for c in dated if c.lastmod >= earliest]  # type: ignore[operator]
    return [c.loc for c in recent[:max_children]]
