"""A warm `run --once` (every source 304) leaves the feed readers out: feedparser is imported
with the first response that has a body, and that response is still read."""

from __future__ import annotations

from test_startup import CONFIG, _run_once_importing

from conftest import FeedServer, Project, Sink, fixture_bytes


def test_feedparser_is_imported_only_when_a_feed_has_a_body(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    news = feeds.put("/news.xml", fixture_bytes("news_id_seed.xml"))
    project.write_config(CONFIG.format(news=news, sink=sink.apprise_url))

    cold, cold_modules = _run_once_importing(project)
    assert cold.returncode == 0, cold.stderr[-2000:]
    assert cold.stdout.startswith("news-id: ok, ") and " new, " in cold.stdout
    assert "feedparser" in cold_modules
    assert len(sink.received) == 1  # the seed feed's air strike item was read and alerted

    warm, warm_modules = _run_once_importing(project)
    assert warm.returncode == 0, warm.stderr[-2000:]
    assert warm.stdout.strip() == "news-id: ok, not modified"
    assert "feedparser" not in warm_modules
