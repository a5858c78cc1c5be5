"""A US embassy's security alerts (WordPress category feed), one embassy per source."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisorywatch.crawler.sources.presets import Preset, preset


@preset
class UsEmbassy(Preset):
    name = "us-embassy"
    issuer = "US Embassy"
    params = (("host", "ua.usembassy.gov"),)

    def config(self, params: Mapping[str, str]) -> dict[str, Any]:
        return {"type": "feed", "url": f"https://{params['host']}/category/alert/feed/"}
