"""The `mediawatch tag` and `mediawatch eval` interfaces over JSON-lines files.

``tag`` reads ``{"id", "lang"?, "title", "summary"}`` per line and writes
``{"id", "topics", "matches"}`` per line in input order; ``eval`` also reads gold ``topics``
and reports precision, recall and F1 per topic beside a naive English-keyword baseline.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from mediawatch.tagging import Rules

# The naive baseline: lower-cased English keyword substring match, no morphology, no context.
BASELINE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "territory": ("territory", "territorial", "donbas", "crimea"),
    "security_guarantees": ("security guarantee", "nato", "peacekeep"),
    "elections": ("election", "referendum", "vote"),
    "ceasefire": ("ceasefire", "truce"),
    "frozen_assets": ("frozen", "assets", "euroclear"),
}


def _item(line: str, lineno: int, source: str, gold: bool = False) -> dict[str, Any]:
    """Parse and check one input line; raise ValueError("file:line: reason") if malformed."""
    def bad(reason: str) -> ValueError:
        return ValueError(f"{source}:{lineno}: {reason}")

    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise bad(f"not valid JSON ({exc.msg})") from None
    if not isinstance(item, dict):
        raise bad("expected a JSON object")
    if "id" not in item:
        raise bad("missing 'id'")
    for key in ("title", "summary"):  # either may be missing or null (an empty text)
        if not isinstance(item.get(key) or "", str):
            raise bad(f"{key!r} must be a string")
    if "title" not in item and "summary" not in item:
        raise bad("needs 'title' or 'summary'")
    lang = item.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise bad("'lang' must be a string")
    if gold and not (isinstance(item.get("topics"), list)
                     and all(isinstance(t, str) for t in item["topics"])):
        raise bad("'topics' must be a list of topic ids")
    return item


def _lines(lines: Iterable[str], source: str) -> Iterator[tuple[int, str]]:
    for lineno, line in enumerate(lines, 1):
        if line.strip():
            yield lineno, line


def tag_item(item: dict[str, Any], rules: Rules) -> dict[str, Any]:
    """Tag one parsed item; an empty or missing ``lang`` is detected from the text."""
    lang = (item.get("lang") or "").strip().lower()[:2] or None  # "uk-UA" -> "uk"
    matches = rules.tag(item.get("title") or "", item.get("summary") or "", lang)
    return {"id": item["id"], "topics": sorted(matches), "matches": matches}


def tag_jsonl(lines: Iterable[str], rules: Rules, source: str = "<input>") -> Iterator[str]:
    """Yield one output JSON line (no newline) per non-blank input line, in input order."""
    for lineno, line in _lines(lines, source):
        out = tag_item(_item(line, lineno, source), rules)
        yield json.dumps(out, ensure_ascii=False, sort_keys=False)


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, predicted: bool, gold: bool) -> None:
        self.tp += predicted and gold
        self.fp += predicted and not gold
        self.fn += gold and not predicted


@dataclass
class EvalReport:
    topics: list[str]
    tagger: dict[str, Scores] = field(default_factory=dict)
    baseline: dict[str, Scores] = field(default_factory=dict)
    items: int = 0
    errors: list[tuple[str, list[str], list[str]]] = field(default_factory=list)  # id, gold, got

    @staticmethod
    def macro(scores: dict[str, Scores]) -> float:
        return sum(s.f1 for s in scores.values()) / len(scores) if scores else 0.0


def baseline_tag(title: str, summary: str) -> set[str]:
    """Naive baseline: a topic whose English keyword occurs as a lower-cased substring."""
    text = f"{title} {summary}".lower()
    return {t for t, words in BASELINE_KEYWORDS.items() if any(w in text for w in words)}


def evaluate(items: Iterable[dict[str, Any]], rules: Rules) -> EvalReport:
    """Score the tagger and the baseline against items carrying gold ``topics``."""
    report = EvalReport(list(rules.topics))
    report.tagger = {t: Scores() for t in report.topics}
    report.baseline = {t: Scores() for t in report.topics}
    for item in items:
        gold = set(item["topics"])
        got = set(tag_item(item, rules)["topics"])
        base = baseline_tag(item.get("title") or "", item.get("summary") or "")
        for t in report.topics:
            report.tagger[t].add(t in got, t in gold)
            report.baseline[t].add(t in base, t in gold)
        if got != gold:
            report.errors.append((str(item["id"]), sorted(gold), sorted(got)))
        report.items += 1
    return report


def format_report(report: EvalReport) -> str:
    """A plain-text table: per topic P/R/F1 for the tagger and the baseline, then macro-F1."""
    head = f"{'topic':<20} {'P':>5} {'R':>5} {'F1':>5}   | baseline {'P':>5} {'R':>5} {'F1':>5}"
    rows = [f"{report.items} items", head, "-" * len(head)]
    for t in report.topics:
        a, b = report.tagger[t], report.baseline[t]
        rows.append(f"{t:<20} {a.precision:5.2f} {a.recall:5.2f} {a.f1:5.2f}   |          "
                    f"{b.precision:5.2f} {b.recall:5.2f} {b.f1:5.2f}")
    rows.append(f"{'macro-F1':<20} {'':>5} {'':>5} {report.macro(report.tagger):5.2f}   |          "
                f"{'':>5} {'':>5} {report.macro(report.baseline):5.2f}")
    return "\n".join(rows)


def read_gold(lines: Iterable[str], source: str = "<input>") -> list[dict[str, Any]]:
    """Parse labelled JSON lines (each needs id, title/summary and gold topics)."""
    return [_item(line, n, source, gold=True) for n, line in _lines(lines, source)]


def main_tag(input_path: str | Path, out: IO[str], rules: Rules | None = None) -> int:
    """`mediawatch tag --input FILE`: write one JSON line per input line to ``out``."""
    rules = rules or Rules.load()
    with open(input_path, encoding="utf-8") as fh:
        for line in tag_jsonl(fh, rules, source=str(input_path)):
            out.write(line + "\n")
    return 0


def main_eval(input_path: str | Path, out: IO[str], rules: Rules | None = None) -> int:
    """`mediawatch eval --input FILE`: print the per-topic report for gold-labelled lines."""
    rules = rules or Rules.load()
    with open(input_path, encoding="utf-8") as fh:
        items = read_gold(fh, source=str(input_path))
    out.write(format_report(evaluate(items, rules)) + "\n")
    out.write(f"rules version {rules.version} (morphology: {rules.morph})\n")
    return 0


def throughput_mb_per_s(rules: Rules, texts: list[tuple[str, str, str | None]],
                        repeat: int = 1) -> float:
    """MB of UTF-8 title+summary text tagged per second (one core, warm token cache)."""
    size = sum(len(t.encode()) + len(s.encode()) for t, s, _ in texts) * repeat
    for title, summary, lang in texts:  # warm-up: the cache is meant to be warm in ingest
        rules.tag(title, summary, lang)
    start = time.process_time()
    for _ in range(repeat):
        for title, summary, lang in texts:
            rules.tag(title, summary, lang)
    return size / (time.process_time() - start) / 1e6
