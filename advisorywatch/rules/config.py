"""The ``rules:`` and ``concepts:`` sections: what fires, how severe, and who hears it."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from advisorywatch.model import Severity
from advisorywatch.rules.linear import Unsupported
from advisorywatch.rules.literals import compile_pattern
from advisorywatch.rules.places.where import PlaceKeys
from advisorywatch.schema import Strict


def regex_problem(source: str) -> str | None:
    """Why ``source`` is not a usable config regex, or None."""
    try:
        compile_pattern(source)
    except Unsupported as exc:
        return (
            f"{source!r} {exc}, which the linear-time regex engine does not support (it keeps"
            " a regex from hanging on some text); rewrite the regex without it"
        )
    except re.error as exc:
        return f"bad regex {source!r}: {exc}"
    return None


def _usable(source: str) -> str:
    if (problem := regex_problem(source)) is not None:
        raise ValueError(problem)
    return source


# A regex from config.yaml; an error names its key, down to the list index.
UserRegex = Annotated[str, AfterValidator(_usable)]


class AdvisoryLevelMatch(Strict):
    """Fire when a country's travel-advisory level (1-4) changes in a source."""

    raised: bool = True
    lowered: bool = False
    min_level: int = Field(default=1, ge=1, le=4)  # the higher of old and new must reach it
    countries: list[str] | None = None  # as the issuer names them; default all


class ConceptConfig(Strict):
    """A concept defined in, or added to a built-in one by, the top-level ``concepts:`` key.

    Entries are per language code (``en``, ``id``, ``th``, ...): the code picks the boundary
    rules (Thai has none, Arabic allows prefix clitics). ``guards`` are compounds that drop the
    concept's hits they overlap (see :mod:`.matcher`). For a built-in concept the entries are
    added to the built-in ones, and a given ``severity``/``context_needed``/``lowers``/
    ``yields_to`` replaces its own.
    """

    description: str = ""
    severity: Severity | None = None
    context_needed: bool | None = None
    lowers: list[str] | None = None  # concepts whose alerts a hit of this one lowers
    yields_to: list[str] | None = None  # more specific concepts that report the same event
    terms: dict[str, list[str]] = {}
    stems: dict[str, list[str]] = {}
    patterns: dict[str, list[UserRegex]] = {}
    exclude: dict[str, list[UserRegex]] = {}
    guards: dict[str, list[str]] = {}
    exclude_item: dict[str, list[UserRegex]] = {}

    @model_validator(mode="after")
    def _valid_entries(self) -> ConceptConfig:
        for key in ("terms", "stems", "guards"):
            for lang, words in getattr(self, key).items():
                if any(not w.strip() for w in words):
                    raise ValueError(f"{key}.{lang}: entries must not be empty strings")
        return self


class RuleConfig(PlaceKeys):
    name: str = Field(min_length=1)
    concepts: list[str] = []
    keywords: list[str] = []
    advisory_level: AdvisoryLevelMatch | None = None
    regexes: list[UserRegex] = []
    all: list[str] = []
    none: list[str] = []
    fields: list[Literal["title", "text"]] = ["title", "text"]
    sources: list[str] | None = None
    tags: list[str] | None = None
    severity: Severity = "warning"
    # A text dated only by years this many years or more before the item's publication is a
    # retrospective: the alert is lowered to info (advisorywatch.rules.retrospective); null:
    # never.
    retrospective_years: int | None = Field(default=15, ge=1)
    notify: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _matches_something(self) -> RuleConfig:
        text = bool(self.concepts or self.keywords or self.regexes or self.all)
        if self.advisory_level is not None and text:
            raise ValueError(
                "a rule matches either 'advisory_level' changes or text "
                "('concepts', 'keywords', 'regexes', 'all'), not both; split it into two rules"
            )
        if self.advisory_level is None and not text:
            raise ValueError(
                "a rule needs at least one of 'concepts', 'keywords', 'regexes', 'all' or "
                "'advisory_level'"
            )
        return self

    @field_validator("keywords")
    @classmethod
    def _no_blank(cls, v: list[str]) -> list[str]:
        if any(not k.strip() for k in v):
            raise ValueError("keywords must not be empty strings")
        return v
