"""``flask --app portal send-mail`` and ``send-reminders``: the mail worker for cron.

Both run outside any request and commit their own work; on PostgreSQL each takes an
advisory lock, so the same command started on two servers at once runs on one
(:mod:`portal.ops.job_lock`). A crontab could read::

    * * * * *   flask --app portal send-mail
    */15 * * * * flask --app portal send-reminders
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..dossiers.mail import DEFAULT_REMINDER_DAYS, send_invitation_reminders
from ..extensions import db
from ..ops.job_lock import once_across_servers
from ..timeutil import utcnow
from .links import manage_url
from .outbox import deliver_due
from .reminders import send_reminders


def register(app: Flask) -> None:
    """Add the mail commands to the ``flask`` command line of ``app``."""
    app.cli.add_command(send_mail_command)
    app.cli.add_command(send_reminders_command)


def _echo_report(report) -> None:
    click.echo(f"Mails sent: {report.sent}, to retry: {report.retried}, failed: {report.failed}.")


@click.command("send-mail")
@click.option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(min=1),
    help="Send at most this many mails in this run.",
)
@with_appcontext
@once_across_servers("send-mail")
def send_mail_command(limit: int) -> None:
    """Deliver the mails that are due from the outbox (retries included)."""
    report = deliver_due(db.session, current_app.config, utcnow(), limit=limit)
    _echo_report(report)


@click.command("send-reminders")
@click.option(
    "--hours-before",
    type=click.IntRange(min=1),
    default=None,
    help="Remind this many hours ahead (default: REMINDER_HOURS_BEFORE).",
)
@click.option(
    "--limit",
    default=200,
    show_default=True,
    type=click.IntRange(min=1),
    help="Deliver at most this many mails afterwards.",
)
@with_appcontext
@once_across_servers("send-reminders")
def send_reminders_command(hours_before: int | None, limit: int) -> None:
    """Queue the reminders of the coming visits and of the invitations about to run out
    (``INVITATION_REMINDER_DAYS`` before the window closes), commit, then deliver due mails."""
    config = current_app.config
    hours = hours_before or int(config["REMINDER_HOURS_BEFORE"])
    queued = send_reminders(
        db.session,
        utcnow(),
        hours_before=hours,
        manage_url_for=lambda appointment: manage_url(config, appointment),
    )
    db.session.commit()
    click.echo(f"Reminders queued: {queued}.")
    days = int(config.get("INVITATION_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))
    invitations = send_invitation_reminders(db.session, utcnow(), days_before=days)
    db.session.commit()
    click.echo(f"Invitation reminders queued: {invitations}.")
    _echo_report(deliver_due(db.session, config, utcnow(), limit=limit))
