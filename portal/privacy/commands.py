"""``flask --app portal erase-person``: a person's erasure from a shell, as on the
administrators' page (:mod:`portal.privacy.pages`), audited without the data it erased."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..booking.settings import BookingSettings
from ..extensions import db
from ..models import AuditAction
from ..staff.audit import record
from ..timeutil import utcnow
from .person import PersonQuery, erase_person, find_person


def register(app: Flask) -> None:
    """Add the command to the ``flask`` command line."""
    app.cli.add_command(erase_person_command)


def _counts_line(counts: dict[str, int]) -> str:
    """What was found, in one line."""
    return ", ".join(f"{count} {name}" for name, count in counts.items())


@click.command("erase-person")
@click.option("--email", default="", help="The person's e-mail address.")
@click.option("--phone", default="", help="The person's phone number.")
@click.option("--yes", is_flag=True, help="Erase without asking for confirmation.")
@with_appcontext
def erase_person_command(email: str, phone: str, yes: bool) -> None:
    """Erase everything the portal holds about a person (GDPR article 17): coming visits
    are cancelled, every visit keeps only its time, services and outcome, dossiers lose
    details and notes, mails to them are deleted."""
    query = PersonQuery(email, phone)
    if not query.usable:
        raise click.UsageError("Give --email with a full address or --phone with 6+ digits.")
    data = find_person(db.session, query)
    click.echo(f"Found: {_counts_line(data.counts)}.")
    if data.empty:
        return
    if not yes and not click.confirm("Erase all of it? This cannot be undone", default=False):
        click.echo("Nothing erased.")
        return
    settings = BookingSettings.from_config(current_app.config)
    report = erase_person(db.session, data, utcnow(), settings)
    record(
        db.session,
        None,
        AuditAction.CHANGE,
        "person.erase",
        detail={**report.as_detail(), "via": "command"},
        now=utcnow(),
    )
    db.session.commit()
    click.echo(f"Erased: {_counts_line(report.as_detail())}.")
