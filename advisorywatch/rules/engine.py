"""Rules from config, evaluated against items.

Every concept, keyword and regex of every rule is compiled once into one
:class:`~advisorywatch.rules.matcher.ConceptMatcher`; an item is matched once, and each rule
then only combines the hits it cares about:

* ``concepts``, ``keywords``, ``regexes``: any of them (the default combination);
* ``all``: every one of these concepts must match too;
* ``none``: the rule stays quiet when one of these concepts matches;
* a concept with ``context_needed`` counts only next to another hit of the same rule;
* a hit of a concept that ``yields_to`` a more specific one (``air_strike`` to
  ``missile_attack``) is dropped when it names the event a hit of that concept beside it
  names (:mod:`.yielding`) and a rule reports that concept: one attack, one alert, named by
  its weapon;
* a concept that ``lowers`` others (``embassy_reopened`` lowers ``embassy_closed``) lowers the
  alert to its own severity (info) when every concept the rule matched is one it lowers. A
  rule need not name it for that; a rule that names it in ``concepts`` also fires on it alone,
  at that severity ("відбій тривоги" as an info alert on the air-raid rule), and is then the
  one rule that reports it;
* a text dated only by years long past (a rule's ``retrospective_years``) is a retrospective
  (:mod:`.retrospective`): the alert is lowered to info, and ``dated`` names the year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from advisorywatch.model import SEVERITY_RANK
from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.lexicon import Concept, available_concepts, load_concept
from advisorywatch.rules.matcher import ConceptMatcher, Hit, Target
from advisorywatch.rules.normalize import normalize
from advisorywatch.rules.places.where import Where
from advisorywatch.rules.retrospective import dated_long_ago
from advisorywatch.rules.yielding import yielded

if TYPE_CHECKING:
    from advisorywatch.rules.config import ConceptConfig


@dataclass(frozen=True, slots=True)
class RuleMatch:
    rule: RuleConfig
    hits: tuple[Hit, ...]
    severity: str = ""
    lowered_by: frozenset[str] = frozenset()  # the lowering concepts that set ``severity``
    dated: int | None = None  # the old year that lowered it to info (a retrospective)

    def __post_init__(self) -> None:
        if not self.severity:
            object.__setattr__(self, "severity", self.rule.severity)

    @property
    def terms(self) -> list[str]:
        return sorted({h.matched for h in self.hits})

    @property
    def lowered(self) -> str:
        """Why the match is below its rule's severity, in words ("" when it is not)."""
        why = []
        if self.lowered_by:
            why.append(f"lowered to {self.severity} by {', '.join(sorted(self.lowered_by))}")
        if self.dated is not None:
            why.append(
                f"lowered to info: a retrospective, dated {self.dated} and by no later year"
                f" (retrospective_years: {self.rule.retrospective_years})"
            )
        return "; ".join(why)

    @property
    def concepts(self) -> list[str]:
        return sorted({h.concept for h in self.hits if h.concept})


def resolve_concepts(
    names: Iterable[str], extra: Mapping[str, ConceptConfig] | None = None
) -> dict[str, Concept]:
    """The named concepts: built-in ones with config additions, and config-defined ones."""
    extra = extra or {}
    out: dict[str, Concept] = {}
    for name in names:
        base = (
            load_concept(name)
            if name in available_concepts()
            else Concept(name=name, description="", severity="warning")
        )
        add = extra.get(name)
        if add is not None:
            base = replace(
                base,
                description=add.description or base.description,
                severity=add.severity or base.severity,
                context_needed=(
                    base.context_needed if add.context_needed is None else add.context_needed
                ),
                lowers=base.lowers if add.lowers is None else tuple(add.lowers),
                yields_to=base.yields_to if add.yields_to is None else tuple(add.yields_to),
                terms=_merged(base.terms, add.terms),
                stems=_merged(base.stems, add.stems),
                patterns=_merged(base.patterns, add.patterns),
                exclude=_merged(base.exclude, add.exclude),
                guards=_merged(base.guards, add.guards),
                exclude_item=_merged(base.exclude_item, add.exclude_item),
            )
        out[name] = base
    return out


def lowering_concepts(
    names: Iterable[str], extra: Mapping[str, ConceptConfig] | None = None
) -> set[str]:
    """The concepts, built-in or from config, that lower one of ``names``."""
    wanted = set(names)
    out: set[str] = set()
    for name in available_concepts() | set(extra or {}):
        lowers = resolve_concepts([name], extra)[name].lowers
        if not wanted.isdisjoint(lowers):
            out.add(name)
    return out


def _merged(
    a: Mapping[str, tuple[str, ...]], b: Mapping[str, list[str]]
) -> dict[str, tuple[str, ...]]:
    out = dict(a)
    for lang, values in b.items():
        out[lang] = (*out.get(lang, ()), *values)
    return out


class _Rule:
    def __init__(self, rule: RuleConfig, concepts: Mapping[str, Concept]) -> None:
        self.rule = rule
        self.fields = frozenset(rule.fields)
        self.any = frozenset(rule.concepts)
        self.all = frozenset(rule.all)
        self.none = frozenset(rule.none)
        self.keywords = frozenset(rule.keywords)
        self.regexes = frozenset(rule.regexes)
        self.entries = self.keywords | self.regexes  # what a keyword or regex hit is
        wanted = self.wanted = self.any | self.all
        self.context = frozenset(c for c in wanted if concepts[c].context_needed)
        # name -> (its severity, what it lowers): the lowering concepts the rule names and
        # those that lower one of the concepts it names
        self.lowering = {
            name: (c.severity, frozenset(c.lowers))
            for name, c in concepts.items()
            if c.lowers and (name in wanted or not wanted.isdisjoint(c.lowers))
        }
        self.where = Where.of(rule.countries, rule.places)

    def _in_any(self, h: Hit) -> bool:
        if h.concept is not None:
            return h.concept in self.any
        return h.term in self.keywords or h.term in self.regexes

    def evaluate(self, hits: Sequence[Hit], concepts: frozenset[str | None]) -> RuleMatch | None:
        """``concepts``: those of ``hits`` (None for a keyword or regex hit)."""
        if self.wanted.isdisjoint(concepts) and not (
            None in concepts and (self.keywords or self.regexes)
        ):
            return None  # nothing of this rule's, the common case
        mine = [h for h in hits if h.field in self.fields]
        if self.none and any(h.concept in self.none for h in mine):
            return None
        wanted, entries = self.wanted, self.entries
        own = [
            h for h in mine if (h.concept in wanted if h.concept is not None else h.term in entries)
        ]
        if all(h.concept in self.context for h in own):
            return None  # nothing, or only hits that need another hit beside them
        found = {h.concept for h in own}
        if not self.all <= found:
            return None
        if (self.any or self.keywords or self.regexes) and not any(map(self._in_any, own)):
            return None
        if self.lowering.keys().isdisjoint(concepts):
            return RuleMatch(self.rule, tuple(own))  # the common case
        lowering = [h for h in mine if h.concept in self.lowering and h.concept not in self.wanted]
        lowerers = {c for c in (*found, *(h.concept for h in lowering)) if c in self.lowering}
        lowered: set[str | None] = set()
        for c in lowerers:
            lowered |= self.lowering[c][1]
        if not lowerers or not found - lowerers <= lowered:
            # nothing lowers it, or it matched a concept (or keyword, regex) not lowered
            return RuleMatch(self.rule, (*own, *lowering))
        severity = min(
            (self.rule.severity, *(self.lowering[c][0] for c in lowerers)),
            key=SEVERITY_RANK.__getitem__,
        )
        return RuleMatch(self.rule, (*own, *lowering), severity, frozenset(lowerers))


class RuleEngine:
    """All rules of a config, compiled once into one matcher: when an item first needs them,
    so that a pass in which nothing is new or changed never reads the lexicon."""

    def __init__(
        self,
        rules: list[RuleConfig],
        concepts: Mapping[str, ConceptConfig] | None = None,
        source_tags: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self._configs = list(rules)
        self._concepts = concepts
        self._source_tags = source_tags or {}
        self._by_source: dict[str | None, tuple[_Rule, ...]] = {}
        self._rule_sets: dict[tuple[_Rule, ...], tuple[_Rule, ...]] = {}

    @cached_property
    def _compiled(self) -> tuple[list[_Rule], list[Target], dict[str, frozenset[str]]]:
        """The rules with their concepts resolved (every built-in concept is read, to find
        those that lower a rule's), the matcher's targets, and what each concept yields to
        (:mod:`.yielding`)."""
        rules, concepts = self._configs, self._concepts
        names = {c for r in rules for c in (*r.concepts, *r.all, *r.none)}
        names |= lowering_concepts(names, concepts)
        resolved = resolve_concepts(sorted(names), concepts)
        targets = [
            Target(c.name, c.terms, c.stems, c.patterns, c.exclude, c.guards, c.exclude_item)
            for c in resolved.values()
        ]
        keywords = sorted({k for r in rules for k in r.keywords})
        regexes = sorted({x for r in rules for x in r.regexes})
        targets += [Target(None, terms={"": [k]}) for k in keywords]
        targets += [Target(None, patterns={"": [x]}) for x in regexes]
        yields = {c.name: frozenset(c.yields_to) for c in resolved.values() if c.yields_to}
        return [_Rule(r, resolved) for r in rules], targets, yields

    @cached_property
    def matcher(self) -> ConceptMatcher:
        """Compiled when first needed: a pass in which nothing is new or changed never is."""
        return ConceptMatcher(self._compiled[1])

    @property
    def configs(self) -> list[RuleConfig]:
        return self._configs

    @property
    def matching_needs_places(self) -> bool:
        """Whether matching a text may look up the places it names: a rule limited to
        countries or places (:meth:`evaluate`)."""
        return any(r.countries or r.places for r in self._configs)

    def applies_to(self, rule: RuleConfig, source: str | None) -> bool:
        """Whether ``rule`` watches ``source``; every rule applies when source is None."""
        if source is None or (rule.sources is None and rule.tags is None):
            return True
        if rule.sources is not None and source in rule.sources:
            return True
        tags = self._source_tags.get(source, ())
        return rule.tags is not None and any(t in tags for t in rule.tags)

    def _rules_of(self, source: str | None) -> tuple[_Rule, ...]:
        """The compiled rules that watch ``source``, worked out once per source (sources
        with the same rules share one tuple)."""
        rules = self._by_source.get(source)
        if rules is None:
            found = tuple(r for r in self._compiled[0] if self.applies_to(r.rule, source))
            rules = self._by_source[source] = self._rule_sets.setdefault(found, found)
        return rules

    def evaluate(
        self, source: str | None, fields: Mapping[str, str], published: datetime | None = None
    ) -> list[RuleMatch]:
        """The rules ``fields`` match; ``published`` (default: now) dates a retrospective."""
        rules = self._rules_of(source)
        if not rules:
            return []
        hits = self.matcher.find(fields)
        if not hits:
            return []
        places: list[list[dict[str, Any]]] = []  # worked out for the first rule asking
        concepts = frozenset(h.concept for h in hits)
        out = _matches(rules, hits, concepts, fields, places)
        if out and any(
            c in concepts and not to.isdisjoint(concepts) for c, to in self._compiled[2].items()
        ):
            out = self._without_yielded(rules, hits, fields, places, out)
        return _dated(_once_per_lowering(out), fields, published)

    def _without_yielded(
        self,
        rules: Sequence[_Rule],
        hits: list[Hit],
        fields: Mapping[str, str],
        places: list[list[dict[str, Any]]],
        out: list[RuleMatch],
    ) -> list[RuleMatch]:
        """The matches again without the hits that yield to a concept these matches report
        (:mod:`.yielding`), unless that would leave such a concept unreported."""
        reported = {c for m in out for c in m.concepts}
        found = yielded(hits, fields, self._compiled[2])
        drop = {i: to & reported for i, to in found.items() if to & reported}
        if not drop:
            return out
        kept = [h for i, h in enumerate(hits) if i not in drop]
        fewer = _matches(rules, kept, frozenset(h.concept for h in kept), fields, places)
        still = {c for m in fewer for c in m.concepts}
        return fewer if all(to & still for to in drop.values()) else out


def _matches(
    rules: Sequence[_Rule],
    hits: list[Hit],
    concepts: frozenset[str | None],
    fields: Mapping[str, str],
    places: list[list[dict[str, Any]]],
) -> list[RuleMatch]:
    """The rules that fire on ``hits`` (``concepts``: theirs); ``places`` caches the places
    the item names."""
    out = []
    for r in rules:
        match = r.evaluate(hits, concepts)
        if match is None:
            continue
        if r.where is not None:
            if not places:
                from advisorywatch.rules.places.extract import places_in

                places.append(places_in(fields.get("title", ""), fields.get("text", "")))
            if not r.where.covers(places[0]):
                continue
        out.append(match)
    return out


def _once_per_lowering(matches: list[RuleMatch]) -> list[RuleMatch]:
    """Drops a lowered match when a rule that names its lowering concepts reports them: one
    reopening is one info alert ("reopened after the evacuation" lowers the evacuation rule
    too, but the embassy rule, which names ``embassy_reopened``, reports it)."""
    if not any(m.lowered_by for m in matches):
        return matches
    reported = {c for m in matches for c in m.lowered_by.intersection(m.rule.concepts)}
    return [
        m
        for m in matches
        if not m.lowered_by
        or m.lowered_by.intersection(m.rule.concepts)
        or not m.lowered_by <= reported
    ]


def _dated(
    matches: list[RuleMatch], fields: Mapping[str, str], published: datetime | None
) -> list[RuleMatch]:
    """``matches``, those of rules with ``retrospective_years`` lowered to info when the item
    is dated only by years that long before ``published`` (a future or unknown date: now)."""
    if not any(m.rule.retrospective_years and m.severity != "info" for m in matches):
        return matches
    now = datetime.now(UTC)
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    reference = (published if published is not None and published < now else now).year
    found: dict[int, int | None] = {}  # per retrospective_years: the old year, or None
    out = []
    for m in matches:
        years = m.rule.retrospective_years
        if not years or m.severity == "info":
            out.append(m)
            continue
        if years not in found:
            found[years] = dated_long_ago(fields, reference, years)
        dated = found[years]
        out.append(m if dated is None else replace(m, severity="info", dated=dated))
    return out


def hit_record(h: Hit) -> dict[str, Any]:
    """A hit as stored in ``alerts.matched`` (JSON)."""
    return {
        "concept": h.concept,
        "language": h.language,
        "field": h.field,
        "text": h.matched,
        "snippet": h.snippet,
        "term": h.term,
        "start": h.start,
        "end": h.end,
    }


def match_keys(records: Iterable[Mapping[str, Any]]) -> set[str]:
    """What an alert matched, for telling whether a revision matches something new: the
    concept, or for a rule's own keyword or regex the entry that matched."""
    return {r["concept"] or f"keyword:{r.get('term') or normalize(r['text'])}" for r in records}
