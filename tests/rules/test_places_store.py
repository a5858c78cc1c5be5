"""The places lookup on disk: built once into the cache directory, read by later processes,
rebuilt when unreadable, never shared between versions."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisorywatch.rules import disk_cache
from advisorywatch.rules.places import store

ROOT = Path(__file__).resolve().parents[2]


def _forget() -> None:
    store._loaded.cache_clear()


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache directory the lookup was built into, once for this module."""
    directory = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(disk_cache.ENV_CACHE_DIR, str(directory))
        _forget()
        store.places()
        yield directory
    _forget()


def _lookup_in_child(cache: Path) -> str:
    """A new process finds the places of a text; its DEBUG log. It must name the file as this
    process does: the name digests the rules code, so an edit of advisorywatch/rules while the
    tests run makes the child build a file of its own (the reason named, not just "built")."""
    code = (
        "import logging, sys; logging.basicConfig(level=logging.DEBUG, stream=sys.stdout)\n"
        "from advisorywatch.rules.places import store\n"
        "from advisorywatch.rules.places.extract import places_in\n"
        "print(store.file_name())\n"
        "print([p['code'] for p in places_in('Air strike on Kyiv', 'Officials in Amman say')])"
    )
    env = {**os.environ, disk_cache.ENV_CACHE_DIR: str(cache), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    named = done.stdout.splitlines()[0]
    assert named == store.file_name(), f"the rules code changed during the run: {named}"
    return done.stdout


def test_a_later_process_reads_the_file_without_building(cache: Path) -> None:
    (path,) = cache.glob("places-*.sqlite")
    written = path.stat().st_ino
    out = _lookup_in_child(cache)
    assert "['geonames:703448', 'geonames:250441']" in out
    assert "building the places lookup" not in out
    assert path.stat().st_ino == written  # not replaced (a rebuild renames a new file over it)
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_the_store_answers_as_the_gazetteer_did(cache: Path) -> None:
    places = store.places()
    (kyiv,) = [f for f in places.forms_of("kyiv") if f.rest is None]
    assert (kyiv.place.code, kyiv.place.kind, kyiv.place.country) == (
        "geonames:703448",
        "city",
        "UA",
    )
    assert kyiv.place.label == "Kyiv, Ukraine"
    assert places.country_names["UA"]["de"] == "Ukraine"
    assert places.english_names()["Kyiv"] == "geonames:703448"
    assert places.forms_of("no such place anywhere") == ()


def test_a_corrupt_file_is_rebuilt_with_one_debug_line(
    cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (path,) = cache.glob("places-*.sqlite")
    path.write_bytes(b"not a database" * 100)
    _forget()
    with caplog.at_level(logging.DEBUG, logger=store.__name__):
        found = store.places()
    assert found.forms_of("kyiv")
    lines = [r.getMessage() for r in caplog.records if "unreadable" in r.getMessage()]
    assert len(lines) == 1 and path.name in lines[0]
    assert [p.name for p in cache.glob("places-*.sqlite")] == [path.name]
    assert "building the places lookup" not in _lookup_in_child(cache)


def test_another_version_has_another_file_and_removes_the_old_one_once_unused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = store.file_name()
    (tmp_path / current).write_bytes(b"the old version's lookup")
    # Another version of one of the libraries the lookup is built from: another name.
    monkeypatch.setattr(disk_cache, "_version", lambda package: "0-other")
    other = store.file_name()
    assert other != current
    disk_cache.write_atomically(tmp_path / other, lambda p: p.write_text("new"), "places-*.sqlite")
    # Still in use by the old version (a canary beside it): both stay.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([current, other])
    assert (tmp_path / other).read_text() == "new"
    # Not opened for longer than STALE_AFTER_SECONDS: the next build removes it.
    old = time.time() - disk_cache.STALE_AFTER_SECONDS - 60
    os.utime(tmp_path / current, (old, old))
    disk_cache.write_atomically(
        tmp_path / other, lambda p: p.write_text("newer"), "places-*.sqlite"
    )
    assert [p.name for p in tmp_path.iterdir()] == [other]


def test_a_killed_builds_temporary_file_is_removed_after_a_day(tmp_path: Path) -> None:
    """A build killed mid-way leaves ``.places-….sqlite.XXXX``; another build in progress
    writes one too, so only a file untouched for a day goes."""
    abandoned = tmp_path / ".places-0123.sqlite.abcd1234"
    in_progress = tmp_path / ".places-4567.sqlite.efgh5678"
    for temporary in (abandoned, in_progress):
        temporary.write_bytes(b"half a lookup")
    old = time.time() - disk_cache.ABANDONED_AFTER_SECONDS - 60
    os.utime(abandoned, (old, old))
    target = tmp_path / "places-89ab.sqlite"
    disk_cache.write_atomically(target, lambda p: p.write_text("new"), "places-*.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, in_progress.name])


def test_no_usable_directory_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(disk_cache.ENV_CACHE_DIR, str(blocker / "cache"))
    assert disk_cache.cache_dir() is None


def test_a_directory_others_can_write_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv(disk_cache.ENV_CACHE_DIR, str(shared))
    assert disk_cache.cache_dir() is None
    shared.chmod(0o700)
    assert disk_cache.cache_dir() == shared
