"""Money is Decimal end to end: never a float, NUMERIC in PostgreSQL, a string in our JSON responses."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field


def _plain_zero(value: Decimal) -> Decimal:
    # 0E-1000000 is a valid zero that PostgreSQL's NUMERIC cannot hold: any zero with an exotic exponent is 0.
    if value.is_zero() and not -4 <= value.as_tuple().exponent <= 0:  # type: ignore[operator]
        return Decimal(0)
    return value


def _whole_numbers_to_decimal(value: Any) -> Any:
    # JSON integers (e.g. "prepayment": 0) arrive as int; booleans are ints to Python but never money.
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, int):
        return Decimal(value)
    return value


# Up to 18 digits with at most 4 decimals: enough for any check, small enough to reject absurd values.
Money = Annotated[
    Decimal,
    BeforeValidator(_whole_numbers_to_decimal),
    Field(max_digits=18, decimal_places=4, allow_inf_nan=False),
    AfterValidator(_plain_zero),
]

ZERO = Decimal("0")
