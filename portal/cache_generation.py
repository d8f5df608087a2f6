"""Cache generations: how every process learns, with one cheap read, that data it keeps in
memory changed in the database — whichever process, server or command changed it.

Two kinds of data are kept in memory (see :mod:`portal.availability_cache` and
:mod:`portal.page_cache`):

* ``calendar`` — what rarely changes: opening hours, closures, services and their texts,
  teams, who may handle a service, staff and their languages;
* ``bookings`` — what changes all day: visits, holds, shifts, absences.

Every transaction that writes one of those tables sets a new random value in one random
shard of the kind's rows of ``cache_generation``, in the same transaction, just before its
commit — so the new value is visible exactly when the change is. A reader reads the sum of
the shards of each kind (:func:`read_generations`, one query) *before* it reads the data it
caches; a cache entry made under other generations is not used. Random values (not a
counter) stay different even when a test empties every table; random shards keep two
concurrent bookings on PostgreSQL from waiting on one row (each holds its shard's row lock
only for its own commit).

The writes are seen on the connection (every INSERT, UPDATE and DELETE statement, ORM or
not, bulk or not), not in the ORM, so no write path can forget to bump. Rolled-back
transactions bump nothing; a statement rolled back to a savepoint still bumps (harmless:
one recomputation).

Writes to the bookings' tables whose local days are known (every ORM flush of visits,
holds, shifts and absences, and plain SQL that names its days — :mod:`portal.cache_days`)
bump a generation per day (kind ``day:YYYY-MM-DD``, a few shards each) and the ``days``
generation instead of the ``bookings`` one, so that a kept month recomputes only the days
that changed (``days`` says that some day did; readers read the days from yesterday on).
A bookings write that names no days bumps ``bookings``: everything is recomputed.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, scoped_session

from .cache_days import CACHE_DAYS, flush_days
from .models.cache import CacheGeneration
from .timeutil import local_today, utcnow

CALENDAR = "calendar"
BOOKINGS = "bookings"
DAYS = "days"

# Table → the kind of cached data its rows feed.
WATCHED_TABLES: dict[str, str] = {
    "opening_schedule": CALENDAR,
    "opening_block": CALENDAR,
    "closure": CALENDAR,
    "service": CALENDAR,
    "service_text": CALENDAR,
    "staff_service": CALENDAR,
    "staff_member": CALENDAR,
    "staff_language": CALENDAR,
    "team": CALENDAR,
    "appointment": BOOKINGS,
    "appointment_service": BOOKINGS,
    "hold": BOOKINGS,
    "shift": BOOKINGS,
    "absence": BOOKINGS,
}
SHARDS = 32
# A day's generation: fewer shards (many rows already: one kind per day).
DAY_PREFIX = "day:"
DAY_SHARDS = 4
# Below 2**48, so that the sum of SHARDS values fits a signed 64-bit integer.
VALUE_LIMIT = 2**48

_WRITE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.IGNORECASE
)
_READ = (
    "SELECT kind, SUM(value) FROM cache_generation "
    "WHERE kind IN ('calendar', 'bookings', 'days') OR kind >= '{since}' GROUP BY kind"
)
_TOUCHED = "portal.cache_touched"
_FLUSH_PLACED = "portal.cache_flush_placed"
_REQUEST_KEY = "portal.cache_generations"
_TABLE_SEEN = "portal.cache_table_seen"
_EXISTS = {
    "sqlite": "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cache_generation'",
    "postgresql": "SELECT to_regclass('cache_generation') IS NOT NULL",
}


def kind_written(statement: str) -> str | None:
    """The kind of cached data ``statement`` changes, or None (a read, another table)."""
    head = statement[:7].lstrip().upper()
    if not head.startswith(("INSERT", "UPDATE", "DELETE")):
        return None
    match = _WRITE.match(statement)
    return WATCHED_TABLES.get(match.group(1).lower()) if match else None


def day_kind(day: date) -> str:
    """The generation kind of one local date's bookings."""
    return DAY_PREFIX + day.isoformat()


def _note_days(touched: set[str], days) -> None:
    """Add ``days`` (and, when there are any, the ``days`` kind) to ``touched``."""
    if days:
        touched.add(DAYS)
        touched.update(day_kind(day) for day in days)


def _note_write(conn: Connection, _cursor, statement: str, _parameters, context, *_args) -> None:
    """Remember on the connection which kinds (or days) this transaction changes."""
    kind = kind_written(statement)
    if kind is None:
        return
    touched = conn.info.setdefault(_TOUCHED, set())
    if kind == BOOKINGS:
        days = context.execution_options.get(CACHE_DAYS) if context is not None else None
        if days is not None:
            _note_days(touched, days)
            return
        if conn.info.get(_FLUSH_PLACED):
            return  # an ORM flush whose days were noted before it began
    touched.add(kind)


def _note_flush_days(session: Session, _context, _instances) -> None:
    """Before a flush: note the local days its bookings rows touch, and that its writes
    to those tables are placed (when every one of them could be)."""
    days = flush_days(session)
    if days is None:
        return
    conn = session.connection()
    _note_days(conn.info.setdefault(_TOUCHED, set()), days)
    conn.info[_FLUSH_PLACED] = True


def _end_flush(session: Session, _context) -> None:
    """After a flush: later plain writes are judged on their own again."""
    if session.in_transaction():
        session.connection().info.pop(_FLUSH_PLACED, None)


def _table_exists(conn: Connection, cursor) -> bool:
    """Whether the database has ``cache_generation`` yet (not before its migration)."""
    if conn.info.get(_TABLE_SEEN):
        return True
    cursor.execute(_EXISTS.get(conn.dialect.name, _EXISTS["postgresql"]))
    row = cursor.fetchone()
    conn.info[_TABLE_SEEN] = bool(row and row[0])
    return conn.info[_TABLE_SEEN]


def _bump_before_commit(conn: Connection) -> None:
    """Set a new value in one shard of every kind this transaction changed, in it."""
    kinds = conn.info.pop(_TOUCHED, None)
    if not kinds:
        return
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if not _table_exists(conn, cursor):
            return
        for kind in sorted(kinds):
            shards = DAY_SHARDS if kind.startswith(DAY_PREFIX) else SHARDS
            shard, value = secrets.randbelow(shards), secrets.randbelow(VALUE_LIMIT)
            # Only our own constants and integers go into the statement.
            cursor.execute(
                "INSERT INTO cache_generation (kind, shard, value) "  # noqa: S608
                f"VALUES ('{kind}', {shard}, {value}) "
                "ON CONFLICT (kind, shard) DO UPDATE SET value = excluded.value"
            )
    finally:
        cursor.close()


def _forget_writes(conn: Connection) -> None:
    """A rolled-back transaction changed nothing."""
    conn.info.pop(_TOUCHED, None)
    conn.info.pop(_FLUSH_PLACED, None)


def install(engine: Engine) -> None:
    """Watch ``engine``'s writes and bump the generations in their transactions."""
    if event.contains(engine, "after_cursor_execute", _note_write):
        return
    event.listen(engine, "after_cursor_execute", _note_write)
    event.listen(engine, "commit", _bump_before_commit)
    event.listen(engine, "rollback", _forget_writes)
    if not event.contains(Session, "before_flush", _note_flush_days):
        event.listen(Session, "before_flush", _note_flush_days)
        event.listen(Session, "after_flush", _end_flush)


def wrote_in_transaction(session: Session) -> bool:
    """Whether ``session`` has written (flushed or not) anything a cache keeps in its
    open transaction: then what is kept, which counts only committed data, is not what
    this transaction sees."""
    if session.new or session.dirty or session.deleted:
        return True
    if isinstance(session, scoped_session):
        session = session()
    return session.in_transaction() and bool(session.connection().info.get(_TOUCHED))


def forget_past_days(session: Session, today: date) -> int:
    """Delete the day generations of dates before yesterday (nobody reads them any
    more: :func:`read_generations` starts at yesterday); how many rows went."""
    since = day_kind(today - timedelta(days=1))
    return session.execute(
        delete(CacheGeneration).where(
            CacheGeneration.kind.startswith(DAY_PREFIX), CacheGeneration.kind < since
        )
    ).rowcount


@dataclass(frozen=True)
class Generations:
    """The generations as committed at one moment: ``calendar``, ``bookings``, ``placed``
    (the ``days`` kind: some day's bookings changed) and, per local date from ``since`` on
    that has any, the date's own."""

    calendar: int
    bookings: int
    placed: int = 0
    since: date = date.min
    days: tuple[tuple[date, int], ...] = ()

    def of_days(self, first: date, last: date) -> tuple[tuple[date, int], ...]:
        """The day generations of ``first``..``last`` (dates never written are absent)."""
        return tuple((day, value) for day, value in self.days if first <= day <= last)


def read_generations(session: Session) -> Generations:
    """The generations as committed now, in one query. Read them before the data a cache
    entry is made of."""
    since = local_today(utcnow()) - timedelta(days=1)
    statement = _READ.format(since=day_kind(since))
    rows = session.connection().exec_driver_sql(statement).all()
    sums = {kind: int(total) for kind, total in rows}
    days = tuple(
        sorted(
            (date.fromisoformat(kind.removeprefix(DAY_PREFIX)), total)
            for kind, total in sums.items()
            if kind.startswith(DAY_PREFIX)
        )
    )
    return Generations(sums.get(CALENDAR, 0), sums.get(BOOKINGS, 0), sums.get(DAYS, 0), since, days)


def request_generations() -> Generations:
    """The generations for the current request: read once, at its first use, so that
    every cache a page consults agrees on them (read anew outside a request).

    Kept in the WSGI environ, not in ``g``: a test that holds an app context shares one
    ``g`` between its requests, and each request must read the generations again."""
    from flask import has_request_context, request

    from .extensions import db

    if not has_request_context():
        return read_generations(db.session)
    environ = request.environ
    if _REQUEST_KEY not in environ:
        environ[_REQUEST_KEY] = read_generations(db.session)
    return environ[_REQUEST_KEY]


def init_app(app) -> None:
    """Watch the writes of every database engine of the Flask ``app``."""
    from .extensions import db

    with app.app_context():
        for engine in db.engines.values():
            install(engine)
