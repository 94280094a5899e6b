"""Guest names and notes live in PostgreSQL and in what we send Mozrest, and nowhere else: not in any log record
(every logger at DEBUG, Temporal's included), not in workflow ids, search attributes, static or activity
summaries, nor anywhere in the Temporal histories (payloads decoded). GET .../history is the one place that
shows them, which this test also proves, so the data did flow through every step it checks."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import httpx
from temporalio.client import Client, WorkflowHandle

from config import Settings
from devstack.fake_mozrest import FakeMozrest
from tests.pos_support import (
    BASE_TIME,
    TABLE_A,
    booking_when,
    check_numbers,
    make_venue,
    new_id,
    pos_event,
    post_event,
    put_booking,
)
from tests.security.conftest import LogCapture, tokens
from tests.support import eventually

FIRSTNAME, LASTNAME, NOTES = "Zebulon-Quixote", "Xylophone-Marmalade", "allergic-to-quokka-7731"
GUEST = [FIRSTNAME, LASTNAME, NOTES]
CONTACT = {"firstname": FIRSTNAME, "lastname": LASTNAME, "locale": "en"}


def _texts(node: Any) -> list[str]:
    """Every string in a history's JSON, plus the decoded bytes of every base64 value (payload data, metadata)."""
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            found.append(item)
            try:
                found.append(base64.b64decode(item, validate=True).decode("utf-8", "replace"))
            except (binascii.Error, ValueError):
                pass
    return found


def _leaks(where: str, texts: list[str]) -> list[str]:
    return [f"{where}: {needle!r} in {text[:200]!r}" for text in texts for needle in GUEST if needle in text]


async def _workflow_leaks(handle: WorkflowHandle) -> list[str]:
    description = await handle.describe()
    leaks = _leaks("workflow id", [handle.id])
    leaks += _leaks("search attributes", [str(pair.value) for pair in description.typed_search_attributes])
    leaks += _leaks("static summary", [await description.static_summary() or ""])
    summaries = [
        event.user_metadata.summary.data.decode()
        async for event in handle.fetch_history_events()
        if event.HasField("user_metadata") and event.user_metadata.HasField("summary")
    ]
    assert summaries, "activities carry summaries, so this check sees them"
    leaks += _leaks("activity summaries", summaries)
    history = await handle.fetch_history()
    leaks += _leaks("history", _texts(history.to_json_dict()))
    return leaks


async def _venue_workflows(client: Client, venue_id: str, expected: set[str]) -> list[str]:
    async def listed() -> list[str]:
        ids = [w.id async for w in client.list_workflows(f'VenueId = "{venue_id}"')]
        assert expected <= set(ids), ids
        return ids

    return await eventually(listed, timeout=15)


async def test_guest_data_stays_out_of_logs_and_temporal(
    rms: httpx.AsyncClient,
    mozrest: httpx.AsyncClient,
    venue_id: str,
    fake_mozrest: FakeMozrest,
    temporal_client: Client,
    settings: Settings,
    all_logs: LogCapture,
) -> None:
    await make_venue(rms, venue_id)
    booking_id, linked, unlinked = new_id("bk"), new_id("chk"), new_id("chk")
    booking_wf = await put_booking(rms, venue_id, booking_id, contact=CONTACT, notes=NOTES)
    await post_event(mozrest, pos_event(venue_id, linked, booking_id))
    await post_event(mozrest, pos_event(venue_id, linked, booking_id, type="update", updatedAt=BASE_TIME + 60))
    # No bookingId: held by the venue's unlinked-checks workflow until table matching links it.
    unlinked_wf = await post_event(mozrest, pos_event(venue_id, unlinked, None, tables=[TABLE_A]))
    await booking_when(
        rms, venue_id, booking_id, lambda b: b["sync"]["state"] == "synced" and linked in check_numbers(b), timeout=30
    )

    # Mozrest refuses the next payload, echoing guest data in its error body; then staff ask for a resync.
    fake_mozrest.add_rule(400, count=1, booking_id=booking_id, body=json.dumps({"error": f"bad name {LASTNAME}"}))
    await put_booking(rms, venue_id, booking_id, contact=CONTACT, notes=NOTES, partySize=3)
    await booking_when(rms, venue_id, booking_id, lambda b: b["sync"]["state"] == "failed", timeout=30)
    assert (await rms.post(f"/venue/{venue_id}/bookings/{booking_id}/resync")).status_code == 202
    await booking_when(rms, venue_id, booking_id, lambda b: b["sync"]["state"] == "synced", timeout=30)

    # The data flowed: Mozrest got it, and the booking's history (the one allowed place) shows it.
    statuses = [r.answered_status for r in fake_mozrest.requests(booking_id)]
    assert 400 in statuses and statuses[-1] == 200, statuses
    assert fake_mozrest.requests(booking_id)[-1].body["contact"]["lastname"] == LASTNAME
    history = (await rms.get(f"/venue/{venue_id}/bookings/{booking_id}/history")).text
    assert all(needle in history for needle in GUEST), history[:500]

    leaks = all_logs.leaks(GUEST + list(tokens(settings).values()))
    assert len(all_logs.records) > 20, "the capture saw the scenario's logging"
    for workflow_id in await _venue_workflows(temporal_client, venue_id, {booking_wf, unlinked_wf}):
        leaks += await _workflow_leaks(temporal_client.get_workflow_handle(workflow_id))
    assert not leaks, "\n".join(leaks)
