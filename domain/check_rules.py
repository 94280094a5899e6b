"""Pure rules for check events: which event is newer, fingerprints, one-line summaries."""

from __future__ import annotations

import hashlib
import json
from typing import Literal, NamedTuple

from domain.pos import PosOrderEvent

Outcome = Literal["applied", "duplicate", "stale"]


class Rank(NamedTuple):
    """POS order: later updatedAt wins; at equal updatedAt a void wins; then the fingerprint breaks the tie,
    so that any delivery order of the same events ends in the same state."""

    updated_at: int
    is_void: bool
    fingerprint: str


def fingerprint(event: PosOrderEvent) -> str:
    canonical = json.dumps(event.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def rank_of(event: PosOrderEvent) -> Rank:
    return Rank(event.updated_at, event.is_void, fingerprint(event))


def classify(current: Rank | None, incoming: Rank) -> Outcome:
    if current is None or incoming > current:
        return "applied"
    if incoming.fingerprint == current.fingerprint:
        return "duplicate"
    return "stale"


def summarize_event(event: PosOrderEvent) -> str:
    status = "VOID" if event.is_void else event.status
    return (
        f"{event.type} check {event.check_number}: {status}, total {event.commercials.total_amount}, "
        f"{sum(i.quantity for i in event.items)} items, tables {','.join(event.tables) or '-'}"
    )
