"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator

from ..timeutil import as_utc

# Ids are 32-bit integers in the database; a larger number (from a URL) names no row.
MAX_ID = 2**31 - 1


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime column that refuses naive values.

    PostgreSQL keeps ``timestamptz``; SQLite has no zones, so the value is written as naive
    UTC and made aware again on the way back. Either way Python only ever sees aware UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store aware UTC; raise on a naive datetime rather than guess its zone."""
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected an aware datetime, got {type(value).__name__}")
        utc = as_utc(value)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value, dialect):
        """Hand back aware UTC, whatever the database returned."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(enum_class: type[StrEnum], name: str) -> Enum:
    """A portable enum column: a VARCHAR with a CHECK constraint on its values."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
