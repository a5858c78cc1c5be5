"""Rules on travel-advisory level changes ("Ukraine: Level 3 → Level 4 (US State Department)").

The level an item states is stored with it; a change is the new level against the last one
stored for the same country in the same source (:mod:`advisorywatch.ingest.levels` reads it).
First sight of a country is not a change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from advisorywatch.model import AdvisoryLevel
from advisorywatch.rules.config import RuleConfig


@dataclass(frozen=True, slots=True)
class LevelChange:
    country: str
    old: int
    new: int
    issuer: str

    @property
    def text(self) -> str:
        return f"Level {self.old} → Level {self.new}"

    @property
    def summary(self) -> str:
        return f"{self.country}: {self.text} ({self.issuer})"

    def occasion(self, at: datetime) -> str:
        """Tells this change apart from later ones on the same item (alerts are unique per
        item, rule and occasion), even a later change between the same two levels."""
        return f"advisory:{self.old}->{self.new}@{at.isoformat()}"

    def matched(self) -> list[dict[str, Any]]:
        """The alert's ``matched`` record, in the shape notifications render."""
        return [
            {
                "concept": "advisory_level",
                "language": None,
                "field": "advisory",
                "text": self.text,
                "snippet": self.summary,
            }
        ]


def detect_change(previous: int | None, advisory: AdvisoryLevel | None) -> LevelChange | None:
    if advisory is None or previous is None or previous == advisory.level:
        return None
    return LevelChange(advisory.country, previous, advisory.level, advisory.issuer)


def rules_for_change(
    rules: Iterable[RuleConfig], source: str, change: LevelChange
) -> list[RuleConfig]:
    """The advisory-level rules that fire on ``change`` in ``source``."""
    out = []
    for rule in rules:
        spec = rule.advisory_level
        if spec is None or (rule.sources is not None and source not in rule.sources):
            continue
        raised = change.new > change.old
        if (raised and not spec.raised) or (not raised and not spec.lowered):
            continue
        if max(change.old, change.new) < spec.min_level:
            continue
        if spec.countries is not None and not _named(change.country, spec.countries):
            continue
        out.append(rule)
    return out


def _named(country: str, names: Iterable[str]) -> bool:
    folded = country.casefold()
    return any(n.casefold() == folded for n in names)
