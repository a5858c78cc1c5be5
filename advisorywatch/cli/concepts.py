"""``advisorywatch concepts [NAME] [--lang L]``: the concepts rules can name, and their entries."""

from __future__ import annotations

from collections.abc import Mapping

from advisorywatch.rules.config import ConceptConfig
from advisorywatch.rules.engine import resolve_concepts
from advisorywatch.rules.lexicon import Concept, available_concepts

_KINDS = ("terms", "stems", "patterns", "exclude", "exclude_item", "guards")


def concept_names(extra: Mapping[str, ConceptConfig]) -> list[str]:
    """Every concept a rule may name: the built-in ones and those the config defines."""
    return sorted(available_concepts() | set(extra))


def render_overview(extra: Mapping[str, ConceptConfig], lang: str | None = None) -> str:
    """One line per concept: severity, flags, languages (with ``lang``: only concepts in it)."""
    concepts = resolve_concepts(concept_names(extra), extra)
    lines = []
    for name, c in concepts.items():
        langs = _languages(c)
        if lang is not None and lang not in langs:
            continue
        flags = [f for f, on in (("context", c.context_needed), ("lowers", bool(c.lowers))) if on]
        lines.append(
            f"{name:<20} {c.severity:<8} {','.join(flags):<8} {len(langs):>2} languages: "
            f"{' '.join(langs)}"
        )
    return "\n".join(lines)


def render_concept(c: Concept, lang: str | None = None) -> str:
    """A concept's description and every entry, per language (or of one language)."""
    flags = ["context_needed"] if c.context_needed else []
    if c.lowers:
        flags.append(f"lowers {' '.join(c.lowers)}")
    if c.yields_to:
        flags.append(f"yields to {' '.join(c.yields_to)}")
    lines = [f"{c.name} ({c.severity}{', ' + ', '.join(flags) if flags else ''})"]
    if c.description:
        lines.append(f"  {c.description}")
    for code in _languages(c) if lang is None else [lang]:
        entries = [(kind, getattr(c, kind).get(code, ())) for kind in _KINDS]
        if not any(values for _, values in entries):
            continue
        lines.append(f"{code}:")
        lines += [f"  {kind}: {' | '.join(values)}" for kind, values in entries if values]
    return "\n".join(lines)


def _languages(c: Concept) -> list[str]:
    return sorted({code for kind in _KINDS for code in getattr(c, kind)})
