"""Fetching like a good citizen: robots.txt (and the per-source opt-out), a User-Agent with a
contact, per-source headers and proxy (its password never shown), Retry-After, and a 304
that writes nothing but fetch state."""

from __future__ import annotations

import base64
import json

from rawserver import RawHttpServer, Reply

from conftest import FeedServer, Project, Sink, db_datetime, rss

FEED = rss([{"guid": "g1", "title": "Embassy notice", "description": "x"}])
RSS = {"Content-Type": "application/rss+xml"}
SECRET = "s3cr3t-proxy-pass"


def _config(sources: str, sink: Sink, crawler: str = "") -> str:
    return f"""
database: {{url: "sqlite:///state.db"}}
crawler:
  retries: 0
  delay_seconds: 0
  autothrottle: false
  timeout_seconds: 5
  user_agent_contact: "mailto:ops@example.org"
{crawler}
sources:
{sources}
rules:
  - {{name: r, keywords: [never-matches-anything], notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
"""


def _health(project: Project, env: dict[str, str] | None = None) -> dict[str, dict[str, object]]:
    out = project.cli("sources", "--json", env=env)
    assert out.returncode == 0, out.stderr
    return {r["name"]: r for r in json.loads(out.stdout)}


def test_robots_user_agent_headers_and_proxy(
    project: Project, raw_server: RawHttpServer, sink: Sink
) -> None:
    raw_server.route("/robots.txt", Reply(200, {}, b"User-agent: *\nDisallow: /private/\n"))
    url = raw_server.route("/private/feed.xml", Reply(200, RSS, FEED.encode()))
    open_url = raw_server.route("/public/feed.xml", Reply(200, RSS, FEED.encode()))
    proxy = f"http://watcher:${{PROXY_PASSWORD}}@127.0.0.1:{raw_server.port}"
    project.write_config(
        _config(
            f"""  - {{name: polite, type: feed, url: "{url}"}}
  - {{name: opted-out, type: feed, url: "{url}", robots: false}}
  - name: with-headers
    type: feed
    url: "{open_url}"
    headers: {{X-Api-Key: "${{PROXY_PASSWORD}}", Accept: application/rss+xml}}
  - name: proxied
    type: feed
    url: "http://feeds.example.invalid/via/proxy.xml"
    robots: false
    proxy: "{proxy}"
""",
            sink,
        )
    )
    raw_server.route("/via/proxy.xml", Reply(200, RSS, FEED.encode()))

    env = {"PROXY_PASSWORD": SECRET}
    result = project.cli("run", "--once", env=env)

    health = _health(project, env)
    assert health["polite"]["status"] == "failing"
    assert health["polite"]["last_error_kind"] == "robots"
    assert "robots.txt" in str(health["polite"]["last_error"])
    assert health["opted-out"]["status"] == "ok"
    assert len(raw_server.hits("/private/feed.xml")) == 1  # only the opted-out source asked
    assert health["with-headers"]["status"] == "ok"
    assert health["proxied"]["status"] == "ok", health["proxied"]["last_error"]

    (_, headers, _) = raw_server.hits("/public/feed.xml")[0]
    assert headers["user-agent"].startswith("advisorywatch/")
    assert "mailto:ops@example.org" in headers["user-agent"]
    assert headers["x-api-key"] == SECRET
    assert raw_server.hits("/robots.txt")[0][1]["user-agent"] == headers["user-agent"]

    (target, proxy_headers, _) = raw_server.hits("/via/proxy.xml")[0]
    assert target == "http://feeds.example.invalid/via/proxy.xml"  # asked as a proxy
    credentials = base64.b64encode(f"watcher:{SECRET}".encode()).decode()
    assert proxy_headers["proxy-authorization"] == f"Basic {credentials}"

    dump = result.stdout + result.stderr
    dump += "\n".join(str(row) for row in project.sql("SELECT * FROM sources"))
    assert SECRET not in dump


def test_retry_after_is_honoured(project: Project, raw_server: RawHttpServer, sink: Sink) -> None:
    url = raw_server.route(
        "/busy.xml",
        Reply(503, {"Retry-After": "1"}, b"busy"),
        Reply(200, RSS, FEED.encode()),
    )
    project.write_config(
        _config(
            f'  - {{name: busy, type: feed, url: "{url}", robots: false}}',
            sink,
            crawler="  retry_base_seconds: 0\n",
        ).replace("retries: 0", "retries: 2")
    )

    result = project.cli("run", "--once")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "busy: ok, 1 new" in result.stdout
    times = [at for _, _, at in raw_server.hits("/busy.xml")]
    assert len(times) == 2
    assert times[1] - times[0] >= 0.95  # waited for Retry-After, not retry_base_seconds (0)


def test_304_writes_nothing_but_fetch_state(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    url = feeds.put("/feed.xml", FEED)
    project.write_config(
        _config(f'  - {{name: feed, type: feed, url: "{url}", robots: false}}', sink)
    )
    assert project.cli("run", "--once").returncode == 0
    items_before = project.sql("SELECT * FROM items ORDER BY id")
    [src_before] = project.sql("SELECT etag, last_success_at, items_last_run FROM sources")

    second = project.cli("run", "--once")

    assert second.returncode == 0 and "feed: ok, not modified" in second.stdout
    assert feeds.requests[-1][1].get("If-None-Match") == src_before[0]
    assert project.sql("SELECT * FROM items ORDER BY id") == items_before
    assert project.sql("SELECT count(*) FROM alerts") == [(0,)]
    [(etag, last_success, items_last_run)] = project.sql(
        "SELECT etag, last_success_at, items_last_run FROM sources"
    )
    assert etag == src_before[0] and items_last_run == src_before[2] == 1
    assert db_datetime(last_success) > db_datetime(src_before[1])  # the fetch state moved on
    assert _health(project)["feed"]["status"] == "ok"


def test_a_failed_fetch_is_retried_at_the_next_run_not_inline(
    project: Project, raw_server: RawHttpServer, sink: Sink
) -> None:
    flaky = raw_server.route("/flaky.xml", Reply(500, {}, b"oops"), Reply(200, RSS, FEED.encode()))
    sources = f'  - {{name: flaky, type: feed, url: "{flaky}", robots: false}}'
    project.write_config(_config(sources, sink).replace("  retries: 0\n", ""))  # the default

    first = project.cli("run", "--once")
    assert first.returncode == 1 and "flaky: FAILED, HTTP 500" in first.stdout
    assert len(raw_server.hits("/flaky.xml")) == 1  # no inline retry
    second = project.cli("run", "--once")
    assert second.returncode == 0 and "flaky: ok, 1 new" in second.stdout


def test_retries_set_retry_a_reset_inline(
    project: Project, raw_server: RawHttpServer, sink: Sink
) -> None:
    url = raw_server.route(
        "/reset.xml", Reply(200, RSS, FEED.encode(), action="reset"), Reply(200, RSS, FEED.encode())
    )
    sources = f'  - {{name: reset, type: feed, url: "{url}", robots: false}}'
    crawler = "  retry_base_seconds: 0\n"
    project.write_config(_config(sources, sink, crawler).replace("retries: 0", "retries: 1"))

    result = project.cli("run", "--once")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "reset: ok, 1 new" in result.stdout
    assert len(raw_server.hits("/reset.xml")) == 2
