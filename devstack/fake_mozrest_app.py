"""The ASGI app of the fake Mozrest (see devstack/fake_mozrest.py for the runner and the CLI).

Used by the tests (in-process, `FakeMozrest`) and by the dev runner (`python -m devstack.fake_mozrest`).
It records every request, validates the body strictly against spec section 3.1, and can be scripted to fail:

    POST   /_control/rules      [{"status": 503, "count": 3, "retry_after": 2, "delay_ms": 0,
                                  "body": null, "booking_id": null}, ...]   (a single object is accepted too)
    GET    /_control/rules      the pending rules
    POST   /_control/latency    {"delay_ms": 50}   (added to every /rms answer)
    GET    /_control/requests   the request log, oldest first (?bookingId= filters)
    DELETE /_control/requests   reset: clears the log, the rules and the latency
    GET    /_control/health     {"status": "ok"}
    GET    /                    an HTML table of what was received

Rules apply, in order, to requests with a valid API key (before shape validation, like a real outage would);
the first rule whose booking_id is null or equals the request's bookingId answers it and loses one use.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from devstack.fake_mozrest_html import render_requests_page
from devstack.fake_mozrest_models import FakeMozrestState, RecordedRequest, Rule, parse_body, validate_booking

# The CLI configures this logger; in-process (tests) it stays quiet unless the test runner enables INFO.
logger = logging.getLogger("devstack.fake_mozrest")


class Latency(BaseModel):
    model_config = ConfigDict(extra="forbid")
    delay_ms: int = Field(ge=0, le=120_000)


def _bearer_ok(header: str | None, api_key: str) -> bool:
    scheme, _, token = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), api_key.encode())


def _errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]


def _scripted_response(rule: Rule) -> Response:
    headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else {}
    if rule.status in (204, 304):
        return Response(status_code=rule.status, headers=headers)
    if rule.body is None:
        body: Any = {"status": "ok"} if rule.status < 300 else {"detail": f"fake Mozrest: scripted {rule.status}"}
        return JSONResponse(body, status_code=rule.status, headers=headers)
    _, _, error = parse_body(rule.body.encode())
    media_type = "text/plain" if error else "application/json"
    return Response(rule.body, status_code=rule.status, headers=headers, media_type=media_type)


def create_fake_mozrest_app(api_key: str) -> Starlette:
    """An ASGI app with its own in-memory state, reachable as `app.state.fake` (a FakeMozrestState)."""
    if not api_key:
        raise ValueError("api_key must not be empty")
    state = FakeMozrestState()

    async def rms(request: Request) -> Response:
        auth_header = request.headers.get("authorization")
        content_type = request.headers.get("content-type")
        record = RecordedRequest(
            seq=state.next_seq(),
            received_at=time.time(),
            auth_present=auth_header is not None,
            auth_valid=_bearer_ok(auth_header, api_key),
            content_type=content_type,
            headers={k: v for k, v in request.headers.items() if k not in ("authorization", "cookie")},
        )
        state.log.append(record)  # recorded on arrival, so the log is in the order requests came in
        raw = await request.body()
        plain, exact, json_error = parse_body(raw)
        if json_error:
            record.body_text = raw[:4096].decode("utf-8", "replace")
            record.errors = [{"loc": ["body"], "msg": json_error, "type": "json_invalid"}]
        else:
            record.body = plain
            record.booking, record.errors = validate_booking(exact)
            if isinstance(plain, dict) and isinstance(plain.get("bookingId"), str):
                record.booking_id = plain["bookingId"]
        if (content_type or "").split(";")[0].strip().lower() != "application/json":
            msg = "Content-Type must be application/json"
            record.errors.insert(0, {"loc": ["header", "content-type"], "msg": msg, "type": "content_type"})
        record.valid = not record.errors

        rule = state.take_rule(record.booking_id) if record.auth_valid else None
        record.rule = rule
        if not record.auth_valid:
            response: Response = JSONResponse(
                {"detail": "API key missing or invalid"}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        elif rule is not None:
            response = _scripted_response(rule)
        elif not record.valid:
            response = JSONResponse({"detail": record.errors}, status_code=400)
        else:
            response = JSONResponse({"status": "ok"})
        delay_ms = state.delay_ms + (rule.delay_ms if rule else 0)
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        record.answered_status, record.answered_at = response.status_code, time.time()
        # One short line, never guest data (contact, notes) nor the Authorization header.
        tag = "" if record.auth_valid else " (bad key)"
        tag += "" if record.valid else f" (invalid: {len(record.errors)} errors)"
        logger.info("POST /rms bookingId=%r -> %d%s", (record.booking_id or "")[:64], response.status_code, tag)
        return response

    async def add_rules(request: Request) -> Response:
        try:
            body = await request.json()
            state.add_rules(body if isinstance(body, list) else [body])
        except ValidationError as exc:
            return JSONResponse({"detail": _errors(exc)}, status_code=400)
        except ValueError as exc:
            return JSONResponse({"detail": f"body is not valid JSON: {exc}"}, status_code=400)
        return JSONResponse({"rules": [r.model_dump() for r in state.rules]})

    async def list_rules(request: Request) -> Response:
        return JSONResponse({"rules": [r.model_dump() for r in state.rules]})

    async def set_latency(request: Request) -> Response:
        try:
            state.delay_ms = Latency.model_validate_json(await request.body()).delay_ms
        except ValidationError as exc:
            return JSONResponse({"detail": _errors(exc)}, status_code=400)
        return JSONResponse({"delay_ms": state.delay_ms})

    async def list_requests(request: Request) -> Response:
        found = state.requests(request.query_params.get("bookingId"))
        return JSONResponse([r.model_dump(mode="json") for r in found])

    async def reset(request: Request) -> Response:
        state.reset()
        return JSONResponse({"status": "reset"})

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def page(request: Request) -> Response:
        return HTMLResponse(render_requests_page(state.requests(), state.rules, state.delay_ms))

    app = Starlette(
        routes=[
            Route("/rms", rms, methods=["POST"]),
            Route("/_control/rules", add_rules, methods=["POST"]),
            Route("/_control/rules", list_rules, methods=["GET"]),
            Route("/_control/latency", set_latency, methods=["POST"]),
            Route("/_control/requests", list_requests, methods=["GET"]),
            Route("/_control/requests", reset, methods=["DELETE"]),
            Route("/_control/health", health, methods=["GET"]),
            Route("/", page, methods=["GET"]),
        ]
    )
    app.state.fake = state
    return app
