"""Reading the case software's invitation request: every member checked, the services,
clerk, dossier, subject and resident looked up, and the first member at fault named (a
400 for a malformed member, a 422 for one that names nothing usable)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from ..booking.contact import ContactDetails
from ..booking.selection import MAX_SERVICES_PER_VISIT
from ..dossiers.follow_up_operations import MAX_WINDOW_DAYS
from ..extensions import db
from ..i18n import LANGUAGES, _
from ..models import Channel, Dossier, DossierSubject, Service, StaffMember
from ..timeutil import local_today
from .errors import ApiError
from .params import (
    body_bool,
    body_choice,
    body_date,
    body_email,
    body_int_list,
    body_object,
    body_persons,
    body_phone,
    body_text,
    check_persons,
)

RESIDENT_FIELDS = {"name", "email", "language", "phone"}


def _unprocessable(code: str, message: str, parameter: str) -> ApiError:
    return ApiError(422, code, message, parameter)


@dataclass(frozen=True)
class InviteRequest:
    """A checked invitation request."""

    services: list[Service]
    persons: int
    staff: StaffMember
    dossier: Dossier | None
    subject: DossierSubject
    contact: ContactDetails | None
    earliest: date
    latest: date
    any_colleague: bool
    # The resident's members the request sent (an existing dossier keeps the others).
    contact_sent: frozenset[str] = frozenset()


def _services(service_ids: list[int]) -> list[Service]:
    """The active services asked for, of one team and one channel, in the given order."""
    unique_ids = list(dict.fromkeys(service_ids))
    found = {
        service.id: service
        for service in db.session.scalars(
            select(Service).where(Service.id.in_(unique_ids), Service.filter_active())
        )
    }
    if len(found) != len(unique_ids):
        raise _unprocessable("unknown_service", _("Deze dienst bestaat niet."), "service_ids")
    services = [found[service_id] for service_id in unique_ids]
    if len({service.team_id for service in services}) != 1:
        raise _unprocessable(
            "several_teams",
            _("Kies diensten van één team: één afspraak is bij één team."),
            "service_ids",
        )
    if len({service.channel for service in services}) != 1:
        raise _unprocessable(
            "not_bookable",
            _("Deze diensten kunnen niet samen in één afspraak."),
            "service_ids",
        )
    if services[0].channel != Channel.COUNTER:
        # A call back is the clerk's back-office time: booked by the clerk, never invited.
        raise _unprocessable(
            "not_bookable",
            _("Een bewoner kan alleen voor een bezoek aan de balie worden uitgenodigd."),
            "service_ids",
        )
    return services


def _dossier(body: dict, team_id: int) -> Dossier | None:
    """The existing dossier named by ``dossier`` (its reference), open and of the team."""
    reference = body_text(body, "dossier", max_length=16)
    if reference is None:
        return None
    dossier = db.session.scalar(select(Dossier).where(Dossier.reference == reference.upper()))
    if dossier is None:
        raise _unprocessable("unknown_dossier", _("Dit dossier bestaat niet."), "dossier")
    if dossier.team_id != team_id:
        raise _unprocessable(
            "other_team", _("Dit dossier hoort bij een ander team dan deze diensten."), "dossier"
        )
    if dossier.is_closed or dossier.erased_at is not None:
        raise _unprocessable("dossier_closed", _("Dit dossier is afgesloten."), "dossier")
    return dossier


def _staff(body: dict, services: list[Service], dossier: Dossier | None) -> StaffMember:
    """The clerk of the follow-up (``staff_email``; the dossier's owner by default), of
    the services' team and qualified for every one of them."""
    email = body_text(body, "staff_email", max_length=254, required=dossier is None)
    if email is None:
        staff = dossier.owner
    else:
        staff = db.session.scalar(
            select(StaffMember).where(
                func.lower(StaffMember.email) == email.lower(), StaffMember.filter_active()
            )
        )
    if staff is None or not staff.active:
        raise _unprocessable(
            "unknown_staff", _("Er is geen medewerker met dit e-mailadres."), "staff_email"
        )
    if staff.team_id != services[0].team_id:
        raise _unprocessable(
            "other_team",
            _("Deze medewerker werkt niet in het team van deze diensten."),
            "staff_email",
        )
    qualified = {service.id for service in staff.services}
    if not all(service.id in qualified for service in services):
        raise _unprocessable(
            "not_qualified",
            _("Deze medewerker behandelt niet alle gekozen diensten."),
            "staff_email",
        )
    return staff


def _subject(body: dict, team_id: int, dossier: Dossier | None) -> DossierSubject:
    """The dossier's kind: ``subject`` is the code of one of the team's kinds (required
    for a new dossier; with an existing dossier it must be that dossier's)."""
    code = body_text(body, "subject", max_length=60, required=dossier is None)
    if dossier is not None:
        if code is not None and code != dossier.subject.code:
            raise _unprocessable(
                "subject_mismatch",
                _("Dit dossier heeft een ander onderwerp."),
                "subject",
            )
        return dossier.subject
    subject = db.session.scalar(
        select(DossierSubject).where(
            DossierSubject.team_id == team_id,
            DossierSubject.code == code,
            DossierSubject.active.is_(True),
        )
    )
    if subject is None:
        raise _unprocessable(
            "unknown_subject", _("Dit team kent dit soort dossier niet."), "subject"
        )
    return subject


def _resident(body: dict, required: bool) -> ContactDetails | None:
    """The resident's name, e-mail address (optional: without one nothing is mailed),
    mail language and phone; required for a new dossier."""
    resident = body_object(body, "resident", RESIDENT_FIELDS)
    if resident is None:
        if required:
            raise ApiError(
                400,
                "missing_parameter",
                _("De parameter %(name)s ontbreekt.", name="resident"),
                "resident",
            )
        return None
    name = body_text(resident, "resident.name", max_length=120, required=True)
    has_email = body_text(resident, "resident.email", max_length=254) is not None
    return ContactDetails(
        name=name,
        email=body_email(resident, "resident.email") if has_email else None,
        phone=body_phone(resident, "resident.phone"),
        language=body_choice(resident, "resident.language", LANGUAGES, "nl"),
    )


def _window(body: dict, now: datetime) -> tuple[date, date]:
    """The window of dates: in order, not past, at most a year ahead."""
    earliest, latest = body_date(body, "earliest"), body_date(body, "latest")
    today = local_today(now)
    if latest < earliest:
        raise _unprocessable(
            "reversed_window",
            _("De laatste dag (latest) ligt vóór de eerste dag (earliest)."),
            "latest",
        )
    if latest < today:
        raise _unprocessable(
            "past_window", _("De laatste dag (latest) ligt in het verleden."), "latest"
        )
    if (latest - today).days > MAX_WINDOW_DAYS:
        raise _unprocessable(
            "window_too_long",
            _("De laatste dag mag hoogstens %(days)s dagen vooruit liggen.", days=MAX_WINDOW_DAYS),
            "latest",
        )
    return earliest, latest


def read_invite(body: dict, now: datetime) -> InviteRequest:
    """Check every member of an invitation request, naming the first one at fault."""
    service_ids = body_int_list(body, "service_ids", max_items=MAX_SERVICES_PER_VISIT)
    persons = body_persons(body)
    any_colleague = body_bool(body, "any_colleague")
    earliest, latest = _window(body, now)
    services = _services(service_ids)
    check_persons(persons, min(service.max_persons for service in services))
    team_id = services[0].team_id
    dossier = _dossier(body, team_id)
    staff = _staff(body, services, dossier)
    subject = _subject(body, team_id, dossier)
    contact = _resident(body, required=dossier is None)
    sent = body.get("resident") if isinstance(body.get("resident"), dict) else {}
    return InviteRequest(
        services,
        persons,
        staff,
        dossier,
        subject,
        contact,
        earliest,
        latest,
        any_colleague,
        frozenset(sent),
    )


# The resident's members an invitation request may update on an existing dossier.
_CONTACT_MEMBERS = ("name", "email", "phone", "language")


def update_contact(dossier: Dossier, contact: ContactDetails, sent: frozenset[str]) -> None:
    """Newer details from the case software replace the dossier's name, e-mail address,
    phone and mail language, but only those the request sent: the rest stays."""
    columns = contact.columns()
    for member in _CONTACT_MEMBERS:
        if member in sent:
            column = "resident_name" if member == "name" else member
            setattr(dossier, column, columns[column])
