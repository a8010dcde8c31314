"""Text normalisation and tokenisation before matching."""

from __future__ import annotations

import pytest

from mediawatch.textnorm import fold, normalize, strip_html, tokenize, words


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u02bc", "`", "\u02b9", "\u2018"])
def test_every_apostrophe_becomes_ascii(apostrophe: str) -> None:
    assert words(f"Перемир{apostrophe}я") == ["перемир'я"]


def test_html_entities_and_tags_are_decoded_and_stripped() -> None:
    text = "<p>Witkoff: ceasefire &quot;closer&quot;</p><br/>Kyiv&#8217;s &amp;quot;plan&amp;quot;"
    assert normalize(text) == "witkoff: ceasefire \"closer\" kyiv's \"plan\""


def test_strip_html_leaves_plain_text_alone() -> None:
    text = "Russia & Ukraine: a < b"
    assert strip_html(text) == text


def test_quotes_dashes_case_and_yo() -> None:
    assert normalize("«Коалиция  желающих» — ЁЛКА\u00a0„Ok“") == '"коалиция желающих" - елка "ok"'


def test_decomposed_letters_are_composed() -> None:
    # ї and й typed as a base letter plus a combining mark, as some CMSes store them
    assert fold("Киі\u0308в і Запоріжжя вии\u0306шли") == "київ і запоріжжя вийшли"


def test_soft_hyphen_and_zero_width_space_do_not_split_words() -> None:
    assert words("пере\u00adмир'я тери\u200bторія") == ["перемир'я", "територія"]


def test_tokenize_splits_hyphens_keeps_in_word_apostrophes() -> None:
    assert tokenize(fold("Article 5-style guarantee, прем’єр-міністр і з'їзд")) == [
        "article", "5", "style", "guarantee", "прем'єр", "міністр", "і", "з'їзд",
    ]


def test_empty_text() -> None:
    assert normalize("") == "" and words("") == []
