"""Every workflow the worker runs."""

from workflows.booking import BookingWorkflow
from workflows.ping import PingWorkflow
from workflows.unlinked_checks import UnlinkedChecksWorkflow

WORKFLOWS = [BookingWorkflow, UnlinkedChecksWorkflow, PingWorkflow]
