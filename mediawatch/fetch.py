"""Fetch one feed over HTTP with hard limits. ``fetch_feed`` never raises: errors are data.

Limits (``HttpLimits``): connect and read timeouts, an overall per-feed deadline (enforced on
every socket read by the client from ``make_client``, and between body chunks for any client),
a cap on the body both as sent and after gzip inflation (counted while streaming), a cap on
redirects (followed by hand so loops and 301/308 moves are seen), a real User-Agent and
conditional GET with the stored ETag / Last-Modified.
"""

from __future__ import annotations

import socket
import ssl
import time
import zlib
from contextvars import ContextVar
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from mediawatch.config import HttpLimits
from mediawatch.inflate import InflateLimitError, inflate_into
from mediawatch.models import FeedState, FetchResult

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_CODES = frozenset({301, 308})

# Monotonic time at which the current fetch must end; read by the deadline-aware sockets.
_deadline: ContextVar[float | None] = ContextVar("mediawatch_fetch_deadline", default=None)


class _FetchFailed(Exception):
    """Internal: a failure already phrased for the user."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


# --- deadline-aware sockets: every read/write/connect is cut at the feed deadline -----------


def _clamp(timeout: float | None) -> float | None:
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("feed deadline reached")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        stream = super().connect_tcp(host, port, _clamp(timeout), local_address, socket_options)
        return _DeadlineStream(stream)


def make_client(limits: HttpLimits, *, max_connections: int = 32) -> httpx.Client:
    """A feed client: explicit timeouts, bounded pool, no env proxies, no auto-redirects."""
    pool_limits = httpx.Limits(max_connections=max_connections,
                               max_keepalive_connections=max_connections // 2,
                               keepalive_expiry=30.0)
    transport = httpx.HTTPTransport(limits=pool_limits, trust_env=False)
    # Same pool httpx would build, plus sockets that honour the per-feed deadline.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=pool_limits.max_connections,
        max_keepalive_connections=pool_limits.max_keepalive_connections,
        keepalive_expiry=pool_limits.keepalive_expiry,
        network_backend=_DeadlineBackend(),
    )
    return httpx.Client(
        transport=transport,
        timeout=_timeout(limits),
        headers={"User-Agent": limits.user_agent},
        follow_redirects=False,
        trust_env=False,
    )


# --- helpers ------------------------------------------------------------------------------


def _timeout(limits: HttpLimits) -> httpx.Timeout:
    return httpx.Timeout(connect=limits.connect_timeout_s, read=limits.read_timeout_s,
                         write=limits.read_timeout_s, pool=limits.connect_timeout_s)


def _secs(value: float) -> str:
    return f"{value:g}"


def human_size(n: int) -> str:
    """20971520 -> '20 MB', 65536 -> '64 KB' (binary units, as in HttpLimits)."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def parse_retry_after(value: str | None, now: datetime) -> int | None:
    """``Retry-After`` as whole seconds from ``now`` (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int((when - now).total_seconds() + 0.999))


def _check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}://" if scheme else "no scheme"
        raise _FetchFailed(f"unsupported URL scheme ({shown}): only http and https are fetched")
    if not urlsplit(url).hostname:
        raise _FetchFailed(f"invalid URL (no host): {url}")


def _describe_connect_error(exc: BaseException, host: str) -> _FetchFailed:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            # EAI_AGAIN is a resolver hiccup worth retrying; NXDOMAIN-like answers are not.
            again = cause.errno == getattr(socket, "EAI_AGAIN", -3)
            return _FetchFailed(f"DNS lookup failed for {host}", transient=again)
        if isinstance(cause, ConnectionRefusedError):
            return _FetchFailed("connection refused", transient=True)
        if isinstance(cause, ssl.SSLError):
            return _FetchFailed(f"TLS error: {cause}")
        cause = cause.__cause__ or cause.__context__
    return _FetchFailed(f"connection failed: {exc or type(exc).__name__}", transient=True)


def _deadline_passed(deadline: float) -> bool:
    return time.monotonic() >= deadline - 0.01


def _map_httpx_error(exc: Exception, limits: HttpLimits, deadline: float, url: str) -> _FetchFailed:
    host = urlsplit(url).hostname or url
    if isinstance(exc, httpx.TimeoutException):
        if _deadline_passed(deadline):
            return _FetchFailed(f"timed out after {_secs(limits.deadline_s)} s (feed deadline)",
                                transient=True)
        if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
            return _FetchFailed(f"connect timed out after {_secs(limits.connect_timeout_s)} s",
                                transient=True)
        return _FetchFailed(f"timed out after {_secs(limits.read_timeout_s)} s", transient=True)
    if isinstance(exc, httpx.ConnectError):
        return _describe_connect_error(exc, host)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return _FetchFailed(f"invalid URL: {exc}")
    if isinstance(exc, httpx.RemoteProtocolError):
        return _FetchFailed(f"protocol error: {exc}", transient=True)
    if isinstance(exc, httpx.TransportError):
        return _FetchFailed(f"network error: {exc or type(exc).__name__}", transient=True)
    return _FetchFailed(f"HTTP client error: {type(exc).__name__}: {exc}")


# --- the fetch ----------------------------------------------------------------------------


def fetch_feed(
    feed_url: str,
    state: FeedState | None,
    client: httpx.Client,
    limits: HttpLimits,
    now: datetime | None = None,
) -> FetchResult:
    """GET one feed within ``limits``; every failure comes back as ``status="error"``."""
    started = now or datetime.now(UTC)
    t0 = time.monotonic()
    deadline = t0 + limits.deadline_s
    result = FetchResult(feed_url=feed_url, status="error", started_at=started, final_url=feed_url)
    token = _deadline.set(deadline)
    try:
        _fetch(result, state, client, limits, started, deadline)
    except _FetchFailed as exc:
        _fail(result, str(exc), exc.transient)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        failed = _map_httpx_error(exc, limits, deadline, result.final_url or feed_url)
        _fail(result, str(failed), failed.transient)
    except Exception as exc:  # never raise: an unforeseen failure is still one error row
        _fail(result, f"unexpected error: {type(exc).__name__}: {exc}", False)
    finally:
        _deadline.reset(token)
        result.duration_ms = int((time.monotonic() - t0) * 1000)
    return result


def _fail(result: FetchResult, message: str, transient: bool) -> None:
    result.status = "error"
    result.error = message
    result.transient = transient
    result.body = None


def _fetch(result: FetchResult, state: FeedState | None, client: httpx.Client,
           limits: HttpLimits, started: datetime, deadline: float) -> None:
    url = result.feed_url
    headers = {"User-Agent": limits.user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip"}
    if state is not None and state.etag:
        headers["If-None-Match"] = state.etag
    if state is not None and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    visited = {url}
    hops = 0
    all_permanent = True
    while True:
        _check_scheme(url)
        result.final_url = url
        request = client.build_request("GET", url, headers=headers, timeout=_timeout(limits))
        response = client.send(request, stream=True, follow_redirects=False)
        try:
            location = response.headers.get("location")
            if response.status_code in REDIRECT_CODES and location:
                target = urljoin(str(response.url), location.strip())
                all_permanent = all_permanent and response.status_code in PERMANENT_CODES
                if all_permanent:
                    result.permanent_redirect = target
                if target in visited:
                    raise _FetchFailed(f"redirect loop ({target} seen twice)")
                hops += 1
                if hops > limits.max_redirects:
                    raise _FetchFailed(f"too many redirects ({limits.max_redirects})")
                visited.add(target)
                url = target
                continue
            _handle(result, response, state, limits, started, deadline)
            return
        finally:
            response.close()


def _handle(result: FetchResult, response: httpx.Response, state: FeedState | None,
            limits: HttpLimits, started: datetime, deadline: float) -> None:
    code = response.status_code
    headers = response.headers
    result.http_status = code
    result.content_type = headers.get("content-type")
    if code == 304:
        result.status = "not_modified"
        result.etag = headers.get("etag") or (state.etag if state else None)
        result.last_modified = headers.get("last-modified") or (
            state.last_modified if state else None)
        return
    if 200 <= code < 300:
        result.etag = headers.get("etag")
        result.last_modified = headers.get("last-modified")
        result.body = _read_body(response, limits, deadline)
        result.status = "ok"
        return
    retry = parse_retry_after(headers.get("retry-after"), started)
    result.retry_after_s = retry
    if code in REDIRECT_CODES:
        raise _FetchFailed(f"HTTP {code} without a Location header")
    message = f"HTTP {code}" if retry is None else f"HTTP {code}, retry after {retry} s"
    # 5xx are worth retrying now, unless the server said when to come back (then wait).
    raise _FetchFailed(message, transient=code >= 500 and retry is None)


def _read_body(response: httpx.Response, limits: HttpLimits, deadline: float) -> bytes:
    cap = limits.max_body_bytes
    too_big = f"body larger than {human_size(cap)}"
    declared = (response.headers.get("content-length") or "").strip()
    if declared.isdigit() and int(declared) > cap:
        raise _FetchFailed(too_big)
    encoding = (response.headers.get("content-encoding") or "").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise _FetchFailed(f"unsupported Content-Encoding: {encoding}")
    inflater: Any = None
    raw_total = 0
    body = bytearray()
    for chunk in response.iter_raw():
        raw_total += len(chunk)
        if raw_total > cap:
            raise _FetchFailed(too_big)
        if encoding in ("", "identity"):
            body += chunk
        elif chunk:
            if inflater is None:
                inflater = zlib.decompressobj(_wbits(encoding, chunk))
            _inflate(inflater, chunk, body, cap)
        if _deadline_passed(deadline):
            raise _FetchFailed(f"timed out after {_secs(limits.deadline_s)} s (feed deadline)",
                               transient=True)
    if inflater is not None:
        try:
            body += inflater.flush()
        except zlib.error as exc:
            raise _FetchFailed(f"could not decompress {encoding} body: {exc}") from None
        if len(body) > cap:
            raise _FetchFailed(f"inflated body larger than {human_size(cap)}")
    return bytes(body)


def _wbits(encoding: str, first: bytes) -> int:
    if encoding != "deflate":
        return 47  # gzip or zlib header, detected
    # "deflate" is zlib-wrapped by the RFC but raw deflate from many servers.
    is_zlib = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
    return 15 if is_zlib else -15


def _inflate(inflater: Any, chunk: bytes, body: bytearray, cap: int) -> None:
    """Inflate ``chunk`` in bounded steps, so a bomb is stopped after ~cap bytes of output."""
    try:
        inflate_into(inflater, chunk, body, cap)
    except InflateLimitError:
        raise _FetchFailed(f"inflated body larger than {human_size(cap)}") from None
    except zlib.error as exc:
        raise _FetchFailed(f"could not decompress body: {exc}") from None
