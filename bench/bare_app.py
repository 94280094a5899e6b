"""Baseline (a): the webhook with everything but the work removed. Same route, same exact-JSON parse and strict
PosOrderEvent validation (api/exact_json.py), same response model, served by uvicorn like the API
(`python -m uvicorn bench.bare_app:app --no-access-log`). The API's ack rate over this one is what auth, the
venue check and signal-with-start cost."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, status

from api.exact_json import exact_body
from domain.booking import Accepted
from domain.pos import PosOrderEvent

app = FastAPI(title="bench: bare validate-and-202")


@app.post("/webhooks/mozrest/pos-orders", status_code=status.HTTP_202_ACCEPTED, response_model=Accepted)
async def receive_pos_order(event: Annotated[PosOrderEvent, Depends(exact_body(PosOrderEvent))]) -> Accepted:
    return Accepted(workflow_id=f"booking:{event.venue_id}:{event.booking_id}")
