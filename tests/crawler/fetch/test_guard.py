"""The address policy at connect time, one ``run --once`` against a hostile server on
127.0.0.1 (allowed as its sources' own host) and a test resolver: every redirect, name and
follow-up to another private, link-local or metadata address ends as ``unsafe`` with nothing
fetched, stored or sent from it, while the good source beside them delivers."""

from __future__ import annotations

import json
from typing import Any

from rawserver import RawHttpServer, Reply
from twisted.internet.address import IPv4Address

from advisorywatch.crawler.fetch.guard import GuardedResolver, allowance
from advisorywatch.testhooks import RESOLVE_ENV

from conftest import FeedServer, Project, Sink, rss

ALERT = rss([{"guid": "g1", "title": "Serangan udara di Kyiv", "description": "x"}])
INTRANET = rss([{"guid": "i1", "title": "Serangan udara di Lviv", "description": "x"}])
SECRET = rss([{"guid": "s1", "title": "Serangan udara SECRET", "description": "x"}])
HTML = {"Content-Type": "text/html; charset=utf-8"}
# Names the test resolver maps, as a hostile DNS server would.
RESOLVE = {
    "metadata.nip.test": "169.254.169.254",
    "loopback.test": "127.0.0.1",
    "intranet.test": "127.0.0.1",
    "mapped.test": "::ffff:169.254.169.254",
}


def _source(name: str, url: str, extra: str = "") -> str:
    return f'  - {{name: {name}, type: feed, url: "{url}"{extra}}}\n'


def _html_source(name: str, url: str, follow: bool) -> str:
    opts = "follow_links: true" if follow else "max_pages: 3"
    return f'  - {{name: {name}, type: html, url: "{url}", item: li, {opts}}}\n'


def test_redirects_names_and_follow_ups_to_private_addresses_end_unsafe(
    project: Project, raw_server: RawHttpServer, feeds: FeedServer, sink: Sink
) -> None:
    other = feeds.port  # another port on 127.0.0.1: the daemon's /metrics, say
    bait = feeds.put("/secret.xml", SECRET)  # what a refused hop would have stored
    r = raw_server.route
    hops = {
        "to_metadata": "http://169.254.169.254/latest/meta-data/",
        "to_decimal": "http://2852039166/",
        "to_hex": "http://0xa9fea9fe/",
        "to_mapped": "http://[::ffff:a9fe:a9fe]/",
        "to_v6_metadata": "http://[fd00:ec2::254]/",
        "to_link_local": "http://169.254.1.1/",
        "to_private": "http://10.0.0.1/",
        "to_cgnat": "http://100.64.0.1/",
        "to_named_metadata": "http://metadata.nip.test/",
        "to_mapped_name": "http://mapped.test/",
        "to_other_port": bait,
        "to_loopback_name": f"http://loopback.test:{other}/secret.xml",
    }
    sources = _source("good", feeds.put("/good.xml", ALERT))
    for name, target in hops.items():
        sources += _source(name, r(f"/{name}", Reply(302, {"Location": target})))
    article = f'<li><a href="{bait}">Serangan udara</a></li>'
    next_page = f'<li><a href="/x">Serangan udara</a></li><a rel="next" href="{bait}">more</a>'
    sources += _html_source("article_link", r("/article", Reply(200, HTML, article.encode())), True)
    sources += _html_source("next_link", r("/next", Reply(200, HTML, next_page.encode())), False)
    # A source named by a host that resolves to loopback needs allow_private; with it, its
    # own host and port only.
    named = f"http://intranet.test:{raw_server.port}"
    r("/intranet.xml", Reply(200, {}, INTRANET.encode()))
    sources += _source("named_private", f"{named}/intranet.xml")
    sources += _source("intranet", f"{named}/intranet.xml", ", allow_private: true")
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
crawler: {{timeout_seconds: 3, retries: 0, delay_seconds: 0, autothrottle: false}}
sources:
{sources}
rules:
  - {{name: air-strike, concepts: [air_strike], notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
""")
    env = {RESOLVE_ENV: ",".join(f"{k}={v}" for k, v in RESOLVE.items())}

    result = project.cli("run", "--once", env=env, timeout=90)

    assert result.returncode == 1, result.stderr
    out = project.cli("sources", "--json")
    health = {h["name"]: h for h in json.loads(out.stdout)}
    got = {n: h["last_error_kind"] for n, h in health.items()}
    unsafe = [*hops, "article_link", "next_link", "named_private"]
    assert got == {"good": None, "intranet": None, **dict.fromkeys(unsafe, "unsafe")}, {
        n: h["last_error"] for n, h in health.items()
    }
    errors = {n: str(health[n]["last_error"]) for n in unsafe}
    assert "169.254.169.254 (cloud metadata)" in errors["to_decimal"]
    assert "169.254.169.254 (cloud metadata)" in errors["to_hex"]
    assert "(cloud metadata, as IPv6 ::ffff:a9fe:a9fe)" in errors["to_mapped"]
    assert "(cloud metadata, as IPv6 ::ffff:a9fe:a9fe)" in errors["to_mapped_name"]
    assert "169.254.169.254 (cloud metadata)" in errors["to_named_metadata"]
    assert "(shared address space (CGNAT))" in errors["to_cgnat"]
    hostile = f"http://127.0.0.1:{raw_server.port}"
    assert (
        f"refusing http://10.0.0.1/ (redirected from {hostile}/to_private)" in errors["to_private"]
    )
    # Refused at resolution, or before: the good source's connection there is private.
    assert f"refusing {bait} (redirected from {hostile}/to_other_port)" in errors["to_other_port"]
    # The same origin as the allowed "intranet": refused either way.
    assert f"refusing {named}/intranet.xml: " in errors["named_private"]
    assert f"refusing {bait}" in errors["article_link"]
    assert f"(a link on {hostile}/article)" in errors["article_link"]
    # Nothing reached the other port; only the two allowed sources stored and sent.
    assert feeds.hits("/secret.xml") == 0
    assert len(raw_server.hits("/intranet.xml")) == 1
    # robots.txt follows the policy of the request that asks for it: fetched for the allowed.
    robots_hosts = {h["host"] for _, h, _ in raw_server.hits("/robots.txt")}
    assert robots_hosts == {f"127.0.0.1:{raw_server.port}", f"intranet.test:{raw_server.port}"}
    stored = project.sql("SELECT s.name FROM items i JOIN sources s ON s.id = i.source_id")
    assert sorted(stored) == [("good",), ("intranet",)]
    titles = sorted(sink.titles())
    assert len(titles) == 2 and "di Kyiv" in titles[0] and "di Lviv" in titles[1], titles


def test_allowance_is_the_source_own_private_origins() -> None:
    urls = ["http://127.0.0.1:8080/a", "http://feeds.example.org/b", "http://[::1]/c"]
    assert allowance(urls, allow_private=False) == {("127.0.0.1", 8080), ("::1", 80)}
    assert allowance(urls, allow_private=True) == {
        ("127.0.0.1", 8080),
        ("feeds.example.org", 80),
        ("::1", 80),
    }
    assert allowance(["http://2852039166/"], allow_private=False) == frozenset()


class _Rebinding:
    """An upstream resolver answering a public address, then the metadata address."""

    def __init__(self) -> None:
        self.answers = ["93.184.216.34", "169.254.169.254"]

    def resolveHostName(self, receiver: Any, name: str, port: int = 0, *rest: Any) -> None:
        receiver.resolutionBegan(None)
        receiver.addressResolved(IPv4Address("TCP", self.answers.pop(0), port))
        receiver.resolutionComplete()


class _Receiver:
    def __init__(self) -> None:
        self.addresses: list[str] = []

    def resolutionBegan(self, resolution: Any) -> None:
        pass

    def addressResolved(self, address: Any) -> None:
        self.addresses.append(address.host)

    def resolutionComplete(self) -> None:
        pass


def test_each_connection_is_checked_at_its_own_resolution() -> None:
    """DNS rebinding: the second resolution of one name, to metadata, passes nothing on."""
    resolver = GuardedResolver(_Rebinding(), {})
    first, second = _Receiver(), _Receiver()
    resolver.resolveHostName(first, "rebind.example", 80)
    resolver.resolveHostName(second, "rebind.example", 80)
    assert first.addresses == ["93.184.216.34"]
    assert second.addresses == []


def test_a_source_that_drops_resets_or_hangs_on_a_reused_connection_is_asked_once(
    project: Project, raw_server: RawHttpServer, sink: Sink
) -> None:
    """robots.txt leaves a keep-alive connection in the pool, the feed request reuses it and
    gets no answer: Twisted's pool would send it again on a new connection (a second timeout
    for a hanging source); the handler turns that off, so each run asks once."""
    keep_alive = Reply(404, {"Connection": "keep-alive", "Content-Type": "text/plain"}, b"no")
    raw_server.route("/robots.txt", keep_alive)
    actions = {"dropping": "drop", "resetting": "rst", "hanging": "hang"}
    sources = ""
    for name, action in actions.items():
        raw_server.route(f"/{name}.xml", Reply(action=action))
        url = f"http://{name}.test:{raw_server.port}/{name}.xml"
        sources += _source(name, url, ", allow_private: true")
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
crawler: {{timeout_seconds: 2, retries: 0, delay_seconds: 0, autothrottle: false,
  user_agent_contact: "mailto:ops@example.org"}}
sources:
{sources}rules:
  - {{name: air-strike, concepts: [air_strike], notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
""")
    env = {RESOLVE_ENV: ",".join(f"{name}.test=127.0.0.1" for name in actions)}

    for run in (1, 2):
        result = project.cli("run", "--once", env=env, timeout=60)

        assert result.returncode == 1, result.stderr
        for name in actions:
            assert len(raw_server.hits(f"/{name}.xml")) == run, name
        # One connection per host and run: robots.txt's, reused by the feed request.
        assert raw_server.connections == len(actions) * run
    out = project.cli("sources", "--json")
    kinds = {h["name"]: h["last_error_kind"] for h in json.loads(out.stdout)}
    assert kinds == {"dropping": "network", "resetting": "network", "hanging": "timeout"}
