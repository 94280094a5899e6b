"""The POS order event Mozrest sends us (spec section 1.2): parsed leniently (unknown fields ignored), typed strictly.

The webhook validates with strict=True from a JSON body parsed with Decimal floats, so `"2"` is not a party
size and `150.10` stays exactly 150.10.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from domain.models import ApiModel, NonBlank
from domain.money import ZERO, Money

UnixSeconds = Annotated[int, Field(ge=0, le=253402300799)]  # up to year 9999
Label = Annotated[str, StringConstraints(max_length=500)]

SPEC_EXAMPLE = {
    "type": "create",
    "venueId": "your-venue-id",
    "bookingId": "your-booking-id",
    "checkNumber": "98766",
    "partySize": 2,
    "date": 1719599400,
    "status": "OPEN",
    "tables": ["28c3ce8b-8c10-4a64-8099-f0dffcc549a8"],
    "openedAt": 1535548784,
    "updatedAt": 1535548784,
    "closedAt": None,
    "voidedAt": None,
    "commercials": {
        "totalAmount": 150.00,
        "tax": 12.00,
        "tip": 20.00,
        "discount": 10.00,
        "prepayment": 0,
        "paymentType": "credit_card",
    },
    "items": [
        {"id": 1, "name": "Steak", "price": 40.00, "quantity": 2},
        {"id": 2, "name": "Wine", "price": 70.00, "quantity": 1},
    ],
}


class Commercials(ApiModel):
    total_amount: Money = ZERO
    tax: Money = ZERO
    tip: Money = ZERO
    discount: Money = ZERO
    prepayment: Money = ZERO
    # credit_card, cash, check, others; kept as given so a new POS value is not a rejected event.
    payment_type: Label | None = None


class Item(ApiModel):
    id: int
    name: Label
    price: Money
    quantity: Annotated[int, Field(ge=0, le=1_000_000)]


class PosOrderEvent(ApiModel):
    type: Literal["create", "update", "void"]
    venue_id: NonBlank
    booking_id: NonBlank | None = None
    check_number: NonBlank
    party_size: Annotated[int, Field(ge=0, le=10_000)]
    date: UnixSeconds
    status: Literal["OPEN", "CLOSE", "VOID"]
    tables: Annotated[list[NonBlank], Field(max_length=100)]
    opened_at: UnixSeconds
    updated_at: UnixSeconds
    closed_at: UnixSeconds | None = None
    voided_at: UnixSeconds | None = None
    commercials: Commercials
    items: Annotated[list[Item], Field(max_length=2000)]

    model_config = ConfigDict(json_schema_extra={"examples": [SPEC_EXAMPLE]})

    @property
    def is_void(self) -> bool:
        return self.type == "void" or self.status == "VOID"
