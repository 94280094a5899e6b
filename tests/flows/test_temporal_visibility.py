"""What a person sees in the Temporal UI: a booking is found by its id or one of its check numbers, and no
guest data (names, notes) appears in workflow ids, search attributes, summaries or the event history."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
from temporalio.client import Client

from domain.messages import booking_workflow_id
from tests.pos_support import booking_when, check_numbers, make_venue, new_id, pos_event, post_event, put_booking
from tests.support import eventually
from workflows.search import BOOKING_ID, CHECK_NUMBERS, VENUE_ID

GUEST = {
    "contact": {"firstname": "Zebedee", "lastname": "Quattlebaum", "locale": "en"},
    "notes": "allergic to pistachio, anniversary",
}
GUEST_WORDS = ("Zebedee", "Quattlebaum", "pistachio", "anniversary")


def readable(history_json: str) -> str:
    """The event history with every payload decoded (payload data is base64 in the JSON form)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "data" and isinstance(value, str):
                    parts.append(base64.b64decode(value).decode("utf-8", "replace"))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            parts.append(node)

    walk(json.loads(history_json))
    return "\n".join(parts)


async def test_booking_found_by_id_and_check_number_without_guest_data(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str, temporal_client: Client
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    workflow_id = await put_booking(rms, venue_id, booking_id, **GUEST)
    assert workflow_id == booking_workflow_id(venue_id, booking_id)
    await post_event(mozrest, pos_event(venue_id, "98766", booking_id))
    await post_event(mozrest, pos_event(venue_id, "98767", booking_id))
    await booking_when(rms, venue_id, booking_id, lambda b: check_numbers(b) == ["98766", "98767"])
    handle = temporal_client.get_workflow_handle(workflow_id)

    async def described() -> bool:
        desc = await handle.describe()
        attributes = desc.typed_search_attributes
        assert attributes.get(VENUE_ID) == venue_id and attributes.get(BOOKING_ID) == booking_id
        assert attributes.get(CHECK_NUMBERS) == ["98766", "98767"]
        summary = await desc.static_summary()
        assert summary and booking_id in summary
        shown = " ".join([workflow_id, summary, *(str(p.value) for p in attributes)])
        assert not [w for w in GUEST_WORDS if w in shown]
        return True

    await eventually(described)

    async def listed(query: str) -> bool:
        found = [w.id async for w in temporal_client.list_workflows(query)]
        assert found == [workflow_id], (query, found)
        return True

    await eventually(lambda: listed(f"CheckNumbers = '98766' AND VenueId = '{venue_id}'"))
    await eventually(lambda: listed(f"CheckNumbers = '98767' AND VenueId = '{venue_id}'"))
    await eventually(lambda: listed(f"BookingId = '{booking_id}'"))

    # The guest's data stays in PostgreSQL: the RMS revision travels through Temporal by id only.
    history = readable((await handle.fetch_history()).to_json())
    assert '"checkNumber":"98766"' in history and "revision_id" in history  # payloads were decoded
    assert not [w for w in GUEST_WORDS if w in history]
    booking = await booking_when(rms, venue_id, booking_id, lambda b: True)
    assert booking["contact"]["lastname"] == "Quattlebaum" and booking["notes"] == GUEST["notes"]
