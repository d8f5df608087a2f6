"""The demo's bulk inserts (portal/demo/bulk.py) store dates and times exactly as the
portal's column types would: SQLite compares them as text, so one character off would
put a visit on the wrong side of every query."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import Date
from sqlalchemy.dialects import postgresql, sqlite

from portal.demo.bulk import _converter, sqlite_date, sqlite_datetime
from portal.models.base import UTCDateTime
from portal.timeutil import CITY_TZ, local_datetime

MOMENTS = [
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 7, 1, 9, 15, 30, 123456, tzinfo=UTC),
    local_datetime(date(2026, 10, 25), time(2, 30)),
    datetime(2026, 12, 7, 9, 0, tzinfo=CITY_TZ),
]


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_time_is_the_text_the_column_type_writes_on_sqlite(moment):
    processor = UTCDateTime()._cached_bind_processor(sqlite.dialect())
    assert sqlite_datetime(moment) == processor(moment)


def test_a_date_is_the_text_the_column_type_writes_on_sqlite():
    processor = Date()._cached_bind_processor(sqlite.dialect())
    assert sqlite_date(date(2026, 1, 5)) == processor(date(2026, 1, 5))
    assert sqlite_date(None) is None and sqlite_datetime(None) is None


def test_postgresql_takes_the_values_as_they_are():
    assert _converter(UTCDateTime(), postgresql.dialect().name) is None
    assert _converter(Date(), postgresql.dialect().name) is None
