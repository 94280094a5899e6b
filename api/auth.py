"""Bearer-token auth with two roles: Mozrest (webhooks, table reads) and the RMS (everything it owns).

Tokens are compared in constant time and never logged or echoed.
"""

from __future__ import annotations

import hmac
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from config import Settings


class Role(StrEnum):
    MOZREST = "mozrest"
    RMS = "rms"


_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def _role_of(settings: Settings, token: str) -> Role | None:
    presented = token.encode()
    found: Role | None = None
    # Compare against every role's token, always, so timing says nothing about which one nearly matched.
    for role, secret in ((Role.MOZREST, settings.mozrest_webhook_token), (Role.RMS, settings.rms_api_token)):
        if secret is not None and hmac.compare_digest(presented, secret.get_secret_value().encode()):
            found = role
    return found


# Declares the bearer scheme in the OpenAPI document; we do the checking ourselves (auto_error=False).
_bearer = HTTPBearer(auto_error=False, description="MOZREST_WEBHOOK_TOKEN or RMS_API_TOKEN")


async def authenticate(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Role:
    token = credentials.credentials.strip() if credentials is not None else ""
    if not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing or malformed bearer token", _UNAUTHORIZED)
    role = _role_of(request.app.state.settings, token)
    if role is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid bearer token", _UNAUTHORIZED)
    return role


def require(*allowed: Role):
    """A dependency that admits only the given roles: 401 for no/unknown token, 403 for another role's."""

    async def check(role: Annotated[Role, Depends(authenticate)]) -> Role:
        if role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this endpoint is not for the {role.value} token")
        return role

    return check


AUTH_RESPONSES = {
    401: {"description": "Missing, malformed or unknown bearer token"},
    403: {"description": "A valid token of the other role"},
}

MozrestAuth = Annotated[Role, Depends(require(Role.MOZREST))]
RmsAuth = Annotated[Role, Depends(require(Role.RMS))]
AnyAuth = Annotated[Role, Depends(require(Role.MOZREST, Role.RMS))]
