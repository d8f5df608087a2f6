"""Periodic jobs run once at a time across every server: a PostgreSQL advisory lock.

Each server of a city may run the same systemd timers (``send-mail`` every minute,
``send-reminders``, ``purge``). The work itself is already safe to overlap — the outbox
leases each mail, a reminder is claimed by a conditional UPDATE — but two servers doing it
at once only compete. :func:`job_lock` takes ``pg_try_advisory_lock`` on a connection of
its own for the job's whole run: the second server's run finds it taken, logs a line and
skips. The lock belongs to the connection's session, so a crashed job releases it when
its connection closes. SQLite has no such lock and needs none (one machine): there the
lock is always granted.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from sqlalchemy import text
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)


def lock_key(job: str) -> int:
    """The advisory lock's number for ``job``: a signed 64-bit integer stable across
    processes and releases (never Python's salted ``hash``)."""
    digest = hashlib.sha256(f"stadhuis-portal:{job}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def job_lock(engine: Engine, job: str) -> Iterator[bool]:
    """Hold the lock of ``job`` while the block runs; yields whether it was granted.

    PostgreSQL: a non-blocking ``pg_try_advisory_lock`` on a dedicated connection, released
    (and the connection returned) when the block ends. Other databases: always True.
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = lock_key(job)
    with engine.connect() as connection:
        granted = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
        connection.commit()  # the lock is the session's: no transaction stays open meanwhile
        try:
            yield granted
        finally:
            if granted:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()


def once_across_servers(job: str) -> Callable:
    """Decorate a ``flask`` command's function so that it runs only when no other process
    runs ``job`` at the same moment; otherwise it says so and exits successfully (a timer
    must not report a failure for a run that was simply not needed)."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def guarded(*args, **kwargs):
            from ..extensions import db

            with job_lock(db.engine, job) as granted:
                if not granted:
                    logger.info("%s: already running elsewhere; this run skipped", job)
                    click.echo(f"{job}: already running on another server or process; skipped.")
                    return None
                return function(*args, **kwargs)

        return guarded

    return decorate
