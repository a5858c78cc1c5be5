"""Presets: known official sources by name (``preset: us-state-dept``).

A preset fills in ``type``, ``url`` and the type's fields; anything written in the config
overrides it, the URL included. A preset can also read the advisory level each item states
and map it onto the one 1-4 scale of :class:`AdvisoryLevel` (tables: README, "Advisory levels").
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from advisorywatch.crawler.sources.text.html import html_to_text
from advisorywatch.model import AdvisoryLevel, ParsedItem

PRESETS: dict[str, type[Preset]] = {}
_PARAM_EXAMPLES = {"country": "ukraine", "host": "ua.usembassy.gov"}


def preset(cls: type[Preset]) -> type[Preset]:
    PRESETS[cls.name] = cls
    return cls


class Preset(ABC):
    """One known source. ``params`` are config keys the preset consumes (e.g. ``country``)."""

    name: ClassVar[str]
    issuer: ClassVar[str]
    params: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def config(self, params: Mapping[str, str]) -> dict[str, Any]:
        """The source config this preset stands for, before the user's overrides."""

    def advisory(self, raw: Mapping[str, Any], item: ParsedItem) -> AdvisoryLevel | None:
        """The advisory level ``raw`` (a feed entry or a JSON object) states, if any."""
        return None


def expand_preset(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A source entry from config with its ``preset`` resolved. Raises ValueError naming the
    problem (unknown preset, missing parameter)."""
    name = entry["preset"]
    cls = PRESETS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"unknown preset {name!r} (presets: {', '.join(sorted(PRESETS))})")
    rest = dict(entry)
    params: dict[str, str] = {}
    for p in cls.params:
        value = rest.pop(p, None)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"preset {name!r} needs '{p}:' (e.g. {p}: {_PARAM_EXAMPLES[p]})")
        params[p] = value.strip()
    merged = cls().config(params)
    for key, value in rest.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def extractor(name: str | None) -> Preset | None:
    """The preset a resolved source config came from, for level extraction."""
    cls = PRESETS.get(name) if name else None
    return cls() if cls else None


def _level(country: str, level: int, label: str, issuer: str) -> AdvisoryLevel:
    return AdvisoryLevel(html_to_text(country).strip(), level, label.strip(), issuer)


_US_TITLE = re.compile(
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
        m = _US_TITLE.match(item.title)
        if not m:
            return None
        return _level(m["country"], int(m["level"]), m["label"], self.issuer)


@preset
class UsEmbassy(Preset):
    name = "us-embassy"
    issuer = "US Embassy"
    params = ("host",)

    def config(self, params: Mapping[str, str]) -> dict[str, Any]:
        return {"type": "feed", "url": f"https://{params['host']}/category/alert/feed/"}


# GOV.UK alert_status values, worst first, on the 1-4 scale; no status at all is level 1.
UK_ALERT_STATUS = {
    "avoid_all_travel_to_whole_country": 4,
    "avoid_all_but_essential_travel_to_whole_country": 3,
    "avoid_all_travel_to_parts": 3,
    "avoid_all_but_essential_travel_to_parts": 2,
}
_UK_NO_STATUS = "No advice against travel"


@preset
class UkFcdo(Preset):
    name = "uk-fcdo"
    issuer = "UK FCDO"
    params = ("country",)

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
        known = [s for s in statuses if s in UK_ALERT_STATUS]
        if not known:
            return _level(country, 1, _UK_NO_STATUS, self.issuer)
        worst = max(known, key=UK_ALERT_STATUS.__getitem__)
        return _level(country, UK_ALERT_STATUS[worst], worst.replace("_", " "), self.issuer)


AU_LEVELS = {
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
        level = AU_LEVELS.get(label.strip().casefold())
        if level is None or not raw.get("title"):
            return None  # "No travel advice" (Antarctica) has no level
        return _level(str(raw["title"]), level, label, self.issuer)


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
        state = raw.get("advisory-state")
        eng = raw.get("eng") or {}
        country = raw.get("country-eng") or eng.get("name")
        if not isinstance(state, int) or not 0 <= state <= 3 or not country:
            return None
        return _level(country, state + 1, str(eng.get("advisory-text") or ""), self.issuer)


# Auswärtiges Amt flags, most severe first.
DE_FLAGS = (
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
        for flag, level, label in DE_FLAGS:
            if raw.get(flag) is True:
                return _level(str(country), level, label, self.issuer)
        return _level(str(country), 1, "keine Warnung", self.issuer)


@preset
class Gdacs(Preset):
    name = "gdacs"
    issuer = "GDACS"

    def config(self, params: Mapping[str, str]) -> dict[str, Any]:
        return {"type": "feed", "url": "https://www.gdacs.org/xml/rss.xml"}
