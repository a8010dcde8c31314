"""Generate the offline demo corpus: synthetic RSS/Atom feeds of real outlets, clearly marked.

``python seeds/sample/generate.py`` rewrites the committed ``seeds/sample/feeds/*.xml`` and
``seeds/sample/feeds.csv`` byte-for-byte (seeded ``random.Random``, no clock, no set ordering).
The benchmark calls :func:`generate_corpus` for larger corpora.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from random import Random

if __name__ == "__main__" and not __package__:  # run as a file: make `seeds.sample` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from seeds.sample import phrases_en, phrases_ru, phrases_uk  # noqa: E402
from seeds.sample.outlets import (  # noqa: E402
    CATEGORIES,
    HOUR_WEIGHTS,
    OUTLETS,
    PLAN_REPORTED,
    TOPICS,
    Outlet,
    day_volume,
    day_weights,
    utc_offset,
    venues,
)
from seeds.sample.render import Item, render_atom, render_rss  # noqa: E402

HERE = Path(__file__).resolve().parent
START = date(2025, 10, 20)
END = date(2025, 12, 5)
SAMPLE_ITEMS = 1100
PHRASES = {"uk": phrases_uk, "ru": phrases_ru, "en": phrases_en}
Template = tuple[str, str, bool]  # title, summary, only after the US plan was reported


def parse_templates(text: str) -> dict[str, list[Template]]:
    """Parse the ``[category]`` / title / indented-summary format of the phrases modules."""
    out: dict[str, list[Template]] = {}
    category = ""
    for raw in text.splitlines():
        if not raw.strip():
            continue
        if raw.startswith("["):
            category = raw.strip("[] ")
            out[category] = []
        elif raw.startswith(" "):
            title, summary, plan = out[category][-1]
            out[category][-1] = (title, f"{summary} {raw.strip()}".strip(), plan)
        else:
            plan = raw.startswith("@plan ")
            out[category].append((raw.removeprefix("@plan "), "", plan))
    return out


TEMPLATES = {lang: parse_templates(module.TEMPLATES) for lang, module in PHRASES.items()}


class Slots(dict[str, str]):
    """Fills ``{slot}`` placeholders lazily, the same value for title and summary."""

    def __init__(self, rng: Random, lang: str, day: date) -> None:
        super().__init__()
        self.rng, self.words, self.day = rng, PHRASES[lang], day

    def __missing__(self, key: str) -> str:
        rng, words = self.rng, self.words
        if key in ("town", "town_gen", "town_acc", "in_town"):
            forms = rng.choice(words.TOWNS)
            self.update(zip(("town", "town_gen", "town_acc", "in_town"), forms, strict=True))
        elif key in ("city", "city_gen", "in_city"):
            self.update(zip(("city", "city_gen", "in_city"), rng.choice(words.CITIES), strict=True))
        elif key == "in_venue":
            self["in_venue"] = words.VENUES[rng.choice(venues(self.day))]
        elif key in words.WORDS:
            self[key] = rng.choice(words.WORDS[key])
        else:
            self[key] = str(_number(rng, key))
        return self[key]


def _number(rng: Random, key: str) -> int:
    """Numbers chosen so that uk/ru nouns after them stay in the genitive plural."""
    ranges = {"n": (5, 20, 1), "missiles": (5, 20, 1), "injured": (5, 20, 1), "cold": (3, 9, 1),
              "drones": (40, 300, 5), "pows": (25, 300, 5), "sqm": (50, 2000, 10),
              "pct": (5, 30, 5), "mln": (10, 300, 5)}
    choices = {"countries": (26, 30, 35), "months": (6, 9, 12), "bn": (90, 105, 140, 165, 210)}
    if key in choices:
        return rng.choice(choices[key])
    low, high, step = ranges[key]
    return rng.randrange(low, high + 1, step)


def make_outlets(count: int | None) -> list[Outlet]:
    """The sample outlets, or ``count`` of them (cycling with numbered copies beyond 16)."""
    if count is None:
        return list(OUTLETS)
    out = []
    for i in range(count):
        base, round_ = OUTLETS[i % len(OUTLETS)], i // len(OUTLETS)
        out.append(base if round_ == 0 else replace(
            base, name=f"{base.name} {round_ + 1}", slug=f"{base.slug}-{round_ + 1}"))
    return out


def _apostrophes(outlet: Outlet, text: str) -> str:
    return text.replace("'", outlet.apostrophe) if outlet.lang == "uk" else text


def _quota(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder, deterministic)."""
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def plan_items(
    rng: Random, outlets: list[Outlet], total: int, start: date, end: date
) -> list[Item]:
    """Generate ``total`` distinct articles over the days, the topic mix following the events."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    rates = [o.rate for o in outlets]
    by_lang = {lang: [i for i, o in enumerate(outlets) if o.lang == lang] for lang in PHRASES}
    items: list[Item] = []
    for day, quota in zip(days, _quota(total, [day_volume(d) for d in days]), strict=True):
        weights = {lang: [day_weights(day, lang)[c] for c in CATEGORIES] for lang in PHRASES}
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        noon = midnight + timedelta(hours=12)
        made = 0
        while made < quota:
            index = rng.choices(range(len(outlets)), weights=rates)[0]
            outlet = outlets[index]
            category = rng.choices(CATEGORIES, weights=weights[outlet.lang])[0]
            pool = [t for t in TEMPLATES[outlet.lang][category] if day >= PLAN_REPORTED or not t[2]]
            title_t, summary_t, _ = rng.choice(pool)
            slots = Slots(rng, outlet.lang, day)
            title, summary = title_t.format_map(slots), summary_t.format_map(slots)
            # A local publishing hour, kept inside the same UTC day so every item is in range.
            hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            utc_hour = (hour - utc_offset(outlet.zone, noon) // timedelta(hours=1)) % 24
            published = midnight + timedelta(hours=utc_hour, minutes=rng.randrange(60))
            copies = [index]
            if category in TOPICS + ("war",) and rng.random() < 0.2:
                peers = [i for i in by_lang[outlet.lang] if i != index]
                extra = min(rng.randint(1, 3), len(peers), quota - made - 1)
                copies += rng.sample(peers, max(extra, 0))
            for n, where in enumerate(copies):
                delay = timedelta(minutes=rng.randrange(4, 150)) * (n > 0)
                if (published + delay).date() != day:
                    delay = -delay
                suffix = PHRASES[outlet.lang].WIRE_SUFFIX
                text = title if n == 0 else _wire_title(rng, title, suffix)
                when = published + delay
                items.append(_item(rng, outlets, where, when, text, summary, category, len(items)))
            made += len(copies)
    return items


def _wire_title(rng: Random, title: str, suffix: str) -> str:
    """A near-identical title for a wire copy."""
    roll = rng.random()
    if roll < 0.45:
        return title
    if roll < 0.75:
        return title + suffix
    return re.sub(r"[«»\"]", "", title)


def _item(rng: Random, outlets: list[Outlet], index: int, published: datetime, title: str,
          summary: str, category: str, serial: int) -> Item:
    outlet = outlets[index]
    num = 7_100_000 + serial
    link = outlet.link.format(y=f"{published:%Y}", m=f"{published:%m}", d=f"{published:%d}",
                              num=num)
    guid = link if outlet.permalink_guid else f"{outlet.slug}-{num}"
    shown = link
    if outlet.html == "entities" and outlet.lang == "en" and rng.random() < 0.15:
        shown = f"{link}?utm_source=rss&utm_medium=feed&utm_campaign=ukraine"
    top = None
    if outlet.top_feed and rng.random() < (0.5 if category in TOPICS else 0.12):
        top = f"{link}?utm_source=rss&utm_medium=top" if rng.random() < 0.3 else link
    return Item(index, published, num, _apostrophes(outlet, title), _apostrophes(outlet, summary),
                shown, guid, category, top)


def generate_corpus(out_dir: Path, *, items: int, outlets: int | None = None,
                    items_per_feed: int | None = 50, seed: int = 7, start: date = START,
                    end: date = END) -> list[Path]:
    """Write ``items`` distinct articles as feed files under ``out_dir/feeds/`` plus a feed list.

    ``out_dir/feeds.csv`` lists every file as ``{base}/<file>.xml`` (``{base}`` = the URL the
    ``feeds/`` folder is served at). ``items_per_feed=None`` writes one file per outlet feed;
    otherwise each outlet's items are split into files of at most that many (newest first).
    An outlet with ``top_feed`` also gets a second feed that repeats some items' URLs.
    """
    rng = Random(seed)
    chosen = make_outlets(outlets)
    generated = plan_items(rng, chosen, items, start, end)
    feeds_dir = out_dir / "feeds"
    feeds_dir.mkdir(parents=True, exist_ok=True)
    for old in sorted(feeds_dir.glob("*.xml")):
        old.unlink()
    paths: list[Path] = []
    rows = ["outlet,url,lang,country,kind,poll_minutes"]
    per_outlet: list[list[Item]] = [[] for _ in chosen]
    for item in sorted(generated, key=lambda i: (i.published, i.num), reverse=True):
        per_outlet[item.outlet].append(item)
    for outlet, own in zip(chosen, per_outlet, strict=True):
        feeds = [(outlet.slug, outlet.name, [(i, i.link) for i in own])]
        if outlet.top_feed:
            top = [(i, i.top_link) for i in own if i.top_link]
            feeds.append((f"{outlet.slug}-top", f"{outlet.name}: top stories", top))
        for stem, title, entries in feeds:
            size = items_per_feed or max(len(entries), 1)
            chunks = [entries[k : k + size] for k in range(0, max(len(entries), 1), size)]
            for number, chunk in enumerate(chunks, start=1):
                name = f"{stem}.xml" if items_per_feed is None else f"{stem}-{number:04d}.xml"
                render = render_atom if outlet.fmt == "atom" else render_rss
                path = feeds_dir / name
                path.write_bytes(render(outlet, chunk, title))  # type: ignore[arg-type]
                paths.append(path)
                name_csv = f'"{outlet.name}"' if "," in outlet.name else outlet.name
                rows.append(f"{name_csv},{{base}}/{name},{outlet.lang},{outlet.country},rss,")
    (out_dir / "feeds.csv").write_text("\n".join(rows) + "\n", encoding="utf-8", newline="\n")
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: regenerate the committed sample, or a bigger corpus elsewhere."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: here)")
    parser.add_argument("--items", type=int, default=SAMPLE_ITEMS)
    parser.add_argument("--outlets", type=int, default=None)
    parser.add_argument("--items-per-feed", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    paths = generate_corpus(args.out, items=args.items, outlets=args.outlets,
                            items_per_feed=args.items_per_feed, seed=args.seed)
    print(f"wrote {len(paths)} feed files and {args.out / 'feeds.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
