"""Rendering an alert for one channel: Jinja2 templates in a sandbox, escaped per format.

Templates come from the config (trusted); everything taken from a fetched item (hostile) is
passed to them as data, never compiled as template text, so ``{{7*7}}`` in a headline stays
literal. Every ``{{ value }}`` goes through :func:`_Escaper.__call__`: mass mentions
(``@everyone``, ``@here``, ``<!channel>``...) are broken with a zero-width space so they ping
no one, markdown and HTML metacharacters are escaped for those formats, and the title loses
CR/LF (it may become an e-mail subject) and is truncated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, get_args

from markupsafe import Markup, escape

from advisorywatch.db.models import Alert
from advisorywatch.model import distinct_terms, most_severe
from advisorywatch.notifier.config import ChannelConfig

LATE_AFTER = timedelta(minutes=5)
MAX_TITLE = 250
MAX_BODY = 3500
Format = Literal["text", "markdown", "html"]
NotifyType = Literal["info", "success", "warning", "failure"]  # Apprise's, sets the colour
NOTIFY_TYPES: dict[str, NotifyType] = {"info": "info", "warning": "warning", "critical": "failure"}
_NOTIFY_TYPES: dict[str, NotifyType] = {t: t for t in get_args(NotifyType)}

DEFAULT_TITLE = (
    "[{{ severity | upper }}]{% if update %}[UPDATE]{% endif %} "
    "{{ rule }}: {{ title }} · {{ source }}"
)
DEFAULT_BODY = """\
{% for s in snippets %}> {{ s }}
{% endfor %}
Matched: {{ terms | join(", ") }}
{% if lowered %}({{ lowered | join("; ") }})
{% endif %}{% if places %}Places: {{ places | join("; ") }}
{% endif %}Source: {{ source }}
{% if also_reported %}Also reported by: {{ also_reported | join(", ") }}
{% endif %}Link: {{ link or "-" }}
Published: {{ published }} · first seen: {{ first_seen }}
{% if late_minutes %}(delivered late: {{ late_minutes }} min after detection)
{% endif %}"""
DEFAULT_HTML_BODY = """\
{% for s in snippets %}<blockquote>{{ s }}</blockquote>
{% endfor %}<p>Matched: {{ terms | join(", ") }}<br>
{% if lowered %}({{ lowered | join("; ") }})<br>
{% endif %}{% if places %}Places: {{ places | join("; ") }}<br>
{% endif %}Source: {{ source }}<br>
{% if also_reported %}Also reported by: {{ also_reported | join(", ") }}<br>
{% endif %}Link: {% if link %}<a href="{{ link }}">{{ link }}</a>{% else %}-{% endif %}<br>
Published: {{ published }} · first seen: {{ first_seen }}</p>
{% if late_minutes %}<p>(delivered late: {{ late_minutes }} min after detection)</p>
{% endif %}"""

_MENTION = re.compile(r"@(?=(everyone|here|channel|all)\b)", re.IGNORECASE)
_SLACK_SPECIAL = re.compile(r"<(?=[!@#])")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")
_ZWSP = "\u200b"


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str
    format: Format = "text"
    type: NotifyType = "info"


def as_notify_type(value: str) -> NotifyType:
    """A stored notify type (a notice's), ``info`` if unknown."""
    return _NOTIFY_TYPES.get(value, "info")


def notify_type(severity: str) -> NotifyType:
    """Apprise's notify type for an alert severity: critical is ``failure`` (red)."""
    return NOTIFY_TYPES[severity]


def defuse_mentions(text: str) -> str:
    """Break ``@everyone``/``@here``/``@channel`` and Slack's ``<!here>``/``<@U123>`` forms."""
    return _SLACK_SPECIAL.sub("<" + _ZWSP, _MENTION.sub("@" + _ZWSP, text))


class _Escaper:
    """Jinja ``finalize``: how every ``{{ value }}`` is written in one format."""

    def __init__(self, fmt: Format) -> None:
        self.fmt = fmt

    def __call__(self, value: Any) -> Any:
        if isinstance(value, Markup):  # built by us from escaped parts (highlighted snippets)
            return value
        return self.text(str(value) if value is not None else "")

    def text(self, raw: str) -> str:
        clean = defuse_mentions(raw)
        if self.fmt == "html":
            return str(escape(clean))
        if self.fmt == "markdown":
            return _MARKDOWN_SPECIAL.sub(r"\\\1", clean)
        return clean

    def bold(self, raw: str) -> str:
        inner = self.text(raw)
        return f"<b>{inner}</b>" if self.fmt == "html" else f"**{inner}**"


class Templates:
    """A channel's title and body templates, compiled once."""

    def __init__(self, channel: ChannelConfig | None = None) -> None:
        from jinja2 import StrictUndefined  # imported when a message is first rendered
        from jinja2.sandbox import SandboxedEnvironment

        fmt: Format = channel.format if channel else "text"
        self.escaper = _Escaper(fmt)
        env = SandboxedEnvironment(
            finalize=self.escaper, undefined=StrictUndefined, autoescape=False
        )
        default_body = DEFAULT_HTML_BODY if fmt == "html" else DEFAULT_BODY
        self._title = env.from_string((channel and channel.title_template) or DEFAULT_TITLE)
        self._body = env.from_string((channel and channel.body_template) or default_body)

    @property
    def format(self) -> Format:
        return self.escaper.fmt

    def render(
        self,
        alerts: Sequence[Alert],
        now: datetime,
        update: bool = False,
        also_reported: Sequence[str] = (),
    ) -> Message:
        """One message for an item's alerts on a channel, the first being the lead; ``update``:
        the item notified before (a revision added a concept or keyword); ``also_reported``:
        the sources of reports that joined its incident since the incident's last message."""
        fields = alert_fields(alerts, now, self.escaper, update, also_reported)
        return self.message(
            self._title.render(fields), self._body.render(fields), notify_type(fields["severity"])
        )

    def plain(self, title: str, body: str, type: NotifyType = "info") -> Message:
        """A message of our own (fallback warning, summary), escaped for the format."""
        return self.message(self.escaper.text(title), self.escaper.text(body), type)

    def message(self, title: str, body: str, type: NotifyType = "info") -> Message:
        title = " ".join(title.split())  # no CR/LF: the title may become an e-mail subject
        if len(title) > MAX_TITLE:
            title = title[: MAX_TITLE - 1] + "…"
        body = body.strip()
        if len(body) > MAX_BODY:
            body = body[: MAX_BODY - 1]
            if self.format == "html" and body.rfind("<") > body.rfind(">"):
                body = body[: body.rfind("<")]  # never end inside a tag
            body += "…"
        return Message(title, body, self.format, type)


def alert_fields(
    alerts: Sequence[Alert],
    now: datetime,
    escaper: _Escaper,
    update: bool = False,
    also_reported: Sequence[str] = (),
) -> dict[str, Any]:
    """What a template can use, for one item's alerts (the first is the lead). Only plain
    values: nothing here is ever parsed as a template."""
    lead = alerts[0]
    item = lead.item
    hits = [h for a in alerts for h in a.matched]
    snippets: list[Markup] = []
    seen: set[str] = set()
    for hit in hits:
        if hit["snippet"].casefold() not in seen:
            seen.add(hit["snippet"].casefold())
            snippets.append(_highlight(hit["snippet"], hit["text"], escaper))
    delay = now - lead.created_at
    link = item.url if item.url and item.url.lower().startswith(("http://", "https://")) else None
    rules = list(dict.fromkeys(a.rule for a in alerts))
    return {
        "severity": most_severe(a.severity for a in alerts),
        "rule": ", ".join(rules),
        "rules": rules,
        "update": update,
        "also_reported": list(also_reported),
        "source": item.source.name,
        "title": item.title or "(untitled)",
        "text": item.text,
        "link": link,
        "snippets": snippets,
        "concepts": sorted({h["concept"] for h in hits if h["concept"]}),
        "terms": distinct_terms(
            f"{h['text']} ({h['concept'] or 'keyword'}, {h['language'] or '-'})" for h in hits
        ),
        "languages": sorted({h["language"] for h in hits if h["language"]}),
        # Why an alert is below its rule's severity ("lowered to info by embassy_reopened").
        "lowered": [
            f"{a.rule}: {a.lowered}" if len(alerts) > 1 else a.lowered for a in alerts if a.lowered
        ],
        # "Kyiv, Ukraine": the places the item names, its title's first (ingest stores them).
        "places": list(dict.fromkeys(p["label"] for p in item.places or ())),
        "published": _when(item.published),
        "first_seen": _when(item.first_seen),
        "detected": _when(lead.created_at),
        "late_minutes": int(delay.total_seconds() // 60) if delay > LATE_AFTER else 0,
    }


def _highlight(snippet: str, matched: str, escaper: _Escaper) -> Markup:
    """The snippet with the matched text in bold, every part escaped for the format."""
    before, marked, after = snippet.partition(f"**{matched}**")
    if not marked:
        return Markup(escaper.text(snippet))
    return Markup(escaper.text(before) + escaper.bold(matched) + escaper.text(after))


def _when(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M UTC") if dt else "unknown"
