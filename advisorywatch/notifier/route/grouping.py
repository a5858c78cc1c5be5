"""One message per item and channel. Of the alerts one item raised for a channel, the most
severe one that routing lets through (``pending``) carries the message; the others that would
have been sent or collected into a summary (``batched`` by the digest or the storm brake) ride
in it as ``merged`` rows. Silenced, suppressed and attached ones keep their status: a silence
on one rule never mutes the other rules' part, nor adds the silenced rule to the message."""

from __future__ import annotations

from collections.abc import Sequence

from advisorywatch.model import SEVERITY_RANK, DeliveryStatus

_JOINS = (DeliveryStatus.PENDING, DeliveryStatus.BATCHED)

Part = tuple[str, DeliveryStatus]  # an alert's severity, and routing's decision on the channel


def one_message(parts: Sequence[Part]) -> tuple[int | None, list[DeliveryStatus]]:
    """The index of the part that carries the message (None: nothing goes out now), and each
    part's status once merged. The first of the most severe pending parts leads."""
    pending = [i for i, (_, status) in enumerate(parts) if status == DeliveryStatus.PENDING]
    if not pending:
        return None, [status for _, status in parts]
    lead = max(pending, key=lambda i: SEVERITY_RANK[parts[i][0]])
    return lead, [
        status if i == lead or status not in _JOINS else DeliveryStatus.MERGED
        for i, (_, status) in enumerate(parts)
    ]
