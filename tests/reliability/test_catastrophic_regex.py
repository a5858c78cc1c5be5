"""A rule with catastrophic-backtracking regexes (issue 16): config regexes run on a
linear-time engine (advisorywatch/rules/linear.py), so one hostile item cannot stall a pass,
the database writer or the other sources."""

from __future__ import annotations

import time

from reliability.ledger import Entry, record

from conftest import FeedServer, Project, rss


def test_a_catastrophic_regex_cannot_stall_run_once(project: Project, feeds: FeedServer) -> None:
    """One item that would make ``(a+)+$`` backtrack for ever: the pass ends, both sources'
    items are stored, and the rule fires on the item it matches."""
    hostile = feeds.put("/hostile.xml", rss([{"guid": "h", "title": "a" * 5000 + "!"}]))
    calm = feeds.put("/calm.xml", rss([{"guid": "c", "title": "Air strike near Kharkiv aaaa"}]))
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: hostile, type: feed, url: "{hostile}"}}
  - {{name: calm, type: feed, url: "{calm}"}}
rules:
  - {{name: nested, regexes: ['(a+)+$', '(x|x)*y'], notify: [console]}}
channels: {{console: {{urls: ["console://"]}}}}
notifier: {{baseline: false}}
""")
    started = time.monotonic()
    result = project.cli("run", "--once", timeout=60)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 30
    stored = project.sql("SELECT s.name FROM items i JOIN sources s ON s.id = i.source_id")
    assert sorted(name for (name,) in stored) == ["calm", "hostile"]
    assert project.sql("SELECT rule FROM alerts") == [("nested",)]
    record(Entry(tried=1, survived=1))
