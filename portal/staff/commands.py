"""``flask --app portal create-user``: make a staff account, or give a person a password."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from ..extensions import db
from ..models import StaffMember, StaffRole, Team
from .accounts import MIN_PASSWORD_LENGTH, find_by_email, set_password


def register(app: Flask) -> None:
    """Add the account commands to the ``flask`` command line."""
    app.cli.add_command(create_user_command)


@click.command("create-user")
@click.option("--email", required=True, help="The address the person signs in with.")
@click.option("--name", help="Full name (needed for a new person).")
@click.option("--team", "team_code", help="Team code, e.g. bevolking (needed for a new person).")
@click.option(
    "--role",
    type=click.Choice([role.value for role in StaffRole]),
    default=StaffRole.CLERK.value,
    show_default=True,
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help=f"At least {MIN_PASSWORD_LENGTH} characters; asked for when left out.",
)
def create_user_command(
    email: str, name: str | None, team_code: str | None, role: str, password: str
) -> None:
    """Create a staff account, or give an existing staff member (from the rota) a role and
    a new password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.UsageError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    member = find_by_email(db.session, email)
    if member is None:
        if not name or not team_code:
            raise click.UsageError("A new person needs --name and --team.")
        team = db.session.scalar(select(Team).where(Team.code == team_code))
        if team is None:
            codes = ", ".join(db.session.scalars(select(Team.code).order_by(Team.code)))
            raise click.UsageError(f"No team {team_code!r}; teams: {codes or 'none yet'}.")
        member = StaffMember(team=team, name=name, email=email.strip().lower())
        db.session.add(member)
    elif name:
        member.name = name
    member.role = StaffRole(role)
    member.active = True
    set_password(member, password)
    db.session.commit()
    click.echo(f"{member.email} can sign in as {member.role.value} of team {member.team.code}.")
