"""Booking a planned follow-up at once (the resident is at the counter): the chosen
clerk's free days and times inside the window, reserved counter time included, then the
booking itself.

``/medewerkers/dossiers/vervolg/<id>/tijd``. The follow-up's own single-use claim (a
conditional UPDATE, and ``appointment.follow_up_id`` is unique) makes a double submit
book one visit: the second send finds the visit the first one booked. A counter visit
confirmed this way sends the resident's confirmation mail when the dossier has an
address; back-office time has no resident and sends nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..availability import Availability
from ..booking.errors import BookingError, InvitationUsed, SlotTaken
from ..booking.notify import notify_booked
from ..booking.settings import BookingSettings
from ..booking.steps import parse_start
from ..extensions import db
from ..i18n import _
from ..models import AuditAction, FollowUp, ShiftKind, StaffMember
from ..notifications.summary import local_date, local_moment, local_time
from ..scheduling.audience import AudienceKind
from ..staff.access import VISIT_ROLES, parse_date, parse_id, roles_required
from ..timeutil import isoformat_local, local_today, utcnow
from . import blueprint
from .follow_up_forms import TimeForm
from .follow_up_operations import book_follow_up_now, follow_up_services
from .follow_ups import audit_dossier, dossier_url, follow_up_or_404
from .windows import follow_up_availability

# How many days with free times the page links to.
FREE_DAYS_SHOWN = 15


def _availability(follow_up: FollowUp, now: datetime) -> Availability:
    """The free times of the follow-up as staff see them: its clerk (or every qualified
    colleague), inside its window, reserved time included."""
    return follow_up_availability(
        db.session, follow_up, now, BookingSettings.current(), AudienceKind.STAFF
    )


def _day(follow_up: FollowUp, free_days: list[date], now: datetime) -> tuple[date, str | None]:
    """The day whose times the page shows (``day`` from the query or form; else the first
    free day of the window), with a problem to show."""
    first = max(follow_up.earliest, local_today(now))
    default = free_days[0] if free_days else first
    raw = request.values.get("day")
    if not raw:
        return default, None
    day = parse_date(raw)
    if day is None:
        return default, _("Deze datum kunnen we niet lezen. Kies een dag uit de lijst.")
    if not first <= day <= follow_up.latest:
        return default, _(
            "Kies een dag van %(first)s tot %(last)s.",
            first=local_date(first),
            last=local_date(follow_up.latest),
        )
    return day, None


def _clerks(slots: list) -> list[StaffMember]:
    """The people free at one or more of ``slots``, by name."""
    ids = {staff_id for slot in slots for staff_id in slot.staff_ids}
    if not ids:
        return []
    query = select(StaffMember).where(StaffMember.id.in_(ids)).order_by(StaffMember.name)
    return list(db.session.scalars(query))


def _page(follow_up: FollowUp, form: TimeForm, now: datetime, status: int = 200, problem=None):
    """The free days and the chosen day's free times, with the audit row."""
    closed = follow_up.state(now).value != "open"
    availability = _availability(follow_up, now) if not closed else None
    free_days = availability.days() if availability is not None else []
    day, day_problem = _day(follow_up, free_days, now)
    slots = availability.on(day).slots() if availability is not None else []
    clerks = _clerks(slots) if follow_up.any_colleague else []
    form.staff_id.choices = [("", _("Wie vrij is"))] + [(str(m.id), m.name) for m in clerks]
    problems = [message for message in (day_problem, problem) if message]
    if closed:
        problems.append(_("Deze vervolgafspraak kan niet meer worden geboekt."))
    dossier = follow_up.dossier
    page = render_template(
        "dossiers/follow_up_time.html",
        follow_up=follow_up,
        dossier=dossier,
        services=follow_up_services(db.session, follow_up),
        form=form,
        day=day,
        free_days=free_days[:FREE_DAYS_SHOWN],
        more_days=len(free_days) > FREE_DAYS_SHOWN,
        times=[(isoformat_local(slot.start), slot) for slot in slots],
        closed=closed,
        problems=problems,
        back_office=follow_up.shift_kind == ShiftKind.BACK_OFFICE,
        first_day=max(follow_up.earliest, local_today(now)),
        dossier_url=dossier_url(dossier),
        local_date=local_date,
        local_time=local_time,
    )
    audit_dossier("dossier.follow_up_times", dossier, action=AuditAction.VIEW, now=now)
    db.session.commit()
    return page, 422 if day_problem and status == 200 else status


def _already_booked(follow_up: FollowUp):
    """A follow-up that was booked (by this very form, sent twice): to its dossier."""
    flash(_("Deze vervolgafspraak is al geboekt."), "info")
    return redirect(dossier_url(follow_up.dossier))


def _booked_message(visit, back_office: bool) -> str:
    """The flash after booking: when, with whom, and whether the resident gets a mail."""
    moment = local_moment(visit.starts_at)
    if back_office:
        return _(
            "Backofficetijd geboekt op %(moment)s bij %(name)s.",
            moment=moment,
            name=visit.staff.name,
        )
    if visit.email:
        return _(
            "Vervolgafspraak geboekt op %(moment)s bij %(name)s. De bewoner krijgt een e-mail.",
            moment=moment,
            name=visit.staff.name,
        )
    return _(
        "Vervolgafspraak geboekt op %(moment)s bij %(name)s. Het dossier heeft geen "
        "e-mailadres: geef het tijdstip zelf door.",
        moment=moment,
        name=visit.staff.name,
    )


@blueprint.route(
    "/vervolg/<int:follow_up_id>/tijd", methods=["GET", "POST"], endpoint="follow_up_time"
)
@roles_required(*VISIT_ROLES)
def follow_up_time(follow_up_id: int):
    """Book a planned follow-up now: GET shows the free days of its window and the times
    of ``day``; POST books ``start`` (ISO 8601 with offset), confirmed at once."""
    follow_up = follow_up_or_404(follow_up_id)
    if follow_up.invited:
        abort(404)  # an invitation is the resident's to book
    now = utcnow()
    form = TimeForm()
    if follow_up.used_at is not None:
        return _already_booked(follow_up)
    if request.method == "GET":
        return _page(follow_up, form, now)
    if follow_up.state(now).value != "open":
        return _page(follow_up, form, now, 409)
    if not form.validate_on_submit():
        return _page(follow_up, form, now, 422)
    start = parse_start(form.start.data)
    staff_id = parse_id(form.staff_id.data) if form.staff_id.data else None
    if start is None:
        form.start.errors = [_("Dit tijdstip kunnen we niet lezen. Kies een tijdstip.")]
    if form.staff_id.data and (staff_id is None or not follow_up.any_colleague):
        form.staff_id.errors = [_("Kies een medewerker uit de lijst.")]
    if form.start.errors or form.staff_id.errors:
        return _page(follow_up, form, now, 422)
    settings = BookingSettings.current()
    try:
        visit = book_follow_up_now(db.session, follow_up, start, now, settings, staff_id=staff_id)
    except InvitationUsed:
        db.session.rollback()
        return _already_booked(follow_up)
    except (BookingError, IntegrityError) as refusal:
        db.session.rollback()
        db.session.refresh(follow_up)
        if follow_up.used_at is not None:
            return _already_booked(follow_up)
        if isinstance(refusal, IntegrityError):
            raise
        problem = (
            _("Dit tijdstip is niet (meer) vrij. Kies een ander tijdstip.")
            if isinstance(refusal, SlotTaken)
            else refusal.message()
        )
        return _page(follow_up, form, now, 409, problem=problem)
    back_office = follow_up.shift_kind == ShiftKind.BACK_OFFICE
    if visit.email:
        notify_booked(db.session, visit, now)
    detail = {"follow_up_id": follow_up.id, "starts_at": visit.starts_at.isoformat()}
    audit_dossier("dossier.follow_up_book", follow_up.dossier, visit=visit, detail=detail, now=now)
    db.session.commit()
    flash(_booked_message(visit, back_office), "success")
    return redirect(dossier_url(follow_up.dossier))


def times_url(follow_up: FollowUp) -> str:
    """The booking page of a planned follow-up (for the dossier page's actions)."""
    return url_for("staff.dossiers.follow_up_time", follow_up_id=follow_up.id)
