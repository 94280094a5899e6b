"""Every workflow the worker runs."""

from workflows.ping import PingWorkflow

WORKFLOWS = [PingWorkflow]
