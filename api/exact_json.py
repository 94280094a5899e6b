"""Request bodies parsed exactly: JSON numbers with a fraction become Decimal (never float), NaN/Infinity and
duplicate keys are refused, and pydantic validates strictly. Errors are the usual 422 with field paths."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class _Rejected(ValueError):
    pass


def _no_constants(name: str) -> Any:
    raise _Rejected(f"{name} is not a number in JSON")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise _Rejected(f"duplicate key {duplicate!r}")
    return obj


def _invalid(message: str) -> RequestValidationError:
    return RequestValidationError([{"type": "json_invalid", "loc": ("body",), "msg": message, "input": None}])


def parse_exact(raw: bytes) -> Any:
    try:
        return json.loads(
            raw, parse_float=Decimal, parse_constant=_no_constants, object_pairs_hook=_no_duplicate_keys
        )
    except _Rejected as exc:
        raise _invalid(f"JSON decode error: {exc}") from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, absurd nesting
        raise _invalid(f"JSON decode error: {type(exc).__name__}") from None


def exact_body(model: type[M]):
    """A dependency that yields `model` validated strictly from the exact JSON body."""

    async def parse(request: Request) -> M:
        data = parse_exact(await request.body())
        try:
            return model.model_validate(data, strict=True)
        except ValidationError as exc:
            errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
            raise RequestValidationError(errors) from None

    return parse


def body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """openapi_extra documenting the body that exact_body parses (FastAPI cannot see it through a dependency)."""
    schema = model.model_json_schema(by_alias=True)
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:  # "#/$defs/X" would point at the OpenAPI document's root: inline instead
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].rsplit("/", 1)[1]])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return {"requestBody": {"required": True, "content": {"application/json": {"schema": inline(schema)}}}}
