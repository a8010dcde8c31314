"""Serve a folder of feed files over HTTP on 127.0.0.1, so the demo runs the real fetch path.

Uses the standard library's file handler, which sends Last-Modified and answers
If-Modified-Since with 304: a second demo run exercises conditional GET too.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".xml": "application/xml"}
    protocol_version = "HTTP/1.1"  # keep-alive, as real news sites answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextmanager
def serve_directory(folder: Path, port: int = 0) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port by default); yield the base URL."""
    if not folder.is_dir():
        raise FileNotFoundError(f"sample folder {folder} does not exist")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, name="sample-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
