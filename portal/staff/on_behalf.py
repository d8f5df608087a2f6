"""Booking on behalf of a resident, at reception or on the phone, with a printable
confirmation.

Three pages, server-rendered and without JavaScript, carry the choice in the query
string: the services and persons (every active service of the person's teams, also those
by invitation only) → the free times of a day (no minimum notice: a resident at the desk
can be seen now) → the resident's details. Booking goes through
:func:`portal.staff.operations.book_for_resident` (no captcha, no cap per e-mail address)
and ends on the printout (:mod:`.printout`): the confirmation in the resident's language,
to hand over when no mail goes out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import wraps

from flask import abort, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from werkzeug.datastructures import MultiDict

from ..availability import visit_duration
from ..booking.errors import BookingError, NotBookable
from ..booking.selection import free_slot_at, resolve_services
from ..booking.settings import BookingSettings
from ..booking.steps import MAX_PERSONS_SHOWN, parse_day, parse_ids, parse_persons, parse_start
from ..call_back import is_call_back
from ..extensions import db
from ..i18n import _
from ..models import Service, StaffMember, Team
from ..models.base import MAX_ID
from ..scheduling import FreeSlot
from ..timeutil import to_local, utcnow
from . import blueprint
from .access import (
    ALL_ROLES,
    can_see_team,
    parse_id,
    roles_required,
    visible_teams,
)
from .clerk_refusal import clerk_refusal
from .on_behalf_forms import StaffContactForm
from .operations import (
    book_for_resident,
    bookable_days,
    staff_availability,
    visit_of_request,
)

# "The first days with free times": how many are offered, and how far ahead they are sought.
FIRST_FREE_DAYS_SHOWN = 10
FIRST_FREE_DAYS_SEARCHED = 60
# More ``service`` values than this is not a real choice (a visit has at most four).
MAX_SERVICE_VALUES = 10


@dataclass(frozen=True)
class StaffChoice:
    """The services (one team) and the number of persons staff picked."""

    services: list[Service]
    persons: int

    @property
    def team(self) -> Team:
        """The team the visit is for."""
        return self.services[0].team

    def args(self, **extra) -> dict:
        """Query arguments that carry this choice to the next page."""
        return {
            "service": [service.id for service in self.services],
            "persons": self.persons,
            **extra,
        }


class _Refusal(Exception):
    """The request cannot go on; ``response`` is the page that says why."""

    def __init__(self, response) -> None:
        super().__init__()
        self.response = response


def _answers_refusals(view):
    """Decorator: a :class:`_Refusal` raised by ``view`` is answered with its page."""

    @wraps(view)
    def answered(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except _Refusal as refusal:
            return refusal.response

    return answered


def bookable_services(session: Session, member: StaffMember) -> list[tuple[Team, list[Service]]]:
    """Every active service ``member`` may book, grouped by team (their own team for a
    clerk or planner, every team for reception and administrators, their own first), in
    the city's order."""
    teams = visible_teams(session, member)
    services = session.scalars(
        Service.listed()
        .where(Service.team_id.in_([team.id for team in teams]))
        .options(selectinload(Service.texts))
    ).all()
    teams.sort(key=lambda team: team.id != member.team_id)
    groups = [(team, [s for s in services if s.team_id == team.id]) for team in teams]
    return [(team, listed) for team, listed in groups if listed]


def _services_page(args: MultiDict, error: str | None = None, status: int = 200):
    """Step 1, with the services and persons in ``args`` ticked again."""
    chosen = parse_ids(args.getlist("service")[:MAX_SERVICE_VALUES]) or []
    page = render_template(
        "staff/book_services.html",
        groups=bookable_services(db.session, current_user),
        chosen=set(chosen),
        persons=args.get("persons", "1"),
        max_persons=MAX_PERSONS_SHOWN,
        error=error,
    )
    return page, status


def _invalid_page(message: str, back_url: str, back_label: str, status: int = 400):
    """A page that says what is wrong with the request and where to go on."""
    page = render_template(
        "staff/book_invalid.html", message=message, back_url=back_url, back_label=back_label
    )
    return page, status


def _choice(args: MultiDict) -> StaffChoice:
    """The services and persons in ``args``. A service of a team the signed-in person
    does not work for is answered with 404; anything else that cannot be one visit with
    step 1 and a message (422)."""
    values = args.getlist("service")
    if not values:
        raise _Refusal(_services_page(args, _("Kies minstens één dienst."), 422))
    ids = parse_ids(values) if len(values) <= MAX_SERVICE_VALUES else None
    persons = parse_persons(args.get("persons"))
    invalid = _(
        "Deze keuze kan niet in één afspraak. Kies hoogstens vier diensten van hetzelfde "
        "team, voor niet meer personen dan de dienst toelaat."
    )
    if not ids or persons is None or any(not 0 < service_id <= MAX_ID for service_id in ids):
        raise _Refusal(_services_page(args, invalid, 422))
    team_ids = set(db.session.scalars(select(Service.team_id).where(Service.id.in_(ids))))
    if any(not can_see_team(current_user, team_id) for team_id in team_ids):
        abort(404)
    try:
        services = resolve_services(db.session, ids, persons, public_only=False)
    except NotBookable:
        raise _Refusal(_services_page(args, invalid, 422)) from None
    return StaffChoice(services, persons)


def _day(value: str | None, choice: StaffChoice, now: datetime) -> date:
    """The day in ``value`` (today when there is none); 400 for anything but a day staff
    may book on."""
    first, last = bookable_days(now)
    day = parse_day(value) if value else first
    if day is None or not first <= day <= last:
        message = _(
            "Kies een dag tussen vandaag en %(last)s.", last=format_date(last, format="long")
        )
        back = url_for("staff.book_time", **choice.args())
        raise _Refusal(_invalid_page(message, back, _("Terug naar de vrije tijdstippen")))
    return day


def _start(value: str | None, choice: StaffChoice, now: datetime) -> datetime:
    """The start time in ``value`` (aware ISO 8601); 400 for anything else, or a time
    outside the days staff may book on."""
    first, last = bookable_days(now)
    try:
        start = parse_start(value)
        day = to_local(start).date() if start is not None else None
    except (ValueError, OverflowError):
        start = day = None
    if start is None or not first <= day <= last:
        message = _("Dit tijdstip kan niet worden geboekt. Kies een tijdstip uit de lijst.")
        back = url_for("staff.book_time", **choice.args())
        raise _Refusal(_invalid_page(message, back, _("Terug naar de vrije tijdstippen")))
    return start


def _clerk(value: str | None, choice: StaffChoice, start: datetime) -> StaffMember | None:
    """The clerk asked for in ``value``, or None for "the least busy one"; 400 for a
    value that is no clerk at all."""
    if not value:
        return None
    member_id = parse_id(value)
    member = db.session.get(StaffMember, member_id) if member_id is not None else None
    if member is None or not member.active:
        back = url_for("staff.book_time", **choice.args(day=to_local(start).date().isoformat()))
        message = _("Deze medewerker bestaat niet. Kies een medewerker uit de lijst.")
        raise _Refusal(_invalid_page(message, back, _("Terug naar de vrije tijdstippen")))
    return member


def _why_not(clerk: StaffMember, choice: StaffChoice, start: datetime, now: datetime):
    """Why ``clerk`` cannot take the chosen visit at ``start`` (None: no reason of theirs)."""
    end = start + visit_duration(choice.services, choice.persons)
    return clerk_refusal(db.session, clerk, choice.services, start, end, now)


def _clerks_free(slots: list[FreeSlot]) -> list[StaffMember]:
    """The people free at one or more of ``slots``, by name."""
    ids = {staff_id for slot in slots for staff_id in slot.staff_ids}
    query = select(StaffMember).where(StaffMember.id.in_(ids)).order_by(StaffMember.name)
    return list(db.session.scalars(query)) if ids else []


@blueprint.get("/afspraak-maken")
@roles_required(*ALL_ROLES)
def book_start():
    """Step 1: the services (several of one team may be combined) and the persons."""
    return _services_page(request.args)


@blueprint.get("/afspraak-maken/tijd")
@roles_required(*ALL_ROLES)
@_answers_refusals
def book_time():
    """Step 2: the free times of a day for staff (from now on, up to a year ahead), the
    first days that still have free times, and optionally the clerk."""
    choice = _choice(request.args)
    now = utcnow()
    day = _day(request.args.get("day"), choice, now)
    first, last = bookable_days(now)
    search_until = min(first + timedelta(days=FIRST_FREE_DAYS_SEARCHED), last)

    def availability(from_day: date, to_day: date):
        return staff_availability(
            db.session, choice.services, choice.persons, from_day, to_day, now
        )

    ahead = availability(first, search_until)
    on_day = ahead.on(day) if day <= search_until else availability(day, day)
    slots = on_day.slots()
    return render_template(
        "staff/book_time.html",
        choice=choice,
        day=day,
        first_day=first,
        last_day=last,
        first_free_days=ahead.days()[:FIRST_FREE_DAYS_SHOWN],
        slots=slots,
        clerks=_clerks_free(slots),
    )


@blueprint.route("/afspraak-maken/gegevens", methods=["GET", "POST"])
@roles_required(*ALL_ROLES)
@_answers_refusals
def book_details():
    """Step 3: the resident's details; submitting books the visit (confirmed at once)
    and opens the printout. A time taken in the meantime is answered with 409."""
    choice = _choice(request.args)
    now = utcnow()
    start = _start(request.args.get("start"), choice, now)
    # The clerk comes from step 2 (the query string), or from this page's own choice.
    asked = request.form.get("staff_id") if request.method == "POST" else None
    clerk = _clerk(request.args.get("staff_id") if asked is None else asked, choice, start)
    settings = BookingSettings.current()
    form = StaffContactForm(phone_required=is_call_back(choice.services))
    message, status = None, 200
    if form.validate_on_submit():
        request_key = form.one_time_key()
        try:
            visit = book_for_resident(
                db.session,
                current_user,
                choice.services,
                choice.persons,
                start,
                form.contact(),
                now,
                settings,
                staff_id=clerk.id if clerk else None,
                request_key=request_key,
            )
        except IntegrityError:
            # The same form sent twice at once: the other request booked it.
            db.session.rollback()
            visit = visit_of_request(db.session, request_key) if request_key else None
            if visit is None:
                raise
            return redirect(url_for("staff.booking_printout", visit_id=visit.id))
        except BookingError as refusal:
            db.session.rollback()
            message, status = refusal.message(), refusal.status
        else:
            db.session.commit()
            return redirect(url_for("staff.booking_printout", visit_id=visit.id))
    elif request.method == "POST":
        status = 400
    # Only a page that is drawn needs the time's free clerks (a booking redirected above).
    slot = free_slot_at(
        db.session, choice.services, choice.persons, start, now, settings, for_staff=True
    )
    if request.method == "GET" and (
        slot is None or (clerk is not None and clerk.id not in slot.staff_ids)
    ):
        message, status = _("Dit tijdstip is niet (meer) vrij. Kies een ander tijdstip."), 409
        if slot is not None:
            message = _why_not(clerk, choice, start, now) or message
    return render_template(
        "staff/book_details.html",
        form=form,
        choice=choice,
        start=start,
        end=start + visit_duration(choice.services, choice.persons),
        clerk=clerk,
        free_clerks=_clerks_free([slot]) if slot is not None else [],
        message=message,
        times_url=url_for("staff.book_time", **choice.args(day=to_local(start).date().isoformat())),
        action_url=url_for(
            "staff.book_details",
            **choice.args(start=start.isoformat()),
        ),
    ), status
