"""RawItem -> Article: plain text, UTC dates, canonical URLs and stable ids.

Canonical URL policy (lossy on purpose: it is the de-duplication key; ``Article.url`` keeps the
link as published): lowercase scheme and host, no userinfo, no default port, no fragment,
tracking parameters dropped (``utm_*``, BBC's ``at_*``, ``fbclid``, ``gclid``, ``yclid``, ...),
remaining parameters sorted, non-ASCII path characters percent-encoded, an empty path becomes
``/`` and a trailing ``/`` is dropped from any other path (``/news/a/`` == ``/news/a``).
The scheme is kept: ``http`` and ``https`` stay different keys.

Article id: sha1 of the canonical URL (16 hex chars), so the same story from two feeds gets one
id. Without a link: sha1 of feed URL + GUID; without either: sha1 of feed URL + title. Such
link-less articles get the synthetic canonical URL ``urn:mediawatch:<article_id>``.
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from mediawatch.models import Article, Feed, RawItem

MIN_DATE = datetime(1995, 1, 1, tzinfo=UTC)
MAX_FUTURE = timedelta(days=2)
MAX_TITLE_CHARS = 1_000
MAX_SUMMARY_CHARS = 10_000

TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "ref", "ref_src", "ref_url", "cmpid", "cmp", "ocid", "s_cid", "spm",
    "_ga", "_gl", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",
    "rss", "from_rss", "xtor", "guccounter", "guce_referrer", "guce_referrer_sig",
})
TRACKING_PREFIXES = ("utm_", "at_", "hsa_", "pk_", "mtm_")
DEFAULT_PORTS = {"http": 80, "https": 443}

_DROP_BLOCKS = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_CDATA = re.compile(r"<!\[CDATA\[|\]\]>")
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|header|footer|"
    r"figure|figcaption|img|hr|iframe|pre|dd|dt)\b[^>]*>", re.I)
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<![^>]*>|<\?[^>]*>")
_OPEN_TAG_AT_END = re.compile(r"<[A-Za-z/!][^>]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")
_PCT = re.compile(r"%[0-9a-fA-F]{2}")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def clean_text(value: str | None) -> str:
    """HTML or text -> one line of plain text: no tags, no script/style bodies, entities decoded."""
    if not value:
        return ""
    text = _strip_tags(value)
    if "&" in text:
        # Once more after decoding: double-escaped markup (&amp;lt;script&amp;gt;) is markup too.
        text = _strip_tags(html.unescape(text))
    text = _CONTROL.sub("", text)
    return _SPACE.sub(" ", text).strip()


def _strip_tags(text: str) -> str:
    if "<" not in text:
        return text
    text = _DROP_BLOCKS.sub(" ", text)
    text = _COMMENT.sub(" ", text)
    text = _CDATA.sub("", text)
    text = _BLOCK_TAG.sub(" ", text)
    text = _TAG.sub("", text)
    return _OPEN_TAG_AT_END.sub("", text)


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The de-duplication form of an absolute http(s) URL (other strings come back stripped)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.rstrip(".")  # urlsplit lowercases it; drops userinfo
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = quote(parts.path, safe=_PATH_SAFE)
    path = _PCT.sub(lambda m: m.group(0).upper(), path)
    if not path:
        path = "/"
    elif len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _is_tracking(k)]
    query = urlencode(sorted(pairs), quote_via=quote)
    return urlunsplit((scheme, host, path, query, ""))


def article_id(canonical: str | None, guid: str | None, *, feed_url: str = "",
               title: str = "") -> str:
    """Stable 16-hex id: canonical URL, else feed URL + GUID, else feed URL + title."""
    if canonical:
        key = canonical
    elif guid:
        key = f"guid\n{feed_url}\n{guid}"
    else:
        key = f"title\n{feed_url}\n{title}"
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def to_utc(value: datetime) -> datetime:
    """A tz-aware UTC datetime (naive values are taken to be UTC already)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _plausible(published: datetime | None, fetched_at: datetime) -> datetime | None:
    if published is None:
        return None
    published = to_utc(published)
    return published if MIN_DATE <= published <= fetched_at + MAX_FUTURE else None


def _resolve_link(link: str | None, guid: str | None, base: str) -> str | None:
    for candidate in (link, guid if guid and guid.startswith(("http://", "https://")) else None):
        if not candidate:
            continue
        candidate = candidate.strip()
        try:
            absolute = urljoin(base, candidate) if base else candidate
        except ValueError:
            continue
        if urlsplit(absolute).scheme.lower() in DEFAULT_PORTS and urlsplit(absolute).hostname:
            return absolute
    return None


def title_from_url(url: str) -> str:
    """A readable stand-in title from a URL slug: '/2025/11/peace-plan-leaked.html' -> ..."""
    path = unquote(urlsplit(url).path)
    for segment in reversed([s for s in path.split("/") if s]):
        words = re.sub(r"\.[a-z0-9]{2,5}$", "", segment, flags=re.I)
        words = re.sub(r"[-_+]+", " ", words).strip()
        if words and not words.replace(" ", "").isdigit():
            return words[:1].upper() + words[1:]
    return urlsplit(url).hostname or url


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut or text[:limit]) + "…"


def normalize_item(item: RawItem, feed: Feed, fetched_at: datetime, lang: str) -> Article | None:
    """Normalise one parsed item; None when it has no title, no summary and no link."""
    fetched_at = to_utc(fetched_at)
    title = _shorten(clean_text(item.title), MAX_TITLE_CHARS)
    summary = _shorten(clean_text(item.summary), MAX_SUMMARY_CHARS)
    guid = (item.guid or "").strip() or None
    url = _resolve_link(item.link, guid, feed.url)
    if not title and not summary and not url:
        return None
    title_is_slug = item.title_is_slug
    if not title:
        if summary:
            title = _shorten(summary, 160)
        else:
            title, title_is_slug = title_from_url(url or ""), True
    canonical = canonical_url(url) if url else ""
    aid = article_id(canonical, guid, feed_url=feed.url, title=title)
    published = _plausible(item.published, fetched_at)
    return Article(
        article_id=aid,
        canonical_url=canonical or f"urn:mediawatch:{aid}",
        url=url or "",
        guid=guid,
        feed_url=feed.url,
        outlet=feed.outlet,
        title=title,
        summary=summary,
        lang=lang,
        published_at=published or fetched_at,
        published_at_estimated=published is None,
        fetched_at=fetched_at,
        title_is_slug=title_is_slug,
        alternates=item.alternates,
    )


def dedupe_articles(articles: list[Article]) -> list[Article]:
    """Keep the first article per article_id (one feed may list a story twice)."""
    seen: set[str] = set()
    out = []
    for article in articles:
        if article.article_id not in seen:
            seen.add(article.article_id)
            out.append(article)
    return out
