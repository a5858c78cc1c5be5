"""`check` proves what it can without sending, and database problems are one line: through
the real CLI."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from advisorywatch.notifier.config import ChannelConfig
from advisorywatch.notifier.preflight import channel_problems, template_problems

from conftest import Project

CONFIG = """\
sources:
  - {{name: feed-a, type: feed, url: "http://127.0.0.1:1/feed.xml"}}
rules:
  - name: air-strike
    concepts: [air_strike]
    notify: [ops]
channels:
  ops:
    urls: ["{url}"]
{extra}"""


def _config(url: str = "console://", extra: str = "") -> str:
    return CONFIG.format(url=url, extra=extra)


def test_invalid_apprise_url_names_channel_and_key_not_the_token(project: Project) -> None:
    project.write_config(_config("jsno://user:T0pS3cret@127.0.0.1:18081/hook"))
    result = project.cli("check")
    assert result.returncode == 2
    assert ":9: channels.ops.urls[0]: jsno://" in result.stderr
    assert "is not a valid Apprise URL" in result.stderr
    assert "T0pS3cret" not in result.stdout + result.stderr


def test_undefined_template_name_is_named_with_a_suggestion(project: Project) -> None:
    project.write_config(_config(extra='    title_template: "{{ sevrity | upper }} {{ title }}"\n'))
    result = project.cli("check")
    assert result.returncode == 2
    assert ":10: channels.ops.title_template: template uses undefined name 'sevrity'" in (
        result.stderr
    )
    assert "did you mean severity?" in result.stderr


def test_template_syntax_error_is_named(project: Project) -> None:
    project.write_config(_config(extra='    body_template: "{% for s in snippets %}{{ s }}"\n'))
    result = project.cli("check")
    assert result.returncode == 2
    assert ":10: channels.ops.body_template: template syntax error" in result.stderr


def test_a_good_custom_template_passes(project: Project) -> None:
    extra = '    title_template: "{{ severity | upper }}: {{ title }} ({{ source }})"\n'
    project.write_config(_config(extra=extra))
    result = project.cli("check")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_the_default_templates_pass_the_check_a_custom_one_gets(fmt: str) -> None:
    """Start-up checks only a channel's own templates (Jinja2 is then not imported by a pass
    with nothing to send); the defaults must pass the same check in every format."""
    channel = ChannelConfig(urls=["json://x"], format=fmt)
    assert list(template_problems(("channels", "ops"), channel)) == []
    assert list(channel_problems("ops", channel)) == []


def test_unknown_channel_points_at_its_line_with_a_suggestion(project: Project) -> None:
    project.write_config(_config().replace("notify: [ops]", "notify:\n      - ops\n      - opps"))
    result = project.cli("check")
    assert result.returncode == 2
    assert ":8: rules[0].notify[1]: rule 'air-strike' notifies unknown channel 'opps'; " in (
        result.stderr
    )
    assert "did you mean 'ops'?" in result.stderr


def test_unknown_concept_points_at_its_line(project: Project) -> None:
    project.write_config(_config().replace("[air_strike]", "[air_strik]"))
    result = project.cli("check")
    assert result.returncode == 2
    assert ":5: rules[0].concepts[0]: rule 'air-strike' uses unknown concept 'air_strik'" in (
        result.stderr
    )
    assert "did you mean 'air_strike'?" in result.stderr


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _one_line_error(result: object, *needles: str) -> None:
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 2, stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    # A configuration's problems come under one header line naming the file.
    lines = [x for x in stderr.strip().splitlines() if "invalid configuration in" not in x]
    assert len(lines) == 1, stderr
    for needle in needles:
        assert needle in lines[0], stderr


def test_check_connect_reports_postgres_down_in_one_line(project: Project) -> None:
    url = f"postgresql+psycopg://watch:hunter2@127.0.0.1:{_closed_port()}/watch"
    project.write_config(_config())
    env = {"ADVISORYWATCH_DATABASE_URL": url}
    assert project.cli("check", env=env).returncode == 0  # no connection without --connect
    result = project.cli("check", "--connect", env=env)
    _one_line_error(result, "postgresql+psycopg://watch:***@127.0.0.1", "refused")
    assert "hunter2" not in result.stderr


@pytest.mark.parametrize("command", [("status",), ("run", "--once"), ("alerts",)])
def test_postgres_down_is_one_line_exit_2(project: Project, command: tuple[str, ...]) -> None:
    url = f"postgresql+psycopg://watch:hunter2@127.0.0.1:{_closed_port()}/watch"
    project.write_config(_config())
    result = project.cli(*command, env={"ADVISORYWATCH_DATABASE_URL": url})
    _one_line_error(result, "watch:***@127.0.0.1", "refused")
    assert "hunter2" not in result.stderr


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("sqlite:///{dir}/missing/state.db", "the directory {dir}/missing does not exist"),
        ("sqlite:///{dir}/config.yaml/state.db", "does not exist"),
        ("postgresql://u:pw@h:notaport/db", "not a database URL"),
        ("mysql://u:pw@127.0.0.1/db", "driver is not installed"),
        ("nosuch://x", "unknown database kind 'nosuch'"),
    ],
)
@pytest.mark.parametrize("command", [("status",), ("run", "--once"), ("sources",)])
def test_unusable_database_is_one_line_exit_2(
    project: Project, url: str, needle: str, command: tuple[str, ...]
) -> None:
    project.write_config(_config())
    url, needle = url.format(dir=project.dir), needle.format(dir=project.dir)
    result = project.cli(*command, env={"ADVISORYWATCH_DATABASE_URL": url})
    _one_line_error(result, needle)
    assert ":pw@" not in result.stderr


def test_verbose_keeps_the_traceback(project: Project) -> None:
    url = f"postgresql+psycopg://watch:pw@127.0.0.1:{_closed_port()}/watch"
    project.write_config(_config())
    result = project.cli("status", "-v", env={"ADVISORYWATCH_DATABASE_URL": url})
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_unwritable_sqlite_directory_is_one_line(project: Project, tmp_path: Path) -> None:
    """A read-only directory refuses even root only on a read-only mount: /proc is one."""
    project.write_config(_config())
    result = project.cli(
        "run", "--once", env={"ADVISORYWATCH_DATABASE_URL": "sqlite:////proc/x.db"}
    )
    _one_line_error(result, "database /proc/x.db: cannot write in /proc")
