"""Pure check rules: which POS event wins (updatedAt, then void, then fingerprint), duplicates, summaries."""

from __future__ import annotations

import itertools
from decimal import Decimal

from domain.check_rules import Rank, classify, fingerprint, rank_of, summarize_event
from domain.pos import PosOrderEvent
from tests.pos_support import pos_event


def event(**overrides) -> PosOrderEvent:
    return PosOrderEvent.model_validate(pos_event("v1", "98766", "b1", **overrides))


def winner(events: list[PosOrderEvent]) -> PosOrderEvent:
    """Apply events in the given order with classify(); return the one whose state stays."""
    current: PosOrderEvent | None = None
    for e in events:
        if classify(rank_of(current) if current else None, rank_of(e)) == "applied":
            current = e
    assert current is not None
    return current


def test_first_event_of_a_check_applies() -> None:
    assert classify(None, rank_of(event())) == "applied"


def test_later_updated_at_wins_and_earlier_is_stale() -> None:
    old, new = event(updatedAt=100), event(type="update", updatedAt=101)
    assert classify(rank_of(old), rank_of(new)) == "applied"
    assert classify(rank_of(new), rank_of(old)) == "stale"


def test_identical_event_is_a_duplicate() -> None:
    e = event(type="update", updatedAt=200)
    again = PosOrderEvent.model_validate(e.model_dump(mode="json", by_alias=True))
    assert fingerprint(again) == fingerprint(e)
    assert classify(rank_of(e), rank_of(again)) == "duplicate"


def test_void_wins_over_update_at_equal_updated_at_in_either_order() -> None:
    update = event(type="update", updatedAt=300, commercials={"totalAmount": 99})
    void = event(type="void", status="VOID", updatedAt=300, voidedAt=300)
    assert classify(rank_of(update), rank_of(void)) == "applied"
    assert classify(rank_of(void), rank_of(update)) == "stale"


def test_status_void_counts_as_void_even_when_type_is_update() -> None:
    update = event(type="update", updatedAt=300)
    status_void = event(type="update", status="VOID", updatedAt=300)
    assert rank_of(status_void).is_void
    assert classify(rank_of(update), rank_of(status_void)) == "applied"


def test_later_update_reopens_a_void() -> None:
    void = event(type="void", status="VOID", updatedAt=300)
    reopen = event(type="update", status="OPEN", updatedAt=301)
    assert classify(rank_of(void), rank_of(reopen)) == "applied"


def test_create_after_newer_update_is_stale() -> None:
    create, update = event(type="create", updatedAt=100), event(type="update", updatedAt=150)
    assert classify(rank_of(update), rank_of(create)) == "stale"


def test_equal_rank_different_content_picks_the_same_winner_in_every_order() -> None:
    a = event(type="update", updatedAt=400, commercials={"totalAmount": 1})
    b = event(type="update", updatedAt=400, commercials={"totalAmount": 2})
    c = event(type="update", updatedAt=399, commercials={"totalAmount": 3})
    winners = {fingerprint(winner(list(order))) for order in itertools.permutations([a, b, c])}
    assert len(winners) == 1
    assert winners.pop() in (fingerprint(a), fingerprint(b))


def test_fingerprint_sees_money_exactly() -> None:
    a = event(commercials={"totalAmount": Decimal("0.30")})
    b = event(commercials={"totalAmount": Decimal("0.3")})
    c = event(commercials={"totalAmount": Decimal("0.30")})
    assert fingerprint(a) == fingerprint(c)
    assert fingerprint(a) != fingerprint(b)  # different text is a different event; never equal by float


def test_rank_orders_by_time_then_void_then_fingerprint() -> None:
    assert Rank(1, True, "z") < Rank(2, False, "a")
    assert Rank(2, False, "z") < Rank(2, True, "a")
    assert Rank(2, False, "a") < Rank(2, False, "b")


def test_summary_reads_as_one_line_with_status_total_items_tables() -> None:
    text = summarize_event(event(type="void", status="OPEN", tables=["t1", "t2"]))
    assert text == "void check 98766: VOID, total 150.0, 3 items, tables t1,t2"
    assert "\n" not in summarize_event(event(tables=[]))
