"""A long-lived booking continues as new when the server suggests it (after CONTINUE_AS_NEW_SUGGESTED_AT history
events in tests) and loses no message on the way; the new run keeps its search attributes."""

from __future__ import annotations

import httpx
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import Client, WorkflowExecutionStatus

from domain.messages import booking_workflow_id
from tests.conftest import CONTINUE_AS_NEW_SUGGESTED_AT
from tests.pos_support import (
    BASE_TIME,
    booking_when,
    history_when,
    make_venue,
    new_id,
    pos_entries,
    pos_event,
    post_event,
)
from tests.support import eventually
from workflows.search import BOOKING_ID, CHECK_NUMBERS, VENUE_ID

EVENTS = 60  # each applied alone costs ~6 history events: several times the threshold


async def test_many_batches_continue_as_new_without_losing_an_event(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str, temporal_client: Client
) -> None:
    assert EVENTS * 6 > 2 * CONTINUE_AS_NEW_SUGGESTED_AT
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    workflow_id = booking_workflow_id(venue_id, booking_id)
    for i in range(EVENTS):
        event = pos_event(
            venue_id,
            f"c{i % 3}",
            booking_id,
            type="create" if i < 3 else "update",
            updatedAt=BASE_TIME + i,
            commercials={"totalAmount": i},
        )
        assert await post_event(mozrest, event) == workflow_id
        if i % 2 == 0:  # let most events form a batch of their own, so the history grows quickly
            await booking_when(
                rms, venue_id, booking_id, lambda b, i=i: any(c["updatedAt"] == BASE_TIME + i for c in b["checks"])
            )
    # A last burst while the workflow may be continuing as new.
    for i in range(EVENTS, EVENTS + 10):
        await post_event(mozrest, pos_event(venue_id, "c0", booking_id, type="update", updatedAt=BASE_TIME + i))

    history = await history_when(rms, venue_id, booking_id, lambda h: len(pos_entries(h)) >= EVENTS + 10)
    assert len(pos_entries(history)) == EVENTS + 10
    assert {e["outcome"] for e in pos_entries(history)} == {"applied"}
    booking = await booking_when(rms, venue_id, booking_id, lambda b: len(b["checks"]) == 3)
    assert max(c["updatedAt"] for c in booking["checks"]) == BASE_TIME + EVENTS + 9

    async def runs() -> list:
        found = [w async for w in temporal_client.list_workflows(f"WorkflowId = '{workflow_id}'")]
        assert len(found) >= 2, found
        assert sum(w.status == WorkflowExecutionStatus.CONTINUED_AS_NEW for w in found) == len(found) - 1
        return found

    await eventually(runs)

    async def latest_run_keeps_search_attributes() -> bool:
        desc = await temporal_client.get_workflow_handle(workflow_id).describe()
        attributes = desc.typed_search_attributes
        assert attributes.get(VENUE_ID) == venue_id and attributes.get(BOOKING_ID) == booking_id
        assert attributes.get(CHECK_NUMBERS) == ["c0", "c1", "c2"]
        return True

    await eventually(latest_run_keeps_search_attributes)
    # The static summary is not carried over continue-as-new; the current details are set by every run.
    metadata = await temporal_client.get_workflow_handle(workflow_id).query(
        "__temporal_workflow_metadata", result_type=WorkflowMetadata
    )
    assert f"Booking {booking_id} at venue {venue_id}" in metadata.current_details
    assert "checks c0, c1, c2" in metadata.current_details and "(continued)" in metadata.current_details
