"""``advisorywatch web`` as a process: binding rules, tokens from files and ${ENV}, masked
logs, forwarded headers ignored."""

from __future__ import annotations

import signal
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import ADMIN, READ
from conftest import Project

CONFIG = """
database: {{url: "sqlite:///state.db"}}
sources:
  - {{name: a, type: feed, url: "http://127.0.0.1:9/feed.xml"}}
rules:
  - {{name: air-strike, concepts: [air_strike], notify: [console]}}
{web}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_without_tokens_it_refuses_to_bind_beyond_loopback(project: Project) -> None:
    project.write_config(CONFIG.format(web=""))
    result = project.cli("web", "--host", "0.0.0.0")
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0 without tokens" in result.stderr


def test_a_short_token_is_a_config_error(project: Project) -> None:
    project.write_config(CONFIG.format(web="web: {tokens: {read: short}}"))
    result = project.cli("check")
    assert result.returncode == 2  # check: configuration unusable
    assert "at least 16 characters" in result.stderr


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read token file {file}: No such file or directory"),
        ("", "token file {file} is empty"),
        ("\n\n", "token file {file} is empty"),
        ("short\n", "token file {file} holds 5 characters"),
    ],
)
def test_token_file_problems_are_config_errors_at_their_key(
    project: Project, content: str | None, problem: str
) -> None:
    file = project.dir / "read.token"
    if content is not None:
        file.write_text(content)
    project.write_config(
        CONFIG.format(web="web:\n  tokens:\n    read_file: read.token\n    admin: " + ADMIN)
    )
    for command in ("check", "web"):
        result = project.cli(command)
        assert result.returncode == 2, result.stderr
        line = f"{project.config}:9: web.tokens.read_file: {problem.format(file=file)}"
        assert line in result.stderr, result.stderr
        assert ADMIN not in result.stderr


@pytest.mark.parametrize(
    ("mode", "warned"), [(0o644, "every user"), (0o640, "its group"), (0o600, None)]
)
def test_a_token_file_others_can_read_is_warned_about(
    project: Project, mode: int, warned: str | None
) -> None:
    file = project.dir / "admin.token"
    file.write_text(ADMIN + "\n")
    file.chmod(mode)
    project.write_config(CONFIG.format(web="web: {tokens: {admin_file: admin.token}}"))
    result = project.cli("check")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "admin.token" in line]
    if warned is None:
        assert warnings == []
    else:
        assert len(warnings) == 1, result.stderr
        assert f"{file.resolve()} holds a web token and is readable by {warned}" in warnings[0]
    assert ADMIN not in result.stderr


def test_serves_with_tokens_from_env_and_file_and_masks_them(project: Project) -> None:
    (project.dir / "admin.token").write_text(ADMIN + "\n")
    port = _free_port()
    project.write_config(
        CONFIG.format(
            web=f"web: {{host: 127.0.0.1, port: {port}, "
            "tokens: {read: '${AW_READ}', admin_file: admin.token}}"
        )
    )
    proc = project.popen("web", env={"AW_READ": READ})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                status, _ = _get(f"{base}/api/v1/status")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("web did not start")
        assert status == 401
        status, body = _get(f"{base}/feeds/alerts.atom?token={READ}")
        assert status == 200 and body.startswith(b"<?xml")
        forwarded = {"X-Forwarded-For": "203.0.113.9", "Authorization": f"Bearer {ADMIN}"}
        assert _get(f"{base}/api/v1/status", forwarded)[0] == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    # uvicorn shuts down gracefully, then ends by the signal it was sent
    assert proc.returncode in (0, -signal.SIGTERM), stderr
    assert "Finished server process" in stderr
    assert "/feeds/alerts.atom?token=***" in stderr
    assert READ not in stderr and ADMIN not in stderr
    assert "203.0.113.9" not in stderr  # the client is the connection's address
    assert "127.0.0.1:" in stderr and "uvicorn.access" in stderr


def test_a_token_file_gone_since_the_config_loaded_is_refused(tmp_path: Path) -> None:
    from advisorywatch.config.schema import WebTokens
    from advisorywatch.web.auth import TokenError, load_tokens

    token = tmp_path / "read.token"
    token.write_text(READ + "\n")
    assert load_tokens(WebTokens(read_file=token)).read == READ.encode()
    token.write_text("short\n")
    with pytest.raises(TokenError, match="holds no token of 16 characters"):
        load_tokens(WebTokens(read_file=token))
    token.unlink()
    with pytest.raises(TokenError, match="cannot read the token in"):
        load_tokens(WebTokens(read_file=token))
