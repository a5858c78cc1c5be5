"""What can be proven about a channel without sending: every URL loads in Apprise, and its
templates compile and render a sample alert in the sandbox, an undefined name being an error.

Used by ``check``, at start and on reload, so that a typo in a template or a URL is found
before the first alert needs it."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from advisorywatch.db.models import Alert, Item, Source
from advisorywatch.notifier.config import ChannelConfig
from advisorywatch.notifier.message import Templates, alert_fields
from advisorywatch.notifier.url_check import loadable
from advisorywatch.redaction import redact_url

if TYPE_CHECKING:
    from jinja2 import UndefinedError

Loc = tuple[str | int, ...]
_UNDEFINED = re.compile(r"'([^']+)' is undefined")


def channel_url_problems(channels: Mapping[str, ChannelConfig]) -> Iterator[tuple[Loc, str]]:
    """(config location, message) for every channel URL that does not load in Apprise (in a
    child process unless this one holds Apprise already: :mod:`.url_check`)."""
    where = [(name, i, url) for name, ch in channels.items() for i, url in enumerate(ch.urls)]
    for (name, i, url), ok in zip(where, loadable([u for _, _, u in where]), strict=True):
        if not ok:
            yield (
                ("channels", name, "urls", i),
                f"{redact_url(url)} is not a valid Apprise URL (unknown scheme, a missing "
                "plugin or a malformed address)",
            )


def channel_problems(name: str, channel: ChannelConfig) -> Iterator[tuple[Loc, str]]:
    """(config location, message) for everything wrong with one channel but its URLs."""
    if channel.title_template or channel.body_template:
        yield from template_problems(("channels", name), channel)


def template_problems(loc: Loc, channel: ChannelConfig) -> Iterator[tuple[Loc, str]]:
    """A channel's own templates compile and render a sample alert. The default templates are
    the suite's to prove (tests/notifier), so a channel without its own needs no Jinja2 here."""
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError

    try:
        templates = Templates(channel)
    except TemplateSyntaxError as exc:
        key = _template_key(channel)
        yield (*loc, key), f"template syntax error (template line {exc.lineno}): {exc.message}"
        return
    try:
        templates.render([sample_alert()], datetime.now(UTC).replace(tzinfo=None))
    except UndefinedError as exc:
        yield (*loc, _undefined_key(channel, exc)), _undefined_message(exc)
    except TemplateError as exc:
        yield (*loc, "body_template"), f"template cannot render a sample alert: {exc}"
    except Exception as exc:  # any failure of a user's template is its problem
        yield (*loc, "body_template"), f"template fails on a sample alert: {exc!r}"


def sample_alert() -> Alert:
    """An alert with every field a template can use filled in, never stored."""
    now = datetime.now(UTC).replace(tzinfo=None)
    source = Source(name="sample-source", type="feed", url="https://example.org/feed")
    item = Item(
        source=source,
        url="https://example.org/news/1",
        title="Embassy closed",
        text="The embassy is closed until further notice.",
        published=now,
        first_seen=now,
    )
    hit = {"snippet": "The **embassy** is closed", "text": "embassy", "concept": None}
    return Alert(
        item=item,
        rule="sample-rule",
        severity="critical",
        matched=[{**hit, "language": "en"}],
        created_at=now,
    )


def _template_key(channel: ChannelConfig) -> str:
    """Which of the two templates failed to compile (the title is compiled first)."""
    from jinja2 import TemplateSyntaxError

    if channel.title_template:
        try:
            Templates(channel.model_copy(update={"body_template": None}))
        except TemplateSyntaxError:
            return "title_template"
    return "body_template"


def _undefined_key(channel: ChannelConfig, exc: UndefinedError) -> str:
    name = _undefined_name(exc)
    title = channel.title_template or ""
    if name and re.search(rf"\b{re.escape(name)}\b", title):
        return "title_template"
    return "body_template" if channel.body_template else "title_template"


def _undefined_name(exc: UndefinedError) -> str | None:
    found = _UNDEFINED.search(str(exc.message))
    return found.group(1) if found else None


def _undefined_message(exc: UndefinedError) -> str:
    name = _undefined_name(exc)
    if name is None:
        return f"template uses something undefined: {exc.message}"
    now = datetime.now(UTC).replace(tzinfo=None)
    fields = sorted(alert_fields([sample_alert()], now, Templates().escaper))
    close = difflib.get_close_matches(name, fields, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    return f"template uses undefined name {name!r}{hint} (names: {', '.join(fields)})"
