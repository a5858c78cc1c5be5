"""Matching text against concepts and keywords.

A :class:`TermMatcher` compiles one regex per (concept, language): literal terms on word
boundaries with space/hyphen/no-space variants, stems as word prefixes, and raw patterns.
Rules combine matchers in :mod:`advisorywatch.rules.engine`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from advisorywatch.rules.lexicon import Concept
from advisorywatch.rules.normalize import normalize

SNIPPET_CHARS = 80
# Scripts written without spaces between words: terms match anywhere.
_NO_WORD_BOUNDARY_LANGS = frozenset({"th"})


@dataclass(frozen=True, slots=True)
class Hit:
    """One match: which concept (None for a rule's own keyword), language, and where."""

    concept: str | None
    language: str | None
    field: str
    matched: str
    snippet: str


class Matcher(Protocol):
    def find(self, fields: Mapping[str, str]) -> list[Hit]: ...


def term_regex(term: str, language: str | None = None) -> str:
    """Regex source for a literal term: words may be joined by space, hyphen or nothing."""
    words = normalize(term).split()
    parts = [re.escape(w) for w in words]
    body = r"[\s\-]?".join(parts)
    if language in _NO_WORD_BOUNDARY_LANGS:
        return body
    return rf"(?<!\w){body}(?!\w)"


def stem_regex(stem: str) -> str:
    return rf"(?<!\w){re.escape(normalize(stem))}\w*"


@dataclass(frozen=True, slots=True)
class _Pattern:
    concept: str | None
    language: str | None
    regex: re.Pattern[str]


class TermMatcher:
    """Finds the first hit of each (concept, language) pattern group in the given fields."""

    def __init__(self, patterns: Iterable[_Pattern]) -> None:
        self._patterns = list(patterns)

    @classmethod
    def for_concept(cls, concept: Concept) -> TermMatcher:
        groups: dict[str, list[str]] = {}
        for lang, terms in concept.terms.items():
            groups.setdefault(lang, []).extend(term_regex(t, lang) for t in terms)
        for lang, stems in concept.stems.items():
            groups.setdefault(lang, []).extend(stem_regex(s) for s in stems)
        for lang, pats in concept.patterns.items():
            groups.setdefault(lang, []).extend(pats)
        return cls(
            _Pattern(concept.name, lang, _compile(srcs)) for lang, srcs in groups.items() if srcs
        )

    @classmethod
    def for_keywords(cls, keywords: Iterable[str]) -> TermMatcher:
        srcs = [term_regex(k) for k in keywords]
        return cls([_Pattern(None, None, _compile(srcs))] if srcs else [])

    def find(self, fields: Mapping[str, str]) -> list[Hit]:
        hits: list[Hit] = []
        for field_name, raw in fields.items():
            if not raw:
                continue
            text = normalize(raw)
            for p in self._patterns:
                m = p.regex.search(text)
                if m:
                    hits.append(
                        Hit(p.concept, p.language, field_name, m.group(0), snippet(text, m))
                    )
        return hits


def _compile(sources: list[str]) -> re.Pattern[str]:
    # Longest alternatives first so "air strikes" wins over "air strike".
    ordered = sorted(set(sources), key=len, reverse=True)
    return re.compile("|".join(f"(?:{s})" for s in ordered), re.IGNORECASE)


def snippet(text: str, m: re.Match[str], width: int = SNIPPET_CHARS) -> str:
    """The match with some context either side, the match itself marked with ``**``."""
    start, end = m.span()
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    pre = "…" if start > width else ""
    post = "…" if end + width < len(text) else ""
    flat = " ".join(f"{pre}{left}**{m.group(0)}**{right}{post}".split())
    return flat
