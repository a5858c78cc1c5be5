"""Config validation: clear messages naming file, key and line; exit code 1 from `check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisorywatch.config import ConfigError, load_config, parse_config

from conftest import Project

REPO = Path(__file__).parents[2]

VALID = """\
sources:
  - name: feed-a
    type: feed
    url: http://127.0.0.1:1/feed.xml
    every: 10m
rules:
  - name: air-strike
    concepts: [air_strike]
    notify: [console]
"""


def _problems(text: str, tmp_path: Path) -> str:
    with pytest.raises(ConfigError) as exc:
        parse_config(text, tmp_path / "config.yaml")
    return "\n".join(exc.value.problems)


def test_example_config_is_valid() -> None:
    config = load_config(REPO / "config.yaml")
    assert {"US Embassy Kyiv security alerts", "ANTARA News - Terkini"} <= {
        s.name for s in config.sources
    }
    assert config.database.url.startswith("sqlite:////")  # made absolute, next to the file


def test_typo_key_is_reported_with_path_and_line(project: Project) -> None:
    project.write_config(VALID.replace("    every: 10m", "    evry: 10m"))
    result = project.cli("check")
    assert result.returncode == 2
    assert (
        f"{project.config}:5: sources[0].evry: unknown key; did you mean 'every'?" in result.stderr
    )


def test_bad_value_is_reported(project: Project) -> None:
    project.write_config(VALID.replace("every: 10m", "every: ten minutes"))
    result = project.cli("check")
    assert result.returncode == 2
    assert f"{project.config}:5: sources[0].every: invalid duration 'ten minutes'" in result.stderr


def test_check_accepts_valid_config(project: Project) -> None:
    project.write_config(VALID)
    result = project.cli("check")
    assert result.returncode == 0, result.stderr
    assert "config OK: 1 sources, 1 rules" in result.stdout


def test_run_with_invalid_config_exits_2(project: Project) -> None:
    project.write_config(VALID.replace("type: feed", "type: fed"))
    result = project.cli("run", "--once")
    assert result.returncode == 2
    assert "sources[0].type" in result.stderr


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("notify: [console]", "notify: [slack]"),
            "rule 'air-strike' notifies unknown channel 'slack' (channels: console)",
        ),
        (
            ("concepts: [air_strike]", "concepts: [air_strikes]"),
            "rule 'air-strike' uses unknown concept 'air_strikes'",
        ),
        (
            ("url: http://127.0.0.1:1/feed.xml", "url: file:///etc/passwd"),
            "sources[0].url: URL 'file:///etc/passwd' must start with http:// or https://",
        ),
        (("every: 10m", 'cron: "61 * * * *"'), "invalid cron expression '61 * * * *'"),
        (("every: 10m", "every: 10m\n    cron: '* * * * *'"), "either 'every' or 'cron'"),
        (("    notify: [console]\n", ""), "rules[0].notify: Field required"),
        (
            ("rules:", "notifier: {timeout_seconds: 60, lease_seconds: 90}\nrules:"),
            "config.yaml:6: notifier: lease_seconds (90) must be at least twice timeout_seconds",
        ),
    ],
)
def test_semantic_errors(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    assert expected in _problems(VALID.replace(*change), tmp_path)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    assert "config.yaml:3: not valid YAML" in _problems(
        "sources:\n  - name: a\n   bad: [", tmp_path
    )


def test_env_substitution_and_missing_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = VALID + "channels:\n  console:\n    urls: ['json://${HOOK_HOST}/x']\n"
    monkeypatch.delenv("HOOK_HOST", raising=False)
    assert "channels.console.urls[0]: environment variable HOOK_HOST is not set" in _problems(
        text, tmp_path
    )
    monkeypatch.setenv("HOOK_HOST", "127.0.0.1:8080")
    config = parse_config(text, tmp_path / "config.yaml")
    assert config.channels["console"].urls == ["json://127.0.0.1:8080/x"]


def test_incident_window_zero_turns_incidents_off(tmp_path: Path) -> None:
    config = parse_config(VALID + "notifier: {incident_window: 0}\n", tmp_path / "config.yaml")
    assert not config.notifier.incident_window
    assert "notifier.storm_window: duration '0'" in _problems(
        VALID + "notifier: {storm_window: '0'}\n", tmp_path
    )


@pytest.mark.parametrize("every", ["1s", "10"])
def test_every_below_30_seconds_is_refused_for_a_remote_server(tmp_path: Path, every: str) -> None:
    text = VALID.replace("http://127.0.0.1:1/feed.xml", "https://example.org/feed.xml")
    problems = _problems(text.replace("every: 10m", f"every: {every}"), tmp_path)
    assert ":5: sources[0].every: " in problems
    assert "below the minimum of 30 s for a server not on this machine" in problems
    assert parse_config(text.replace("every: 10m", "every: 30"), tmp_path / "c.yaml")
    local = parse_config(VALID.replace("every: 10m", "every: 1s"), tmp_path / "c.yaml")
    assert local.sources[0].every is not None and local.sources[0].every.total_seconds() == 1
