"""Short PostgreSQL steps of a workflow (apply a batch, notify other bookings).

New runs execute them as local activities: the worker runs them inside the workflow task, so a batch costs one
workflow task and one marker instead of two workflow tasks and an activity task (the dev server's CPU is the
bottleneck). Runs recorded before this change replay the regular activity they used, behind `workflow.patched`.
The outbound push stays a regular activity: its retries belong in the UI as attempts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

T = TypeVar("T")

LOCAL_STEPS_PATCH = "db-steps-as-local-activities"
DB_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))


async def run_db_step(name: str, arg: Any, result_type: type[T] | None, summary: str, timeout_seconds: int = 60) -> T:
    options: dict[str, Any] = {
        "result_type": result_type,
        "start_to_close_timeout": timedelta(seconds=timeout_seconds),
        "retry_policy": DB_RETRY,
        "summary": summary,
    }
    if workflow.patched(LOCAL_STEPS_PATCH):
        return await workflow.execute_local_activity(name, arg, **options)
    return await workflow.execute_activity(name, arg, **options)
