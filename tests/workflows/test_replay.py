"""Replay: recorded histories (a change that breaks running workflows fails here) and fresh ones.

Re-record after an intended, versioned change with `make record-histories`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from devstack.fake_mozrest import FakeMozrest
from tests.support import WorkerRunner
from tests.workflows import replay_scenarios as scenarios
from workflows.registry import WORKFLOWS

HISTORIES = Path(__file__).resolve().parents[1] / "histories"


async def _histories(client: Client, workflow_ids: list[str]) -> list[WorkflowHistory]:
    found = []
    for workflow_id in workflow_ids:
        async for execution in client.list_workflows(f"WorkflowId = '{workflow_id}'"):
            found.append(await client.get_workflow_handle(workflow_id, run_id=execution.run_id).fetch_history())
    return found


async def _run_scenarios(rms, mozrest, fake: FakeMozrest) -> dict[str, list[str]]:  # noqa: ANN001
    import uuid

    def venue() -> str:
        return f"replay-{uuid.uuid4().hex[:8]}"

    return {
        "booking_life": await scenarios.booking_life(rms, mozrest, venue()),
        "unlinked_then_matched": await scenarios.unlinked_then_matched(rms, mozrest, venue()),
        "refused_then_resynced": await scenarios.refused_then_resynced(rms, mozrest, venue(), fake),
    }


async def _replay(histories: list[WorkflowHistory]) -> None:
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    for history in histories:
        await replayer.replay_workflow(history)  # raises on non-determinism


def test_recorded_histories_exist() -> None:
    assert len(list(HISTORIES.glob("*.json"))) >= 3, "record them with `make record-histories`"


async def test_recorded_histories_replay() -> None:
    histories = []
    for path in sorted(HISTORIES.glob("*.json")):
        saved = json.loads(path.read_text())
        histories.append(WorkflowHistory.from_json(saved["workflowId"], saved["history"]))
    await _replay(histories)


async def test_fresh_histories_replay(
    rms: httpx.AsyncClient,
    mozrest: httpx.AsyncClient,
    fake_mozrest: FakeMozrest,
    temporal_client: Client,
    worker: WorkerRunner,
) -> None:
    workflow_ids = [w for ids in (await _run_scenarios(rms, mozrest, fake_mozrest)).values() for w in ids]
    histories = await _histories(temporal_client, workflow_ids)
    assert len(histories) >= len(workflow_ids)
    await _replay(histories)
    if os.environ.get("RECORD_HISTORIES") == "1":
        for stale in HISTORIES.glob("*.json"):
            stale.unlink()
        for i, history in enumerate(histories):
            kind = history.workflow_id.split(":")[0]
            saved = {"workflowId": history.workflow_id, "history": history.to_json_dict()}
            (HISTORIES / f"{i:02d}-{kind}.json").write_text(json.dumps(saved, indent=1))
