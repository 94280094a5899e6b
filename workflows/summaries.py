"""One-line activity summaries for the Temporal UI timeline. Ids, statuses and counts only: no guest data."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.messages import BookingMessage, LinkMessage, PosEventMessage, RmsRevisionMessage

_MAX = 180


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def describe_batch(messages: list[BookingMessage] | list[PosEventMessage]) -> str:
    events = [m for m in messages if isinstance(m, PosEventMessage)]
    parts: list[str] = []
    if events:
        last_status: dict[str, str] = {}
        for m in events:
            last_status[m.event.check_number] = "VOID" if m.event.is_void else m.event.status
        shown = ", ".join(f"{n}: {s}" for n, s in last_status.items())
        label = "check" if len(last_status) == 1 else "checks"
        parts.append(f"{_plural(len(events), 'POS event')} ({label} {shown})")
    revisions = sum(isinstance(m, RmsRevisionMessage) for m in messages)
    if revisions:
        parts.append(_plural(revisions, "RMS change"))
    for m in messages:
        if isinstance(m, LinkMessage):
            parts.append(f"{m.action} check {m.check_number}")
    text = "apply " + ", ".join(parts) if parts else "refresh booking"
    return text if len(text) <= _MAX else text[: _MAX - 1] + "…"
