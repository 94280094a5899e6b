"""A trivial workflow used by readiness checks and the smoke test of the worker."""

from temporalio import workflow


@workflow.defn
class PingWorkflow:
    @workflow.run
    async def run(self, message: str) -> str:
        return f"pong: {message}"
