"""Load and validate the seed files (feeds.csv, events.csv) into typed records.

Every problem is reported as a :class:`SeedError` naming the file, the line and the reason, e.g.
``seeds/feeds.csv:7: url 'ftp://x' must be http or https``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import get_args
from urllib.parse import urlsplit

from mediawatch.models import Feed, FeedKind

FEED_COLUMNS = ("outlet", "url", "lang", "country", "kind", "poll_minutes")
FEED_REQUIRED = ("outlet", "url", "lang", "country")
EVENT_COLUMNS = ("date", "label", "kind", "url")
EVENT_REQUIRED = ("date", "label")
FEED_KINDS: tuple[str, ...] = get_args(FeedKind)
DEFAULT_POLL_MINUTES = 15
BASE_PLACEHOLDER = "{base}"

# ISO 639-1: every two-letter language code.
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
    hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
    lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
    or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
    ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
    """.split()
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SLUG = re.compile(r"[a-z][a-z0-9_]*")


class SeedError(ValueError):
    """A seed file is missing or invalid; ``str()`` reads ``file:line: reason``."""

    def __init__(self, file: str | Path, line: int | None, reason: str) -> None:
        self.file = str(file)
        self.line = line
        self.reason = reason
        where = self.file if line is None else f"{self.file}:{line}"
        super().__init__(f"{where}: {reason}")

    def __reduce__(self) -> tuple[type[SeedError], tuple[str, int | None, str]]:
        return (type(self), (self.file, self.line, self.reason))


@dataclass(frozen=True)
class Event:
    """One row of seeds/events.csv: a dated event drawn on the time charts."""

    date: date
    label: str
    kind: str | None = None
    url: str | None = None


def _rows(
    path: Path, columns: Sequence[str], required: Sequence[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, stripped row) for every non-blank data row; validate the header."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SeedError(path, None, "file not found") from None
    except OSError as exc:
        raise SeedError(path, None, f"cannot read file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SeedError(path, line, "not valid UTF-8") from None

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise SeedError(path, 1, "file is empty (expected a header row)") from None
    except csv.Error as exc:
        raise SeedError(path, 1, f"malformed CSV: {exc}") from None
    if "" in header:
        raise SeedError(path, 1, f"header has an empty column name (column {header.index('') + 1})")
    unknown = [name for name in header if name not in columns]
    if unknown:
        raise SeedError(
            path, 1, f"unknown column(s): {', '.join(unknown)} (allowed: {', '.join(columns)})"
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise SeedError(path, 1, f"repeated column(s): {', '.join(repeated)}")
    missing = [name for name in required if name not in header]
    if missing:
        raise SeedError(path, 1, f"missing column(s): {', '.join(missing)}")

    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SeedError(path, line, f"malformed CSV: {exc}") from None
        if not any(value.strip() for value in values):
            continue  # blank line
        if len(values) != len(header):
            raise SeedError(path, line, f"row has {len(values)} fields, header has {len(header)}")
        row = {name: value.strip() for name, value in zip(header, values, strict=True)}
        for name in required:
            if not row[name]:
                raise SeedError(path, line, f"{name} is empty")
        yield line, row


def _check_url(path: Path, line: int, url: str, field: str = "url") -> str:
    """Return the URL if it is an absolute http(s) URL with a host."""
    if any(ch.isspace() for ch in url):
        raise SeedError(path, line, f"{field} {url!r} contains whitespace")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise SeedError(path, line, f"{field} {url!r} must be http or https")
    if not parts.hostname:
        raise SeedError(path, line, f"{field} {url!r} has no host")
    return url


def _url_key(url: str) -> str:
    """Compare URLs case-insensitively in scheme and host only."""
    parts = urlsplit(url)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()


def load_feeds(path: str | Path, *, base_url: str | None = None) -> list[Feed]:
    """Read and validate a feeds file (``outlet,url,lang,country[,kind][,poll_minutes]``).

    ``{base}`` in a URL is replaced by ``base_url`` (the offline demo serves its sample feeds
    on 127.0.0.1 and passes that address here).
    """
    path = Path(path)
    feeds: list[Feed] = []
    seen: dict[str, int] = {}
    for line, row in _rows(path, FEED_COLUMNS, FEED_REQUIRED):
        url = row["url"]
        if BASE_PLACEHOLDER in url:
            if base_url is None:
                raise SeedError(path, line, f"url {url!r} uses {{base}} but no base_url was given")
            url = url.replace(BASE_PLACEHOLDER, base_url.rstrip("/"))
        _check_url(path, line, url)
        key = _url_key(url)
        if key in seen:
            raise SeedError(path, line, f"duplicate url {url!r} (also on line {seen[key]})")
        seen[key] = line

        lang = row["lang"].lower()
        if lang not in ISO_639_1:
            raise SeedError(path, line, f"lang {row['lang']!r} is not an ISO 639-1 two-letter code")
        country = row["country"].upper()
        if not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise SeedError(path, line, f"country {row['country']!r} must be a two-letter code")
        kind = (row.get("kind") or "rss").lower()
        if kind not in FEED_KINDS:
            raise SeedError(path, line, f"kind {row['kind']!r} must be one of: rss, sitemap")
        poll_raw = row.get("poll_minutes") or ""
        poll = DEFAULT_POLL_MINUTES
        if poll_raw:
            if not (poll_raw.isascii() and poll_raw.isdigit()) or int(poll_raw) <= 0:
                raise SeedError(path, line, f"poll_minutes {poll_raw!r} must be a positive integer")
            poll = int(poll_raw)
        feeds.append(
            Feed(
                url=url,
                outlet=row["outlet"],
                lang=lang,
                country=country,
                poll_minutes=poll,
                kind=kind,  # type: ignore[arg-type]  # checked against FEED_KINDS above
            )
        )
    return feeds


def load_events(path: str | Path) -> list[Event]:
    """Read and validate an events file (``date,label[,kind][,url]``), sorted by date."""
    path = Path(path)
    events: list[tuple[int, Event]] = []
    seen: dict[tuple[date, str], int] = {}
    for line, row in _rows(path, EVENT_COLUMNS, EVENT_REQUIRED):
        raw = row["date"]
        try:
            if not _DATE.fullmatch(raw):
                raise ValueError(raw)
            day = date.fromisoformat(raw)
        except ValueError:
            raise SeedError(path, line, f"date {raw!r} is not a valid YYYY-MM-DD date") from None
        kind = row.get("kind") or None
        if kind is not None and not _SLUG.fullmatch(kind):
            raise SeedError(path, line, f"kind {kind!r} must be a lowercase word like 'talks'")
        url = row.get("url") or None
        if url is not None:
            _check_url(path, line, url)
        key = (day, row["label"])
        if key in seen:
            raise SeedError(
                path, line, f"duplicate event {raw} {row['label']!r} (also on line {seen[key]})"
            )
        seen[key] = line
        events.append((line, Event(date=day, label=row["label"], kind=kind, url=url)))
    return [event for _, event in sorted(events, key=lambda pair: (pair[1].date, pair[0]))]


def shard_of(url: str, shards: int) -> int:
    """Stable shard number of a feed URL (sha1, identical across processes and machines)."""
    digest = hashlib.sha1(url.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % shards


def shard_feeds(feeds: Sequence[Feed], shard: int, shards: int) -> list[Feed]:
    """Return the feeds in ``shard`` of ``shards`` (0-based), keeping their order."""
    if shards < 1:
        raise ValueError(f"shards must be >= 1, got {shards}")
    if not 0 <= shard < shards:
        raise ValueError(f"shard must be in 0..{shards - 1}, got {shard}")
    return [feed for feed in feeds if shard_of(feed.url, shards) == shard]
