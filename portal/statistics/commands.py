"""The statistics' nightly commands (cron or the systemd timers in ``deploy/``):

* ``flask --app portal record-first-free``: the day's distance to each service's first
  free time;
* ``flask --app portal roll-up-statistics [--again FROM TO]``: the settled days' visits
  summed up (:mod:`portal.statistics.rollup`), or some days summed up anew.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from ..booking.settings import BookingSettings
from ..extensions import db
from ..ops.job_lock import once_across_servers
from ..timeutil import utcnow
from .first_free import record_first_free
from .rollup import SETTLE_DAYS, roll_up, roll_up_again


def register(app: Flask) -> None:
    """Add the command to the ``flask`` command line."""
    app.cli.add_command(record_first_free_command)
    app.cli.add_command(roll_up_command)


@click.command("record-first-free")
@with_appcontext
@once_across_servers("record-first-free")
def record_first_free_command() -> None:
    """Record how many days ahead the first free time of every service lies today (a
    second run the same day replaces the day's figures)."""
    count = record_first_free(db.session, utcnow())
    db.session.commit()
    click.echo(f"Recorded the first free time of {count} services.")


@click.command("roll-up-statistics")
@click.option(
    "--again",
    nargs=2,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Sum the days FROM..TO up anew (after a correction to their visits).",
)
@with_appcontext
@once_across_servers("roll-up-statistics")
def roll_up_command(again) -> None:
    """Sum up the visits of every day that settled (more than a week ago) and is not
    rolled up yet, so the statistics page reads a few rows per day instead of every
    visit; the figures stay the same."""
    now = utcnow()
    if again:
        first, last = (moment.date() for moment in again)
        if first > last:
            raise click.BadParameter("FROM is after TO.", param_hint="--again")
        days = roll_up_again(db.session, first, last, now, BookingSettings.current().grid)
    else:
        days = roll_up(db.session, now, BookingSettings.current().grid)
    db.session.commit()
    click.echo(f"Rolled up {days} days (up to {SETTLE_DAYS} days ago).")
