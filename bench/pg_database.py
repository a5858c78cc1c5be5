"""A throwaway PostgreSQL database for a benchmark, on the server ``scripts/with-postgres``
started (``ADVISORYWATCH_TEST_POSTGRES``), and that server's CPU time."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

_TICKS = os.sysconf("SC_CLK_TCK")


@contextmanager
def throwaway_database() -> Iterator[str]:
    """A new, empty database (its URL); dropped afterwards, connections and all."""
    server = os.environ["ADVISORYWATCH_TEST_POSTGRES"]
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def server_cpu_seconds() -> float:
    """CPU time (user + system) of the server's postmaster and all its backends so far
    (ended backends included: the postmaster's children's times)."""
    engine = create_engine(os.environ["ADVISORYWATCH_TEST_POSTGRES"])
    with engine.connect() as conn:
        data = conn.execute(text("SHOW data_directory")).scalar_one()
    engine.dispose()
    postmaster = int((Path(data) / "postmaster.pid").read_text().split()[0])
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            _, rest = stat.read_text().rsplit(")", 1)
        except OSError:  # ended meanwhile
            continue
        fields = rest.split()
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == postmaster:  # its own time and that of its ended children
            total += sum(int(f) for f in fields[11:15]) / _TICKS
        elif ppid == postmaster:
            total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total
