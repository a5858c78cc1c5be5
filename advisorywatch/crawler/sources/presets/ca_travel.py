"""Government of Canada travel advice: every country's advisory state in one JSON index."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisorywatch.crawler.sources.presets import Preset, preset
from advisorywatch.model import AdvisoryLevel, ParsedItem


@preset
class CaTravel(Preset):
    name = "ca-travel"
    issuer = "Government of Canada"

    def config(self, params: Mapping[str, str]) -> dict[str, Any]:
        return {
            "type": "json",
            "url": "https://data.international.gc.ca/travel-voyage/index-updated.json",
            "items": "data.*",
            "fields": {
                "title": "join(': ', [eng.name, eng.\"advisory-text\"])",
                "link": "join('', ['https://travel.gc.ca/destinations/', eng.\"url-slug\"])",
                "date": '"date-published".asp',
                "body": 'eng."recent-updates"',
                "guid": '"country-iso"',
            },
        }

    def advisory(self, raw: Mapping[str, Any], item: ParsedItem) -> AdvisoryLevel | None:
        state = raw.get("advisory-state")  # 0-3
        eng = raw.get("eng") or {}
        country = raw.get("country-eng") or eng.get("name")
        if not isinstance(state, int) or not 0 <= state <= 3 or not country:
            return None
        return self.level(country, state + 1, str(eng.get("advisory-text") or ""))
