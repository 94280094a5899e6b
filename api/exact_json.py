"""Request bodies parsed exactly: JSON numbers with a fraction become Decimal (never float), NaN/Infinity and
duplicate keys and text PostgreSQL cannot store (NUL, lone surrogates) are refused, naming their path, and pydantic
validates strictly. Errors are the usual 422 with
field paths."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class _Refused:
    """A value the parser refused (NaN/Infinity, the repeat of a key), left in place so the error can name its path:
    json.loads' hooks do not know where they are."""

    def __init__(self, message: str) -> None:
        self.message = message


# Text PostgreSQL cannot store (NUL) or UTF-8 cannot encode (lone surrogates) can only arrive as \u escapes.
_UNSTORABLE_ESCAPE = re.compile(rb"\\u(0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def _problem(value: Any) -> str | None:
    if isinstance(value, _Refused):
        return value.message
    if isinstance(value, str):
        if "\x00" in value:
            return "text must not contain NUL characters"
        try:
            value.encode()
        except UnicodeEncodeError:
            return "text must not contain lone surrogates"
    return None


def _find_problem(node: Any, path: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], str] | None:
    problem = _problem(node)
    if problem is not None:
        return path, problem
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        found = _find_problem(key, path) if isinstance(key, str) else None  # a bad key: point at its object
        found = found or _find_problem(child, (*path, key))
        if found is not None:
            return found
    return None


def _invalid(message: str, loc: tuple[Any, ...] = ()) -> RequestValidationError:
    return RequestValidationError([{"type": "json_invalid", "loc": ("body", *loc), "msg": message, "input": None}])


def parse_exact(raw: bytes) -> Any:
    refused = False

    def constant(name: str) -> _Refused:
        nonlocal refused
        refused = True
        return _Refused(f"{name} is not a number in JSON")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal refused
        obj = dict(items)
        if len(obj) != len(items):
            refused = True
            seen: set[str] = set()
            duplicate = next(k for k, _ in items if k in seen or seen.add(k))  # type: ignore[func-returns-value]
            obj[duplicate] = _Refused(f"duplicate key {duplicate!r}")
        return obj

    try:
        data = json.loads(raw, parse_float=Decimal, parse_constant=constant, object_pairs_hook=pairs)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, absurd nesting
        raise _invalid(f"JSON decode error: {type(exc).__name__}") from None
    if refused or _UNSTORABLE_ESCAPE.search(raw):  # rare: only then walk the document to say where
        try:
            found = _find_problem(data)
        except RecursionError:
            found = ((), "document nested too deeply")
        if found is not None:
            raise _invalid(f"JSON decode error: {found[1]}", found[0])
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
