"""The human-readable page of the fake Mozrest (`GET /`): what it received, newest first. No guest data."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from devstack.fake_mozrest_models import RecordedRequest, Rule

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;font-size:.9em}"
    "tr.bad td{background:#fde8e8}code{font-size:.9em}"
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _row(r: RecordedRequest) -> str:
    body = r.body if isinstance(r.body, dict) else {}
    when = datetime.fromtimestamp(r.received_at, tz=UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    answered = "…" if r.answered_status is None else str(r.answered_status)
    notes = [] if r.auth_valid else ["bad key" if r.auth_present else "no key"]
    notes += [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in r.errors]
    if r.rule is not None:
        notes.append(f"scripted {r.rule.status}")
    cells = [
        str(r.seq),
        when,
        r.booking_id,
        body.get("status"),
        body.get("tables"),
        body.get("checks"),
        answered,
        "; ".join(notes),
    ]
    css = "" if (r.answered_status or 0) < 300 else ' class="bad"'
    return f"<tr{css}>" + "".join(f"<td>{html.escape(_text(c))}</td>" for c in cells) + "</tr>"


def render_requests_page(requests: list[RecordedRequest], rules: list[Rule], delay_ms: int) -> str:
    head = ["#", "received (UTC)", "bookingId", "status", "tables", "checks", "answered", "notes"]
    rows = "".join(_row(r) for r in reversed(requests)) or f'<tr><td colspan="{len(head)}">nothing yet</td></tr>'
    pending = (
        ", ".join(
            html.escape(f"{r.status}×{r.count}" + (f" for {r.booking_id}" if r.booking_id else "")) for r in rules
        )
        or "none"
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">'
        f"<title>fake Mozrest</title><style>{_STYLE}</style></head><body>"
        f"<h1>fake Mozrest: POST /rms</h1><p>{len(requests)} request(s). Pending rules: {pending}. "
        f"Latency: {delay_ms} ms. Control API under <code>/_control</code>.</p>"
        "<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>"
    )
