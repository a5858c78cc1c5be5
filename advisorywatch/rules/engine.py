"""Rules from config, evaluated against items."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from advisorywatch.config import RuleConfig
from advisorywatch.rules.lexicon import load_concept
from advisorywatch.rules.matcher import Hit, Matcher, TermMatcher


@dataclass(frozen=True, slots=True)
class RuleMatch:
    rule: RuleConfig
    hits: tuple[Hit, ...]

    @property
    def terms(self) -> list[str]:
        return sorted({h.matched for h in self.hits})


class CompiledRule:
    def __init__(self, rule: RuleConfig) -> None:
        self.rule = rule
        self._matchers: list[Matcher] = [
            TermMatcher.for_concept(load_concept(c)) for c in rule.concepts
        ]
        if rule.keywords:
            self._matchers.append(TermMatcher.for_keywords(rule.keywords))

    def applies_to(self, source: str) -> bool:
        return self.rule.sources is None or source in self.rule.sources

    def evaluate(self, fields: Mapping[str, str]) -> RuleMatch | None:
        wanted: dict[str, str] = {k: v for k, v in fields.items() if k in self.rule.fields}
        hits = [h for m in self._matchers for h in m.find(wanted)]
        return RuleMatch(self.rule, tuple(hits)) if hits else None


class RuleEngine:
    """All rules of a config, compiled once."""

    def __init__(self, rules: list[RuleConfig]) -> None:
        self._rules = [CompiledRule(r) for r in rules]

    @property
    def configs(self) -> list[RuleConfig]:
        return [r.rule for r in self._rules]

    def evaluate(self, source: str, fields: Mapping[str, str]) -> list[RuleMatch]:
        out = []
        for r in self._rules:
            if r.applies_to(source):
                match = r.evaluate(fields)
                if match is not None:
                    out.append(match)
        return out
