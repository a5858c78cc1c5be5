"""Germany's Auswärtiges Amt travel warnings from its open-data API: a flag per kind."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisorywatch.crawler.sources.presets import Preset, preset
from advisorywatch.model import AdvisoryLevel, ParsedItem

# Auswärtiges Amt flags, most severe first.
FLAGS = (
    ("warning", 4, "Reisewarnung"),
    ("partialWarning", 3, "Teilreisewarnung"),
    ("situationWarning", 2, "Sicherheitshinweis"),
    ("situationPartWarning", 2, "Teilsicherheitshinweis"),
)


@preset
class DeAuswaertigesAmt(Preset):
    name = "de-auswaertiges-amt"
    issuer = "German Federal Foreign Office"

    def config(self, params: Mapping[str, str]) -> dict[str, Any]:
        return {
            "type": "json",
            "url": "https://www.auswaertiges-amt.de/opendata/travelwarning",
            "items": "response.* | [?title]",
            "fields": {"title": "title", "date": "lastModified", "guid": "countryCode"},
        }

    def advisory(self, raw: Mapping[str, Any], item: ParsedItem) -> AdvisoryLevel | None:
        country = raw.get("countryName")
        if not country:
            return None
        for flag, level, label in FLAGS:
            if raw.get(flag) is True:
                return self.level(str(country), level, label)
        return self.level(str(country), 1, "keine Warnung")
