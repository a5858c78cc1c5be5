"""In the daemon every run goes through one long-lived crawl: the per-domain limits hold across
sources and runs, robots.txt is fetched once per host rather than once per run, and a reload
that changes the ``crawler:`` settings starts a new crawl with them."""

from __future__ import annotations

import itertools
import signal
import subprocess
from collections.abc import Callable

from rawserver import RawHttpServer, Reply

from conftest import FeedServer, Project, Sink, rss, wait_for

FEED = rss([{"guid": "g1", "title": "Embassy notice", "description": "x"}]).encode()


def _config(sources: str, sink: Sink, crawler: str) -> str:
    return f"""
database: {{url: "sqlite:///state.db"}}
crawler: {{{crawler}}}
sources:
{sources}
rules:
  - {{name: r, keywords: [never-matches-anything], notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
"""


def _source(name: str, url: str, robots: bool = False) -> str:
    flag = "true" if robots else "false"
    # allow_private: some URLs name localhost, which resolves to a loopback address.
    entry = (
        f'name: {name}, type: feed, url: "{url}", every: 1s, jitter: 0s, robots: {flag}, '
        "allow_private: true"
    )
    return f"  - {{{entry}}}\n"


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    return err


def _wait(proc: subprocess.Popen[str], done: Callable[[], bool], what: str) -> None:
    def check() -> bool:
        assert proc.poll() is None, proc.communicate()
        return done()

    wait_for(check, 60, what)


def test_sources_on_one_host_share_the_per_domain_limits(
    project: Project, raw_server: RawHttpServer, sink: Sink
) -> None:
    slow = {p: raw_server.route(p, Reply(200, {}, FEED, action="slow")) for p in ("/a", "/b")}
    fast = {
        p: raw_server.route(p, Reply(200, {}, FEED)).replace("127.0.0.1", "localhost")
        for p in ("/c", "/d")
    }
    sources = "".join(_source(p[1:], url) for p, url in {**slow, **fast}.items())
    crawler = "concurrent_per_domain: 1, delay_seconds: 0.6, autothrottle: false"
    project.write_config(_config(sources, sink, crawler))
    proc = project.popen("run")
    try:
        _wait(
            proc,
            lambda: all(len(raw_server.hits(p)) >= 3 for p in (*slow, *fast)),
            "three runs of each source",
        )
    finally:
        _stop(proc)

    def gaps(paths: list[str]) -> list[float]:
        times = sorted(at for p in paths for _, _, at in raw_server.hits(p))
        return [later - earlier for earlier, later in itertools.pairwise(times)]

    # 127.0.0.1 answers after 0.5 s: one request at a time, so never closer than that.
    assert min(gaps(list(slow))) >= 0.45, gaps(list(slow))
    # localhost answers at once: requests are still delay_seconds (0.6 s +-50 %) apart.
    assert min(gaps(list(fast))) >= 0.28, gaps(list(fast))


def test_one_crawl_for_all_runs_until_the_crawler_settings_change(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    urls = {name: feeds.put(f"/{name}.xml", FEED) for name in ("a", "b", "c")}
    old_ua = "user_agent_contact: mailto:old@example.org"
    ab = _source("a", urls["a"], robots=True) + _source("b", urls["b"], robots=True)
    project.write_config(_config(ab, sink, old_ua))
    proc = project.popen("run")
    try:
        _wait(proc, lambda: feeds.hits("/a.xml") >= 3 and feeds.hits("/b.xml") >= 3, "3 runs")
        assert feeds.hits("/robots.txt") == 1  # six runs, one crawl: robots.txt asked once

        project.write_config(_config(ab + _source("c", urls["c"], robots=True), sink, old_ua))
        proc.send_signal(signal.SIGHUP)
        _wait(proc, lambda: feeds.hits("/c.xml") >= 2, "the added source's runs")
        assert feeds.hits("/robots.txt") == 1  # same crawler settings: same crawl

        project.write_config(_config(ab, sink, "user_agent_contact: mailto:new@example.org"))
        proc.send_signal(signal.SIGHUP)

        def new_agent() -> bool:
            with feeds.lock:
                return any("new@example.org" in h["User-Agent"] for _, h in feeds.requests)

        _wait(proc, new_agent, "requests from the new crawl")
        _wait(proc, lambda: feeds.hits("/robots.txt") == 2, "the new crawl's robots.txt")
        err = _stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert "crawler settings changed: the next runs start a new crawl" in err
    assert "Traceback" not in err
