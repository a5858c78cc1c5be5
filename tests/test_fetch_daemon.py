"""In the daemon every source is its own crawl; two sources on one host still never fetch at
the same time, and crawls of one host are ``delay_seconds`` apart."""

from __future__ import annotations

import itertools
import signal
import time

from rawserver import RawHttpServer, Reply

from conftest import Project, Sink, rss

FEED = rss([{"guid": "g1", "title": "Embassy notice", "description": "x"}]).encode()


def test_sources_on_one_host_take_turns(
    project: Project, raw_server: RawHttpServer, sink: Sink
) -> None:
    a = raw_server.route("/a.xml", Reply(200, {}, FEED, action="slow"))
    b = raw_server.route("/b.xml", Reply(200, {}, FEED, action="slow"))
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
crawler: {{delay_seconds: 0.3, retries: 0}}
sources:
  - {{name: a, type: feed, url: "{a}", every: 1s, robots: false}}
  - {{name: b, type: feed, url: "{b}", every: 1s, robots: false}}
rules:
  - {{name: r, keywords: [never-matches-anything], notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
""")
    proc = project.popen("run")
    try:
        deadline = time.monotonic() + 60
        while len(raw_server.hits("/a.xml")) < 3 or len(raw_server.hits("/b.xml")) < 3:
            assert time.monotonic() < deadline, "timed out waiting for three crawls of each"
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
    times = sorted(at for path in ("/a.xml", "/b.xml") for _, _, at in raw_server.hits(path))
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # Each answer takes 0.5 s, then 0.3 s of delay: no overlap, and the delay is kept.
    assert min(gaps) >= 0.75, gaps
