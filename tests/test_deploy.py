"""The docker-compose files: their services, health checks and secrets, and that the config
each mounts passes ``advisorywatch check`` with the environment the file gives it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisorywatch.config import load_config

from conftest import Project

ROOT = Path(__file__).resolve().parent.parent
NODES = "docker-compose.nodes.yml"
_REQUIRED = re.compile(r"\$\{(\w+):\?[^}]*\}")  # ${NAME:?message}: compose refuses without it
_ANY_VAR = re.compile(r"\$\{(\w+)(?::[-?][^}]*)?\}")


def _compose(name: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _interpolate(value: str, env: dict[str, str]) -> str:
    return _ANY_VAR.sub(lambda m: env.get(m.group(1), ""), value)


def _mounted_config(service: dict[str, Any]) -> Path:
    mounts = [v.split(":") for v in service["volumes"]]
    [host] = [h for h, target, *_ in mounts if target == "/config/config.yaml"]
    return ROOT / host


def _check(service: dict[str, Any], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``advisorywatch check`` on the service's config with the service's environment."""
    given = {k: _interpolate(str(v), env) for k, v in service.get("environment", {}).items()}
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISORYWATCH")}
    cmd = [sys.executable, "-m", "advisorywatch", "--config", str(_mounted_config(service))]
    return subprocess.run(
        [*cmd, "check"], capture_output=True, text=True, env={**run_env, **given}, timeout=60
    )


def test_three_nodes_share_postgresql_with_the_web_beside_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compose = _compose(NODES)
    services = compose["services"]
    assert set(services) == {"db", "node", "web"}
    node, web, db = services["node"], services["web"], services["db"]
    assert node["deploy"]["replicas"] == 3
    assert node["command"] == ["run"] and web["command"] == ["web"]
    for service in (node, web):
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        url = service["environment"]["ADVISORYWATCH_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://") and url.endswith("@db/advisorywatch")
        assert _mounted_config(service) == _mounted_config(node), "every node runs one config"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    # A node's probe asks that node's own /healthz, on the port its config serves it on.
    for name, value in _dummy_secrets(compose).items():
        monkeypatch.setenv(name, value)
    config = load_config(_mounted_config(node))
    probe = " ".join(node["healthcheck"]["test"])
    assert f"http://127.0.0.1:{config.daemon.http.port}/healthz" in probe
    assert config.daemon.http.enabled and config.daemon.http.host == "0.0.0.0"
    assert web["healthcheck"]["test"] == ["CMD", "advisorywatch", "status"]
    assert web["ports"] == [f"{config.web.port}:{config.web.port}"]
    # A SIGTERM'd node finishes in-flight work within 10 s: compose must wait longer.
    assert int(node["stop_grace_period"].removesuffix("s")) > 10


def _dummy_secrets(compose: dict[str, Any]) -> dict[str, str]:
    """A value for every variable the file requires (and none written in it): a notification
    URL for a ``*_URL``, a token of the required length for the others."""
    text = yaml.safe_dump(compose)
    return {
        name: "json://127.0.0.1:9/notify" if name.endswith("_URL") else f"test-{name.lower()}"
        for name in _REQUIRED.findall(text)
    }


@pytest.mark.parametrize("name", [NODES, "docker-compose.yml"])
def test_secrets_come_from_the_environment_and_the_mounted_config_passes_check(
    name: str,
) -> None:
    compose = _compose(name)
    env = _dummy_secrets(compose)
    for service_name, service in compose["services"].items():
        if service_name == "db":
            assert "PASSWORD" in _REQUIRED.findall(str(service["environment"]))[0]
            continue
        for key, value in service["environment"].items():
            if any(word in key for word in ("PASSWORD", "TOKEN", "URL")):
                assert "${" in str(value), f"{service_name}.{key} must come from the environment"
        checked = _check(service, env)
        assert checked.returncode == 0, checked.stderr
        assert checked.stdout.startswith("config OK:")


def test_status_fails_the_health_check_when_no_node_runs(project: Project) -> None:
    project.write_config((ROOT / "deploy/compose/config.yaml").read_text(encoding="utf-8"))
    result = project.cli("status", env=_dummy_secrets(_compose(NODES)))
    assert result.returncode == 1, result.stderr
    assert "not running" in result.stdout
