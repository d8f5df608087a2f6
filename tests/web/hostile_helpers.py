"""Hostile query values and a sensible request for every GET route of the portal.

Each GET route is reached with its path parameters filled from the demo city (a real
service, a booked visit's manage token, an open invitation, ...) and a base query that
carries a valid choice, so that the view reads its date arguments rather than stopping at
a missing service. :class:`RecordingRequest` tells which query arguments a view reads.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Request
from sqlalchemy import select
from werkzeug.datastructures import ImmutableMultiDict

from portal.booking.tokens import manage_token, token_hash
from portal.dossiers.follow_up_operations import invitation_token
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    Dossier,
    DossierSubject,
    FollowUp,
    OpeningSchedule,
    RotaPlan,
    Service,
    StaffMember,
    Team,
)
from tests.conftest import DEMO_NOW, DEMO_TODAY

# Dates, months and moments that are impossible, out of range or of the wrong kind.
HOSTILE_VALUES = [
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "9999-12",
    "0001-01",
    "0000-00",
    "-1",
    "1" + "0" * 30,
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "2026-12-08T09:00:00",
    "２０２６-１２-０８",
    "9" * 400,
    "\x00\r\n",
]
# What every other argument (an id, a number, a word) gets.
HOSTILE_OTHER_VALUES = ["-1", "1" + "0" * 30, "9" * 400, "\x00\r\n"]
# The names under which the pages and the API read dates, months, weeks and moments.
DATE_ARGS = frozenset(
    {"dag", "day", "date", "maand", "month", "week", "start", "end", "from", "to"}
)


def hostile_values(name: str) -> list[str]:
    """The values to try for the query argument ``name``."""
    return HOSTILE_VALUES if name in DATE_ARGS else HOSTILE_OTHER_VALUES


class RecordingArgs(ImmutableMultiDict):
    """Query arguments that remember which names the view asked for."""

    read: set[str] = set()

    def get(self, key, default=None, type=None):
        """Record ``key``, then read it."""
        RecordingArgs.read.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        """Record ``key``, then read all its values."""
        RecordingArgs.read.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        RecordingArgs.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        RecordingArgs.read.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    """Flask's request whose query (and form) arguments record what is read."""

    parameter_storage_class = RecordingArgs


def get_routes(app) -> list:
    """Every GET rule of ``app`` but the static files, in a stable order."""
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
    ]
    return sorted(rules, key=lambda rule: rule.rule)


def demo_path_values(app) -> dict[str, str]:
    """A valid value for every path parameter name of the portal, from the demo city."""
    secret = app.config["SECRET_KEY"]
    session = db.session
    public = select(Service).where(Service.publicly_bookable.is_(True)).order_by(Service.id)
    service = session.scalar(public)
    visit = next(
        visit
        for visit in session.scalars(
            select(Appointment)
            .where(Appointment.status == AppointmentStatus.CONFIRMED)
            .where(Appointment.starts_at > DEMO_NOW + timedelta(days=2))
            .order_by(Appointment.starts_at)
        )
        if visit.manage_token_hash == token_hash(manage_token(secret, visit.manage_nonce))
    )
    invitation = session.scalar(
        select(FollowUp)
        .where(FollowUp.invited.is_(True), FollowUp.used_at.is_(None))
        .where(FollowUp.revoked_at.is_(None), FollowUp.latest > DEMO_TODAY)
        .order_by(FollowUp.id)
    )
    return {
        "service_id": str(service.id),
        "token": manage_token(secret, visit.manage_nonce),
        "invitation_token": invitation_token(secret, invitation) if invitation else "x" * 43,
        "visit_id": str(visit.id),
        "plan_id": str(session.scalar(select(RotaPlan.id).order_by(RotaPlan.id)) or 1),
        "schedule_id": str(session.scalar(select(OpeningSchedule.id)) or 1),
        "subject_id": str(session.scalar(select(DossierSubject.id)) or 1),
        "team_id": str(session.scalar(select(Team.id).order_by(Team.id))),
        "dossier_id": str(session.scalar(select(Dossier.id).order_by(Dossier.id)) or 1),
        "follow_up_id": str(invitation.id if invitation else 1),
        "staff_id": str(session.scalar(select(StaffMember.id).order_by(StaffMember.id))),
    }


def base_query(values: dict[str, str]) -> dict[str, str]:
    """A valid choice under every name the booking and staff pages use for it."""
    day = (DEMO_TODAY + timedelta(days=2)).isoformat()
    return {
        "lang": "nl",
        "dossier": values["dossier_id"],
        "visit": values["visit_id"],
        "start": f"{day}T09:00:00+01:00",
        "end": f"{day}T17:00:00+01:00",
        "dienst": values["service_id"],
        "service": values["service_id"],
        "personen": "1",
        "persons": "1",
        "dag": day,
        "day": day,
        "date": day,
        "maand": DEMO_TODAY.isoformat()[:7],
        "from": DEMO_TODAY.isoformat(),
        "to": (DEMO_TODAY + timedelta(days=14)).isoformat(),
    }


def route_path(rule, values: dict[str, str]) -> str:
    """The path of ``rule`` with its parameters filled (an invitation's token for the
    invitation routes, a manage token for the rest)."""
    filled = {}
    for name in rule.arguments:
        if name == "token" and "invitation" in rule.endpoint:
            filled[name] = values["invitation_token"]
        else:
            filled[name] = values.get(name, "1")
    return rule.build(filled, append_unknown=False)[1]
