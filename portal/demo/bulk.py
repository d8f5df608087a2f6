"""Quick bulk inserts for the demo's past year (:mod:`portal.demo.history`): tens of
thousands of visits, claims and shifts.

SQLAlchemy's ``insert()`` runs every value through its column type one at a time, which
for a year of visits costs seconds in ``flask demo`` and in every test session. Here the
values are made ready for the database once per column instead: the dates and times as
the portal's column types store them (:class:`portal.models.base.UTCDateTime`: aware UTC
on PostgreSQL, naive UTC text on SQLite, in SQLAlchemy's format) and the scalar defaults
of columns a row leaves out; then one ``executemany`` per set of columns, through the
session's connection and so with its events (the cache generations) as for any write.

``tests/unit/test_demo_bulk.py`` checks that the stored text is what the column types
would have written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import Date, Table
from sqlalchemy.orm import Session

from ..cache_days import NO_FREE_TIME_CHANGE
from ..models.base import UTCDateTime
from ..timeutil import as_utc


def insert_rows(session: Session, target: Table, rows: Sequence[dict]) -> None:
    """Insert ``rows`` (column name → value; a missing or None value is NULL, or the
    column's scalar default) into ``target``: rows of the past, which change no free time."""
    groups: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for row in rows:
        groups[tuple(row)].append(row)
    for names, group in groups.items():
        values = zip(*(row.values() for row in group), strict=True)
        insert_columns(session, target, dict(zip(names, values, strict=True)))


def insert_columns(session: Session, target: Table, columns: dict[str, Sequence]) -> None:
    """Insert the rows whose values ``columns`` holds column by column (name → the values,
    as many for each), as :func:`insert_rows` does; quicker for many narrow rows."""
    connection = session.connection()
    dialect = connection.dialect
    count = len(next(iter(columns.values()), ()))
    if not count:
        return
    values = []
    for name, column_values in columns.items():
        to_db = _converter(target.columns[name].type, dialect.name)
        values.append(column_values if to_db is None else list(map(to_db, column_values)))
    defaults = {
        col.name: col.default.arg
        for col in target.columns
        if col.default is not None and col.default.is_scalar and col.name not in columns
    }
    values += [(value,) * count for value in defaults.values()]
    listed = (*columns, *defaults)
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    statement = (
        f"INSERT INTO {quote(target.name)} ({', '.join(map(quote, listed))}) "  # noqa: S608 - the table's own names
        f"VALUES ({', '.join([marker] * len(listed))})"
    )
    connection.exec_driver_sql(
        statement, list(zip(*values, strict=True)), execution_options=NO_FREE_TIME_CHANGE
    )


def _converter(kind, dialect: str) -> Callable | None:
    """How a value of a column of type ``kind`` goes to ``dialect``; None: as it is."""
    if dialect != "sqlite":
        return None
    if isinstance(kind, UTCDateTime):
        return sqlite_datetime
    if isinstance(kind, Date):
        return sqlite_date
    return None


def sqlite_datetime(value: datetime | None) -> str | None:
    """An aware datetime as :class:`UTCDateTime` stores it on SQLite: naive UTC text with
    microseconds (``2026-03-01 08:00:00.000000``)."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = as_utc(value)
    return value.isoformat(" ", "microseconds")[:26]


def sqlite_date(value: date | None) -> str | None:
    """A date as SQLAlchemy stores it on SQLite (``2026-03-01``)."""
    return None if value is None else value.isoformat()
