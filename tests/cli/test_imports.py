"""Import hygiene: importing the command line, or any module but the web interface's and the
migrations', loads none of the libraries that only some commands or passes need. Each is
imported where it is used: Apprise on the first send, Jinja2 at the first render, Alembic when
the database is not at the head revision, the web server by ``advisorywatch web``."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.util import find_spec
from typing import Any

import pytest

# Top-level packages, and modules of packages a pass needs otherwise.
LAZY = ("apprise", "jinja2", "alembic", "fastapi", "starlette", "uvicorn", "playwright", "re2")
ONLY_THE_DAEMON = ("prometheus_client",)  # /metrics
LAZY_MODULES = (
    "sqlalchemy.dialects.postgresql",  # only a session on PostgreSQL
    "advisorywatch.web",
    "advisorywatch.rules.places.extract",  # the places lookup: only for new items
    "advisorywatch.rules.places.store",
)

_LIST_MODULES = "import sys, json; print(json.dumps(sorted(sys.modules)))"


def _printed(code: str) -> Any:
    """The JSON a fresh interpreter printed last, running ``code``."""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    return json.loads(proc.stdout.splitlines()[-1])


def _loaded_after(code: str) -> set[str]:
    """Every module in ``sys.modules`` after a fresh interpreter ran ``code``."""
    return set(_printed(f"{code}\n{_LIST_MODULES}"))


def _lazy_among(modules: set[str]) -> list[str]:
    return sorted(
        m
        for m in modules
        if m.split(".")[0] in LAZY or any(m == p or m.startswith(p + ".") for p in LAZY_MODULES)
    )


def test_the_lazy_libraries_are_installed_here() -> None:
    """So that their absence below means something."""
    assert [name for name in LAZY if find_spec(name) is None] == []


def test_importing_the_command_line_loads_none_of_them() -> None:
    loaded = _loaded_after("import advisorywatch.cli.main")
    assert "advisorywatch.cli.main" in loaded
    assert _lazy_among(loaded) == []


@pytest.mark.parametrize("entry", ["advisorywatch.runtime.once", "advisorywatch.runtime.daemon"])
def test_importing_a_pass_loads_none_of_them(entry: str) -> None:
    loaded = _loaded_after(f"import {entry}")
    assert {entry, "advisorywatch.ingest.ingestor"} <= loaded
    assert _lazy_among(loaded) == []


def test_a_pass_with_retention_imports_no_metrics() -> None:
    """``run --once`` prunes when due (runtime/retention), and serves no /metrics."""
    loaded = _loaded_after("import advisorywatch.runtime.once, advisorywatch.runtime.retention")
    assert not {m.split(".")[0] for m in loaded} & set(ONLY_THE_DAEMON)
    assert set(ONLY_THE_DAEMON) <= {
        m.split(".")[0] for m in _loaded_after("import advisorywatch.runtime.daemon")
    }


def test_no_module_imports_them_at_import_time() -> None:
    """Every module of the package, but the web interface's and the migrations', one after
    the other in one interpreter: what each one newly loads. (The lazy modules of the package
    themselves are left out: importing them is using them.)"""
    skip = ("advisorywatch.web", "advisorywatch.db.migrations", *LAZY_MODULES)
    code = """
import importlib, pkgutil, sys, advisorywatch
offenders = {}
for m in pkgutil.walk_packages(advisorywatch.__path__, "advisorywatch."):
    if m.name.startswith(SKIP):
        continue
    if m.name.endswith("__main__"):
        continue
    before = set(sys.modules)
    importlib.import_module(m.name)
    offenders[m.name] = sorted(set(sys.modules) - before)
print(json.dumps(offenders))
"""
    loaded: dict[str, list[str]] = _printed(f"import json\nSKIP = {skip!r}\n{code}")
    assert len(loaded) > 100  # the walk found the package
    bad = {name: _lazy_among(set(new)) for name, new in loaded.items()}
    assert {name: new for name, new in bad.items() if new} == {}
