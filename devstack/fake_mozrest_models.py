"""Models and in-memory state of the fake Mozrest (see devstack/fake_mozrest.py).

The booking payload model is written here on purpose, independently of the product's own models: a fake
that reused the product's model could never catch a payload the product builds wrongly. It follows section
3.1 of the Mozrest POS spec strictly (no coercions, no unknown keys), so the product's payloads are held to a
stricter standard than Mozrest's documented leniency.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError

BookingStatus = Literal[
    "pending_confirmation",
    "requires_payment",
    "confirmed",
    "rejected",
    "canceled",
    "no-show",
    "seated",
    "completed",
]


def _json_number_to_decimal(value: Any) -> Any:
    """A JSON number (int, float or an already parsed Decimal) becomes a Decimal; anything else is refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError("must be a JSON number")
    return value if isinstance(value, Decimal) else Decimal(str(value))


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class Contact(_Strict):
    firstname: str | None
    lastname: str | None
    locale: str | None


class RmsBookingPayload(_Strict):
    """The body the RMS POSTs to Mozrest's `/rms` (spec section 3.1). Every key is required."""

    bookingId: str = Field(min_length=1)
    venueId: str = Field(min_length=1)
    partySize: int = Field(ge=1)
    status: BookingStatus
    tables: list[str]
    date: int
    prepayment: Annotated[Decimal, BeforeValidator(_json_number_to_decimal), Field(allow_inf_nan=False, ge=0)]
    contact: Contact
    notes: str | None
    checks: list[str]


class Rule(BaseModel):
    """One scripted answer: applies to the next `count` valid-auth requests (optionally for one bookingId)."""

    model_config = ConfigDict(extra="forbid")

    status: int = Field(ge=200, le=599)
    count: int = Field(1, ge=1)
    delay_ms: int = Field(0, ge=0, le=120_000)
    retry_after: int | None = Field(None, ge=0)
    body: str | None = None
    booking_id: str | None = None


_RULES = TypeAdapter(list[Rule])


class RecordedRequest(BaseModel):
    """What the fake saw of one `POST /rms` and how it answered (answered_status is None while in flight)."""

    seq: int
    received_at: float
    answered_at: float | None = None
    auth_present: bool
    auth_valid: bool
    content_type: str | None
    headers: dict[str, str]  # every header except Authorization and Cookie
    body: Any = None  # the body as parsed JSON (floats stay floats); None when it was not JSON
    body_text: str | None = None  # the raw body (truncated), only when it was not valid JSON
    booking_id: str | None = None  # bookingId from the body when it is a string, even if the body is invalid
    valid: bool = False
    errors: list[dict[str, Any]] = []
    booking: RmsBookingPayload | None = None  # the validated payload (prepayment as Decimal)
    rule: Rule | None = None  # the scripted rule that answered, if any
    answered_status: int | None = None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_body(raw: bytes) -> tuple[Any, Any, str | None]:
    """(plain JSON, JSON with Decimal numbers, error) for a request body."""
    try:
        text = raw.decode("utf-8")
        plain = json.loads(text, parse_constant=_reject_constant)
        exact = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        return None, None, f"body is not valid JSON: {exc}"
    return plain, exact, None


def validate_booking(exact: Any) -> tuple[RmsBookingPayload | None, list[dict[str, Any]]]:
    try:
        return RmsBookingPayload.model_validate(exact), []
    except ValidationError as exc:
        # loc/msg/type only: echoing inputs back would copy guest data into responses and logs.
        return None, [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]


class FakeMozrestState:
    """Request log, rule queue and latency. Used from one event loop only, so no locks are needed."""

    def __init__(self) -> None:
        self.log: list[RecordedRequest] = []
        self.rules: list[Rule] = []
        self.delay_ms = 0
        self._seq = 0

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def add_rules(self, rules: list[Rule | dict[str, Any]]) -> None:
        self.rules.extend(_RULES.validate_python(rules))  # all or nothing; error locs start with the index

    def take_rule(self, booking_id: str | None) -> Rule | None:
        """The first rule that applies to this request, with one use consumed (dropped when used up)."""
        for index, rule in enumerate(self.rules):
            if rule.booking_id is None or rule.booking_id == booking_id:
                if rule.count <= 1:
                    del self.rules[index]
                else:
                    self.rules[index] = rule.model_copy(update={"count": rule.count - 1})
                return rule
        return None

    def requests(self, booking_id: str | None = None) -> list[RecordedRequest]:
        return [r.model_copy(deep=True) for r in self.log if booking_id is None or r.booking_id == booking_id]

    def reset(self) -> None:
        self.log.clear()
        self.rules.clear()
        self.delay_ms = 0
