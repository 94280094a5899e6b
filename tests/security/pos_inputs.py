"""Bad POS order payloads as raw JSON text: the spec example with one field replaced by a literal written verbatim
(so NaN, 1e400, "\\ud800" or 10 000 nested lists reach the server exactly as typed), duplicate keys, and bodies
that are not an object at all. Each input says whether it must be refused or may go either way."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from domain.pos import SPEC_EXAMPLE

REJECT, ACCEPT, EITHER = "reject", "accept", "either"  # EITHER: a 4xx, or a 202 after which it is really stored

FIELDS = [
    *(k for k in SPEC_EXAMPLE),
    *(f"commercials.{k}" for k in SPEC_EXAMPLE["commercials"]),
    *(f"items.0.{k}" for k in SPEC_EXAMPLE["items"][0]),
    "unknownField",
    "commercials.unknownField",
]
MONEY = [f"commercials.{k}" for k in ("totalAmount", "tax", "tip", "discount", "prepayment")] + ["items.0.price"]
NUMBERS = [
    "partySize",
    "date",
    "openedAt",
    "updatedAt",
    "closedAt",
    "voidedAt",
    "items.0.id",
    "items.0.quantity",
    *MONEY,
]
STRINGS = ["venueId", "bookingId", "checkNumber", "tables.0", "commercials.paymentType", "items.0.name", "unknownField"]

WRONG_TYPES = [
    "null",
    "true",
    "false",
    '"2"',
    '"150.00"',
    "0",
    "1",
    "-1",
    "1.5",
    "[]",
    "{}",
    '""',
    '" "',
    "[1]",
    '{"a": 1}',
    '["OPEN"]',
]
HUGE_NUMBERS = [
    "18446744073709551616",
    "-9223372036854775809",
    "9" * 40,
    "1e400",
    "-1e400",
    "1E+400",
    "123456789012345678901234567890.123",
    "0.000000000000000000000000000001",
    "1e-400",
    "0e1000000",
    "0e-1000000",
    "1e17",
    "99999999999999.9999",
    "-0",
    "0.00000",
    "1" + "0" * 5000,
]
NON_FINITE = ["NaN", "Infinity", "-Infinity"]
ODD_STRINGS = [
    '"\\ud800"',
    '"\\udfff"',
    '"a\\ud800b"',
    '"\\udc00\\ud800"',
    '"\\ud83d\\ude00"',
    '"\\u0000"',
    '"nul\\u0000in"',
    '"\u202eRTL\u202c"',
    '"\u200b"',
    '"zero\u200bwidth"',
    '"\ufeffbom"',
    '"e\u0301"',
    '"\U0001d54f"',
    '"\\u0085"',
    '"\u3000"',
    '"' + "x" * 201 + '"',
    '"' + "\u00e9" * 200 + '"',
    '"line\\nbreak"',
    '"\\"quoted\\""',
    '"<script>"',
    '"\'; DROP TABLE checks; --"',
]


@dataclass(frozen=True)
class BadInput:
    name: str
    expect: str
    field: str | None = None  # where the literal goes; None: `literal` is the whole body
    literal: str = ""
    duplicate: str | None = None  # a dotted key path: that key appears twice in its object

    def body(self, venue_id: str, check_number: str, booking_id: str) -> bytes:
        event = base_event(venue_id, check_number, booking_id)
        if self.field is None:
            return self.literal.encode("utf-8", "surrogatepass")
        if self.duplicate is not None:
            return duplicate_key(event, self.duplicate, self.literal).encode()
        place(event, self.field, "<LITERAL>")
        return json.dumps(event).replace('"<LITERAL>"', self.literal).encode("utf-8", "surrogatepass")


def base_event(venue_id: str, check_number: str, booking_id: str) -> dict[str, Any]:
    event = copy.deepcopy(SPEC_EXAMPLE)
    event.update(venueId=venue_id, checkNumber=check_number, bookingId=booking_id)
    return event


def place(event: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node: Any = event
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def duplicate_key(event: dict[str, Any], path: str, literal: str) -> str:
    """JSON text of `event` in which the object holding `path` has that key twice (`literal` first)."""
    *parents, key = path.split(".")
    place(event, ".".join([*parents, "__dup__"]) if parents else "__dup__", "<DUP>")
    text = json.dumps(event)
    return text.replace('"__dup__": "<DUP>"', f"{json.dumps(key)}: {literal}")


def nesting(depth: int, kind: str) -> str:
    return "[" * depth + "]" * depth if kind == "list" else '{"a": ' * depth + "1" + "}" * depth


WHOLE_BODIES = [
    BadInput("empty body", REJECT, literal=""),
    BadInput("whitespace body", REJECT, literal="  \n"),
    *(
        BadInput(f"top-level {lit}", REJECT, literal=lit)
        for lit in ("null", "[]", "1", '"text"', "true", "[{}]", "{", "{}x", "\ufeff{}", "\\u0000")
    ),
]


def _each(expect: str, literals: list[str], fields: tuple[str, ...], width: int = 24) -> list[BadInput]:
    return [BadInput(f"{lit[:width]} in {f}", expect, f, lit) for lit in literals for f in fields]


def _deep(depth: int) -> str:
    return REJECT if depth >= 10_000 else EITHER  # past the parser's recursion limit: refused as JSON


NASTY = [
    # Fixed, named cases: each one a regression test of its own.
    *WHOLE_BODIES,
    *_each(REJECT, NON_FINITE, ("commercials.totalAmount", "items.0.price")),
    *(BadInput(f"duplicate {f}", REJECT, f, "1", duplicate=f) for f in ("partySize", "commercials.tip", "items.0.id")),
    *(
        BadInput(f"{d} nested {k}s in {f}", _deep(d), f, nesting(d, k))
        for d in (900, 10_000, 100_000)
        for k in ("list", "object")
        for f in ("tables", "unknownField")
    ),
    *_each(EITHER, HUGE_NUMBERS, ("partySize", "commercials.tip")),
    *_each(EITHER, ODD_STRINGS[:10], ("checkNumber", "items.0.name"), width=16),
    *_each(EITHER, ['"\\u0000"', '"\\ud800"'], ("venueId", "bookingId")),
]


def bad_inputs() -> st.SearchStrategy[BadInput]:
    """Random single mutations of the spec example, drawn from every category."""
    replaced = st.builds(
        lambda f, lit: BadInput(f"{lit[:30]} in {f}", EITHER, f, lit),
        st.sampled_from(FIELDS),
        st.sampled_from(WRONG_TYPES),
    )
    huge = st.builds(
        lambda f, lit: BadInput(f"{lit[:30]} in {f}", EITHER, f, lit),
        st.sampled_from(NUMBERS),
        st.sampled_from(HUGE_NUMBERS),
    )
    non_finite = st.builds(
        lambda f, lit: BadInput(f"{lit} in {f}", REJECT, f, lit), st.sampled_from(FIELDS), st.sampled_from(NON_FINITE)
    )
    odd = st.builds(
        lambda f, lit: BadInput(f"{lit[:30]} in {f}", EITHER, f, lit),
        st.sampled_from(STRINGS),
        st.sampled_from(ODD_STRINGS),
    )
    text = st.builds(
        lambda f, s: BadInput(f"text {s!r} in {f}", EITHER, f, json.dumps(s)),
        st.sampled_from(STRINGS),
        st.text(min_size=1, max_size=30),
    )
    deep = st.builds(
        lambda f, d, k: BadInput(f"{d} nested {k}s in {f}", _deep(d), f, nesting(d, k)),
        st.sampled_from(FIELDS),
        st.sampled_from([20, 500, 900, 10_000]),
        st.sampled_from(["list", "object"]),
    )
    dup = st.builds(
        lambda f: BadInput(f"duplicate {f}", REJECT, f, "1", duplicate=f),
        st.sampled_from([f for f in FIELDS if not f.startswith("unknown") and ".unknown" not in f]),
    )
    return st.one_of(replaced, huge, non_finite, odd, text, deep, dup, st.sampled_from(WHOLE_BODIES))
