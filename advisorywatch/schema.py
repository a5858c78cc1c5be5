"""Building blocks of every config section, whichever package owns the section: the strict
base model, the :data:`Secret` marker and the duration, time-zone and cron fields. Nothing
here imports the project."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A config section: unknown keys are errors, and a loaded config never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _SecretMarker:
    def __repr__(self) -> str:
        return "Secret"


Secret: Final = _SecretMarker()
"""Marks a config value as secret, as ``Annotated[str, Secret]`` (also inside ``list``,
``dict`` and ``| None``): it may be written as ``${ENV}`` and what the environment gives is
masked in logs (see :mod:`advisorywatch.config.secrets`)."""


_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str | int | float, allow_zero: bool = False) -> timedelta:
    """Parse ``90``, ``30s``, ``10m``, ``1h30m`` or ``1d`` (bare numbers are seconds)."""
    if isinstance(value, bool):
        raise ValueError(f"invalid duration {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = value.strip().lower()
        pos, seconds = 0, 0.0
        for m in _DURATION_RE.finditer(text):
            if text[pos : m.start()].strip():
                break
            seconds += float(m.group(1)) * _UNIT_SECONDS[m.group(2)]
            pos = m.end()
        if text == "0":
            pos = 1
        if pos == 0 or text[pos:].strip():
            raise ValueError(f"invalid duration {value!r}: use e.g. 30s, 10m, 1h30m or 1d")
    if seconds < 0 or (seconds == 0 and not allow_zero):
        raise ValueError(f"duration {value!r} must be positive")
    return timedelta(seconds=seconds)


def parse_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def validate_cron(expr: str, tz: str) -> str:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expr, timezone=parse_timezone(tz))
    except ValueError as exc:
        raise ValueError(f"invalid cron expression {expr!r}: {exc}") from exc
    return expr
