"""``flask --app portal record-first-free``: the day's distance to each service's first
free time, for the statistics (daily, from cron or the systemd timer)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from ..extensions import db
from ..ops.job_lock import once_across_servers
from ..timeutil import utcnow
from .first_free import record_first_free


def register(app: Flask) -> None:
    """Add the command to the ``flask`` command line."""
    app.cli.add_command(record_first_free_command)


@click.command("record-first-free")
@with_appcontext
@once_across_servers("record-first-free")
def record_first_free_command() -> None:
    """Record how many days ahead the first free time of every service lies today (a
    second run the same day replaces the day's figures)."""
    count = record_first_free(db.session, utcnow())
    db.session.commit()
    click.echo(f"Recorded the first free time of {count} services.")
