"""Every endpoint (enumerated from the app, so a new one is covered the day it is added) × no token, wrong
tokens and the other role's token: 401 with `WWW-Authenticate: Bearer`, or 403, before anything else
(validation, 404) runs. The role table (conftest.py) is the specification; an endpoint missing from it is
RMS-only, so a new endpoint that forgets auth, or admits Mozrest by mistake, fails here."""

from __future__ import annotations

import re

import httpx

from config import Settings
from tests.security.conftest import (
    MOZREST_MAY,
    LogCapture,
    Seeded,
    all_operations,
    allowed_roles,
    fast_client,
    secret,
    tokens,
)
from tests.support import ApiServer


def fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x"), path)


def bad_credentials(settings: Settings) -> dict[str, dict[str, str]]:
    rms = secret(settings.rms_api_token)
    return {
        "no token": {},
        "wrong token": {"Authorization": "Bearer not-a-real-token-0123456789"},
        "blank token": {"Authorization": "Bearer    ."},
        "bearer only": {"Authorization": "Bearer"},
        "right token, Basic scheme": {"Authorization": f"Basic {rms}"},
        "right token, no scheme": {"Authorization": rms},
        "token with a suffix": {"Authorization": f"Bearer {rms}x"},
        "token prefix": {"Authorization": f"Bearer {rms[:-1]}"},
        "both tokens": {"Authorization": f"Bearer {rms} {secret(settings.mozrest_webhook_token)}"},
        "token in another header": {"X-Api-Key": rms, "Cookie": f"token={rms}"},
    }


async def _send(client: httpx.AsyncClient, method: str, url: str, headers: dict[str, str], body: str) -> httpx.Response:
    content = body if method in ("POST", "PUT", "PATCH") else None
    return await client.request(method, url, headers={"Content-Type": "application/json", **headers}, content=content)


def _id_sets(seeded: Seeded) -> list[dict[str, str]]:
    """Existing ids (so a missing auth check would answer 2xx/422) and unknown ones (no 404 before auth)."""
    return [
        {"venueId": seeded.venue_id, "bookingId": seeded.booking_id, "checkNumber": seeded.check_number},
        {"venueId": "no-such-venue", "bookingId": "no-such-booking", "checkNumber": "no-such-check"},
    ]


async def test_the_matrix_covers_the_known_endpoints(api: ApiServer) -> None:
    ops = all_operations(api)
    assert MOZREST_MAY <= ops and len(ops) >= 12, sorted(ops)


async def _refusals(api: ApiServer, settings: Settings, seeded: Seeded, body: str) -> tuple[list[str], int]:
    """Send every endpoint bad credentials (expect 401 + challenge) and the other role's token (expect 403)."""
    role_tokens = {"rms": secret(settings.rms_api_token), "mozrest": secret(settings.mozrest_webhook_token)}
    failures, checked = [], 0
    async with fast_client(api) as client:
        for op in sorted(all_operations(api)):
            for ids in _id_sets(seeded):
                url = fill(op[1], ids)
                cases = [(name, headers, 401) for name, headers in bad_credentials(settings).items()]
                cases += [
                    (f"{role} token", {"Authorization": f"Bearer {role_tokens[role]}"}, 403)
                    for role in set(role_tokens) - allowed_roles(op)
                ]
                for name, headers, expected in cases:
                    r = await _send(client, op[0], url, headers, body)
                    checked += 1
                    challenge = r.headers.get("www-authenticate", "")
                    if r.status_code != expected or (expected == 401 and not challenge.startswith("Bearer")):
                        failures.append(f"{op[0]} {url} [{name}]: {r.status_code} {challenge!r} {r.text[:100]}")
                    if any(t in r.text for t in tokens(settings).values()):
                        failures.append(f"{op[0]} {url} [{name}]: the response echoes a token")
    return failures, checked


async def test_no_wrong_or_other_roles_token_is_refused(
    api: ApiServer, settings: Settings, seeded: Seeded, all_logs: LogCapture
) -> None:
    failures, checked = await _refusals(api, settings, seeded, body="{}")
    assert not failures, "\n".join(failures)
    ops = all_operations(api)
    assert checked == sum(2 * (len(bad_credentials(settings)) + 2 - len(allowed_roles(op))) for op in ops)
    assert not all_logs.leaks(list(tokens(settings).values()))


async def test_malformed_body_without_a_valid_token_is_still_refused(
    api: ApiServer, settings: Settings, seeded: Seeded
) -> None:
    """Auth comes before body parsing: a caller without the right token learns nothing from a JSON error."""
    failures, _ = await _refusals(api, settings, seeded, body="{not json")
    assert not failures, "\n".join(failures)


async def test_each_allowed_role_gets_past_auth(api: ApiServer, settings: Settings, seeded: Seeded) -> None:
    """The other half of the matrix: a right token is never refused (a valid-shaped but empty body may be 422)."""
    role_tokens = {"rms": secret(settings.rms_api_token), "mozrest": secret(settings.mozrest_webhook_token)}
    failures = []
    async with fast_client(api) as client:
        for op in sorted(all_operations(api)):
            for role in allowed_roles(op):
                url = fill(op[1], _id_sets(seeded)[0])
                r = await _send(client, op[0], url, {"Authorization": f"bearer  {role_tokens[role]}"}, "{}")
                if r.status_code in (401, 403) or r.status_code >= 500:
                    failures.append(f"{op[0]} {url} with the {role} token: {r.status_code} {r.text[:120]}")
    assert not failures, "\n".join(failures)
