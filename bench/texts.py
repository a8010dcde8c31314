"""Article texts for the tagging benchmark and the big databases, from the sample generator."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from seeds.sample.generate import END, START, make_outlets, plan_items


@dataclass(frozen=True)
class Text:
    outlet: str
    lang: str
    title: str
    summary: str


def sample_texts(count: int, seed: int = 11) -> list[Text]:
    """``count`` generated articles (uk/ru/en, topic terms in the events' proportions)."""
    outlets = make_outlets(None)
    items = plan_items(Random(seed), outlets, count, START, END)
    return [
        Text(outlets[i.outlet].name, outlets[i.outlet].lang, i.title, i.summary)
        for i in items[:count]
    ]
