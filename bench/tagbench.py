"""Tagging throughput on one core: MB of title + summary text (UTF-8) per second."""

from __future__ import annotations

import time
from collections.abc import Sequence

from bench.texts import Text
from mediawatch.tagging import Rules


def tag_rate(texts: Sequence[Text]) -> dict[str, float]:
    """Tag every text with freshly compiled rules (a cold token cache, as a new worker has),
    then once more (warm). Rates are per CPU second of this one thread, and per wall second."""
    rules = Rules.load()
    size = sum(len(t.title.encode()) + len(t.summary.encode()) for t in texts) / 1e6
    out: dict[str, float] = {"mb": size, "articles": len(texts)}
    for label in ("cold", "warm"):
        cpu, wall = time.process_time(), time.perf_counter()
        tagged = sum(1 for t in texts if rules.tag(t.title, t.summary, t.lang))
        out[f"{label}_mb_per_cpu_s"] = size / (time.process_time() - cpu)
        out[f"{label}_mb_per_s"] = size / (time.perf_counter() - wall)
        out["tagged_share"] = tagged / len(texts)
    return out
