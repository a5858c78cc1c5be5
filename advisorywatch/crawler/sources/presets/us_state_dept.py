"""US State Department travel advisories: one feed for every country, the level in the title."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from advisorywatch.crawler.sources.presets import Preset, preset
from advisorywatch.model import AdvisoryLevel, ParsedItem

_TITLE = re.compile(
    r"^(?P<country>.+?)(?:\s+Travel Advisory)?\s*-\s*(?:See Summaries\s*-\s*)?"
    r"(?P<label>Level\s*(?P<level>[1-4])\s*:.*)$",
    re.I,
)


@preset
class UsStateDept(Preset):
    name = "us-state-dept"
    issuer = "US State Department"

    def config(self, params: Mapping[str, str]) -> dict[str, Any]:
        return {"type": "feed", "url": "https://travel.state.gov/_res/rss/TAsTWs.xml"}

    def advisory(self, raw: Mapping[str, Any], item: ParsedItem) -> AdvisoryLevel | None:
        m = _TITLE.match(item.title)
        if not m:
            return None
        return self.level(m["country"], int(m["level"]), m["label"])
