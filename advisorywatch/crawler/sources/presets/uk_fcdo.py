"""UK FCDO foreign travel advice for one country, from the GOV.UK content API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisorywatch.crawler.sources.presets import Preset, preset
from advisorywatch.model import AdvisoryLevel, ParsedItem

# GOV.UK alert_status values, worst first, on the 1-4 scale; no status at all is level 1.
ALERT_STATUS = {
    "avoid_all_travel_to_whole_country": 4,
    "avoid_all_but_essential_travel_to_whole_country": 3,
    "avoid_all_travel_to_parts": 3,
    "avoid_all_but_essential_travel_to_parts": 2,
}
_NO_STATUS = "No advice against travel"


@preset
class UkFcdo(Preset):
    name = "uk-fcdo"
    issuer = "UK FCDO"
    params = (("country", "ukraine"),)

    def config(self, params: Mapping[str, str]) -> dict[str, Any]:
        return {
            "type": "json",
            "url": f"https://www.gov.uk/api/content/foreign-travel-advice/{params['country']}",
            "items": "[@]",
            "fields": {
                "title": "title",
                "link": "join('', ['https://www.gov.uk', base_path])",
                "date": "public_updated_at",
                "body": "join('\n', [details.change_description || '', "
                "join('\n', details.parts[].body || `[]`)])",
                "guid": "content_id",
            },
        }

    def advisory(self, raw: Mapping[str, Any], item: ParsedItem) -> AdvisoryLevel | None:
        details = raw.get("details") or {}
        country = (details.get("country") or {}).get("name")
        statuses = details.get("alert_status")
        if not country or not isinstance(statuses, list):
            return None
        known = [s for s in statuses if s in ALERT_STATUS]
        if not known:
            return self.level(country, 1, _NO_STATUS)
        worst = max(known, key=ALERT_STATUS.__getitem__)
        return self.level(country, ALERT_STATUS[worst], worst.replace("_", " "))
