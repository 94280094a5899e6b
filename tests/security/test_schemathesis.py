"""Schemathesis against the running API's own OpenAPI document: every operation, with each token.

With a token the operation admits: schema-valid and schema-invalid requests, half of them aimed at a seeded
venue/booking/check so handlers run past their 404. Never a 5xx; answers conform to the documented status
codes, content types and response schemas. With the other role's token: always 403, whatever the input.

Hypothesis runs in a thread (schemathesis's transport is synchronous) while the session's event loop keeps
serving the API and the worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config import Settings
from tests.pos_support import TABLE_A
from tests.security.conftest import FAST, Seeded, allowed_roles, fast_client, secret
from tests.support import ApiServer

CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# schemathesis's own strategies touch `random`, which hypothesis flags; not something this suite can change.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
EXAMPLES = {GenerationMode.POSITIVE: 30, GenerationMode.NEGATIVE: 20, "other role": 10}


def _settings(max_examples: int) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )


def _strategy(operation, mode: GenerationMode, seeded: Seeded) -> st.SearchStrategy:  # noqa: ANN001
    """Random ids, or the seeded venue/booking/check in the path and the body (and a table the venue has)."""

    def steer(case):  # noqa: ANN001, ANN202
        if isinstance(case.body, dict):
            known = {"venueId": seeded.venue_id, "bookingId": seeded.booking_id}
            body = {k: known.get(k, v) for k, v in case.body.items()}
            if isinstance(body.get("tables"), list):
                body["tables"] = [TABLE_A]
            case.body = body
        return case

    known = seeded.path_parameters(operation.path)
    generated = operation.as_strategy(mode)
    return st.one_of(generated, operation.as_strategy(mode, path_parameters=known or None).map(steer))


def _run(strategy: st.SearchStrategy, max_examples: int, call: Callable) -> None:
    @_settings(max_examples)
    @given(case=strategy)
    def fuzz(case) -> None:  # noqa: ANN001
        call(case)

    fuzz()


async def _fuzz(op, mode, strategy: st.SearchStrategy, max_examples: int, call: Callable) -> str | None:  # noqa: ANN001
    """Fuzz one operation; a failure (already shrunk by hypothesis) comes back as text, so every operation runs."""
    try:
        await asyncio.to_thread(_run, strategy, max_examples, call)
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported with the operation's name
        return f"{op.label} [{getattr(mode, 'value', mode)}]: {type(exc).__name__}: {str(exc)[:1500]}"
    return None


async def _operations(api: ApiServer) -> list:
    async with fast_client(api) as client:
        document = (await client.get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)
    return [result.ok() for result in schema.get_all_operations()]


def _modes(op) -> list[GenerationMode]:  # noqa: ANN001
    """Negative data needs something to break: a parameter or a body."""
    has_input = any(len(part) for part in (op.path_parameters, op.query, op.headers, op.body))
    return [GenerationMode.POSITIVE, GenerationMode.NEGATIVE] if has_input else [GenerationMode.POSITIVE]


def _op_ids(op) -> tuple[str, str]:  # noqa: ANN001
    return op.method.upper(), op.path


@pytest.mark.parametrize("role", ["rms", "mozrest"])
async def test_operations_admitting_the_token_never_fail_and_match_the_schema(
    api: ApiServer, settings: Settings, seeded: Seeded, role: str
) -> None:
    token = secret(settings.rms_api_token if role == "rms" else settings.mozrest_webhook_token)
    headers = {**FAST, "Authorization": f"Bearer {token}"}

    reached: set[str] = set()  # operations that answered past auth, validation and 404 at least once

    def call(case) -> None:  # noqa: ANN001
        response = case.call(base_url=api.url, headers=headers, timeout=30)
        if response.status_code < 300 or response.status_code == 409:
            reached.add(case.operation.label)
        case.validate_response(response, checks=CONFORMANCE, headers=headers)

    operations = [
        op for op in await _operations(api) if role in allowed_roles(_op_ids(op)) or op.path in ("/healthz", "/readyz")
    ]
    # Replacing the seeded venue's tables last keeps the table that steered bookings use.
    operations.sort(key=lambda op: op.label == "PUT /venue/{venueId}/tables")
    assert operations
    failures = [
        await _fuzz(op, mode, _strategy(op, mode, seeded), EXAMPLES[mode], call)
        for op in operations
        for mode in _modes(op)
    ]
    failures = [f for f in failures if f]
    assert not failures, "\n\n".join(failures)
    assert reached == {op.label for op in operations}, "never got past 404/422: " + str(
        {op.label for op in operations} - reached
    )


@pytest.mark.parametrize("role", ["rms", "mozrest"])
async def test_operations_refusing_the_token_always_answer_403(
    api: ApiServer, settings: Settings, seeded: Seeded, role: str
) -> None:
    token = secret(settings.rms_api_token if role == "rms" else settings.mozrest_webhook_token)
    headers = {**FAST, "Authorization": f"Bearer {token}"}

    def call(case) -> None:  # noqa: ANN001
        response = case.call(base_url=api.url, headers=headers, timeout=30)
        # With the bearer scheme in the schema, negative cases may send another Authorization header: that is a 401.
        sent = response.request.headers.get("authorization")
        expected = 403 if sent == headers["Authorization"] else 401
        assert response.status_code == expected, (case.method, case.formatted_path, response.status_code, response.text)

    operations = [
        op
        for op in await _operations(api)
        if role not in allowed_roles(_op_ids(op)) and op.path not in ("/healthz", "/readyz")
    ]
    assert operations
    failures = []
    for op in operations:
        mixed = st.one_of(*(_strategy(op, mode, seeded) for mode in _modes(op)))
        failures.append(await _fuzz(op, "mixed", mixed, EXAMPLES["other role"], call))
    failures = [f for f in failures if f]
    assert not failures, "\n\n".join(failures)
