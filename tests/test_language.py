"""Language detection: accuracy on the dev set, letters, function words, and the hint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mediawatch.language import detect_language

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "data" / "topics-dev.jsonl"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Зеленський: Україна не виводитиме війська з Донбасу", "uk"),
        ("Перемир'я може настати до Різдва", "uk"),  # apostrophe inside a word
        ("Ушаков: без решения по Донбассу мирного договора не будет", "ru"),
        ("Бельгия заблокировала решение по репарационному кредиту", "ru"),  # no ы э ъ ё
        ("Какие положения плана обсуждали в Кремле", "ru"),
        ("Witkoff says ceasefire closer than ever after Moscow meeting", "en"),
        ("Die Regierung hat den Plan nicht unterstützt und die Gespräche vertagt", "de"),
        ("Le président a rencontré les dirigeants pour une trêve", "fr"),
        ("Лукашэнка сустрэўся з дэлегацыяй", "be"),
        ("", "und"),
        ("12:30 — 2025", "und"),
    ],
)
def test_detects_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_hint_decides_only_ambiguous_text() -> None:
    assert detect_language("Путин", hint="ru") == "ru"  # no letter or word points one way
    assert detect_language("Путин", hint="uk") == "uk"
    assert detect_language("Путин") == "und"
    assert detect_language("Зеленський заявив, що Україна не відступить", hint="ru") == "uk"
    assert detect_language("NATO", hint="en") == "en"
    assert detect_language("12:30", hint="uk") == "uk"


def test_latin_headline_in_a_cyrillic_feed_is_english() -> None:
    assert detect_language("Euroclear CEO warns EU", hint="uk") == "en"


def test_html_entities_do_not_confuse_it() -> None:
    assert detect_language("Kyiv&#8217;s &quot;plan&quot; for the truce") == "en"


def test_dev_set_accuracy() -> None:
    if not DEV.is_file():
        pytest.skip(f"dev set not found at {DEV} (../shared beside the repo)")
    items = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]
    both = sum(detect_language(f"{i['title']} {i['summary']}") == i["lang"] for i in items)
    titles = sum(detect_language(i["title"]) == i["lang"] for i in items)
    assert both == len(items)  # 150/150 on title + summary
    assert titles >= 0.97 * len(items)  # headlines alone (measured 150/150)
