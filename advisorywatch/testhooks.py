"""Hooks for the test suite, set only through environment variables (never from config.yaml):

- ``ADVISORYWATCH_TEST_RESOLVE="name=address,..."``: the crawler resolves these host names to
  these addresses (the address policy still applies), so tests can point a name at a
  link-local or private address without a DNS server.
- ``ADVISORYWATCH_TEST_CRASH_AT=point``: the process ends at once (``os._exit``, no clean-up,
  like SIGKILL) when it reaches :func:`crash_point` with that name.
"""

from __future__ import annotations

import os

RESOLVE_ENV = "ADVISORYWATCH_TEST_RESOLVE"
CRASH_ENV = "ADVISORYWATCH_TEST_CRASH_AT"
CRASH_EXIT_CODE = 86


def resolver_overrides() -> dict[str, str]:
    """Host name (lower-case) -> IP address, from ``$ADVISORYWATCH_TEST_RESOLVE``."""
    pairs = (p.partition("=") for p in os.environ.get(RESOLVE_ENV, "").split(",") if "=" in p)
    return {name.strip().lower(): address.strip() for name, _, address in pairs}


def crash_point(name: str) -> None:
    """End the process here when ``$ADVISORYWATCH_TEST_CRASH_AT`` names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os._exit(CRASH_EXIT_CODE)
