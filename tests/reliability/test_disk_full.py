"""A full disk, for real: the daemon's database on a 3 MB tmpfs in a mount namespace, filled
while it runs and freed again. /healthz says 503 with the reason, the log gets one ERROR line a
minute per kind of failure, the item that arrived meanwhile is fetched again and alerted once
space returns, without a restart."""

from __future__ import annotations

import json
import shlex
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from reliability.ledger import Entry, record

from conftest import FeedServer, Project, Sink, mounts_in_namespace, rss, sqlite_only, wait_for


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())
    except OSError:
        return 0, {}


@sqlite_only
def test_disk_full_is_reported_throttled_and_recovered_from(
    project: Project, feeds: FeedServer, sink: Sink, tmp_path: Path
) -> None:
    if not mounts_in_namespace(tmp_path, "mount -t tmpfs -o size=1m tmpfs {dir}"):
        pytest.skip("needs unshare -m and mount (root or a user namespace) for a small tmpfs")
    disk, ctl, port = tmp_path / "disk", tmp_path / "ctl", _free_port()
    disk.mkdir()
    ctl.mkdir()
    first = {"guid": "n0", "title": "IHSG ditutup menguat"}
    feed = feeds.put("/news.xml", rss([first]))
    project.write_config(f"""
database: {{url: "sqlite:///{disk}/state.db"}}
sources:
  - {{name: news, type: feed, url: "{feed}", every: 1s, jitter: 0s}}
rules:
  - {{name: air-strike, concepts: [air_strike], severity: critical, notify: [ops]}}
channels:
  ops: {{urls: ["{sink.apprise_url}"]}}
daemon: {{heartbeat_seconds: 0.5, http: {{enabled: true, port: {port}}}}}
""")
    run = shlex.join([sys.executable, "-m", "advisorywatch", "-c", str(project.config), "run"])

    def wait_file(name: str) -> str:
        return f"while [ ! -e {ctl}/{name} ]; do sleep 0.1; done"

    script = "; ".join(
        [
            f"mount -t tmpfs -o size=3m tmpfs {disk}",
            f"{run} & pid=$!",
            wait_file("fill"),
            f"dd if=/dev/zero of={disk}/filler bs=4k 2>/dev/null",
            f"touch {ctl}/filled",
            wait_file("free"),
            f"rm -f {disk}/filler",
            wait_file("stop"),
            "kill -TERM $pid",
            "wait $pid",
        ]
    )
    proc = subprocess.Popen(
        ["unshare", "-m", "sh", "-c", script],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=project.env(),
        cwd=project.dir,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr or ()), daemon=True)
    reader.start()
    healthz = f"http://127.0.0.1:{port}/healthz"
    try:
        wait_for(lambda: _get(healthz)[0] == 200, 60, "a healthy daemon")
        (ctl / "fill").touch()
        wait_for((ctl / "filled").exists, 30, "the disk filled")
        feeds.put(
            "/news.xml", rss([first, {"guid": "n1", "title": "Rusia lancarkan serangan udara"}])
        )
        wait_for(lambda: _get(healthz)[0] == 503, 30, "unhealthy on a full disk")
        problems = _get(healthz)[1]["problems"]
        assert isinstance(problems, dict)
        assert "disk is full" in json.dumps(problems), problems
        hits = feeds.hits("/news.xml")
        wait_for(lambda: feeds.hits("/news.xml") >= hits + 8, 30, "runs on the full disk")
        assert not sink.received, "nothing was stored, so nothing was sent"
        full_lines = len(lines)

        (ctl / "free").touch()
        wait_for(lambda: len(sink.received) == 1, 60, "the alert once space returned")
        wait_for(lambda: _get(healthz)[0] == 200, 30, "healthy again")
        assert "Rusia lancarkan serangan udara" in sink.received[0]["title"]
        (ctl / "stop").touch()
        assert proc.wait(timeout=30) == 0, "".join(lines[-20:])
    finally:
        for name in ("fill", "free", "stop"):
            (ctl / name).touch()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        if proc.stderr is not None:
            proc.stderr.close()
    errors = [line for line in lines if " ERROR " in line]
    stored = [line for line in errors if "cannot store fetches" in line]
    written = [line for line in errors if "database cannot be written" in line]
    assert 1 <= len(stored) <= 2 and len(written) <= 2, errors
    assert full_lines < 100, "".join(lines[:100])
    assert not any("Traceback" in line for line in lines), "".join(lines)
    record(Entry(tried=1, survived=1))
