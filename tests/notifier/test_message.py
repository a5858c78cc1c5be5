"""Message templates: item text is data, never template code; mass mentions ping no one;
titles stay on one line; each format escapes what it must."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from advisorywatch.db.models import Alert, Item, Source
from advisorywatch.notifier.config import ChannelConfig
from advisorywatch.notifier.message import MAX_BODY, MAX_TITLE, Templates

from conftest import FeedServer, Project, ScriptedSink, rss

MakeSink = Callable[[], ScriptedSink]
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
HOSTILE = (
    "Air strike {{7*7}} {{ 31337*3 }} {% if true %}x{% endif %} @everyone @here <!channel> <!here>"
)


def _alert(title: str, text: str = "", url: str | None = "https://example.org/a") -> Alert:
    item = Item(title=title, text=text, url=url, first_seen=NOW, published=NOW)
    item.source = Source(name="news")
    alert = Alert(
        rule="air-strike",
        severity="critical",
        created_at=NOW,
        matched=[
            {
                "concept": "air_strike",
                "language": "en",
                "field": "title",
                "text": "Air strike",
                "snippet": f"**Air strike** {title[11:]}",
            }
        ],
    )
    alert.item = item
    return alert


def test_hostile_title_stays_inert_end_to_end(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    sink = make_sink()
    feed = feeds.put("/feed.xml", rss([{"guid": "1", "title": HOSTILE}]))
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: news, type: feed, url: "{feed}"}}
rules:
  - {{name: air-strike, concepts: [air_strike], severity: critical, notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
""")
    result = project.cli("run", "--once")
    assert result.returncode == 0, result.stderr
    [msg] = sink.received
    for text in (msg["title"], msg["message"]):
        assert "{{7*7}} {{ 31337*3 }}" in text and "94011" not in text
        assert "{% if true %}x{% endif %}" in text
        for mention in ("@everyone", "@here", "<!channel>", "<!here>"):
            assert mention not in text
    assert msg["title"].startswith("[CRITICAL] air-strike: Air strike {{7*7}}")
    assert msg["title"].endswith("· news")
    assert "Matched: Air strike (air_strike, en)" in msg["message"]
    assert "> **Air strike** {{7*7}}" in msg["message"]


def test_title_is_one_line_and_bodies_are_truncated() -> None:
    alert = _alert("Air strike\r\nBcc: victim@example.org\nSubject: x", text="y")
    msg = Templates().render([alert], NOW)
    assert "\n" not in msg.title and "\r" not in msg.title
    assert msg.title == (
        "[CRITICAL] air-strike: Air strike Bcc: victim@example.org Subject: x · news"
    )
    long = Templates(ChannelConfig(urls=["json://x"], body_template="{{ text }}")).render(
        [_alert("Air strike " + "t" * 400, text="z" * 10_000)], NOW
    )
    assert len(long.title) == MAX_TITLE and long.title.endswith("…")
    assert len(long.body) == MAX_BODY and long.body.endswith("…")


def test_html_format_escapes_item_text_and_keeps_the_highlight() -> None:
    channel = ChannelConfig(urls=["json://x"], format="html")
    msg = Templates(channel).render(
        [_alert('Air strike <script>alert(1)</script> & "more"', url="javascript:alert(1)")], NOW
    )
    assert msg.format == "html"
    assert "<script>" not in msg.title + msg.body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;more&#34;" in msg.body
    assert "<blockquote><b>Air strike</b> &lt;script&gt;" in msg.body
    assert "javascript:" not in msg.body  # only http(s) links are linked
    assert "Link: -" in msg.body


def test_markdown_format_escapes_markup_in_item_text() -> None:
    channel = ChannelConfig(urls=["json://x"], format="markdown")
    msg = Templates(channel).render([_alert("Air strike [click](https://evil.example) *now*")], NOW)
    assert "[click](https://evil.example)" not in msg.body
    assert r"\[click\]\(https://evil.example\) \*now\*" in msg.body
    assert "> **Air strike** " in msg.body


def test_custom_templates_get_fields_and_late_notice() -> None:
    channel = ChannelConfig(
        urls=["json://x"],
        title_template="{{ source }} | {{ severity }} | {{ title }}",
        body_template="{{ rule }} {{ languages | join('+') }} late={{ late_minutes }}",
    )
    msg = Templates(channel).render([_alert("Air strike {{ config }}")], NOW + timedelta(hours=1))
    assert msg.title == "news | critical | Air strike {{ config }}"
    assert msg.body == "air-strike en late=60"
    default = Templates().render([_alert("Air strike")], NOW + timedelta(minutes=42))
    assert "(delivered late: 42 min after detection)" in default.body


def _alerts_of_one_item(title: str) -> list[Alert]:
    """Three rules fired on one item; two matched the same words in another case."""
    lead = _alert(title)
    hits = [("air_strike", "air strike"), ("embassy_closed", "embassy closed")]
    others = []
    for rule, severity, (concept, text) in (
        ("closure", "warning", hits[1]),
        ("raid", "info", hits[0]),
    ):
        other = Alert(
            rule=rule,
            severity=severity,
            created_at=NOW,
            matched=[
                {
                    "concept": concept,
                    "language": "en",
                    "field": "text",
                    "text": text,
                    "snippet": f"the **{text}** <b>@everyone</b>",
                }
            ],
        )
        other.item = lead.item
        others.append(other)
    return [lead, *others]


ONE_MESSAGE = [
    # format, what the body must hold, what must never appear in title or body
    ("text", ["> the **embassy closed** <b>@\u200beveryone</b>"], ["@everyone", "49"]),
    (
        "markdown",
        ["> the **embassy closed** \\<b\\>@\u200beveryone\\</b\\>"],
        ["@everyone", "<b>", "<script>", "49"],
    ),
    (
        "html",
        ["<blockquote>the <b>embassy closed</b> &lt;b&gt;@\u200beveryone&lt;/b&gt;</blockquote>"],
        ["@everyone", "<script>", "49"],
    ),
]


@pytest.mark.parametrize(("fmt", "present", "absent"), ONE_MESSAGE, ids=[c[0] for c in ONE_MESSAGE])
def test_one_message_for_an_items_alerts_in_each_format(
    fmt: str, present: list[str], absent: list[str]
) -> None:
    channel = ChannelConfig(urls=["json://x"], format=fmt)  # type: ignore[arg-type]
    msg = Templates(channel).render(
        _alerts_of_one_item("Air strike <script>{{7*7}}</script> @everyone"), NOW
    )
    assert msg.type == "failure"  # the most severe alert's
    assert "[CRITICAL] air-strike, closure, raid: Air strike" in msg.title
    for text in present:
        assert text in msg.body, msg.body
    for text in absent:
        assert text not in msg.title + msg.body
    # "Air strike" and "air strike" for one concept and language: listed once.
    matched = next(line for line in msg.body.splitlines() if "Matched:" in line).casefold()
    assert matched.count("air strike") == 1 and matched.count("embassy closed") == 1


def test_custom_templates_get_rules_concepts_terms_and_update() -> None:
    channel = ChannelConfig(
        urls=["json://x"],
        title_template="{% if update %}UPDATE {% endif %}{{ rules | join('+') }}",
        body_template="{{ concepts | join(',') }} | {{ terms | length }}",
    )
    msg = Templates(channel).render(_alerts_of_one_item("Air strike"), NOW, update=True)
    assert msg.title == "UPDATE air-strike+closure+raid"
    assert msg.body == "air_strike,embassy_closed | 2"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_the_places_an_item_names_are_in_its_message(fmt: str) -> None:
    alert = _alert("Air strike on Kyiv; sirens in Lviv")
    alert.item.places = [
        {"code": "703448", "kind": "city", "label": "Kyiv, Ukraine", "in": "title"},
        {"code": "702550", "kind": "city", "label": "Lviv, Ukraine", "in": "title"},
        {"code": "X", "kind": "city", "label": "<b>Evil</b>, Nowhere", "in": "text"},
    ]
    channel = ChannelConfig(urls=["json://x"], format=fmt)  # type: ignore[arg-type]
    body = Templates(channel).render([alert], NOW).body
    assert "Kyiv, Ukraine; Lviv, Ukraine" in body
    if fmt != "text":  # escaped for the format like every other value (text is plain)
        assert "<b>Evil</b>" not in body


def test_no_places_line_when_the_item_names_none() -> None:
    body = Templates(ChannelConfig(urls=["json://x"])).render([_alert("Air strike")], NOW).body
    assert "Places:" not in body


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_message_says_why_an_alert_is_below_its_rules_severity(fmt: str) -> None:
    channel = ChannelConfig(urls=["json://x"], format=fmt)  # type: ignore[arg-type]

    def shown(reason: str) -> str:  # as the format escapes it
        return reason.replace("_", "\\_") if fmt == "markdown" else reason

    alone = _alert("Embassy reopened in Kyiv")
    alone.lowered = "lowered to info by embassy_reopened"
    body = Templates(channel).render([alone], NOW).body
    assert f"({shown('lowered to info by embassy_reopened')})" in body, body
    # With several rules in one message, each reason names its rule.
    alerts = _alerts_of_one_item("Air strike")
    alerts[2].lowered = "lowered to info by all_clear"
    body = Templates(channel).render(alerts, NOW).body
    assert f"({shown('raid: lowered to info by all_clear')})" in body, body
    assert "lowered" not in Templates(channel).render([_alert("Air strike")], NOW).body
