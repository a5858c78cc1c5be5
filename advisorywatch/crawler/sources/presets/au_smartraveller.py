"""Australia's Smartraveller: every destination's overall advice level in one JSON export."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisorywatch.crawler.sources.presets import Preset, preset
from advisorywatch.model import AdvisoryLevel, ParsedItem

LEVELS = {
    "exercise normal safety precautions": 1,
    "exercise a high degree of caution": 2,
    "reconsider your need to travel": 3,
    "do not travel": 4,
}


@preset
class AuSmartraveller(Preset):
    name = "au-smartraveller"
    issuer = "Australian Smartraveller"

    def config(self, params: Mapping[str, str]) -> dict[str, Any]:
        return {
            "type": "json",
            "url": "https://www.smartraveller.gov.au/destinations-export",
            "items": "@",
            "fields": {
                "title": "join(': ', [title, field_overall_advice_level])",
                "link": "field_url",
                "date": "changed",
                "body": "join('\n', [field_last_update || '', field_last_update_notes || '', "
                "field_advice_levels || ''])",
                "guid": "field_url",
            },
        }

    def advisory(self, raw: Mapping[str, Any], item: ParsedItem) -> AdvisoryLevel | None:
        label = str(raw.get("field_overall_advice_level") or "")
        level = LEVELS.get(label.strip().casefold())
        if level is None or not raw.get("title"):
            return None  # "No travel advice" (Antarctica) has no level
        return self.level(str(raw["title"]), level, label)
