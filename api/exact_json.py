"""Request bodies parsed exactly: JSON numbers with a fraction become Decimal (never float), NaN/Infinity and
duplicate keys are refused (naming their path), and pydantic validates strictly. Errors are the usual 422 with
field paths."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class _Refused(str):
    """A NaN/Infinity literal, or the first repeated key of an object: kept in place while parsing so that
    the error can name its path (json.loads' hooks do not know where they are)."""

    message: str


def _constant(name: str) -> _Refused:
    refused = _Refused(name)
    refused.message = f"{name} is not a number in JSON"
    return refused


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        refused = _Refused(duplicate)
        refused.message = f"duplicate key {duplicate!r}"
        obj[duplicate] = refused
    return obj


def _find_refused(node: Any, path: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], _Refused] | None:
    if isinstance(node, _Refused):
        return path, node
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        found = _find_refused(child, (*path, key))
        if found is not None:
            return found
    return None


def _invalid(message: str, loc: tuple[Any, ...] = ()) -> RequestValidationError:
    return RequestValidationError([{"type": "json_invalid", "loc": ("body", *loc), "msg": message, "input": None}])


def parse_exact(raw: bytes) -> Any:
    refused: list[bool] = []

    def constant(name: str) -> _Refused:
        refused.append(True)
        return _constant(name)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = _no_duplicate_keys(items)
        if len(obj) != len(items):
            refused.append(True)
        return obj

    try:
        data = json.loads(raw, parse_float=Decimal, parse_constant=constant, object_pairs_hook=pairs)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, absurd nesting
        raise _invalid(f"JSON decode error: {type(exc).__name__}") from None
    if refused:  # rare: only then walk the document to say where
        try:
            found = _find_refused(data)
        except RecursionError:
            found = None
        loc, value = found if found is not None else ((), None)
        raise _invalid(f"JSON decode error: {value.message if value is not None else 'refused value'}", loc)
    return data


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
