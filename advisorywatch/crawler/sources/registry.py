"""Registry of source types: one class per ``type:`` value in config, one module each in
``types/``. The modules are found by scanning that folder (as Apprise finds its plugins), so a
new type is one new file with a class decorated with :func:`register`."""

from __future__ import annotations

import importlib
import pkgutil
from typing import TypeVar

from advisorywatch.crawler.sources import types
from advisorywatch.crawler.sources.base import SourceConfig, SourceType

SOURCE_TYPES: dict[str, type[SourceType]] = {}

_T = TypeVar("_T", bound=type[SourceType])


def register(cls: _T) -> _T:
    SOURCE_TYPES[cls.type_name] = cls
    return cls


def make_source(config: SourceConfig) -> SourceType:
    return SOURCE_TYPES[config.type](config)


def _load_types() -> None:
    for module in pkgutil.iter_modules(types.__path__, types.__name__ + "."):
        importlib.import_module(module.name)


_load_types()
