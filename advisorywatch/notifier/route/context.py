"""What routing knows within one storing transaction.

A storm of alerts asks the same questions thousands of times (which silences are active,
which summary of a channel is open, which incidents of a rule are in the window), so the
answers are read once per transaction and kept here, up to date with what routing writes.
A rolled-back savepoint undoes rows they point at: the ingest then calls :meth:`Routing.reset`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from advisorywatch.db.models import Notice
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import NotifierConfig
from advisorywatch.notifier.route.incident_words import IncidentKey, IncidentWords

# An active silence: its id, expiry, then the rule, source, channel and place it covers
# (None: any).
ActiveSilence = tuple[int, datetime, str | None, str | None, str | None, str | None]


# A routing lock: its namespace and its key in it (see :mod:`.locks`).
LockKey = tuple[int, int]


@dataclass(slots=True)
class RouteLocks:
    """The routing locks of one transaction (PostgreSQL advisory locks, see :mod:`.locks`):
    ``first``, the keys to take before any other (those a restarted batch needed), ``held``,
    those taken, and ``top``, the highest ever taken (a rolled-back savepoint gives back its
    locks, not the order they were taken in)."""

    first: frozenset[LockKey] = frozenset()
    held: set[LockKey] = field(default_factory=set)
    top: LockKey | None = None


@dataclass(eq=False, slots=True)
class Routing:
    """The routing of one transaction of ``session``. ``incident_words`` outlives it (an
    incident's words never change); everything else is the transaction's."""

    session: Session
    channels: Channels
    incident_words: IncidentWords = field(default_factory=IncidentWords)
    silences: Sequence[ActiveSilence] | None = None  # read at the first alert
    # The open summary of each (kind, channel), until it falls due.
    summaries: dict[tuple[str, str], Notice] = field(default_factory=dict)
    # Per rule, its incidents in the window, with when each was last seen.
    incident_windows: dict[str, dict[IncidentKey, datetime]] = field(default_factory=dict)
    first_crawls: dict[int, bool] = field(default_factory=dict)  # per source: the baseline's
    locks: RouteLocks = field(default_factory=RouteLocks)

    @property
    def settings(self) -> NotifierConfig:
        return self.channels.settings

    def reset(self) -> None:
        """Forget what the transaction read and wrote, after a rollback to a savepoint."""
        self.silences = None
        self.summaries.clear()
        self.incident_windows.clear()
        self.first_crawls.clear()
        self.locks.held.clear()
