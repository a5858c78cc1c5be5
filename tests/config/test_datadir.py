"""The default database lives where the documented deployments can write: the config in a
read-only directory (a read-only bind mount in a mount namespace, as in the container image
and under systemd's ProtectSystem=strict), the database in the data directory."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FeedServer, Project, fixture_bytes, mounts_in_namespace, sqlite_only

CONFIG = """
sources:
  - {{name: alerts, type: feed, url: "{url}"}}
rules:
  - {{name: air-strike, concepts: [air_strike], severity: critical, notify: [console]}}
"""


@sqlite_only
@pytest.mark.parametrize(
    ("env_name", "where"),
    [("ADVISORYWATCH_DATA_DIR", "data"), ("STATE_DIRECTORY", "data"), (None, "cwd")],
)
def test_run_once_with_the_config_in_a_read_only_directory(
    project: Project, feeds: FeedServer, tmp_path: Path, env_name: str | None, where: str
) -> None:
    if not mounts_in_namespace(tmp_path, "mount --bind -o ro {dir} {dir} && ! touch {dir}/x"):
        pytest.skip("needs unshare -m and mount (root or a user namespace) for a read-only mount")
    config_dir, data, cwd = tmp_path / "etc", tmp_path / "data", tmp_path / "cwd"
    for d in (config_dir, data, cwd):
        d.mkdir()
    feed = feeds.put("/alerts.xml", fixture_bytes("usembassy_ua_category_alert_feed_SYNTHETIC.xml"))
    (config_dir / "config.yaml").write_text(CONFIG.format(url=feed), encoding="utf-8")
    env = project.env({env_name: str(data)} if env_name else None)
    run = shlex.join([sys.executable, "-m", "advisorywatch", "-c", str(config_dir / "config.yaml")])
    script = f"mount --bind -o ro {config_dir} {config_dir} && {run} run --once"
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "alerts: ok, 4 new" in proc.stdout
    assert (data if where == "data" else cwd).joinpath("advisorywatch.db").is_file()
    assert not (config_dir / "advisorywatch.db").exists()
