"""``flask --app portal …`` commands of the portal."""

from __future__ import annotations

from datetime import date, time

import click
from flask import Flask
from sqlalchemy import select

from .extensions import db
from .models import Team
from .ops.job_lock import once_across_servers
from .timeutil import local_datetime, local_today, utcnow


def register_commands(app: Flask) -> None:
    """Add the portal's commands to the ``flask`` command line."""
    app.cli.add_command(demo_command)
    app.cli.add_command(purge_command)
    from .notifications.commands import register as register_mail_commands

    register_mail_commands(app)
    from .staff.commands import register as register_account_commands

    register_account_commands(app)
    from .privacy.commands import register as register_privacy_commands

    register_privacy_commands(app)
    from .statistics.commands import register as register_statistics_commands

    register_statistics_commands(app)


@click.command("demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Only load when the database holds no teams yet (what `make run` uses).",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Pretend today is this date (YYYY-MM-DD); default: today in Brussels.",
)
def demo_command(if_empty: bool, today) -> None:
    """Load the city's demo data: four teams, 42 staff, the opening hours, services,
    eight weeks of counter shifts, a share of booked visits, the teams' dossiers, and the
    year before with its shifts, visits and first free times (for the statistics)."""
    from .demo import load_demo

    if db.session.scalar(select(Team.id).limit(1)) is not None:
        if if_empty:
            click.echo("The database already holds data; demo data not loaded.")
            return
        raise click.ClickException("The database is not empty: load the demo into a new one.")
    now = utcnow()
    day: date = today.date() if today else local_today(now)
    summary = load_demo(db.session, day, now)
    db.session.commit()
    click.echo(
        f"Loaded {summary.teams} teams, {summary.staff} staff, {summary.services} services, "
        f"{summary.counter_shifts} counter shifts, {summary.appointments} visits "
        f"and {summary.dossiers} dossiers ({summary.first_day} to {summary.last_day})."
    )
    past = summary.history
    if past is not None:
        click.echo(
            f"The year before: {past.counter_shifts} counter shifts, {past.visits.visits} "
            f"visits ({past.visits.anonymised} anonymised as the purge leaves them) and "
            f"{past.first_free_records} first-free records ({past.first_day} to "
            f"{past.last_day})."
        )
    # The settled days summed up at once, as the nightly timer would, so the statistics
    # page reads the demo's year fast from the start.
    from .booking.settings import BookingSettings
    from .statistics.rollup import roll_up

    days = roll_up(db.session, local_datetime(day, time(12)), BookingSettings.current().grid)
    db.session.commit()
    click.echo(f"Statistics: {days} settled days rolled up.")


@click.command("purge")
@once_across_servers("purge")
def purge_command() -> None:
    """Forget what is no longer needed: run-out holds, the contact details of visits that
    ended longer ago than PORTAL_RETENTION_DAYS, and the personal data and notes of
    dossiers closed longer ago than PORTAL_DOSSIER_RETENTION_DAYS, and the staff's
    password links a week after they ran out. Safe to run daily from cron."""
    from datetime import timedelta

    from flask import current_app

    from .booking.retention import purge

    retention = timedelta(days=int(current_app.config["RETENTION_DAYS"]))
    dossier_retention = timedelta(days=int(current_app.config["DOSSIER_RETENTION_DAYS"]))
    report = purge(db.session, utcnow(), retention=retention, dossier_retention=dossier_retention)
    db.session.commit()
    click.echo(
        f"Removed {report.holds} holds, {report.mails} mails and {report.challenges} spent "
        f"puzzles and {report.password_links} password links; anonymised {report.visits} "
        f"visits and {report.dossiers} closed dossiers."
    )
