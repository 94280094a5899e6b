"""Pure matching rule: seated, shared table, date within [openedAt - before, openedAt + after], closest wins."""

from __future__ import annotations

from domain.matching import Candidate, Window, best_booking, qualifies

OPENED = 1_000_000
W = Window()  # 4 h before, 30 min after


def seated(booking_id: str, date: int | None, tables: tuple[str, ...] = ("t1",), status: str = "seated") -> Candidate:
    return Candidate(booking_id, status, date, list(tables))


def test_default_window_is_four_hours_before_and_thirty_minutes_after() -> None:
    assert W == Window(4 * 3600, 30 * 60)


def test_window_edges_are_inclusive() -> None:
    assert qualifies(["t1"], OPENED, seated("b", OPENED - 4 * 3600), W)
    assert qualifies(["t1"], OPENED, seated("b", OPENED + 30 * 60), W)
    assert not qualifies(["t1"], OPENED, seated("b", OPENED - 4 * 3600 - 1), W)
    assert not qualifies(["t1"], OPENED, seated("b", OPENED + 30 * 60 + 1), W)


def test_only_seated_bookings_qualify() -> None:
    for status in ("confirmed", "completed", "canceled", "no-show", "pending_confirmation", None):
        assert not qualifies(["t1"], OPENED, seated("b", OPENED, status=status), W), status


def test_a_shared_table_is_required_and_one_is_enough() -> None:
    assert not qualifies(["t1"], OPENED, seated("b", OPENED, ["t2"]), W)
    assert qualifies(["t1", "t9"], OPENED, seated("b", OPENED, ["t2", "t9"]), W)
    assert not qualifies([], OPENED, seated("b", OPENED, ["t1"]), W)


def test_booking_without_date_never_qualifies() -> None:
    assert not qualifies(["t1"], OPENED, seated("b", None), W)


def test_closest_date_wins_whichever_side() -> None:
    candidates = [seated("far", OPENED - 3 * 3600), seated("near", OPENED + 20 * 60), seated("mid", OPENED - 3600)]
    assert best_booking(["t1"], OPENED, candidates, W) == "near"


def test_equal_distance_takes_the_smaller_booking_id() -> None:
    candidates = [seated("b-2", OPENED - 600), seated("b-1", OPENED + 600)]
    assert best_booking(["t1"], OPENED, candidates, W) == "b-1"
    assert best_booking(["t1"], OPENED, list(reversed(candidates)), W) == "b-1"


def test_no_match_without_opened_at_or_qualifying_booking() -> None:
    assert best_booking(["t1"], None, [seated("b", OPENED)], W) is None
    assert best_booking(["t1"], OPENED, [seated("b", OPENED, ["t2"]), seated("c", OPENED + 3600)], W) is None
    assert best_booking(["t1"], OPENED, [], W) is None


def test_window_is_configurable() -> None:
    narrow = Window(before_seconds=600, after_seconds=0)
    assert best_booking(["t1"], OPENED, [seated("b", OPENED - 601)], narrow) is None
    assert best_booking(["t1"], OPENED, [seated("b", OPENED - 600)], narrow) == "b"
    assert best_booking(["t1"], OPENED, [seated("b", OPENED + 1)], narrow) is None
