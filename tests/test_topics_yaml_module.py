"""``mediawatch.topics_yaml`` holds the yaml loading; ``mediawatch.tagging`` re-exports it."""

from __future__ import annotations

import pytest

from mediawatch import tagging, topics_yaml


def test_tagging_re_exports_the_loader() -> None:
    assert tagging.load_topics is topics_yaml.load_topics
    assert tagging.TopicsError is topics_yaml.TopicsError


def test_load_topics_from_the_new_module() -> None:
    raw = b"topics:\n  truce:\n    en:\n      terms: [ceasefire]\n"
    (spec,) = topics_yaml.load_topics(raw, "t.yaml")
    assert spec.name == "truce"
    assert spec.langs["en"].terms[0].text == "ceasefire"
    with pytest.raises(topics_yaml.TopicsError, match="t.yaml: topic 'truce'"):
        topics_yaml.load_topics(b"topics:\n  truce:\n    en: {}\n", "t.yaml")


def test_the_lemma_gate_never_changes_a_token() -> None:
    rules = tagging.Rules.load()
    words = ["території", "заморожених", "выборы", "гарантій", "перемир'я", "ukraine's", "zz"]
    gated = {w: rules._resolve(w) for w in words}
    rules._gates = dict.fromkeys(rules._gates)  # no gate: every word analysed
    assert {w: rules._resolve(w) for w in words} == gated
    assert gated["території"] and not gated["zz"]
