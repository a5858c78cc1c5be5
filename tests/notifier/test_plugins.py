"""Apprise with only the plugins the channels need: every channel type loads as it does with
all of them; a schema the index does not name, or no index at all, still sends (every plugin
is loaded). That a daemon holds only its channel's plugin after sending: test_url_check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Sink

# Each channel type the README shows, a service's own webhook URLs, and invalid ones.
URLS = [
    "json://127.0.0.1:9/hook",
    "jsons://user:S3cret@127.0.0.1:8443/hook",
    "console://",
    "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#ops",
    "mailto://user:pass@gmail.com",
    "tgram://123456789:abcdefg_hijklmnop/123",
    "ntfy://mytopic",
    "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ",
    "https://discord.com/api/webhooks/4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
    "jsno://u:S3cret@127.0.0.1/x",
    "https://example.org/not-a-webhook",
    "not a url",
]

PROBE = """
import json, sys
mode, urls = sys.argv[1], json.loads(sys.argv[2])
if mode == "no-child":
    sys.executable = "/nonexistent/python"
if mode == "all":  # Apprise on its own, every plugin
    from advisorywatch.notifier import plugins
    plugins.load_everything()
from advisorywatch.notifier.plugins import instantiate, loaded_modules
found = [instantiate(url) for url in urls]
print(json.dumps({
    "urls": [str(p.url(privacy=True)) if p is not None else None for p in found],
    "loaded": sorted(loaded_modules()),
    "modules": sorted(m for m in sys.modules if m.startswith("apprise.plugins.")),
}))
"""

SEND = """
import sys
from advisorywatch.notifier.message import Message
from advisorywatch.notifier.send import send
from advisorywatch.notifier.plugins import loaded_modules
print(send(sys.argv[1], Message("T", "B"), 10), len(loaded_modules()))
"""


def _run(code: str, *args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISORYWATCH")}
    env["ADVISORYWATCH_CACHE_DIR"] = str(cache)
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def _probe(mode: str, urls: list[str], cache: Path) -> dict[str, list[str | None]]:
    answer: dict[str, list[str | None]] = json.loads(
        _run(PROBE, mode, json.dumps(urls), cache=cache).stdout.splitlines()[-1]
    )
    return answer


def test_every_channel_type_loads_as_with_every_plugin(tmp_path: Path) -> None:
    everything = _probe("all", URLS, tmp_path)
    assert len(everything["loaded"]) > 150
    for url in URLS:  # one URL per process: what each needs, alone
        alone = _probe("index", [url], tmp_path)
        assert alone["urls"] == everything["urls"][URLS.index(url) : URLS.index(url) + 1], url
    assert list(tmp_path.glob("apprise-plugins-*.json"))  # the index, built once and cached


def test_a_json_channel_loads_one_plugin_module(tmp_path: Path) -> None:
    answer = _probe("index", ["json://127.0.0.1:9/hook", "console://"], tmp_path)
    assert answer["loaded"] == ["custom_json"]
    assert answer["modules"] == ["apprise.plugins.base", "apprise.plugins.custom_json"]


def test_a_service_url_loads_the_plugins_that_parse_service_urls_not_all(tmp_path: Path) -> None:
    slack = "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
    answer = _probe("index", [slack], tmp_path)
    assert answer["urls"][0] is not None and answer["urls"][0].startswith("slack://")
    assert "slack" in answer["loaded"]
    assert "custom_json" not in answer["loaded"] and "email" not in answer["loaded"]


@pytest.mark.parametrize("index", ["without json", "unreadable", "none"])
def test_a_plugin_the_index_does_not_name_still_sends(
    tmp_path: Path, sink: Sink, index: str
) -> None:
    _probe("index", ["json://127.0.0.1:9/hook"], tmp_path)  # builds and caches the index
    (cached,) = tmp_path.glob("apprise-plugins-*.json")
    data = json.loads(cached.read_text())
    if index == "without json":
        data["schemas"] = {k: v for k, v in data["schemas"].items() if v != "custom_json"}
        cached.write_text(json.dumps(data))
    elif index == "unreadable":
        cached.write_text("{not json")
    else:  # nothing cached, and no child can build it
        cached.unlink()
        tmp_path.chmod(0o500)
    try:
        proc = _run(
            "import sys; sys.executable = '/nonexistent/python'\n" + SEND,
            sink.apprise_url,
            cache=tmp_path,
        )
    finally:
        tmp_path.chmod(0o700)
    result, loaded = proc.stdout.strip().rsplit(" ", 1)
    assert result.startswith("SendResult(ok=True"), (result, proc.stderr)
    assert int(loaded) > 150  # every plugin, since the index did not say
    assert sink.titles() == ["T"]
    if index != "without json":
        assert "building the Apprise plugin index failed" in proc.stderr


def test_an_invalid_url_is_refused_after_every_plugin_had_its_say(tmp_path: Path) -> None:
    answer = _probe("index", ["jsno://u:S3cret@127.0.0.1/x"], tmp_path)
    assert answer["urls"] == [None]
    assert len(answer["loaded"]) > 150


def test_without_a_temporary_directory_every_plugin_is_loaded_and_it_sends(
    tmp_path: Path, sink: Sink
) -> None:
    code = "import tempfile; tempfile.tempdir = '/nonexistent/tmp'\n" + SEND
    proc = _run(code, sink.apprise_url, cache=tmp_path)
    assert proc.stdout.startswith("SendResult(ok=True"), proc.stderr
    assert "listing Apprise's plugins failed" in proc.stderr
    assert sink.titles() == ["T"]
