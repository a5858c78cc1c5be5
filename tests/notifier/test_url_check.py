"""Channel URLs are checked at start without the daemon loading Apprise: in a child process,
until the daemon first sends (then in the process, which holds Apprise anyway), and then only
its channel's plugin. A bad URL is still refused with one line naming it and its config key,
an alert is still sent."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import FeedServer, Project, Sink, daemon_stderr, one_feed_config, rss, wait_for

CHECK = """
import json, logging, sys
from advisorywatch.notifier.url_check import loadable
logging.basicConfig(level=logging.WARNING)
if sys.argv[1] == "no-child":
    sys.executable = "/nonexistent/python"
answer = loadable(["json://127.0.0.1:9/hook", "jsno://u:S3cret@127.0.0.1/x", "console://"])
print(json.dumps([answer, "apprise" in sys.modules]))
"""


def _check(mode: str) -> tuple[list[bool], bool, str]:
    proc = subprocess.run(
        [sys.executable, "-c", CHECK, mode], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    answer, loaded = json.loads(proc.stdout.splitlines()[-1])
    return answer, loaded, proc.stderr


def test_urls_are_checked_in_a_child_and_apprise_stays_out_of_this_process() -> None:
    answer, loaded, _ = _check("child")
    assert answer == [True, False, True]
    assert loaded is False


def test_without_a_child_the_urls_are_checked_here_and_that_is_logged() -> None:
    answer, loaded, stderr = _check("no-child")
    assert answer == [True, False, True]
    assert loaded is True
    assert "checking the channel URLs in a child process failed" in stderr
    assert "S3cret" not in stderr


def test_run_refuses_an_invalid_channel_url_at_start_naming_it_and_its_key(
    project: Project,
) -> None:
    project.write_config("""\
sources:
  - {name: feed-a, type: feed, url: "http://127.0.0.1:1/feed.xml"}
rules:
  - {name: air-strike, concepts: [air_strike], notify: [ops]}
channels:
  ops:
    urls: ["console://", "jsno://user:T0pS3cret@127.0.0.1:18081/hook"]
""")
    result = project.cli("run", timeout=60)
    assert result.returncode == 2
    problems = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    assert len(problems) == 1, result.stderr
    expected = ":7: channels.ops.urls[1]: jsno://127.0.0.1/*** is not a valid Apprise URL"
    assert expected in problems[0]
    assert "T0pS3cret" not in result.stdout + result.stderr


def test_the_daemon_loads_apprise_at_its_first_send_and_only_its_channels_plugin(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    news = feeds.put("/news.xml", rss([{"guid": "n0", "title": "IHSG ditutup menguat"}]))
    project.write_config(one_feed_config(news, sink, "notifier: {baseline: false}\n"))

    def imported(package: str) -> bool:
        return any(line.rstrip().endswith(f"| {package}") for line in list(lines))

    def modules(prefix: str) -> set[str]:
        names = (line.rsplit("|", 1)[-1].strip() for line in list(lines))
        return {name for name in names if name.startswith(prefix)}

    env = {"PYTHONPROFILEIMPORTTIME": "1", "ADVISORYWATCH_CACHE_DIR": str(project.dir / "cache")}
    with daemon_stderr(project, "run", env=env) as (_, lines):
        # a cache of its own: the daemon builds the places lookup first (slow under load)
        wait_for(lambda: feeds.hits("/news.xml") >= 3, 180, "three fetches of the feed")
        assert not imported("apprise")
        assert imported("advisorywatch.runtime.daemon")  # the import lines are read
        feeds.put(
            "/news.xml",
            rss(
                [
                    {"guid": "n0", "title": "IHSG ditutup menguat"},
                    {"guid": "s1", "title": "Air strike hits the capital"},
                ]
            ),
        )
        wait_for(lambda: len(sink.received) == 1, 120, "the alert sent")
        assert imported("apprise")
        assert "Air strike hits the capital" in str(sink.received)
        # json:// needs one of Apprise's ~200 plugin modules (the index from the start's check)
        assert modules("apprise.plugins.") == {
            "apprise.plugins.base",
            "apprise.plugins.custom_json",
        }
    assert not any("Traceback" in line for line in lines)
