"""A loopback-only hostile feed server: one path per misbehaviour of issue 5, plus good feeds.

``HostileServer`` runs a ``ThreadingHTTPServer`` on 127.0.0.1 in a daemon thread. Every case
is a path (see ``CASES``); good feeds answer conditional GETs (ETag, Last-Modified) with 304.
Each GET is counted per path in ``server.requests`` so tests can prove who was contacted.

Nothing big is held in memory: the 100 MB+ bodies are streamed from one 64 KB block, and the
gzip bomb (1 GiB inflated, ~1 MB on the wire) is built from one repeated deflate block.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

RSS_TYPE = "application/rss+xml; charset=utf-8"
HUGE_BYTES = 110 * 1024 * 1024
BOMB_INFLATED = 1 << 30  # 1 GiB of zeros
TEN_K = 10_000
PUB = "Sun, 23 Nov 2025 10:00:00 GMT"
RETRY_AFTER_S = 3600

# Ukrainian headline with і, ї, є, ґ: encodable in both windows-1251 and koi8-u.
CYRILLIC_TITLE = "Переговори в Женеві: делегації обговорили гарантії безпеки та обмін полоненими"
CYRILLIC_SUMMARY = "Україна і партнери узгодили ґрунтовні питання, її позиція єдина."


# --- feed documents -----------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    title: str | None = None
    link: str | None = None
    guid: str | None = None
    date: str | None = PUB
    summary: str | None = None
    raw_title: str | None = None  # inserted verbatim (markup tests)


def rss(items: list[Item], *, title: str = "Feed", encoding: str | None = None) -> str:
    """An RSS 2.0 document as text (encode it yourself)."""
    decl = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else '<?xml version="1.0"?>'
    parts = [decl, '<rss version="2.0"><channel>', f"<title>{escape(title)}</title>",
             "<link>https://example.org/</link><description>test feed</description>"]
    for it in items:
        parts.append("<item>")
        if it.raw_title is not None:
            parts.append(f"<title>{it.raw_title}</title>")
        elif it.title is not None:
            parts.append(f"<title>{escape(it.title)}</title>")
        if it.link is not None:
            parts.append(f"<link>{escape(it.link)}</link>")
        if it.guid is not None:
            parts.append(f'<guid isPermaLink="false">{escape(it.guid)}</guid>')
        if it.date is not None:
            parts.append(f"<pubDate>{escape(it.date)}</pubDate>")
        if it.summary is not None:
            parts.append(f"<description>{escape(it.summary)}</description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts)


def good_items(name: str, n: int) -> list[Item]:
    """``n`` ordinary English items with unique links under https://<name>.example.org/."""
    return [
        Item(title=f"{name} report {i}: talks on the peace plan continue",
             link=f"https://{name}.example.org/news/{i}", guid=f"{name}-{i}",
             date=f"Sun, {10 + i % 15:02d} Nov 2025 {i % 24:02d}:00:00 GMT",
             summary=f"Delegations met again, day {i}.")
        for i in range(n)
    ]


GOOD_FEEDS: dict[str, int] = {  # path -> items; each path is also an outlet name
    "/good/alpha.xml": 4,
    "/good/beta.xml": 3,
    "/good/lastmod.xml": 2,  # Last-Modified only, no ETag
    "/good/plain.xml": 2,  # no validators at all: a rerun gets 200 and stores nothing new
    "/good/moved301.xml": 2,
    "/good/moved308.xml": 2,
    "/good/chain-end.xml": 2,
}
ETAG_FEEDS = frozenset(
    [p for p in GOOD_FEEDS if p not in ("/good/lastmod.xml", "/good/plain.xml")] + ["/items/10k"])


def feed_name(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".xml")


MISSING_FIELDS = [
    Item(title="No link, guid only", guid="urn:uuid:6f1c2e0a-missing-link", summary="s"),
    Item(link="https://missing.example.org/no-title", guid="no-title",
         summary="A summary stands in for the missing title."),
    Item(title="No guid", link="https://missing.example.org/no-guid"),
    Item(title="No date", link="https://missing.example.org/no-date", guid="no-date", date=None),
    Item(title="Only a title", date=None),  # nothing to identify it: may be dropped
]

DUPLICATE_GUIDS = [
    Item(title="First copy", link="https://dup.example.org/a", guid="dup-a"),
    Item(title="Second copy", link="https://dup.example.org/a", guid="dup-a"),
    Item(title="B", link="https://dup.example.org/b", guid="dup-b"),
    Item(title="B again", link="https://dup.example.org/b", guid="dup-b"),
    Item(title="B third", link="https://dup.example.org/b", guid="dup-b"),
    Item(title="C", link="https://dup.example.org/c", guid="dup-c"),
]
DUPLICATE_DISTINCT = 3

ABSURD_DATES = {
    "epoch": "Thu, 01 Jan 1970 00:00:00 GMT",
    "year9999": "Fri, 31 Dec 9999 23:59:59 GMT",
    "garbage": "the day after tomorrow, probably",
    "impossible": "Mon, 45 Foo 2025 99:99:99 XYZ",
}

SCRIPT_ITEMS = [
    Item(raw_title="<![CDATA[<script>alert('pwned')</script>Peace talks resume in Geneva]]>",
         link="https://xss.example.org/1", guid="xss-1",
         summary="<script>document.cookie</script>Body text one."),
    Item(raw_title="&lt;img src=x onerror=alert(1)&gt;Ceasefire holds overnight",
         link="https://xss.example.org/2", guid="xss-2",
         summary='<img src="x" onerror="alert(2)">Body text two.'),
    Item(raw_title="Prisoner exchange &lt;script&gt;alert(3)&lt;/script&gt; agreed",
         link="https://xss.example.org/3", guid="xss-3", summary="Body three."),
]
SCRIPT_PLAIN_TITLES = ("Peace talks resume in Geneva", "Ceasefire holds overnight")


def billion_laughs() -> bytes:
    ents = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "' + f"&lol{'' if i == 1 else i - 1};" * 10 + '">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(ents) + "\n]>\n"
        '<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
        "<link>https://laughs.example.org/1</link><description>&lol9;</description></item>"
        "</channel></rss>"
    ).encode()


def xxe(secret_file: Path) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>\n'
        '<rss version="2.0"><channel><title>XXE &xxe;</title>'
        "<item><title>Leak &xxe; here</title><link>https://xxe.example.org/1</link>"
        "<guid>xxe-1</guid><description>&xxe;</description></item></channel></rss>"
    ).encode()


def truncated() -> bytes:
    doc = rss(good_items("truncated", 5)).encode()
    return doc[: int(len(doc) * 0.6)]


HTML_PAGE = (b"<!doctype html><html><head><title>Welcome</title></head><body><h1>News</h1>"
             b"<p>Subscribe to our newsletter!</p></body></html>")


@cache
def gzip_bomb() -> bytes:
    """A valid gzip stream of 1 GiB of zeros (~1 MB): one full-flushed deflate block repeated."""
    step = 1 << 20
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(bytes(step)) + comp.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    zeros = bytes(step)
    for _ in range(BOMB_INFLATED // step):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    final = b"\x03\x00"  # an empty final block (the stream is byte-aligned after a full flush)
    trailer = struct.pack("<II", crc & 0xFFFFFFFF, BOMB_INFLATED & 0xFFFFFFFF)
    return header + block * (BOMB_INFLATED // step) + final + trailer


@cache
def ten_thousand() -> bytes:
    items = [Item(title=f"Item {i} of ten thousand", link=f"https://tenk.example.org/{i}",
                  guid=f"tenk-{i}") for i in range(TEN_K)]
    return rss(items, title="Ten thousand").encode()


# --- the cases: path -> what a test may expect ----------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hostile path: ``error`` is a substring of the expected ``last_error``, or None when
    the feed must yield articles."""

    path: str
    what: str
    error: str | None = None
    yields: bool = False


def error_cases(read_timeout: str, deadline: str, cap: str) -> list[Case]:
    """The bad feeds and the text of the error each must record (limits as shown by fetch)."""
    return [
        Case("/hang", "headers never sent", f"timed out after {read_timeout} s"),
        Case("/trickle", "body trickled one byte a second", f"timed out after {deadline} s"),
        Case("/huge", "110 MB body, no Content-Length", f"body larger than {cap}"),
        Case("/huge-declared", "110 MB body, Content-Length sent", f"body larger than {cap}"),
        Case("/gzip-bomb", "1 GiB of zeros as 1 MB gzip", f"inflated body larger than {cap}"),
        Case("/billion-laughs", "XML entity expansion", "entity expansion"),
        Case("/xxe", "external entity reading a local file", "XXE"),
        Case("/html", "HTML page served as text/html", "not a feed"),
        Case("/empty", "200 with an empty body", "empty"),
        Case("/truncated", "XML cut in the middle of an item", None),
        Case("/status/404", "404 Not Found", "HTTP 404"),
        Case("/status/410", "410 Gone", "HTTP 410"),
        Case("/status/429", "429 with Retry-After: 3600",
             f"HTTP 429, retry after {RETRY_AFTER_S} s"),
        Case("/status/500", "500 Internal Server Error", "HTTP 500"),
        Case("/status/503", "503 Service Unavailable", "HTTP 503"),
        Case("/redirect/chain/9", "a chain of 9 redirects", "too many redirects"),
        Case("/redirect/loop/a", "redirect loop a -> b -> a", "redirect loop"),
        Case("/redirect/to-file", "302 to file:///etc/passwd", "unsupported URL scheme (file://)"),
        Case("/redirect/to-ftp", "302 to ftp://", "unsupported URL scheme (ftp://)"),
    ]


YIELD_CASES = [
    Case("/charset/cp1251-as-utf8", "windows-1251 body labelled utf-8", yields=True),
    Case("/charset/cp1251-unlabelled", "windows-1251 body, no charset anywhere", yields=True),
    Case("/charset/koi8u-as-utf8", "koi8-u body labelled utf-8", yields=True),
    Case("/charset/koi8u-unlabelled", "koi8-u body, no charset anywhere", yields=True),
    Case("/items/missing-fields", "items without link, title, guid or date", yields=True),
    Case("/items/duplicate-guids", "one GUID repeated in one feed", yields=True),
    Case("/items/absurd-dates", "dates in 1970, 9999 and garbage", yields=True),
    Case("/items/10k", "10,000 items in one feed", yields=True),
    Case("/items/script", "<script> and onerror= markup in titles", yields=True),
    Case("/redirect/chain/3", "3 redirects to a good feed", yields=True),
    Case("/moved/301", "301 to a good feed", yields=True),
    Case("/moved/308", "308 to a good feed", yields=True),
]


def charset_body(path: str) -> tuple[bytes, str]:
    codec = "windows-1251" if "cp1251" in path else "koi8-u"
    name = path.rsplit("/", 1)[-1]  # distinct links: the same URL in two feeds is one article
    items = [Item(title=CYRILLIC_TITLE, link=f"https://{name}.example.org/1", guid=f"{name}-1",
                  summary=CYRILLIC_SUMMARY)]
    body = rss(items, title="Новини").encode(codec)  # no encoding in the XML declaration
    ctype = "application/rss+xml; charset=utf-8" if "as-utf8" in path else "application/xml"
    return body, ctype


# --- the server ---------------------------------------------------------------------------


@dataclass
class HostileServer:
    """State shared by the handler threads: request counts and the stop signal."""

    secret_file: Path
    trickle_interval_s: float = 1.0
    requests: Counter[str] = field(default_factory=Counter)
    stop: threading.Event = field(default_factory=threading.Event)
    files: Path | None = None  # a folder served read-only under /files/
    base: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        with self._lock:
            return self.requests[path]

    def hit(self, path: str) -> None:
        with self._lock:
            self.requests[path] += 1


def closed_port_url() -> str:
    """A loopback URL on which nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


DNS_FAILURE_URL = "http://feed.invalid/rss.xml"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: HostileServer  # set on the subclass made by serve_hostile

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    # -- helpers --
    def _send(self, code: int, body: bytes = b"", ctype: str | None = RSS_TYPE,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        if ctype:
            self.send_header("Content-Type", ctype)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _conditional(self, path: str, body: bytes, ctype: str = RSS_TYPE) -> None:
        headers: dict[str, str] = {}
        if path in ETAG_FEEDS:
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            headers["ETag"] = etag
            if self.headers.get("If-None-Match") == etag:
                self._send(304, ctype=None, headers=headers)
                return
        if path == "/good/lastmod.xml":
            headers["Last-Modified"] = PUB
            if self.headers.get("If-Modified-Since") == PUB:
                self._send(304, ctype=None, headers=headers)
                return
        self._send(200, body, ctype, headers)

    def _stream(self, total: int, declare: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if declare:
            self.send_header("Content-Length", str(total))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        block = (b"<!-- " + b"x" * (64 * 1024 - 9) + b" -->\n")[: 64 * 1024]
        sent = 0
        self.wfile.write(b'<?xml version="1.0"?>\n<rss version="2.0"><channel>')
        while sent < total and not self.state.stop.is_set():
            self.wfile.write(block)
            sent += len(block)

    # -- dispatch --
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = urlsplit(self.path).path
        self.state.hit(path)
        try:
            self._route(path)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _route(self, path: str) -> None:
        st = self.state
        if path in GOOD_FEEDS:
            self._conditional(path, rss(good_items(feed_name(path), GOOD_FEEDS[path]),
                                        title=feed_name(path)).encode())
        elif path == "/hang" or path.startswith("/hang/"):
            st.stop.wait(120)  # never answer while the server runs
            self.close_connection = True
        elif path == "/trickle" or path.startswith("/trickle/"):
            self.send_response(200)
            self.send_header("Content-Type", RSS_TYPE)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            doc = rss(good_items("trickle", 50)).encode()
            for i in range(len(doc)):
                self.wfile.write(doc[i : i + 1])
                self.wfile.flush()
                if st.stop.wait(st.trickle_interval_s):
                    break
        elif path == "/huge":
            self._stream(HUGE_BYTES, declare=False)
        elif path == "/huge-declared":
            self._stream(HUGE_BYTES, declare=True)
        elif path == "/gzip-bomb":
            self._send(200, gzip_bomb(), headers={"Content-Encoding": "gzip"})
        elif path == "/billion-laughs":
            self._send(200, billion_laughs())
        elif path == "/xxe":
            self._send(200, xxe(st.secret_file))
        elif path == "/html":
            self._send(200, HTML_PAGE, "text/html; charset=utf-8")
        elif path == "/empty":
            self._send(200, b"")
        elif path == "/truncated":
            self._send(200, truncated())
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[-1])
            headers = {"Retry-After": str(RETRY_AFTER_S)} if code == 429 else {}
            self._send(code, b"<html><body>error</body></html>", "text/html", headers)
        elif path.startswith("/redirect/chain/"):
            left = int(path.rsplit("/", 1)[-1])
            target = "/good/chain-end.xml" if left <= 1 else f"/redirect/chain-hop/{left - 1}"
            self._send(302, ctype=None, headers={"Location": target})
        elif path.startswith("/redirect/chain-hop/"):
            left = int(path.rsplit("/", 1)[-1])
            target = "/good/chain-end.xml" if left <= 1 else f"/redirect/chain-hop/{left - 1}"
            self._send(302, ctype=None, headers={"Location": target})
        elif path in ("/redirect/loop/a", "/redirect/loop/b"):
            other = "/redirect/loop/b" if path.endswith("a") else "/redirect/loop/a"
            self._send(302, ctype=None, headers={"Location": other})
        elif path == "/redirect/to-file":
            self._send(302, ctype=None, headers={"Location": "file:///etc/passwd"})
        elif path == "/redirect/to-ftp":
            self._send(302, ctype=None, headers={"Location": "ftp://127.0.0.1/feed.xml"})
        elif path == "/moved/301":
            self._send(301, ctype=None, headers={"Location": st.base + "/good/moved301.xml"})
        elif path == "/moved/308":
            self._send(308, ctype=None, headers={"Location": "/good/moved308.xml"})
        elif path.startswith("/charset/"):
            body, ctype = charset_body(path)
            self._send(200, body, ctype)
        elif path == "/items/missing-fields":
            self._send(200, rss(MISSING_FIELDS).encode())
        elif path == "/items/duplicate-guids":
            self._send(200, rss(DUPLICATE_GUIDS).encode())
        elif path == "/items/absurd-dates":
            items = [Item(title=f"Absurd date {k}", link=f"https://dates.example.org/{k}",
                          guid=f"date-{k}", date=v) for k, v in ABSURD_DATES.items()]
            self._send(200, rss(items).encode())
        elif path == "/items/10k":
            self._conditional(path, ten_thousand())
        elif path == "/items/script":
            self._send(200, rss(SCRIPT_ITEMS).encode())
        elif path.startswith("/files/") and st.files is not None:
            self._serve_file(path.removeprefix("/files/"))
        else:
            self._send(404, b"not found", "text/plain")

    def _serve_file(self, rel: str) -> None:
        root = self.state.files
        assert root is not None
        target = (root / rel).resolve()
        if root.resolve() not in target.parents or not target.is_file():
            self._send(404, b"not found", "text/plain")
            return
        self._send(200, target.read_bytes(), "application/xml")


@contextmanager
def serve_hostile(secret_file: Path, *, files: Path | None = None,
                  trickle_interval_s: float = 1.0) -> Iterator[HostileServer]:
    """Run the hostile server on 127.0.0.1 (free port); yield its state with ``base`` set.

    ``files``: a folder also served read-only under ``/files/`` (e.g. feedparser's cases).
    """
    state = HostileServer(secret_file=secret_file, trickle_interval_s=trickle_interval_s,
                        files=files)
    handler: Callable[..., _Handler] = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False
    gzip_bomb(), ten_thousand()  # build the big bodies now, not while a client waits
    thread = threading.Thread(target=server.serve_forever, name="hostile-server", daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        state.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def write_feeds_csv(path: Path, rows: list[tuple[str, str, str]], poll_minutes: int = 15) -> Path:
    """Write a feeds file from (outlet, url, lang) rows."""
    lines = ["outlet,url,lang,country,kind,poll_minutes"]
    lines += [f"{outlet},{url},{lang},UA,rss,{poll_minutes}" for outlet, url, lang in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
