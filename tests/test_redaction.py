"""Which parts of a channel URL are secret, whether a config holds one literally, and that
the log filter masks them in any logger's lines, tracebacks included, text or JSON."""

from __future__ import annotations

import io
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from advisorywatch.redaction import (
    RedactingFilter,
    looks_secret,
    register_url_secrets,
    url_secrets,
)


@pytest.mark.parametrize(
    ("url", "secrets"),
    [
        ("slack://T1JJ3T3L2/A1BRTD4JD/TokenC7q2x/%23ops", ["A1BRTD4JD", "T1JJ3T3L2", "TokenC7q2x"]),
        ("https://discord.com/api/webhooks/123456789012/Tok-en_7", ["123456789012", "Tok-en_7"]),
        (
            "json://hooks.example.com:8080/hook3/AbC123xyz?x=y&t=Q%2Fw123",
            ["AbC123xyz", "Q%2Fw123", "Q/w123"],
        ),
        (
            "tgram://123456789:AAHbotToken/-1001234567",
            ["-1001234567", "123456789", "123456789:AAHbotToken", "AAHbotToken"],
        ),
        (
            "mailtos://alerts:hunter2@smtp.example.com?to=duty@example.com",
            ["duty@example.com", "hunter2"],
        ),
        ("json://127.0.0.1/services/webhooks", []),  # plain words name the endpoint
        # an ntfy topic is the password, whatever it looks like
        ("ntfy://opsalerts", ["opsalerts"]),
        ("ntfys://ntfy.example.com/alerts/oncall", ["alerts", "oncall"]),
        ("ntfys://ops:pw12@ntfy.sh/embassy-watch", ["embassy-watch", "pw12"]),
        ("console://", []),
    ],
)
def test_url_secrets(url: str, secrets: list[str]) -> None:
    assert url_secrets(url) == secrets


@pytest.mark.parametrize(
    ("url", "literal"),
    [
        ("json://127.0.0.1:8080/hooks/literal-token", True),
        ("slack://T1JJ3T3L2/A1BRTD4JD/${SLACK_TOKEN}", True),  # its IDs count as tokens
        ("mailtos://ops:s3cret@smtp.example.com", True),
        ("console://", False),
        ("json://127.0.0.1:8080/hooks/${HOOK_TOKEN}", False),
        ("json://bot:${HOOK_TOKEN}@127.0.0.1:8080/x", False),
        ("${SLACK_URL}", False),
    ],
)
def test_looks_secret_only_when_a_token_is_written_literally(url: str, literal: bool) -> None:
    assert looks_secret(url) is literal


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_every_logger_every_level_and_tracebacks_are_masked(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "Z9canaryRedact"
    register_url_secrets(f"json://127.0.0.1:9/hooks/{token}")
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter())
    handler.addFilter(RedactingFilter())
    for name in ("apprise", "urllib3.connectionpool", "scrapy.core.engine", "advisorywatch"):
        logger = logging.getLogger(f"test_redaction.{name}")
        monkeypatch.setattr(logger, "handlers", [handler])
        monkeypatch.setattr(logger, "propagate", False)
        logger.setLevel(logging.DEBUG)
        logger.debug("POST URL: http://127.0.0.1:9/hooks/%s", token)
        logger.critical(f"failed {token}", stack_info=True)
        try:
            raise ConnectionError(f"Max retries exceeded with url: /hooks/{token}")
        except ConnectionError:
            logger.exception("sending failed")
    text = out.getvalue()
    assert "/hooks/***" in text and "ConnectionError" in text and "Stack (most recent" in text
    assert token not in text
