"""GDACS: the Global Disaster Alert and Coordination System's feed of current disasters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisorywatch.crawler.sources.presets import Preset, preset


@preset
class Gdacs(Preset):
    name = "gdacs"
    issuer = "GDACS"

    def config(self, params: Mapping[str, str]) -> dict[str, Any]:
        return {"type": "feed", "url": "https://www.gdacs.org/xml/rss.xml"}
