"""``advisorywatch demo``: the whole pipeline on bundled fixtures, offline, into a throwaway
database, with alerts printed by the ``console://`` channel."""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path

import yaml

from advisorywatch.cli.fixture_server import FixtureServer
from advisorywatch.config import parse_config
from advisorywatch.runtime.once import run_once

DEMO_CONFIG = """
database:
  url: sqlite:///{db}
sources:
  - name: US Embassy Kyiv alerts (demo)
    type: feed
    url: {base}/usembassy_ua_alerts.xml
  - name: Suarathailand (demo, Indonesian)
    type: feed
    url: {base}/news_id_seed.xml
rules:
  - name: air-strike
    concepts: [air_strike]
    severity: critical
    notify: [console]
  - name: embassy-closed
    concepts: [embassy_closed]
    severity: critical
    notify: [console]
  - name: shelter-in-place
    concepts: [shelter_in_place]
    severity: warning
    notify: [console]
channels:
  console:
    urls: ["console://"]
"""


def run_demo() -> int:
    fixtures = Path(str(resources.files("advisorywatch.cli").joinpath("demo_fixtures")))
    with (
        tempfile.TemporaryDirectory(prefix="advisorywatch-demo-") as tmp,
        FixtureServer(fixtures) as server,
    ):
        text = DEMO_CONFIG.format(db=Path(tmp) / "demo.db", base=server.base_url)
        config = parse_config(text, Path(tmp) / "demo-config.yaml")
        print("advisorywatch demo: serving bundled fixtures on", server.base_url)
        print("config used:\n" + yaml.safe_dump(yaml.safe_load(text), sort_keys=False))
        return run_once(config)
