"""Realistic POS traffic for the benches, generated up front (so the send loop only writes bytes).

A day of service replayed fast: several venues, a few hundred seated bookings (one table each), 1-3 checks per
booking. Each check is created, updated as items are added, then closed (most) or voided. All checks are open
at overlapping times, so the stream interleaves many bookings, as a real venue fleet does. On top of that:
5% of deliveries are sent twice (Mozrest retries), 5% arrive after the next event of their check (out of
order: they must come out `stale`), and 10% of checks carry no bookingId (they are matched by table).
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field

BASE_TIME = 1719599400  # the spec example's date: the bookings' day
SEATING_GAP = 5 * 3600  # bookings at the same table are further apart than the 4 h matching window


@dataclass
class Booking:
    venue_id: str
    booking_id: str
    table: str
    date: int

    def body(self) -> dict:
        # Guest fields present (the RMS sends them) but never asserted on or logged by the bench.
        return {
            "partySize": 2,
            "status": "seated",
            "tables": [self.table],
            "date": self.date,
            "prepayment": 0,
            "contact": {"firstname": "Bench", "lastname": "Guest", "locale": "en"},
            "notes": "bench",
        }


@dataclass
class Delivery:
    body: bytes
    venue_id: str
    booking_id: str | None  # as sent (None: the check carries no bookingId)
    owner: str  # the booking the check belongs to (for workflow ids in the no-op baseline)
    check_number: str
    updated_at: int
    probe: bool  # will be the newest state of its check when it arrives: visible through the API


@dataclass
class Plan:
    run_id: str
    venues: dict[str, list[str]] = field(default_factory=dict)  # venue id -> table ids
    bookings: list[Booking] = field(default_factory=list)


def make_plan(n_venues: int, n_bookings: int, rng: random.Random) -> Plan:
    plan = Plan(run_id=uuid.uuid4().hex[:6])
    per_venue = -(-n_bookings // n_venues)
    n_tables = max(1, per_venue // 3)  # ~3 seatings per table over the day
    for v in range(n_venues):
        venue_id = f"bench-{plan.run_id}-v{v}"
        plan.venues[venue_id] = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(n_tables)]
    for i in range(n_bookings):
        venue_id = list(plan.venues)[i % n_venues]
        slot, table = divmod(i // n_venues, n_tables)
        plan.bookings.append(
            Booking(
                venue_id,
                f"b{i:05d}",
                plan.venues[venue_id][table],
                BASE_TIME + slot * SEATING_GAP + rng.randint(0, 1800),
            )
        )
    return plan


def _check_events(b: Booking, number: str, with_booking: bool, n_updates: int, rng: random.Random) -> list[dict]:
    """One check's life: create, item-by-item updates, then close (85%) or void (15%)."""
    opened = b.date + rng.randint(0, 1200)
    items: list[dict] = []
    events, t, tip, discount = [], opened, 0, 0.0
    for step in range(n_updates + 2):
        last = step == n_updates + 1
        roll = rng.random()
        if step == 0 or (not last and roll < 0.4):  # an item ordered
            price = rng.choice([4.5, 7.25, 12.0, 18.5, 24.0, 40.0, 70.0])
            items.append(
                {"id": len(items) + 1, "name": f"item {len(items) + 1}", "price": price, "quantity": rng.randint(1, 3)}
            )
        elif not last and roll < 0.7:  # another round of something already ordered
            rng.choice(items)["quantity"] += 1
        elif not last:  # a discount or a tip keyed in
            tip, discount = (tip + 1, discount) if rng.random() < 0.5 else (tip, discount + 0.5)
        total = round(sum(i["price"] * i["quantity"] for i in items), 2)
        void = last and rng.random() < 0.15
        status = "VOID" if void else ("CLOSE" if last else "OPEN")
        events.append(
            {
                "type": "void" if void else ("create" if step == 0 else "update"),
                "venueId": b.venue_id,
                "bookingId": b.booking_id if with_booking else None,
                "checkNumber": number,
                "partySize": 2,
                "date": b.date,
                "status": status,
                "tables": [b.table],
                "openedAt": opened,
                "updatedAt": t,
                "closedAt": t if status == "CLOSE" else None,
                "voidedAt": t if void else None,
                "commercials": {
                    "totalAmount": total,
                    "tax": round(total * 0.1, 2),
                    "tip": tip,
                    "discount": discount,
                    "prepayment": 0,
                    "paymentType": "credit_card" if status == "CLOSE" else None,
                },
                "items": [dict(i) for i in items],
            }
        )
        t += rng.randint(30, 300)
    return events


def make_stream(plan: Plan, total: int, rng: random.Random) -> list[Delivery]:
    """About `total` deliveries (at least), in delivery order."""
    checks = [(b, f"{plan.run_id}-{b.booking_id}-{k}") for b in plan.bookings for k in range(rng.randint(1, 3))]
    per_check = max(3.0, total / len(checks))  # events per check (duplicates come on top: at least `total`)
    lives = []
    for b, number in checks:
        n_updates = max(0, round(rng.uniform(0.5, 1.5) * (per_check - 2)))
        lives.append((_check_events(b, number, rng.random() >= 0.10, n_updates, rng), b))
    # Half of the checks are open at any moment, each next event from a random open check; a closed check's
    # slot goes to the next one. So every stretch of the stream (every rate window) sees about the same
    # few hundred bookings busy, instead of a ramp up and down.
    waiting = lives[::-1]
    slots = [(waiting.pop(), 0) for _ in range(max(1, len(lives) // 2))]
    order: list[tuple[dict, Booking]] = []
    while slots:
        j = rng.randrange(len(slots))
        (events, b), k = slots[j]
        order.append((events[k], b))
        if k + 1 < len(events):
            slots[j] = ((events, b), k + 1)
        elif waiting:
            slots[j] = (waiting.pop(), 0)
        else:
            slots.pop(j)
    # 5% out of order: deliver the check's next event first (the swapped one then arrives stale).
    stale: set[int] = set()
    next_of: dict[str, int] = {}
    for pos in range(len(order) - 1, -1, -1):
        number = order[pos][0]["checkNumber"]
        nxt = next_of.get(number)
        next_of[number] = pos
        if nxt is not None and rng.random() < 0.05 and pos not in stale and nxt not in stale:
            order[pos], order[nxt] = order[nxt], order[pos]
            stale.add(nxt)  # the older event now sits at nxt
    out: list[Delivery] = []
    later: list[tuple[int, Delivery]] = []  # duplicates waiting for their slot
    for pos, (event, b) in enumerate(order):
        d = Delivery(
            json.dumps(event).encode(),
            b.venue_id,
            event["bookingId"],
            b.booking_id,
            event["checkNumber"],
            event["updatedAt"],
            event["bookingId"] is not None and pos not in stale,
        )
        out.append(d)
        if rng.random() < 0.05:  # sent again 1-20 deliveries later, as a Mozrest retry would be
            later.append((pos + rng.randint(1, 20), Delivery(**{**d.__dict__, "probe": False})))
        while later and later[0][0] <= pos:
            out.append(later.pop(0)[1])
        later.sort(key=lambda x: x[0])
    out.extend(d for _, d in later)
    return out
