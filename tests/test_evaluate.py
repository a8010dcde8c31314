"""The `mediawatch tag` / `mediawatch eval` interfaces and the quality bar on the dev set."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from mediawatch.evaluate import (
    evaluate,
    format_report,
    main_eval,
    main_tag,
    read_gold,
    tag_jsonl,
)
from mediawatch.tagging import Rules

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "data" / "topics-dev.jsonl"


@pytest.fixture(scope="module")
def rules() -> Rules:
    return Rules.load()


@pytest.fixture(scope="module")
def dev_items() -> list[dict]:
    if not DEV.is_file():
        pytest.skip(f"dev set not found at {DEV} (../shared beside the repo)")
    return read_gold(DEV.read_text(encoding="utf-8").splitlines(), str(DEV))


def test_dev_set_meets_the_quality_bar(rules: Rules, dev_items: list[dict]) -> None:
    report = evaluate(dev_items, rules)
    assert report.items == 150
    assert report.macro(report.tagger) >= 0.92
    for topic, scores in report.tagger.items():
        assert scores.f1 >= 0.85, topic


def test_baseline_is_clearly_worse(rules: Rules, dev_items: list[dict]) -> None:
    report = evaluate(dev_items, rules)
    assert report.macro(report.baseline) <= report.macro(report.tagger) - 0.3


def test_dev_set_without_lang_field_still_meets_the_bar(
    rules: Rules, dev_items: list[dict]
) -> None:
    report = evaluate([{k: v for k, v in i.items() if k != "lang"} for i in dev_items], rules)
    assert report.macro(report.tagger) >= 0.92


def test_tag_output_format_and_order(rules: Rules) -> None:
    lines = [
        json.dumps({"id": "b", "lang": "uk", "title": "Перемир’я і вибори в Україні",
                    "summary": "Зеленський про гарантії безпеки."}, ensure_ascii=False),
        "",
        json.dumps({"id": 7, "title": "Weather in Lviv", "summary": "Sunny."}),
        json.dumps({"id": "a", "title": "Russia rejects ceasefire", "summary": ""}),
    ]
    out = [json.loads(line) for line in tag_jsonl(lines, rules)]
    assert [o["id"] for o in out] == ["b", 7, "a"]
    assert list(out[0]) == ["id", "topics", "matches"]
    assert out[0]["topics"] == ["ceasefire", "elections", "security_guarantees"]
    assert out[0]["topics"] == sorted(out[0]["matches"])
    assert out[0]["matches"]["ceasefire"] == ["перемир'я"]
    assert out[1] == {"id": 7, "topics": [], "matches": {}}
    assert out[2] == {"id": "a", "topics": ["ceasefire"], "matches": {"ceasefire": ["ceasefire"]}}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "in.jsonl:2: not valid JSON"),
        ("[1, 2]", "in.jsonl:2: expected a JSON object"),
        ('{"title": "x"}', "in.jsonl:2: missing 'id'"),
        ('{"id": 1, "title": 5}', "in.jsonl:2: 'title' must be a string"),
        ('{"id": 1}', "in.jsonl:2: needs 'title' or 'summary'"),
        ('{"id": 1, "title": "x", "lang": 3}', "in.jsonl:2: 'lang' must be a string"),
    ],
)
def test_malformed_line_is_a_one_line_error(rules: Rules, line: str, reason: str) -> None:
    good = '{"id": 0, "title": "ok"}'
    with pytest.raises(ValueError) as err:
        list(tag_jsonl([good, line], rules, source="in.jsonl"))
    assert str(err.value).startswith(reason) and "\n" not in str(err.value)


def test_eval_needs_gold_topics() -> None:
    with pytest.raises(ValueError, match=r"gold.jsonl:1: 'topics' must be a list"):
        read_gold(['{"id": 1, "title": "x"}'], "gold.jsonl")


def test_main_tag_and_main_eval(tmp_path: Path, rules: Rules) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"id": "x", "lang": "en", "title": "Truce talks", "topics": ["ceasefire"]}\n'
        '{"id": "y", "lang": "en", "title": "Frozen food", "summary": null, "topics": []}\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    assert main_tag(path, out, rules) == 0
    assert [json.loads(line)["topics"] for line in out.getvalue().splitlines()] == [
        ["ceasefire"], [],
    ]
    out = io.StringIO()
    assert main_eval(path, out, rules) == 0
    text = out.getvalue()
    assert "macro-F1" in text and "baseline" in text and rules.version in text
    assert "ceasefire             1.00  1.00  1.00" in text


def test_format_report_lists_every_topic(rules: Rules) -> None:
    report = evaluate([{"id": 1, "title": "Truce", "summary": "", "topics": []}], rules)
    text = format_report(report)
    for topic in rules.topics:
        assert topic in text
