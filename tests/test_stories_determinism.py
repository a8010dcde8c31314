"""Story assignment does not depend on Python's per-process hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from mediawatch import pipeline, store, writes
from mediawatch.models import FetchResult
from mediawatch.seeds import load_feeds
from mediawatch.storyindex import StoryIndex
from mediawatch.tagging import Rules

repo, db = Path(sys.argv[1]), Path(sys.argv[2])
rules = Rules.load()
feeds = load_feeds(repo / "seeds/sample/feeds.csv", base_url="http://sample")
pairs = [
    (f, FetchResult(feed_url=f.url, status="ok", content_type="application/xml",
                    body=(repo / "seeds/sample/feeds" / f.url.rsplit("/", 1)[1]).read_bytes()))
    for f in feeds
]
now = datetime(2025, 12, 6, tzinfo=UTC)
with store.writer(db) as conn:
    store.migrate(conn)
    store.sync_feeds(conn, feeds)
outcomes = pipeline.process_all(pairs, rules, repo / "seeds/topics.yaml", now, workers=1)
index = StoryIndex()  # one per run, as the ingest flow keeps it
for i in range(0, len(outcomes), 3):  # several batches: stored articles join later ones
    with store.writer(db) as conn:
        writes.write_outcomes(conn, outcomes[i : i + 3], {}, run_id="r", rules_version="v",
                              now=now, story_index=index)
with store.reader(db) as conn:
    rows = conn.execute("select article_id, story_id from article_story order by 1").fetchall()
print(len({s for _, s in rows}), "|".join(a + ":" + s for a, s in rows))
"""


def _stories(tmp_path: Path, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(REPO), str(tmp_path / f"s{seed}.duckdb")],
        capture_output=True, text=True, check=True, env=env, cwd=REPO,
    )
    return out.stdout


def test_the_same_articles_give_the_same_stories_under_any_hash_seed(tmp_path: Path):
    first, second = _stories(tmp_path, "1"), _stories(tmp_path, "2")
    assert first == second
    stories = int(first.split(" ", 1)[0])
    assert 0 < stories < 1100  # wire copies were grouped
