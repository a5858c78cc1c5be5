"""Apprise URLs are secrets: with debug logging on, a canary token inside every URL appears in
no log line, no CLI output and no byte of the database; URL files and their permissions."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FeedServer, Project, Result, ScriptedSink, rss

MakeSink = Callable[[], ScriptedSink]
CANARY = "CanaryT0ken7q2x"


def test_canary_secret_never_leaks_with_debug_logging(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    ok, refused, from_file = make_sink(), make_sink(), make_sink()
    refused.always = 401
    secret_file = project.dir / "ops_urls"
    secret_file.write_text(f"json://bot:{CANARY}@127.0.0.1:{from_file.port}/x/{CANARY}\n")
    secret_file.chmod(0o600)
    _write_config(
        project,
        feeds,
        f"""
  ops:
    urls:
      - "json://bot:${{HOOK_TOKEN}}@127.0.0.1:{ok.port}/hooks/${{HOOK_TOKEN}}"
      - "json://bot:${{HOOK_TOKEN}}@127.0.0.1:{refused.port}/hooks/${{HOOK_TOKEN}}"
  more:
    urls_file: ops_urls""",
        "retry_base_seconds: 0.01, fallback: more",
    )
    env = {"HOOK_TOKEN": CANARY}
    outputs = [
        project.cli("-v", "run", "--once", env=env),
        project.cli("-v", "notify-test", env=env),
        project.cli("-v", "alerts", "--json", env=env),
        project.cli("-v", "check", env=env),
    ]
    assert len(ok.received) == 2 and len(from_file.received) == 3  # alert, warning, test
    assert refused.requests == 2
    _assert_nowhere([CANARY], outputs, project)
    debug = outputs[0].stderr
    assert "DEBUG" in debug and "giving up on alert" in debug and "401" in debug
    assert f"ops: json://***@127.0.0.1:{ok.port}/***: ok" in outputs[1].stdout


def _write_config(project: Project, feeds: FeedServer, channels: str, notifier: str) -> None:
    """One feed with an air-strike item, a rule notifying every channel, ``channels``."""
    feed = feeds.put("/feed.xml", rss([{"guid": "1", "title": "Air strike near Kharkiv"}]))
    names = re.findall(r"^  (\w+):$", channels, re.MULTILINE)
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: news, type: feed, url: "{feed}"}}
rules:
  - {{name: air-strike, keywords: ["air strike"], notify: [{", ".join(names)}]}}
channels:{channels}
notifier: {{{notifier}}}
""")
    project.config.chmod(0o600)


def _assert_nowhere(canaries: list[str], outputs: list[Result], project: Project) -> None:
    """No canary in any command's output, in any stored value or in the database's bytes."""
    for out in outputs:
        for canary in canaries:
            assert canary not in out.stdout + out.stderr, (canary, out.args)
    stored = project.stored_text()
    assert "Air strike near Kharkiv" in stored
    for canary in canaries:
        assert canary not in stored, canary
    for db_file in project.dir.glob("state.db*"):  # SQLite: also WAL and freed pages
        data = db_file.read_bytes()
        for canary in canaries:
            assert canary.encode() not in data, (canary, db_file.name)


def test_world_readable_secret_files_are_reported(project: Project, make_sink: MakeSink) -> None:
    sink = make_sink()
    urls = project.dir / "secrets" / "slack_url"
    urls.parent.mkdir()
    urls.write_text(f"# ops webhook\n{sink.apprise_url}\n")
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: a, type: feed, url: "http://127.0.0.1:9/feed.xml"}}
rules:
  - {{name: r, keywords: [x], notify: [ops, chat]}}
channels:
  ops: {{urls: ["file:secrets/slack_url"]}}
  chat: {{urls: ["json://127.0.0.1:{sink.port}/hooks/literal-token"]}}
""")
    os.chmod(urls, 0o644)
    os.chmod(project.config, 0o644)
    loose = project.cli("notify-test")
    assert loose.returncode == 0, loose.stderr
    assert len(sink.received) == 2  # from the file and from the config
    assert f"{urls.resolve()} holds notification secrets and is readable by every user" in (
        loose.stderr
    )
    assert f"{Path(project.config).resolve()} holds notification secrets" in loose.stderr

    os.chmod(urls, 0o600)
    os.chmod(project.config, 0o600)
    tight = project.cli("notify-test")
    assert "readable by every user" not in tight.stderr


def test_unreadable_url_file_is_a_config_error(project: Project) -> None:
    project.write_config("""
sources:
  - {name: a, type: feed, url: "http://127.0.0.1:9/feed.xml"}
rules:
  - {name: r, keywords: [x], notify: [ops]}
channels:
  ops: {urls_file: /nonexistent/slack_url}
""")
    result = project.cli("check")
    assert result.returncode == 2
    assert "channels.ops.urls_file: cannot read URL file: No such file or directory" in (
        result.stderr
    )


# One canary per place a token can sit in a channel URL, and per way it reaches the config.
LITERAL = {
    "path": "CanaryPath7q2x",
    "query": "CanaryQuery7q2x",
    "user": "CanaryUser7q2x",
    "password": "CanaryPass7q2x",
    "slack": "CanarySlack7q2x",
    "discord": "CanaryDiscord7q2x",
    "telegram": "CanaryBot7q2x",
    "mail": "CanaryMail7q2x",
    "ntfy": "canaryntfytopic",  # a plain lower-case word: an ntfy topic is the password
}
FROM_ENV, FROM_FILE = "CanaryEnv7q2x", "CanaryFile7q2x"


def test_every_token_of_every_channel_url_is_masked_everywhere(
    project: Project, feeds: FeedServer, make_sink: MakeSink
) -> None:
    """Tokens written literally in path, query, user and password, for webhooks, Slack,
    Discord, Telegram, ntfy and e-mail (sent through a dead proxy, so that their errors are logged
    too), from ${ENV} and from a URL file: in no output at DEBUG, text or JSON, nor in the
    database."""
    sink = make_sink()
    c = LITERAL
    hook = f"127.0.0.1:{sink.port}"
    (project.dir / "urls").write_text(f"json://{hook}/file/{FROM_FILE}\n")
    (project.dir / "urls").chmod(0o600)
    _write_config(
        project,
        feeds,
        f"""
  hooks:
    urls:
      - "json://{hook}/hook3/{c["path"]}?x=y"
      - "json://{hook}/hook?-token={c["query"]}"
      - "json://{c["user"]}:{c["password"]}@{hook}/x"
      - "json://{hook}/hooks/${{HOOK_TOKEN}}"
    urls_file: urls
  chat:
    urls:
      - "slack://T1JJ3T3L2/A1BRTD4JD/{c["slack"]}"
      - "https://discord.com/api/webhooks/123456789012345678/{c["discord"]}"
      - "tgram://123456789:{c["telegram"]}/-1001234567"
      - "mailtos://ops:{c["mail"]}@127.0.0.1:9?from=ops@example.com&to=duty@example.com"
      - "ntfys://127.0.0.1:9/{c["ntfy"]}"
""",
        "retry_base_seconds: 0.01, max_attempts: 2",
    )
    env = {"HOOK_TOKEN": FROM_ENV, "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}
    outputs = [
        project.cli("-v", "run", "--once", env=env),
        project.cli("-v", "notify-test", env=env),
        project.cli("-v", "--log-format", "json", "notify-test", env=env),
        project.cli("-v", "check", env=env),
        project.cli("-v", "alerts", "--json", env=env),
    ]
    assert len(sink.received) == 3 * 5  # the alert and two tests, to each json:// URL
    _assert_nowhere([*LITERAL.values(), FROM_ENV, FROM_FILE], outputs, project)
    debug = outputs[0].stderr + outputs[1].stderr
    for seen in ("POST /hook3/***", "POST /hook?token=***", "hooks.slack.com/services/***"):
        assert seen in debug, seen  # the lines that would carry the tokens are there
    assert "discord.com/api/webhooks/***/***" in debug and "telegram.org/bot***/" in debug
    assert '"level": "DEBUG"' in outputs[2].stderr


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("json://127.0.0.1:{port}/hooks/T0kenLiteral", True),
        ("json://bot:T0kenLiteral@127.0.0.1:{port}/x", True),
        ("json://127.0.0.1:{port}/hook?-token=T0kenLiteral", True),
        ("console://", False),
        ("json://127.0.0.1:{port}/hooks/${{HOOK_TOKEN}}", False),
        ("json://bot:${{HOOK_TOKEN}}@127.0.0.1:{port}/x", False),
    ],
)
def test_world_readable_config_is_reported_only_with_a_literal_token(
    project: Project, make_sink: MakeSink, url: str, warned: bool
) -> None:
    sink = make_sink()
    project.write_config(f"""
sources:
  - {{name: a, type: feed, url: "http://127.0.0.1:9/feed.xml"}}
rules:
  - {{name: r, keywords: [x], notify: [ops]}}
channels:
  ops: {{urls: ["{url.format(port=sink.port)}"]}}
""")
    os.chmod(project.config, 0o644)
    result = project.cli("check", env={"HOOK_TOKEN": "Z9tokenFromEnv"})
    assert result.returncode == 0, result.stderr
    assert ("holds notification secrets and is readable by every user" in result.stderr) is warned
