"""Every YAML example in README.md is a valid config, so the docs cannot drift from the code.

The examples are fragments (a `rules:` list, a `channels:` mapping...): each is completed into
a whole config with the least it needs (a source, a rule, the channels and sources it names),
then validated by the real loader."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisorywatch.config import parse_config
from advisorywatch.schema import parse_duration

REPO = Path(__file__).parent.parent
_BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.M | re.S)
EXAMPLES = [m.group(1) for m in _BLOCK.finditer((REPO / "README.md").read_text(encoding="utf-8"))]


def _complete(fragment: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    config: dict[str, Any] = {
        "sources": [{"name": "news", "type": "feed", "url": "https://example.org/feed"}],
        "rules": [{"name": "base", "keywords": ["air strike"], "notify": ["console"]}],
        "channels": {"console": {"urls": ["console://"]}},
    }
    config.update(fragment)
    channels = config["channels"]
    for channel in channels.values():  # URL files named in the example, made real here
        if "urls_file" in channel:
            channel["urls_file"] = str(_url_file(tmp_path, Path(channel["urls_file"]).name))
        for url in channel.get("urls", []):
            if url.startswith("file:"):
                _url_file(tmp_path, url.removeprefix("file:"))
    tokens = (config.get("web") or {}).get("tokens") or {}
    for key in ("read_file", "admin_file"):  # token files named in the example, made real
        if key in tokens:
            tokens[key] = str(_url_file(tmp_path, Path(tokens[key]).name, "t" * 32))
    rules = config["rules"]
    for rule in rules:
        for name in rule.get("notify", []):
            channels.setdefault(name, {"urls": ["console://"]})
    known = {s["name"] for s in config["sources"]}
    tags = sorted({t for r in rules for t in r.get("tags") or []})
    for name in sorted({s for r in rules for s in r.get("sources") or []} - known):
        config["sources"].append(
            {"name": name, "type": "feed", "url": "https://example.org/x", "tags": tags}
        )
    if tags and not any(s.get("tags") for s in config["sources"]):
        config["sources"][0]["tags"] = tags
    return config


def _url_file(tmp_path: Path, name: str, text: str = "console://") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def test_readme_has_yaml_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.split(":", 1)[0])
def test_readme_yaml_example_is_a_valid_config(
    example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in re.findall(r"\$\{(\w+)\}", example):
        monkeypatch.setenv(name, "json://127.0.0.1:9/hook")
    fragment = yaml.safe_load(example)
    assert isinstance(fragment, dict)
    path = tmp_path / "config.yaml"
    text = yaml.safe_dump(_complete(fragment, tmp_path), allow_unicode=True)
    config = parse_config(text, path)
    for key, value in fragment.items():  # what the example sets is what was loaded
        loaded = getattr(config, key)
        if isinstance(value, list):
            assert len(loaded) == len(value), key
        elif isinstance(loaded, dict):
            assert set(value) <= set(loaded), key
        else:
            assert _same(loaded, value), key


def _same(loaded: Any, value: Any) -> bool:
    """Whether a loaded section holds what the example wrote (nested sections compared key by
    key, ``${ENV}`` values taken as given, paths as text, durations parsed)."""
    if isinstance(value, dict) and not isinstance(loaded, dict):
        return all(_same(getattr(loaded, k), v) for k, v in value.items())
    if isinstance(value, str) and "${" in value:
        return loaded is not None
    if isinstance(loaded, timedelta):  # written as a duration: 90d, 1h
        return loaded == parse_duration(value)
    return str(loaded) == value if isinstance(loaded, Path) else bool(loaded == value)


def test_relative_links_name_files_that_exist() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    targets = [t for t in re.findall(r"\]\(([^)#\s]+)", text) if "://" not in t]
    missing = [t for t in targets if not (REPO / t).exists()]
    assert targets and not missing, missing
