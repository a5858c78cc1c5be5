"""Presets: known official sources by name (``preset: us-state-dept``).

A preset fills in ``type``, ``url`` and the type's fields; anything written in the config
overrides it, the URL included. A preset can also read the advisory level each item states
and map it onto the one 1-4 scale of :class:`AdvisoryLevel` (tables: README, "Advisory levels").

One module per issuer in this package, found by scanning it (as ``sources/registry.py`` finds
the source types), so a new preset is one new file with a class decorated with :func:`preset`.
"""

from __future__ import annotations

import importlib
import pkgutil
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from advisorywatch.crawler.sources.text.html import html_to_text
from advisorywatch.model import AdvisoryLevel, ParsedItem

PRESETS: dict[str, type[Preset]] = {}

_P = TypeVar("_P", bound="type[Preset]")


def preset(cls: _P) -> _P:
    PRESETS[cls.name] = cls
    return cls


class Preset(ABC):
    """One known source. ``params`` are the config keys the preset consumes, each with an
    example for the error message when it is missing: ``(("country", "ukraine"),)``."""

    name: ClassVar[str]
    issuer: ClassVar[str]
    params: ClassVar[tuple[tuple[str, str], ...]] = ()

    @abstractmethod
    def config(self, params: Mapping[str, str]) -> dict[str, Any]:
        """The source config this preset stands for, before the user's overrides."""

    def advisory(self, raw: Mapping[str, Any], item: ParsedItem) -> AdvisoryLevel | None:
        """The advisory level ``raw`` (a feed entry or a JSON object) states, if any."""
        return None

    def level(self, country: str, level: int, label: str) -> AdvisoryLevel:
        """An advisory level from this preset's issuer; ``country`` may carry markup."""
        return AdvisoryLevel(html_to_text(country).strip(), level, label.strip(), self.issuer)


def expand_preset(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A source entry from config with its ``preset`` resolved. Raises ValueError naming the
    problem (unknown preset, missing parameter)."""
    name = entry["preset"]
    cls = PRESETS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"unknown preset {name!r} (presets: {', '.join(sorted(PRESETS))})")
    rest = dict(entry)
    params: dict[str, str] = {}
    for p, example in cls.params:
        value = rest.pop(p, None)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"preset {name!r} needs '{p}:' (e.g. {p}: {example})")
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


def _load_presets() -> None:
    for module in pkgutil.iter_modules(__path__, __name__ + "."):
        importlib.import_module(module.name)


_load_presets()
