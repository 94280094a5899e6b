"""Money is Decimal end to end: never a float, NUMERIC in PostgreSQL, a string in our JSON responses."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field


def _whole_numbers_to_decimal(value: Any) -> Any:
    # JSON integers (e.g. "prepayment": 0) arrive as int; booleans are ints to Python but never money.
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, int):
        return Decimal(value)
    return value


# Up to 18 digits with at most 4 decimals: enough for any check, small enough to reject absurd values.
Money = Annotated[
    Decimal, BeforeValidator(_whole_numbers_to_decimal), Field(max_digits=18, decimal_places=4, allow_inf_nan=False)
]

ZERO = Decimal("0")
