"""Apprise with only the plugins the channel URLs need.

Apprise's plugin manager imports every plugin module (~200, +19 MB, ~1 s) at the first URL it
is asked about, and has no setting that limits that. Its ``load_modules(path, name)`` imports
``name.<module>`` for each module file listed in ``path``: given a directory that lists only
the modules a config's schemas need, it loads and registers exactly those, through the same
code as a full load, and ``Apprise.instantiate`` then builds destinations as it always does
(same parsing, privacy form, options and results).

Which module serves which schema comes from an index that a child process builds with every
plugin loaded (``python -P -m advisorywatch.notifier.plugins``; the start-up URL check's child
writes it too), cached on disk keyed by Apprise's version and its plugin files. A URL whose
schema the index does not name (a service's own ``https://`` webhook URL) loads the plugins
that parse native URLs; one that still does not load, or any URL when there is no index,
loads every plugin before Apprise's verdict counts, so a stale or missing index never refuses
a valid URL.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from advisorywatch.notifier.child import FAILURES, answer_of
from advisorywatch.notifier.console import console_notify
from advisorywatch.rules.disk_cache import cache_dir, used, write_atomically

log = logging.getLogger(__name__)

_SCHEMA = re.compile(r"\s*([a-z0-9]+)://", re.IGNORECASE)
_PACKAGE = "apprise.plugins"
_lock = threading.RLock()


@dataclass(frozen=True)
class Index:
    schemas: dict[str, str]  # schema -> module of apprise.plugins that serves it
    native: frozenset[str]  # modules whose plugins parse a service's own URLs


@dataclass
class _Loaded:
    """What this process has loaded: the modules, the schemas whose plugin is among them."""

    modules: set[str]
    schemas: set[str]
    started: bool = False
    everything: bool = False
    natives: bool = False
    index: Index | None = None


_loaded = _Loaded(set(), set())


def instantiate(url: str) -> Any | None:
    """Apprise's plugin instance for ``url`` (``Apprise.instantiate``), None when Apprise
    refuses it. Loads the plugin the URL needs first; with every plugin when in doubt."""
    with _lock:
        apprise = _prepare(url)
        plugin = apprise.Apprise.instantiate(url)
        if plugin is None and not _loaded.everything and _schema(url) not in _loaded.schemas:
            _load_everything()
            plugin = apprise.Apprise.instantiate(url)
        return plugin


def loaded_modules() -> frozenset[str]:
    """The plugin modules loaded so far (``custom_json``, ...)."""
    return frozenset(_loaded.modules)


def load_everything() -> None:
    """Load every plugin, as Apprise itself would at its first URL."""
    with _lock:
        _prepare("")
        _load_everything()


def _schema(url: str) -> str:
    found = _SCHEMA.match(url)
    return found.group(1).lower() if found else ""


def _prepare(url: str) -> Any:
    """The ``apprise`` module, its manager loaded (with ``console://``) and holding the plugin
    ``url`` needs when the index names it."""
    import apprise

    if not _loaded.started:
        # An empty listing: the manager counts as loaded, so registering console:// (add())
        # does not make it load every plugin.
        _load_listed(())
        from apprise.decorators import notify

        notify(on="console", name="Console output")(console_notify)  # type: ignore[no-untyped-call]
        _loaded.schemas.add("console")
        _loaded.started = True
    schema = _schema(url)
    if not schema or _loaded.everything or schema in _loaded.schemas:
        return apprise
    found = index()
    if found is None:
        _load_everything()
    elif schema in found.schemas:
        _load({found.schemas[schema]})
        _loaded.schemas.update(s for s, m in found.schemas.items() if m in _loaded.modules)
    elif not _loaded.natives:
        _load(found.native)
        _loaded.natives = True
    return apprise


def _plugin_dir() -> Path:
    from apprise.manager_plugins import NotificationManager

    return Path(NotificationManager.module_path)


def _load(modules: Iterable[str]) -> None:
    """Have Apprise's manager load these modules of ``apprise.plugins`` (not yet loaded)."""
    wanted = sorted(set(modules) - _loaded.modules)
    if wanted:
        _load_listed(wanted)
        _loaded.modules.update(wanted)


def _manager() -> Any:
    """Apprise's plugin manager (a singleton)."""
    from apprise.manager_plugins import NotificationManager

    return NotificationManager()  # type: ignore[no-untyped-call]


def _load_listed(modules: Iterable[str]) -> None:
    try:
        with tempfile.TemporaryDirectory(prefix="advisorywatch-apprise-") as listing:
            for module in modules:
                Path(listing, module).touch()
            _manager().load_modules(path=listing, name=_PACKAGE)
    except OSError as exc:  # no writable temporary directory: as Apprise would
        log.warning("listing Apprise's plugins failed (%s): loading every plugin", exc)
        _manager().load_modules()
        _loaded.modules.update(_module_names(_plugin_dir()))
        _loaded.everything = _loaded.natives = True


def _load_everything() -> None:
    _load(_module_names(_plugin_dir()))
    _loaded.everything = _loaded.natives = True


def _module_names(directory: Path) -> set[str]:
    """The plugin modules in Apprise's plugin directory, as its manager picks them."""
    pick = re.compile(r"^(?P<name>(?!base|_)[a-z0-9_]+)(\.py)?$", re.IGNORECASE)
    return {found["name"] for found in map(pick.match, os.listdir(directory)) if found}


# The index, cached on disk.


def index() -> Index | None:
    """The schema -> module index of the installed Apprise, from the cache or built in a
    child process (and cached); None when neither works (then every plugin is loaded)."""
    if _loaded.index is None:
        _loaded.index = _find_index()
    return _loaded.index


def _find_index() -> Index | None:
    path = _index_path()
    cached = _read(path) if path else None
    if cached is not None:
        return cached
    if _loaded.everything:
        built = build_index()
    else:
        try:
            built = _build_in_child()
        except (*FAILURES, KeyError, TypeError) as exc:
            log.warning("building the Apprise plugin index failed (%s): loading every plugin", exc)
            return None
    if path:
        _write(path, built)
    return built


def save_index() -> None:
    """Cache the index when it is missing; this process has loaded every plugin."""
    path = _index_path()
    if path and _read(path) is None:
        _write(path, build_index())


def build_index() -> Index:
    """The index from a manager that has loaded every plugin."""
    from apprise.plugins.base import NotifyBase

    load_everything()
    manager = _manager()
    schemas: dict[str, str] = {}
    native: set[str] = set()
    for schema in manager.schemas():
        plugin = manager[schema]
        module = str(plugin.__module__).split(".")
        if module[:2] != _PACKAGE.split(".") or len(module) < 3:
            continue  # console://, or a plugin registered from elsewhere
        schemas[schema] = module[2]
        if plugin.parse_native_url is not NotifyBase.parse_native_url:
            native.add(module[2])
    return Index(schemas, frozenset(native))


@cache
def _index_key() -> str:
    import apprise

    digest = hashlib.sha256(apprise.__version__.encode())
    for name in sorted(os.listdir(_plugin_dir())):
        digest.update(b"\0" + name.encode())
    return digest.hexdigest()[:20]


def _index_path() -> Path | None:
    directory = cache_dir()
    return directory / f"apprise-plugins-{_index_key()}.json" if directory else None


def _read(path: Path) -> Index | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = Index(
            {str(k): str(v) for k, v in data["schemas"].items()},
            frozenset(str(m) for m in data["native"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    used(path)
    return found


def _write(path: Path, found: Index) -> None:
    text = _dumps(found)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    try:
        write_atomically(path, write, "apprise-plugins-*.json")
    except OSError as exc:
        log.debug("the Apprise plugin index was not cached at %s: %s", path, exc)


def _dumps(found: Index) -> str:
    return json.dumps({"schemas": found.schemas, "native": sorted(found.native)}, sort_keys=True)


def _build_in_child() -> Index:
    data = answer_of(__name__)
    if not isinstance(data, dict):
        raise ValueError(f"unexpected answer {str(data)[-200:]!r}")
    return Index(dict(data["schemas"]), frozenset(data["native"]))


def main() -> None:
    print(_dumps(build_index()))


if __name__ == "__main__":
    main()
