"""fetch_feed against loopback servers: every failure is a FetchResult, never an exception."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from mediawatch.config import HttpLimits
from mediawatch.fetch import fetch_feed, human_size, make_client, parse_retry_after
from mediawatch.models import FeedState

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
LIMITS = HttpLimits(connect_timeout_s=0.5, read_timeout_s=0.5, deadline_s=1.5,
                    max_body_bytes=64 * 1024, max_redirects=3)
NOW = datetime(2025, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with make_client(LIMITS) as c:
        yield c


def fetch(url: str, client: httpx.Client, state: FeedState | None = None,
          limits: HttpLimits = LIMITS):
    return fetch_feed(url, state, client, limits, now=NOW)


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket], None]], str]]:
    """A one-handler TCP server for misbehaviour werkzeug cannot express (stalls, trickles)."""
    servers: list[socket.socket] = []
    stop = threading.Event()

    def start(handler: Callable[[socket.socket], None]) -> str:
        srv = socket.create_server(("127.0.0.1", 0))
        srv.settimeout(0.2)
        servers.append(srv)

        def loop() -> None:
            while not stop.is_set():
                try:
                    conn, _ = srv.accept()
                except OSError:
                    continue
                with conn:
                    conn.recv(65536)
                    try:
                        handler(conn)
                    except OSError:
                        pass

        threading.Thread(target=loop, daemon=True).start()
        return f"http://127.0.0.1:{srv.getsockname()[1]}/feed"

    yield start
    stop.set()
    for srv in servers:
        srv.close()


def test_200_captures_body_and_validators(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        RSS, content_type="application/rss+xml; charset=utf-8",
        headers={"ETag": '"v1"', "Last-Modified": "Sun, 23 Nov 2025 10:00:00 GMT"})
    result = fetch(httpserver.url_for("/feed"), client)
    assert result.status == "ok" and result.http_status == 200 and result.error is None
    assert result.body == RSS
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert result.etag == '"v1"'
    assert result.last_modified == "Sun, 23 Nov 2025 10:00:00 GMT"
    assert result.started_at == NOW and result.duration_ms >= 0


def test_empty_200_is_fetched_and_left_to_the_parser(httpserver: HTTPServer,
                                                     client: httpx.Client) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"", content_type="application/xml")
    result = fetch(httpserver.url_for("/feed"), client)
    assert (result.status, result.body) == ("ok", b"")


def test_environment_proxies_are_ignored(httpserver: HTTPServer,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # would refuse every connection
    httpserver.expect_request("/feed").respond_with_data(RSS)
    with make_client(LIMITS) as c:
        assert fetch(httpserver.url_for("/feed"), c).status == "ok"


def test_real_user_agent_is_sent(httpserver: HTTPServer, client: httpx.Client) -> None:
    ua = {"User-Agent": LIMITS.user_agent}
    httpserver.expect_request("/feed", headers=ua).respond_with_data(RSS)
    assert fetch(httpserver.url_for("/feed"), client).status == "ok"


def test_304_sends_stored_validators(httpserver: HTTPServer, client: httpx.Client) -> None:
    url = httpserver.url_for("/feed")
    sent = {"If-None-Match": '"v1"', "If-Modified-Since": "Sun, 23 Nov 2025 10:00:00 GMT"}
    httpserver.expect_request("/feed", headers=sent).respond_with_data(b"", status=304)
    state = FeedState(feed_url=url, etag='"v1"', last_modified="Sun, 23 Nov 2025 10:00:00 GMT")
    result = fetch(url, client, state)
    assert result.status == "not_modified" and result.http_status == 304
    assert result.etag == '"v1"' and result.body is None and result.error is None


@pytest.mark.parametrize("code", [404, 410, 403])
def test_client_errors_are_permanent(httpserver: HTTPServer, client: httpx.Client,
                                     code: int) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"gone", status=code)
    result = fetch(httpserver.url_for("/feed"), client)
    assert (result.status, result.error, result.transient) == ("error", f"HTTP {code}", False)
    assert result.http_status == code and result.body is None


@pytest.mark.parametrize("code", [500, 502, 503])
def test_server_errors_are_transient(httpserver: HTTPServer, client: httpx.Client,
                                     code: int) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"oops", status=code)
    result = fetch(httpserver.url_for("/feed"), client)
    assert (result.status, result.error, result.transient) == ("error", f"HTTP {code}", True)


def test_429_retry_after_seconds(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        b"slow down", status=429, headers={"Retry-After": "3600"})
    result = fetch(httpserver.url_for("/feed"), client)
    assert result.error == "HTTP 429, retry after 3600 s"
    assert result.retry_after_s == 3600 and result.transient is False


def test_503_retry_after_http_date_waits(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        b"", status=503, headers={"Retry-After": "Sun, 23 Nov 2025 12:02:00 GMT"})
    result = fetch(httpserver.url_for("/feed"), client)
    assert result.error == "HTTP 503, retry after 120 s"
    assert result.retry_after_s == 120 and result.transient is False


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("120", NOW) == 120
    assert parse_retry_after(" 0 ", NOW) == 0
    assert parse_retry_after("Sun, 23 Nov 2025 11:00:00 GMT", NOW) == 0  # in the past
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after("-5", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_connection_refused(client: httpx.Client) -> None:
    with socket.create_server(("127.0.0.1", 0)) as srv:
        port = srv.getsockname()[1]
    result = fetch(f"http://127.0.0.1:{port}/feed", client)
    assert (result.status, result.error, result.transient) == ("error", "connection refused", True)


def test_dns_failure_names_the_host(client: httpx.Client) -> None:
    result = fetch("http://feeds.example.invalid/rss", client)
    assert result.status == "error"
    assert result.error == "DNS lookup failed for feeds.example.invalid"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed.xml",
                                 "javascript:alert(1)", "/relative/feed"])
def test_non_http_urls_are_refused(client: httpx.Client, url: str) -> None:
    result = fetch(url, client)
    assert result.status == "error" and result.body is None
    assert result.error is not None and "only http and https" in result.error


def test_headers_never_sent_is_a_read_timeout(raw_server, client: httpx.Client) -> None:
    url = raw_server(lambda conn: time.sleep(2))
    t0 = time.monotonic()
    result = fetch(url, client)
    assert result.error == "timed out after 0.5 s" and result.transient is True
    assert time.monotonic() - t0 < 1.2


def _trickle(conn: socket.socket, head: bytes, body_byte: bytes = b"x") -> None:
    conn.sendall(head)
    for _ in range(100):
        conn.sendall(body_byte)
        time.sleep(0.1)


def test_trickled_body_is_cut_at_the_deadline(raw_server, client: httpx.Client) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 100\r\n\r\n"
    url = raw_server(lambda conn: _trickle(conn, head))
    t0 = time.monotonic()
    result = fetch(url, client)
    elapsed = time.monotonic() - t0
    assert result.error == "timed out after 1.5 s (feed deadline)" and result.body is None
    assert 1.4 <= elapsed < 2.2


def test_trickled_headers_are_cut_at_the_deadline(raw_server, client: httpx.Client) -> None:
    url = raw_server(lambda conn: _trickle(conn, b"HTTP/1.1 200 OK\r\n", b"X"))
    t0 = time.monotonic()
    result = fetch(url, client)
    assert result.error == "timed out after 1.5 s (feed deadline)"
    assert time.monotonic() - t0 < 2.2


def test_deadline_holds_with_a_plain_client(raw_server) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
    url = raw_server(lambda conn: _trickle(conn, head))
    with httpx.Client(timeout=1.0) as plain:
        result = fetch(url, plain)
    assert result.error == "timed out after 1.5 s (feed deadline)"


def test_declared_oversize_body_is_refused(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"x" * (200 * 1024))
    result = fetch(httpserver.url_for("/feed"), client)
    assert result.error == "body larger than 64 KB" and result.body is None


def test_streamed_oversize_body_is_cut(httpserver: HTTPServer, client: httpx.Client) -> None:
    def endless(_: Request) -> Response:
        return Response((b"x" * 8192 for _ in range(10_000)), content_type="application/xml")

    httpserver.expect_request("/feed").respond_with_handler(endless)
    result = fetch(httpserver.url_for("/feed"), client)
    assert result.error == "body larger than 64 KB" and result.transient is False


def test_gzip_feed_is_inflated(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/feed", headers={"Accept-Encoding": "gzip"}).respond_with_data(
        gzip.compress(RSS), headers={"Content-Encoding": "gzip"})
    result = fetch(httpserver.url_for("/feed"), client)
    assert result.status == "ok" and result.body == RSS


def test_gzip_bomb_is_stopped_while_inflating(httpserver: HTTPServer,
                                              client: httpx.Client) -> None:
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)  # ~50 KB on the wire
    assert len(bomb) < LIMITS.max_body_bytes
    httpserver.expect_request("/feed").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    result = fetch(httpserver.url_for("/feed"), client)
    assert result.error == "inflated body larger than 64 KB" and result.body is None


def test_corrupt_gzip_is_an_error(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        b"not gzip at all", headers={"Content-Encoding": "gzip"})
    result = fetch(httpserver.url_for("/feed"), client)
    assert result.error is not None and result.error.startswith("could not decompress")


def test_redirect_chain_is_followed(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/a").respond_with_data(b"", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(b"", status=307, headers={"Location": "/c"})
    httpserver.expect_request("/c").respond_with_data(RSS)
    result = fetch(httpserver.url_for("/a"), client)
    assert result.status == "ok" and result.body == RSS
    assert result.final_url == httpserver.url_for("/c") and result.permanent_redirect is None


def test_too_many_redirects(httpserver: HTTPServer, client: httpx.Client) -> None:
    for i in range(6):
        httpserver.expect_request(f"/r{i}").respond_with_data(
            b"", status=302, headers={"Location": f"/r{i + 1}"})
    result = fetch(httpserver.url_for("/r0"), client)
    assert result.error == "too many redirects (3)"


def test_redirect_loop(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/a").respond_with_data(b"", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(b"", status=302, headers={"Location": "/a"})
    result = fetch(httpserver.url_for("/a"), client)
    assert result.error is not None and result.error.startswith("redirect loop")


@pytest.mark.parametrize("code", [301, 308])
def test_permanent_redirect_is_recorded(httpserver: HTTPServer, client: httpx.Client,
                                        code: int) -> None:
    httpserver.expect_request("/old").respond_with_data(
        b"", status=code, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data(RSS)
    result = fetch(httpserver.url_for("/old"), client)
    assert result.status == "ok" and result.permanent_redirect == httpserver.url_for("/new")


def test_temporary_hop_after_permanent_keeps_the_permanent_target(
    httpserver: HTTPServer, client: httpx.Client
) -> None:
    for path, code, target in (("/old", 301, "/new"), ("/new", 302, "/cdn")):
        httpserver.expect_request(path).respond_with_data(
            b"", status=code, headers={"Location": target})
    httpserver.expect_request("/cdn").respond_with_data(RSS)
    result = fetch(httpserver.url_for("/old"), client)
    assert result.permanent_redirect == httpserver.url_for("/new")


def test_redirect_to_file_url_is_refused(httpserver: HTTPServer, client: httpx.Client) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        b"", status=302, headers={"Location": "file:///etc/passwd"})
    result = fetch(httpserver.url_for("/feed"), client)
    assert result.status == "error" and "only http and https" in (result.error or "")
    assert result.body is None


def test_human_size() -> None:
    assert human_size(20 * 1024 * 1024) == "20 MB"
    assert human_size(64 * 1024) == "64 KB"
    assert human_size(1000) == "1000 bytes"
