"""Follow a sitemap index to its newest child sitemaps, with the same fetch rules as any feed.

The flow calls ``fetch_sitemap`` instead of ``fetch_feed`` for ``kind == "sitemap"`` feeds and
hands the children to ``pipeline.process_all(..., children={feed.url: children})``. An index's
own validators are dropped: its children change while it does not (Ukrainska Pravda's monthly
index changes once a month, its current month every few minutes), so a 304 on the index must
never hide new children. A plain ``<urlset>`` keeps conditional GET as usual.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from urllib.parse import urljoin, urlsplit
from xml.parsers import expat

import httpx

from mediawatch.config import HttpLimits
from mediawatch.fetch import fetch_feed
from mediawatch.models import FeedState, FetchResult
from mediawatch.sitemap import SitemapError, decompress_body, parse_sitemap, select_children

MAX_CHILDREN = 3  # newest child sitemaps fetched per poll
WINDOW_DAYS = 31  # ...and only those dated within this many days


class _RootFound(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def is_sitemap_index(body: bytes | None) -> bool:
    """True when the document's root element is ``<sitemapindex>`` (reads only the prolog)."""
    if not body:
        return False

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = _stop_at_root
    parser.StartDoctypeDeclHandler = _stop_at_doctype
    try:
        parser.Parse(decompress_body(body)[:65536], False)
    except _RootFound as found:
        return found.name == "sitemapindex"
    except (expat.ExpatError, SitemapError):
        return False  # junk: the pipeline's parse_sitemap reports it properly
    return False


def _stop_at_root(name: str, _attrs: object) -> None:
    raise _RootFound(name.rpartition(" ")[2])


def _stop_at_doctype(*_args: object) -> None:
    raise _RootFound("")  # a DTD: not an index we follow (parse_sitemap refuses it)


def _same_site(child: str, index_url: str) -> bool:
    """Children must live on the index's host (sitemaps.org rule; also no SSRF via an index)."""
    a, b = urlsplit(child), urlsplit(index_url)
    return a.scheme in ("http", "https") and a.hostname == b.hostname


def fetch_sitemap_children(
    index_result: FetchResult,
    client: httpx.Client,
    limits: HttpLimits,
    now: datetime,
    *,
    max_children: int = MAX_CHILDREN,
    window_days: int = WINDOW_DAYS,
) -> list[FetchResult]:
    """Fetch the newest children of a fetched sitemap index; [] when it is not an index."""
    if index_result.status != "ok" or not is_sitemap_index(index_result.body):
        return []
    base = index_result.final_url or index_result.feed_url
    try:
        index = parse_sitemap(index_result.body or b"", index_result.content_type, base)
    except SitemapError:
        return []  # the pipeline parses the body again and records the error
    urls = [urljoin(base, loc) for loc in select_children(index, now, max_children, window_days)]
    return [fetch_feed(url, None, client, limits, now) for url in urls if _same_site(url, base)]


def fetch_sitemap(
    url: str,
    state: FeedState | None,
    client: httpx.Client,
    limits: HttpLimits,
    now: datetime,
    *,
    max_children: int = MAX_CHILDREN,
    window_days: int = WINDOW_DAYS,
) -> tuple[FetchResult, list[FetchResult]]:
    """Fetch a sitemap feed; for an index also its newest children. Never raises."""
    result = fetch_feed(url, state, client, limits, now)
    if result.status != "ok" or not is_sitemap_index(result.body):
        return result, []
    children = fetch_sitemap_children(
        result, client, limits, now, max_children=max_children, window_days=window_days
    )
    return replace(result, etag=None, last_modified=None), children
