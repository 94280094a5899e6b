"""The worker serves the task queue with the pydantic data converter."""

from __future__ import annotations

import uuid

from temporalio.client import Client

from config import Settings
from tests.support import WorkerRunner
from workflows.ping import PingWorkflow


async def test_worker_runs_a_registered_workflow(
    worker: WorkerRunner, temporal_client: Client, settings: Settings
) -> None:
    result = await temporal_client.execute_workflow(
        PingWorkflow.run, "hello", id=f"ping-{uuid.uuid4()}", task_queue=settings.temporal_task_queue
    )
    assert result == "pong: hello"
