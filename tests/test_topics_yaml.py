"""seeds/topics.yaml validation: every mistake is reported with file, topic and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediawatch.config import PROJECT_ROOT
from mediawatch.tagging import Rules, TopicsError

MINIMAL = """
topics:
  ceasefire:
    en:
      terms: [ceasefire]
"""


def load(tmp_path: Path, text: str) -> Rules:
    path = tmp_path / "topics.yaml"
    path.write_text(text, encoding="utf-8")
    return Rules.load(path)


def test_shipped_file_is_valid_and_covers_every_topic_in_three_languages() -> None:
    rules = Rules.load(PROJECT_ROOT / "seeds" / "topics.yaml")
    assert set(rules.topics) == {
        "territory", "security_guarantees", "elections", "ceasefire", "frozen_assets",
    }


def test_error_names_the_default_file_relative_to_the_repo() -> None:
    with pytest.raises(TopicsError, match=r"^seeds/topics\.yaml: topic 'x': "):
        from mediawatch.tagging import load_topics

        load_topics(b"topics:\n  x:\n    en:\n      terms: nope\n",
                    PROJECT_ROOT / "seeds" / "topics.yaml")


def test_minimal_file_loads_and_tags(tmp_path: Path) -> None:
    rules = load(tmp_path, MINIMAL)
    assert rules.tag("Ceasefires collapse", "", "en") == {"ceasefire": ["ceasefire"]}


def test_version_changes_with_the_bytes(tmp_path: Path) -> None:
    assert load(tmp_path, MINIMAL).version != load(tmp_path, MINIMAL + "# note\n").version


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("topics:\n  territory:\n    en:\n      terms: donbas\n",
         "topic 'territory': en: 'terms' must be a non-empty list"),
        ("topics:\n  territory:\n    en:\n      terms: []\n",
         "topic 'territory': en: 'terms' must be a non-empty list"),
        ("topics:\n  territory:\n    en:\n      terms: [donbas]\n      contxt: [war]\n",
         "topic 'territory': en: unknown key 'contxt'"),
        ("topics:\n  territory:\n    de:\n      terms: [donbas]\n",
         "topic 'territory': unknown key 'de'"),
        ("topics:\n  territory:\n    description: land\n",
         "topic 'territory': needs terms for at least one of uk, ru, en"),
        ("topics:\n  territory:\n    en:\n      terms: [{term: donbas, near: 3}]\n",
         "unknown key 'near'"),
        ("topics:\n  territory:\n    en:\n      terms: [{context: [x]}]\n",
         "'term' must be a word or phrase"),
        ("topics:\n  territory:\n    en:\n      terms: ['@nowhere']\n",
         "topic 'territory': 'terms': unknown group '@nowhere' for language 'en'"),
        ("topics:\n  territory:\n    en:\n      terms: [don*bas]\n",
         "'*' must end a word of at least 3 letters"),
        ("topics:\n  territory:\n    en:\n      terms: [d*]\n",
         "'*' must end a word of at least 3 letters"),
        ("topics:\n  territory:\n    en:\n      terms: ['--']\n", "has no word in it"),
        ("topics:\n  territory:\n    en:\n      terms: [[a, b]]\n", "is not a word or phrase"),
        ("topics:\n  territory:\n    en:\n      terms: [x]\n      exclude_window: 99\n",
         "'exclude_window' must be a whole number from 0 to 10"),
        ("topics:\n  territory:\n    en:\n      terms: [x]\n      veto: war\n",
         "topic 'territory': 'veto' must be a list"),
        ("topics:\n  Territory:\n    en:\n      terms: [x]\n", "lower_snake_case"),
        ("topics:\n  territory: [x]\n", "topic 'territory': must be a mapping"),
        ("topic:\n  territory: {}\n", "top level: unknown key 'topic'"),
        ("groups: {}\n", "'topics' must be a mapping of topic ids"),
        ("groups:\n  war:\n    de: [krieg]\n" + MINIMAL, "group 'war': unknown key 'de'"),
        ("topics: [\n", "not valid YAML"),
    ],
)
def test_invalid_files_raise_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(TopicsError) as err:
        load(tmp_path, text)
    assert message in str(err.value)
    assert str(err.value).startswith(str(tmp_path / "topics.yaml"))


def test_topics_error_is_a_value_error() -> None:
    assert issubclass(TopicsError, ValueError)


def test_groups_and_phrase_slots_expand(tmp_path: Path) -> None:
    rules = load(tmp_path, """
groups:
  towns:
    en: [kupiansk, lyman]
topics:
  territory:
    en:
      terms: ["captured @towns", {term: "@towns", context: [withdraw]}]
""")
    assert rules.tag("Troops captured Lyman", "", "en") == {"territory": ["captured lyman"]}
    assert rules.tag("Kyiv will not withdraw from Kupiansk", "", "en") == {
        "territory": ["kupiansk"]}
    assert rules.tag("Weather in Kupiansk", "", "en") == {}


def test_exclusions_context_and_veto(tmp_path: Path) -> None:
    rules = load(tmp_path, """
topics:
  ceasefire:
    en:
      terms: [truce]
      context: [ukraine, russia]
      exclude: [olympic truce]
      veto: [gaza]
      veto_unless: [kyiv]
""")
    assert rules.tag("Ukraine truce", "", "en") == {"ceasefire": ["truce"]}
    assert rules.tag("Truce holds", "", "en") == {}  # no required context
    assert rules.tag("Ukraine backs olympic truce", "", "en") == {}  # inside an exclusion
    assert rules.tag("Gaza truce welcomed by Russia", "", "en") == {}  # vetoed
    assert rules.tag("After Gaza, Kyiv seeks Ukraine truce", "", "en")  # veto answered
