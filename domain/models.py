"""Pydantic models shared by the API, the workflows and the activities.

This module must stay importable inside the Temporal workflow sandbox: no I/O, no psycopg, no httpx.
JSON field names are camelCase, as in Mozrest's spec; Python attribute names are snake_case.
"""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, RootModel, StringConstraints, model_validator
from pydantic.alias_generators import to_camel

# An identifier or label: 1-200 characters, not only white space.
NonBlank = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")]


class ApiModel(BaseModel):
    """camelCase on the wire, snake_case in Python; unknown fields are ignored (lenient, strictly typed)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


def _iana_timezone(name: str) -> str:
    # ZoneInfo alone also accepts file paths such as "../etc/x"; insist on a listed IANA name.
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA timezone {name!r}") from exc
    if name not in _known_timezones():
        raise ValueError(f"unknown IANA timezone {name!r}")
    return name


_TIMEZONES: set[str] = set()


def _known_timezones() -> set[str]:
    if not _TIMEZONES:
        _TIMEZONES.update(available_timezones())
    return _TIMEZONES


IanaTimezone = Annotated[str, AfterValidator(_iana_timezone)]


class VenueIn(ApiModel):
    name: NonBlank
    timezone: IanaTimezone

    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "Trattoria Roma", "timezone": "Europe/London"}]})


class Venue(ApiModel):
    venue_id: str
    name: str
    timezone: str


class VenueTable(ApiModel):
    id: NonBlank
    name: NonBlank


class VenueTableList(RootModel[list[VenueTable]]):
    """A venue's tables, in the RMS's order; ids are unique."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                [
                    {"id": "28c3ce8b-8c10-4a64-8099-f0dffcc549a8", "name": "001"},
                    {"id": "00f8c6da-3967-4e56-98b9-5ee063b05292", "name": "002"},
                ]
            ]
        }
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> VenueTableList:
        seen: set[str] = set()
        for table in self.root:
            if table.id in seen:
                raise ValueError(f"duplicate table id {table.id!r}")
            seen.add(table.id)
        return self
