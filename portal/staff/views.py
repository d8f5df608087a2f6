"""The workspace's start page: the signed-in person's own day ahead (their next visits,
their dossiers due, their unread notifications), then the rest of the workspace. It shows
times, references and subjects only, no resident's details, so opening it reads no
personal data (the pages it links to do, and are audited)."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Appointment, AppointmentService, Dossier, StaffNotification
from ..timeutil import local_today, utcnow
from . import blueprint, navigation_for
from .access import ALL_ROLES, roles_required

# How many of the person's next visits the start page lists.
NEXT_VISITS = 8
# Dossiers due within this many days (or overdue) are listed.
DUE_WITHIN_DAYS = 7


@blueprint.route("/")
@roles_required(*ALL_ROLES)
def home():
    """Start page: this person's next visits, dossiers due and unread notifications,
    then what their role can do, as a list of links."""
    member = current_user._get_current_object()
    now = utcnow()
    visits = db.session.scalars(
        select(Appointment)
        .where(
            Appointment.staff_id == member.id,
            Appointment.ends_at > now,
            Appointment.filter_active(now),
        )
        .options(
            selectinload(Appointment.booked_services).joinedload(AppointmentService.service),
            joinedload(Appointment.counter),
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(NEXT_VISITS)
    ).all()
    due = db.session.scalars(
        select(Dossier)
        .where(
            Dossier.owner_id == member.id,
            Dossier.filter_open(),
            Dossier.due_on <= local_today(now) + timedelta(days=DUE_WITHIN_DAYS),
        )
        .options(joinedload(Dossier.subject))
        .order_by(Dossier.due_on, Dossier.id)
    ).all()
    unread = db.session.scalar(
        select(func.count())
        .select_from(StaffNotification)
        .where(StaffNotification.filter_unread_of(member.id))
    )
    return render_template(
        "staff/home.html",
        entries=navigation_for(member)[1:],
        visits=visits,
        due=due,
        today=local_today(now),
        unread=unread,
    )
