"""Matching a check that has no bookingId to a reservation (the spec makes this the RMS's job).

A booking qualifies when it is seated, at the same venue, shares a table with the check, and its date lies in
[openedAt - before, openedAt + after]. Among several, the one whose date is closest to openedAt wins
(then the smaller booking id, so the choice is stable).
"""

from __future__ import annotations

from typing import NamedTuple


class Window(NamedTuple):
    before_seconds: int = 4 * 3600
    after_seconds: int = 30 * 60


class Candidate(NamedTuple):
    booking_id: str
    status: str | None
    date: int | None
    tables: list[str]


def qualifies(check_tables: list[str], opened_at: int, candidate: Candidate, window: Window) -> bool:
    return (
        candidate.status == "seated"
        and candidate.date is not None
        and bool(set(check_tables) & set(candidate.tables))
        and opened_at - window.before_seconds <= candidate.date <= opened_at + window.after_seconds
    )


def best_booking(
    check_tables: list[str], opened_at: int | None, candidates: list[Candidate], window: Window
) -> str | None:
    if opened_at is None:
        return None
    fitting = [c for c in candidates if qualifies(check_tables, opened_at, c, window)]
    if not fitting:
        return None
    return min(fitting, key=lambda c: (abs((c.date or 0) - opened_at), c.booking_id)).booking_id
