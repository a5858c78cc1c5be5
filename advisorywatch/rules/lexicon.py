"""The built-in concept lexicon: one YAML file per concept in ``lexicon/`` (see its README)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Concept:
    name: str
    description: str
    severity: str
    context_needed: bool = False
    # Concepts whose alerts a hit of this one lowers to this one's severity (a reopening
    # lowers ``embassy_closed``); see advisorywatch.rules.engine.
    lowers: tuple[str, ...] = ()
    # More specific concepts whose hit close beside one of this one's names the same event
    # (``air_strike`` yields to ``missile_attack``); see advisorywatch.rules.yielding.
    yields_to: tuple[str, ...] = ()
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stems: dict[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)
    guards: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Excludes whose scope is the whole item, not the hit's neighbourhood ("false alarm").
    exclude_item: dict[str, tuple[str, ...]] = field(default_factory=dict)


# libyaml when PyYAML was built with it: the lexicon files are large.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _lexicon_dir() -> resources.abc.Traversable:
    return resources.files("advisorywatch.rules").joinpath("lexicon")


@cache
def available_concepts() -> frozenset[str]:
    return frozenset(
        f.name.removesuffix(".yaml") for f in _lexicon_dir().iterdir() if f.name.endswith(".yaml")
    )


@cache
def load_concept(name: str) -> Concept:
    text = _lexicon_dir().joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=_LOADER)  # a safe loader: C or Python

    def per_lang(key: str) -> dict[str, tuple[str, ...]]:
        return {lang: tuple(v) for lang, v in (raw.get(key) or {}).items()}

    return Concept(
        name=raw["concept"],
        description=raw.get("description", ""),
        severity=raw.get("severity", "warning"),
        context_needed=bool(raw.get("context_needed", False)),
        lowers=tuple(raw.get("lowers") or ()),
        yields_to=tuple(raw.get("yields_to") or ()),
        terms=per_lang("terms"),
        stems=per_lang("stems"),
        patterns=per_lang("patterns"),
        exclude=per_lang("exclude"),
        guards=per_lang("guards"),
        exclude_item=per_lang("exclude_item"),
    )
