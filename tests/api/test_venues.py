"""Venues and tables over real HTTP: roles, replacement order, 404, 413, 422."""

from __future__ import annotations

import uuid

import httpx

from tests.support import ApiServer

TABLES = [
    {"id": "28c3ce8b-8c10-4a64-8099-f0dffcc549a8", "name": "001"},
    {"id": "00f8c6da-3967-4e56-98b9-5ee063b05292", "name": "002"},
]


async def _venue(rms: httpx.AsyncClient, venue_id: str) -> None:
    r = await rms.put(f"/venue/{venue_id}", json={"name": "Trattoria", "timezone": "Europe/London"})
    assert r.status_code == 200, r.text


async def test_put_venue_creates_then_updates(rms: httpx.AsyncClient, venue_id: str) -> None:
    r = await rms.put(f"/venue/{venue_id}", json={"name": "Trattoria", "timezone": "Europe/London"})
    assert r.status_code == 200
    assert r.json() == {"venueId": venue_id, "name": "Trattoria", "timezone": "Europe/London"}
    r = await rms.put(f"/venue/{venue_id}", json={"name": "Osteria", "timezone": "Europe/Rome", "extra": 1})
    assert r.json() == {"venueId": venue_id, "name": "Osteria", "timezone": "Europe/Rome"}


async def test_put_venue_rejects_unknown_timezone(rms: httpx.AsyncClient, venue_id: str) -> None:
    for tz in ("Mars/Olympus", "../../etc/passwd", ""):
        r = await rms.put(f"/venue/{venue_id}", json={"name": "X", "timezone": tz})
        assert r.status_code == 422, tz
        assert r.json()["detail"][0]["loc"] == ["body", "timezone"]


async def test_tables_round_trip_for_mozrest_in_rms_order(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await _venue(rms, venue_id)
    r = await rms.put(f"/venue/{venue_id}/tables", json=TABLES)
    assert r.status_code == 200 and r.json() == TABLES
    r = await mozrest.get(f"/venue/{venue_id}/tables")
    assert r.status_code == 200
    assert r.json() == TABLES  # exactly the spec's section 2 shape, in the RMS's order
    # The RMS token may read them too.
    assert (await rms.get(f"/venue/{venue_id}/tables")).json() == TABLES


async def test_tables_are_replaced_not_merged(rms: httpx.AsyncClient, venue_id: str) -> None:
    await _venue(rms, venue_id)
    await rms.put(f"/venue/{venue_id}/tables", json=TABLES)
    replacement = [{"id": "t9", "name": "Terrace 9"}, TABLES[1], {"id": "t1", "name": "Bar 1"}]
    assert (await rms.put(f"/venue/{venue_id}/tables", json=replacement)).status_code == 200
    assert (await rms.get(f"/venue/{venue_id}/tables")).json() == replacement
    assert (await rms.put(f"/venue/{venue_id}/tables", json=[])).json() == []
    r = await rms.get(f"/venue/{venue_id}/tables")
    assert r.status_code == 200 and r.json() == []


async def test_bad_table_lists_are_422_and_change_nothing(rms: httpx.AsyncClient, venue_id: str) -> None:
    await _venue(rms, venue_id)
    assert (await rms.put(f"/venue/{venue_id}/tables", json=TABLES)).status_code == 200
    bad_lists = {
        "duplicate id": [TABLES[0], {"id": TABLES[0]["id"], "name": "again"}],
        "empty id": [{"id": "", "name": "x"}],
        "blank name": [{"id": "a", "name": "   "}],
        "missing name": [{"id": "a"}],
        "not a list": {"id": "a", "name": "b"},
        "wrong type": [{"id": 5, "name": "b"}],
    }
    for why, body in bad_lists.items():
        r = await rms.put(f"/venue/{venue_id}/tables", json=body)
        assert r.status_code == 422, why
        assert r.json()["detail"][0]["loc"][0] == "body", why
    assert (await rms.get(f"/venue/{venue_id}/tables")).json() == TABLES


async def test_unknown_venue_is_404(rms: httpx.AsyncClient, mozrest: httpx.AsyncClient) -> None:
    ghost = f"ghost-{uuid.uuid4().hex}"
    assert (await mozrest.get(f"/venue/{ghost}/tables")).status_code == 404
    r = await rms.put(f"/venue/{ghost}/tables", json=TABLES)
    assert r.status_code == 404 and ghost in r.json()["detail"]


async def test_auth_missing_malformed_unknown_and_wrong_role(
    api: ApiServer, mozrest: httpx.AsyncClient, rms: httpx.AsyncClient, venue_id: str
) -> None:
    await _venue(rms, venue_id)
    async with api.client() as anonymous:
        for headers in (
            {},
            {"Authorization": "Basic abc"},
            {"Authorization": "Bearer"},
            {"Authorization": "Bearer nope"},
        ):
            r = await anonymous.get(f"/venue/{venue_id}/tables", headers=headers)
            assert r.status_code == 401, headers
            assert r.headers["www-authenticate"] == "Bearer"
            assert "nope" not in r.text
    # The Mozrest token may read tables but not write venues or tables.
    assert (await mozrest.put(f"/venue/{venue_id}", json={"name": "x", "timezone": "UTC"})).status_code == 403
    assert (await mozrest.put(f"/venue/{venue_id}/tables", json=TABLES)).status_code == 403


async def test_body_over_one_mib_is_413(rms: httpx.AsyncClient, venue_id: str) -> None:
    await _venue(rms, venue_id)
    big = [{"id": f"t{i}", "name": "x" * 100} for i in range(12_000)]  # ~1.4 MB of JSON
    r = await rms.put(f"/venue/{venue_id}/tables", json=big)
    assert r.status_code == 413

    # Chunked (no Content-Length) is measured too.
    async def chunks():
        yield b"[" + b" " * (1024 * 1024) + b"]"

    r = await rms.put(f"/venue/{venue_id}/tables", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


async def test_malformed_json_is_422(rms: httpx.AsyncClient, venue_id: str) -> None:
    await _venue(rms, venue_id)
    r = await rms.put(f"/venue/{venue_id}/tables", content=b"[{", headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "json_invalid"


async def test_health_and_readiness(api: ApiServer) -> None:
    async with api.client() as anonymous:
        assert (await anonymous.get("/healthz")).json() == {"status": "ok"}
        r = await anonymous.get("/readyz")
        assert r.status_code == 200
        assert r.json() == {"status": "ready", "postgres": "ok", "temporal": "ok"}
