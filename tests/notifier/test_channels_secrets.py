"""Apprise URLs are secrets: with debug logging on, a canary token inside every URL appears in
no log line, no CLI output and no byte of the database; URL files and their permissions."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from conftest import FeedServer, Project, ScriptedSink, rss

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
    feed = feeds.put("/feed.xml", rss([{"guid": "1", "title": "Air strike near Kharkiv"}]))
    project.write_config(f"""
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: news, type: feed, url: "{feed}"}}
rules:
  - {{name: air-strike, keywords: ["air strike"], notify: [ops, more]}}
channels:
  ops:
    urls:
      - "json://bot:${{HOOK_TOKEN}}@127.0.0.1:{ok.port}/hooks/${{HOOK_TOKEN}}"
      - "json://bot:${{HOOK_TOKEN}}@127.0.0.1:{refused.port}/hooks/${{HOOK_TOKEN}}"
  more:
    urls_file: ops_urls
notifier: {{retry_base_seconds: 0.01, fallback: more}}
""")
    project.config.chmod(0o600)
    env = {"HOOK_TOKEN": CANARY}
    outputs = [
        project.cli("-v", "run", "--once", env=env),
        project.cli("-v", "notify-test", env=env),
        project.cli("-v", "alerts", "--json", env=env),
        project.cli("-v", "check", env=env),
    ]
    assert len(ok.received) == 2 and len(from_file.received) == 3  # alert, warning, test
    assert refused.requests == 2
    for out in outputs:
        assert CANARY not in out.stdout + out.stderr, out.args
    debug = outputs[0].stderr
    assert "DEBUG" in debug and "giving up on alert" in debug and "401" in debug
    assert f"ops: json://***@127.0.0.1:{ok.port}/***: ok" in outputs[1].stdout
    stored = project.stored_text()
    assert "Air strike near Kharkiv" in stored and CANARY not in stored
    for db_file in project.dir.glob("state.db*"):  # SQLite: also WAL and freed pages
        assert CANARY.encode() not in db_file.read_bytes(), db_file.name


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
