"""Deterministic benchmark corpora: the sample generator's uk/ru/en feeds, cached by parameters."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from seeds.sample.generate import generate_corpus

_ENTRY = re.compile(rb"<item[\s>]|<entry[\s>]")


@dataclass(frozen=True)
class Corpus:
    """A folder of feed files plus the feed list that names them as ``{base}/<file>.xml``."""

    root: Path
    files: tuple[Path, ...]
    items: int  # <item>/<entry> elements over all files (what a parser reads)
    bytes: int

    @property
    def feeds_dir(self) -> Path:
        return self.root / "feeds"

    def feeds_csv(self, base_url: str, out: Path | None = None) -> Path:
        """The feed list with the served base URL filled in."""
        out = out or self.root / "feeds.served.csv"
        text = (self.root / "feeds.csv").read_text(encoding="utf-8")
        out.write_text(text.replace("{base}", base_url), encoding="utf-8")
        return out

    def bodies(self) -> list[bytes]:
        return [f.read_bytes() for f in self.files]


def build(
    root: Path,
    *,
    items: int,
    seed: int = 7,
    start: date | None = None,
    end: date | None = None,
    outlets: int | None = None,
) -> Corpus:
    """Generate (or reuse, when built with the same parameters) a corpus under ``root``."""
    params = {
        "items": items,
        "seed": seed,
        "outlets": outlets,
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "version": 1,
    }
    stamp = root / "corpus.json"
    if not (stamp.exists() and json.loads(stamp.read_text()) == params):
        kwargs = {k: v for k, v in (("start", start), ("end", end)) if v is not None}
        generate_corpus(root, items=items, seed=seed, outlets=outlets, **kwargs)
        stamp.write_text(json.dumps(params))
    files = tuple(sorted((root / "feeds").glob("*.xml")))
    count = size = 0
    for f in files:
        body = f.read_bytes()
        count += len(_ENTRY.findall(body))
        size += len(body)
    return Corpus(root, files, count, size)
