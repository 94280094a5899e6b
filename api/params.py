"""Path parameters shared by the routers: the RMS's ids and the POS's check numbers (no NUL: PostgreSQL text
cannot hold it, so such a path is a 422, not a server error)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

_ID = {"min_length": 1, "max_length": 200, "pattern": r"^[^\x00]+$"}

VenueId = Annotated[str, Path(alias="venueId", description="The RMS's venue id", **_ID)]
BookingId = Annotated[str, Path(alias="bookingId", description="The RMS's booking id", **_ID)]
CheckNumber = Annotated[str, Path(alias="checkNumber", description="The POS's check number", **_ID)]
