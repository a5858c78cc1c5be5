"""The reliability suite's ledger: each test records what it tried and what came out; the run
ends with one line (printed by the root conftest's ``pytest_terminal_summary``, and asserted:
everything survived, nothing lost, no copy beyond the stated bound, no canary anywhere).
Entries go to files in one directory, so pytest-xdist workers add up on the controller."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from dataclasses import asdict, dataclass, fields
from pathlib import Path

ENV = "ADVISORYWATCH_TEST_LEDGER_DIR"


@dataclass
class Entry:
    tried: int = 0
    survived: int = 0  # ended as they should, every other source unharmed
    lost: int = 0  # alerts that should have arrived and did not
    duplicates: int = 0  # copies beyond the first, within the README's bound
    over_bound: int = 0  # copies beyond the bound
    canary_hits: int = 0

    def line(self) -> str:
        return (
            f"reliability: {self.tried} inputs tried, {self.survived} survived; "
            f"{self.lost} alerts lost; {self.duplicates} duplicates "
            f"({self.over_bound} over the bound); {self.canary_hits} canary hits"
        )

    def healthy(self) -> bool:
        return self.survived == self.tried and not (
            self.lost or self.over_bound or self.canary_hits
        )


_created: str | None = None


def configure() -> None:
    """Create the ledger directory once (the controller); workers inherit its path."""
    global _created
    if ENV not in os.environ:
        _created = os.environ[ENV] = tempfile.mkdtemp(prefix="advisorywatch-ledger-")


def remove() -> None:
    """Delete the directory :func:`configure` created, once the summary is written."""
    if _created is not None:
        shutil.rmtree(_created, ignore_errors=True)
        os.environ.pop(ENV, None)


def record(entry: Entry) -> None:
    path = Path(os.environ[ENV]) / f"{uuid.uuid4().hex}.json"
    path.write_text(json.dumps(asdict(entry)), encoding="utf-8")


def total() -> Entry | None:
    """Every recorded entry added up, or None when no reliability test ran."""
    files = list(Path(os.environ.get(ENV, "/nonexistent")).glob("*.json"))
    if not files:
        return None
    sums = Entry()
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        for fld in fields(Entry):
            setattr(sums, fld.name, getattr(sums, fld.name) + data[fld.name])
    return sums
