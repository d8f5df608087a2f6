"""The page of one visit for staff: everything about it, and moving or cancelling it for
the resident.

Every route checks the team boundary with :func:`access.visit_or_404`: a clerk or planner
gets 404 for another team's visit, the same as for an id that does not exist. Staff are
not bound by the residents' cutoff: a visit that still takes up its time can be moved or
cancelled up to its start (see :mod:`portal.staff.operations`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..booking.errors import BookingError, SlotTaken
from ..booking.settings import BookingSettings
from ..booking.steps import parse_start
from ..extensions import db
from ..i18n import _, _l
from ..interpreters.coverage import NO_SPEAKER, visit_interpreter_reasons
from ..models import Appointment, AppointmentStatus, AuditAction, StaffMember
from ..notifications.summary import local_date, local_moment, local_time
from ..plain_text import PlainTextForm, strip_spaces
from ..timeutil import (
    end_of_local_day,
    isoformat_local,
    start_of_local_day,
    to_local,
    utcnow,
)
from . import blueprint
from .access import (
    VISIT_ROLES,
    can_see_team,
    parse_date,
    parse_id,
    roles_required,
    visit_or_404,
)
from .audit import record
from .operations import (
    bookable_days,
    cancel_for_resident,
    move_for_resident,
    staff_availability,
)
from .reception import STAGE_LABELS

# How a visit was booked (``Appointment.channel``).
CHANNEL_LABELS = {
    "web": _l("Online, door de bewoner"),
    "api": _l("Via een formulier van de stad (API)"),
    "staff": _l("Door een medewerker"),
    "invitation": _l("Door de bewoner, met een uitnodiging"),
    "back_office": _l("Backofficetijd voor een dossier (zonder de bewoner)"),
}
MAX_REASON_LENGTH = 300


class MoveForm(PlainTextForm):
    """The new time of a visit (a free start time of the chosen day) and, if staff want,
    the clerk. The choices are the day's free times; the server checks them again."""

    start = RadioField(
        _l("Nieuw tijdstip"),
        validate_choice=False,
        validators=[InputRequired(message=_l("Kies een nieuw tijdstip."))],
    )
    staff_id = SelectField(_l("Bij medewerker"), validate_choice=False, default="")


class CancelForm(PlainTextForm):
    """Why staff cancel the visit: the resident reads it in the cancellation mail."""

    reason = TextAreaField(
        _l("Reden (de bewoner leest die in de e-mail)"),
        validators=[
            DataRequired(message=_l("Vul de reden van de annulering in.")),
            Length(
                max=MAX_REASON_LENGTH,
                message=_l("De reden mag hoogstens 300 tekens lang zijn."),
            ),
        ],
        filters=[strip_spaces],
        render_kw={"maxlength": MAX_REASON_LENGTH, "rows": 4},
    )


def recorded_steps(visit: Appointment) -> list[tuple[str, str, datetime]]:
    """The steps of the visit's day that were recorded (key, label, moment), in order, so
    staff see how far the resident got and when."""
    steps = [
        ("arrived", _("Aangekomen"), visit.arrived_at),
        ("called", _("Opgeroepen"), visit.called_at),
        ("in_service", _("In behandeling"), visit.service_started_at),
        ("done", _("Afgehandeld"), visit.completed_at),
        ("no_show", _("Niet gekomen"), visit.no_show_at),
    ]
    return [(key, label, moment) for key, label, moment in steps if moment is not None]


def can_move_or_cancel(visit: Appointment, now: datetime) -> bool:
    """Whether staff may still move or cancel the visit: a confirmed visit that still
    takes up its time (staff are not bound by the residents' cutoff)."""
    return visit.status == AppointmentStatus.CONFIRMED and visit.is_active(now)


def _render(template: str, visit: Appointment, subject: str, status: int = 200, **context):
    """A page about ``visit`` (with the date and time helpers) and its audit row: every
    one of these pages shows the resident's name. Commits the audit row."""
    page = render_template(
        template,
        visit=visit,
        stage_label=STAGE_LABELS.get(visit.stage, visit.stage),
        local_date=local_date,
        local_time=local_time,
        local_moment=local_moment,
        **context,
    )
    record(db.session, current_user, AuditAction.VIEW, subject, visit=visit)
    db.session.commit()
    return page, status


@blueprint.route("/bezoek/<int:visit_id>", endpoint="visit")
@roles_required(*VISIT_ROLES)
def show_visit(visit_id: int):
    """Everything about one visit: who, what, when, where, its stage and how it was
    booked, with the buttons for the next step and links to move or cancel it. Writes one
    audit row, as the page shows the resident's personal data."""
    visit = visit_or_404(db.session, current_user, visit_id)
    return _render(
        "staff/visit.html",
        visit,
        "visit.view",
        no_speaker=NO_SPEAKER,
        visit_day=to_local(visit.starts_at).date().isoformat(),
        channel_label=CHANNEL_LABELS.get(visit.channel, visit.channel),
        steps=recorded_steps(visit),
        changeable=can_move_or_cancel(visit, utcnow()),
        interpreter_reasons=visit_interpreter_reasons(db.session, visit),
        dossier=visit.dossier
        if visit.dossier is not None and can_see_team(current_user, visit.dossier.team_id)
        else None,
    )


# ---------------------------------------------------------------------------- moving


def parse_staff_id(raw: str | None) -> tuple[bool, int | None]:
    """The clerk asked for: (True, None) for "whoever is free", (True, id) for a real
    id, (False, None) for anything else."""
    if not raw:
        return True, None
    staff_id = parse_id(raw)
    return staff_id is not None, staff_id


def free_times(visit: Appointment, day: date, now: datetime) -> list:
    """The free start times on ``day`` for the visit's services and persons as staff see
    them (its own time counts as free)."""
    availability = staff_availability(
        db.session, visit.services, visit.persons, day, day, now, ignore_appointment_id=visit.id
    )
    return availability.slots()


def free_clerks(slots: list, day: date, now: datetime) -> list[StaffMember]:
    """The clerks free at some time of the day, least busy that day first (the fewest
    visits), then by name."""
    staff_ids = sorted({staff_id for slot in slots for staff_id in slot.staff_ids})
    if not staff_ids:
        return []
    busy = dict(
        db.session.execute(
            select(Appointment.staff_id, func.count())
            .where(
                Appointment.staff_id.in_(staff_ids),
                Appointment.filter_between(start_of_local_day(day), end_of_local_day(day)),
                Appointment.filter_active(now),
            )
            .group_by(Appointment.staff_id)
        ).all()
    )
    members = db.session.scalars(select(StaffMember).where(StaffMember.id.in_(staff_ids)))
    return sorted(members, key=lambda member: (busy.get(member.id, 0), member.name, member.id))


def _day_of_move(visit: Appointment, now: datetime) -> tuple[date, str | None]:
    """The day whose free times the form shows: ``day`` from the query or the form, else
    the visit's day (today for a visit from the past); with a problem to show."""
    first, last = bookable_days(now)
    default = min(max(to_local(visit.starts_at).date(), first), last)
    raw = request.values.get("day")
    if raw is None or raw == "":
        return default, None
    day = parse_date(raw)
    if day is None:
        return default, _("Deze datum kunnen we niet lezen. Kies een dag in de kalender.")
    if not first <= day <= last:
        return default, _("Kies een dag vanaf vandaag tot een jaar vooruit.")
    return day, None


def _move_page(visit: Appointment, form: MoveForm, now: datetime, status: int = 200, **extra):
    """The move form for the chosen day: its free times, its free clerks, day links."""
    day, day_problem = _day_of_move(visit, now)
    problems = [message for message in (day_problem, extra.pop("problem", None)) if message]
    changeable = can_move_or_cancel(visit, now)
    slots = free_times(visit, day, now) if changeable else []
    clerks = free_clerks(slots, day, now)
    form.staff_id.choices = [("", _("Wie vrij is"))] + [
        (str(member.id), member.name) for member in clerks
    ]
    first, last = bookable_days(now)
    return _render(
        "staff/visit_move.html",
        visit,
        "visit.move_form",
        status=422 if day_problem and status == 200 else status,
        form=form,
        day=day,
        times=[(isoformat_local(slot.start), slot) for slot in slots],
        current_start=isoformat_local(visit.starts_at),
        previous_day=day - timedelta(days=1) if day > first else None,
        next_day=day + timedelta(days=1) if day < last else None,
        problems=problems,
        changeable=changeable,
    )


def _moved_message(visit: Appointment) -> str:
    """The flash after a move: the new time, and whether the resident gets a mail."""
    moment = local_moment(visit.starts_at)
    if visit.email:
        return _(
            "Afspraak verplaatst naar %(moment)s. De bewoner krijgt een e-mail.", moment=moment
        )
    return _(
        "Afspraak verplaatst naar %(moment)s. De bewoner heeft geen e-mailadres: "
        "verwittig de bewoner zelf.",
        moment=moment,
    )


@blueprint.route("/bezoek/<int:visit_id>/verplaatsen", methods=["GET", "POST"])
@roles_required(*VISIT_ROLES)
def visit_move(visit_id: int):
    """Move a visit by form: GET shows a day's free times (``day``) and the clerks free
    that day; POST moves it to ``start`` (ISO 8601 with offset), with clerk ``staff_id``
    if chosen. A refusal shows the form again with the reason; nothing changes."""
    visit = visit_or_404(db.session, current_user, visit_id)
    now = utcnow()
    form = MoveForm()
    if request.method == "GET":
        return _move_page(visit, form, now)
    if not can_move_or_cancel(visit, now):
        problem = _("Deze afspraak kan niet meer worden verplaatst.")
        return _move_page(visit, form, now, 409, problem=problem)
    if not form.validate_on_submit():
        return _move_page(visit, form, now, 422)
    start = parse_start(form.start.data)
    valid_clerk, staff_id = parse_staff_id(form.staff_id.data)
    if start is None:
        form.start.errors = [_("Dit tijdstip kunnen we niet lezen. Kies een tijdstip.")]
    if not valid_clerk:
        form.staff_id.errors = [_("Kies een medewerker uit de lijst.")]
    if start is None or not valid_clerk:
        return _move_page(visit, form, now, 422)
    if start == visit.starts_at and staff_id in (None, visit.staff_id):
        problem = _("De afspraak staat al op dit tijdstip. Kies een ander tijdstip.")
        return _move_page(visit, form, now, 409, problem=problem)
    try:
        move_for_resident(
            db.session,
            current_user,
            visit,
            start,
            now,
            BookingSettings.current(),
            staff_id=staff_id,
        )
    except BookingError as refusal:
        db.session.rollback()
        problem = (
            _("Dit tijdstip is niet (meer) vrij. Kies een ander tijdstip.")
            if isinstance(refusal, SlotTaken)
            else refusal.message()
        )
        return _move_page(visit, form, now, 409, problem=problem)
    db.session.commit()
    flash(_moved_message(visit), "success")
    return redirect(url_for("staff.visit", visit_id=visit.id))


# -------------------------------------------------------------------------- cancelling


def _cancelled_message(visit: Appointment) -> str:
    """The flash after a cancellation: whether the resident gets a mail."""
    if visit.email:
        return _(
            "Afspraak %(reference)s is geannuleerd. De bewoner krijgt een e-mail met de reden.",
            reference=visit.reference,
        )
    return _(
        "Afspraak %(reference)s is geannuleerd. De bewoner heeft geen e-mailadres: "
        "verwittig de bewoner zelf.",
        reference=visit.reference,
    )


@blueprint.route("/bezoek/<int:visit_id>/annuleren", methods=["GET", "POST"])
@roles_required(*VISIT_ROLES)
def visit_cancel(visit_id: int):
    """Cancel a visit for the resident: GET asks to confirm and for the reason (the
    resident reads it in the mail), POST cancels. A visit that is already cancelled or
    over is only explained; nothing changes."""
    visit = visit_or_404(db.session, current_user, visit_id)
    now = utcnow()
    form = CancelForm()

    def page(status: int = 200, problems: tuple = (), with_form: bool = True):
        return _render(
            "staff/visit_cancel.html",
            visit,
            "visit.cancel_form",
            status,
            form=form if with_form else None,
            problems=list(problems),
        )

    if not can_move_or_cancel(visit, now):
        return page(409 if request.method == "POST" else 200, with_form=False)
    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return page(422)
    try:
        cancel_for_resident(
            db.session, current_user, visit, form.reason.data, now, BookingSettings.current()
        )
    except BookingError as refusal:
        db.session.rollback()
        return page(409, problems=(refusal.message(),))
    db.session.commit()
    flash(_cancelled_message(visit), "success")
    return redirect(url_for("staff.visit", visit_id=visit.id))
