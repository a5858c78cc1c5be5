"""``countries:`` and ``places:`` of rules and channels: checked when the config loads, then
matched against the places an item names (:func:`~.extract.places_in`).

The places lookup (its store, the extractor) is imported when a name is checked or resolved,
not with this module: a config without places, and a pass without new items, never load it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

from pydantic import field_validator

from advisorywatch.rules.normalize import normalize
from advisorywatch.schema import Strict


class PlaceKeys(Strict):
    """``countries:`` and ``places:`` of a rule or channel: only items naming one of these
    (ISO 3166-1 alpha-2 codes; cities and regions by any of their names)."""

    countries: list[str] | None = None
    places: list[str] | None = None

    @field_validator("countries")
    @classmethod
    def _countries(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else check_countries(v)

    @field_validator("places")
    @classmethod
    def _places(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else check_places(v)


def check_countries(codes: list[str]) -> list[str]:
    """The codes upper-cased; a ValueError naming the first unknown one and what was meant."""
    from advisorywatch.rules.places.store import places

    known = places().country_names
    out = []
    for code in codes:
        up = code.strip().upper()
        if up not in known:
            raise ValueError(f"unknown country code {code!r}{_did_you_mean(code, known, True)}")
        out.append(up)
    return out


def check_places(names: list[str]) -> list[str]:
    """``names`` unchanged; a ValueError naming the first that is no known city or region."""
    for name in names:
        resolve_place(name)
    return names


def resolve_place(name: str) -> str:
    """The code of the city or region ``name`` names (its own name or an alternate one, in any
    supported language); the largest of several, a city before a region."""
    from advisorywatch.rules.places.extract import finder
    from advisorywatch.rules.places.gazetteer import KINDS
    from advisorywatch.rules.places.store import places

    forms = [f for f in places().forms_of(normalize(name).strip()) if f.rest is None]
    forms = [f for f in forms if f.place.kind != "country"]
    if not forms:  # a name of several words, inflected: as the extractor finds it in a text
        found = [p for p in finder().find({"name": name}) if p.kind != "country"]
        if len(found) == 1:
            return found[0].code
        english = places().english_names()
        raise ValueError(f"unknown place {name!r}{_did_you_mean(name, english, False)}")
    best = min(forms, key=lambda f: (KINDS.index(f.place.kind), not f.primary, -f.place.population))
    return best.place.code


def place_code(name: str) -> str:
    """The code a filter or silence means by ``name``: an ISO 3166 code as given (``ua``,
    ``UA-30``), a stored code (``geonames:703448``), a country's name in any supported
    language, else a city or region as :func:`resolve_place` finds it (a ValueError naming
    what is unknown and what was meant)."""
    from advisorywatch.rules.places.extract import finder
    from advisorywatch.rules.places.store import places

    given = name.strip()
    store = places()
    if given.upper() in store.country_names or store.has_code(given.upper()):
        return given.upper()
    if store.has_code(given):
        return given
    countries = [
        f.place.code
        for f in store.forms_of(normalize(given))
        if f.rest is None and f.place.kind == "country"
    ]
    if countries:
        return countries[0]
    try:
        return resolve_place(given)
    except ValueError:  # an inflected country name, as the extractor finds it in a text
        found = [p.code for p in finder().find({"name": given}) if p.kind == "country"]
        if len(found) == 1:
            return found[0]
        english = [n for names in store.country_names.values() if (n := names.get("en"))]
        meant = _did_you_mean(given, [*english, *store.english_names()], False)
        raise ValueError(f"unknown place {given!r}{meant}") from None


def _did_you_mean(given: str, known: Iterable[str], codes: bool) -> str:
    from advisorywatch.rules.places.store import places

    if codes:  # a country's name given for its code: say the code
        by_name = {
            normalize(n): c for c, names in places().country_names.items() for n in names.values()
        }
        if (code := by_name.get(normalize(given))) is not None:
            return f" (did you mean {code!r}?)"
    close = get_close_matches(given.upper() if codes else given, list(known), n=3, cutoff=0.75)
    return f" (did you mean {', '.join(map(repr, close))}?)" if close else ""


@dataclass(frozen=True, slots=True)
class Where:
    """Items naming any of these countries (a place of the country counts) or places."""

    countries: frozenset[str]
    places: frozenset[str]

    @classmethod
    def of(cls, countries: Sequence[str] | None, places: Sequence[str] | None) -> Where | None:
        """None when neither is given: every item, with or without places."""
        if not countries and not places:
            return None
        return cls(frozenset(countries or ()), frozenset(map(resolve_place, places or ())))

    @classmethod
    def code(cls, code: str) -> Where:
        """Items naming the place ``code`` (:func:`place_code`), or any place of a country."""
        return cls(frozenset({code}), frozenset({code}))

    def covers(self, found: Sequence[Mapping[str, Any]] | None) -> bool:
        return any(p["country"] in self.countries or p["code"] in self.places for p in found or ())
