"""The run-scoped story index: read once per run, kept up to date, safe after a failed batch."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from test_stories import T0, art, outcomes_of, story_of

from mediawatch import stories, writes
from mediawatch.models import Article
from mediawatch.storyindex import StoryIndex, day_of
from mediawatch.storymatch import make_doc, packed, unpacked

TITLE = "Ukraine and the US agree on a 20-point peace framework in Geneva talks"


def write(
    conn: duckdb.DuckDBPyConnection,
    articles: Sequence[Article],
    index: StoryIndex | None,
    run_id: str = "run-a",
) -> stories.StoryStats:
    """One batch through the real writer; returns what story assignment did."""
    outcomes = outcomes_of(articles)
    seen: list[stories.StoryStats] = []
    real = stories.assign_stories

    def spy(*args, **kwargs):
        seen.append(real(*args, **kwargs))
        return seen[-1]

    stories.assign_stories = spy
    try:
        now = max(a.fetched_at for a in articles)
        writes.write_outcomes(
            conn, outcomes, {}, run_id=run_id, rules_version="t", now=now, story_index=index
        )
    finally:
        stories.assign_stories = real
    return seen[0]


def test_a_run_reads_each_stored_day_once_and_still_joins(conn) -> None:
    write(conn, [art(f"old{i}", f"Old{i}", f"Archive item {i} on talks", at=T0) for i in range(5)],
          None, run_id="earlier")
    index = StoryIndex()
    first = write(conn, [art("a", "Reuters", TITLE, at=T0 + timedelta(hours=1))], index)
    assert first.window_articles == 5  # the stored articles of the days around, read once
    second = write(conn, [art("b", "BBC News", TITLE + " - reports", at=T0 + timedelta(hours=2))],
                   index)
    assert second.window_articles == 0  # nothing read again: the run holds those days
    assert second.joined == 1
    ids = story_of(conn)
    assert ids[art("b", "BBC News", "").article_id] == art("a", "Reuters", "").article_id


def test_articles_another_writer_stored_meanwhile_are_picked_up(conn) -> None:
    index = StoryIndex()
    write(conn, [art("a", "Reuters", "Unrelated market report on grain exports", at=T0)], index)
    other = art("o", "Politico", TITLE, at=T0 + timedelta(hours=1))
    write(conn, [other], None, run_id="run-b")  # another process, between two of our batches
    later = art("c", "The Guardian", TITLE + " as talks go on", at=T0 + timedelta(hours=3))
    stats = write(conn, [later], index)
    assert stats.joined == 1
    assert story_of(conn)[later.article_id] == other.article_id


def test_a_failed_batch_clears_the_index_and_a_rerun_stores_it_right(conn, monkeypatch) -> None:
    index = StoryIndex()
    first = art("a", "Reuters", TITLE, at=T0)
    write(conn, [first], index)
    batch = [art("b", "BBC News", TITLE + " - reports", at=T0 + timedelta(hours=1)),
             art("c", "AP", TITLE + " (update)", at=T0 + timedelta(hours=2))]
    real_load = writes.load_sql

    def failing(name: str) -> str:
        if name == "store/update_feed_states":
            raise RuntimeError("disk full")
        return real_load(name)

    monkeypatch.setattr(writes, "load_sql", failing)
    with pytest.raises(RuntimeError):
        write(conn, batch, index)
    monkeypatch.setattr(writes, "load_sql", real_load)
    assert len(index) == 0 and not index.days  # what the rolled-back batch added is gone
    assert set(story_of(conn)) == {first.article_id}
    write(conn, batch, index)
    assert set(story_of(conn).values()) == {first.article_id}
    assert conn.execute("select articles from stories").fetchall() == [(3,)]


def test_days_beyond_the_cap_are_dropped_and_read_again_when_needed(conn) -> None:
    index = StoryIndex(max_docs=2)
    write(conn, [art("a", "Reuters", TITLE, at=T0), art("x", "AP", "Grain exports rise", at=T0)],
          index)
    far = T0 + timedelta(days=10)
    write(conn, [art("f1", "AP", "Far away story one", at=far),
                 art("f2", "DW", "Far away story two", at=far)], index)
    assert day_of(T0) not in index.days  # least recently needed, over the cap: dropped
    assert day_of(far) in index.days
    stats = write(conn, [art("b", "BBC News", TITLE + " - reports", at=T0 + timedelta(hours=2))],
                  index)
    assert stats.window_articles == 2 and stats.joined == 1  # read again, and joined
    assert story_of(conn)[art("b", "BBC News", "").article_id] == art("a", "Reuters", "").article_id


def test_candidates_come_from_the_three_days_around_an_article() -> None:
    index = StoryIndex()
    index.open_days(range(day_of(T0) - 3, day_of(T0) + 4))
    for days in (-2, 2):  # same words, but two days away: never a candidate
        at = T0 + timedelta(days=days)
        index.add(make_doc(f"d{days}", f"O{days}", "en", at, TITLE, ""), f"d{days}")
    near = make_doc("n", "Near", "en", T0 + timedelta(hours=-20), TITLE, "")
    index.add(near, "n")
    doc = make_doc("q", "Query", "en", T0, TITLE + " - reports", "")
    assert index.best_match(doc) == ("n", pytest.approx(0.9, abs=0.1))
    assert index.comparisons == 1


def test_the_writer_uses_the_matcher_views_the_parse_workers_made(conn, monkeypatch) -> None:
    a = art("a", "Reuters", TITLE, at=T0)
    b = art("b", "BBC News", TITLE + " - reports", at=T0 + timedelta(hours=1))
    outcomes = outcomes_of([a, b])
    for outcome in outcomes:  # the views the parse workers would have made
        outcome.docs = {x.article_id: packed(make_doc(x.article_id, x.outlet, x.lang,
                                                      x.published_at, x.title, x.summary))
                        for x in outcome.articles}

    def no_tokenising(*args, **kwargs):
        raise AssertionError("the writer tokenised an article the worker had done")

    monkeypatch.setattr(stories, "make_doc", no_tokenising)
    writes.write_outcomes(conn, outcomes, {}, run_id="r", rules_version="t", now=T0,
                          story_index=StoryIndex())
    assert set(story_of(conn).values()) == {a.article_id}


def test_packed_views_come_back_unchanged() -> None:
    """The workers' packed views (tokens joined by spaces) give back the very same Doc, for
    every labelled article (uk/ru/en, names, numbers, speakers)."""
    path = Path(__file__).parent / "fixtures" / "story_articles.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) > 100
    for row in rows:
        doc = make_doc(row["id"], row["outlet"], row["lang"],
                       datetime.fromisoformat(row["published"]), row["title"], row["summary"])
        assert unpacked(packed(doc)) == doc


def test_held_documents_score_exactly_as_the_documents_they_came_from() -> None:
    """The index keeps documents by column, tokens as numbers; every labelled pair in one
    language scores the same through it as between the original documents."""
    from mediawatch.storymatch import score

    path = Path(__file__).parent / "fixtures" / "story_articles.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    docs = [
        make_doc(r["id"], r["outlet"], r["lang"], datetime.fromisoformat(r["published"]),
                 r["title"], r["summary"])
        for r in rows
    ]
    index = StoryIndex()
    index.open_days(day_of(d.published_at) for d in docs)
    for doc in docs:
        index.add(doc, doc.article_id)
    assert len(index) == len(docs)
    scored = 0
    for query in docs:
        numbered = query.__class__(
            query.article_id, query.outlet, query.lang, query.published_at,
            *(frozenset(index._numbers(t)) for t in
              (query.title_tokens, query.summary_tokens, query.entities)),
        )
        for i, held in enumerate(docs):
            if held.lang == query.lang:
                assert score(numbered, index._view(i)) == score(query, held), (query, held)
                scored += score(query, held) > 0
    assert scored > 100  # many pairs are one story: the equality is not only 0 == 0
