"""Invitations through the API: the city's case software invites a resident to a
follow-up visit (when a card arrives, say), and the resident's app or a form engine shows
the invitation's free times and books one with the invitation's token.

Inviting needs an API key whose client is listed in ``API_INVITE_CLIENTS``; the
invitation's token is the credential for the rest, as the manage token is for a visit.
Each handler parses, checks, calls the operations of :mod:`portal.dossiers.operations`
and commits once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import wraps

from flask import current_app, request

from ..antibot import api_write_limit
from ..availability import Availability
from ..booking.errors import InvitationClosed, InvitationUsed, OutsideWindow, SlotTaken
from ..booking.notify import notify_booked
from ..booking.operations import can_change
from ..booking.settings import BookingSettings
from ..booking.tokens import looks_like_token, manage_token
from ..dossiers.follow_up_operations import (
    FollowUpPlan,
    book_invitation,
    check_open,
    find_invitation,
    follow_up_services,
    hold_for_invitation,
    plan_follow_up,
)
from ..dossiers.mail import invitation_url, queue_invitation_mail
from ..dossiers.operations import open_dossier
from ..dossiers.windows import follow_up_availability
from ..extensions import db
from ..i18n import _, requested_language
from ..models import FollowUp, Service
from ..timeutil import local_today, utcnow
from . import blueprint
from .booking import _private, _with_alternatives
from .errors import ApiError
from .invitation_request import read_invite, update_contact
from .keys import api_client
from .params import body_datetime, json_body, parse_date
from .serializers import free_times_json, invitation_created_json, invitation_json, visit_json

_CREATE_FIELDS = {
    "service_ids",
    "persons",
    "earliest",
    "latest",
    "staff_email",
    "subject",
    "dossier",
    "resident",
    "any_colleague",
}


# --- Access -------------------------------------------------------------------------------


def may_invite(client: str | None) -> bool:
    """Whether the API client named ``client`` may invite (``API_INVITE_CLIENTS``, a list
    of names from ``API_KEYS``, or one comma-separated text)."""
    allowed = current_app.config.get("API_INVITE_CLIENTS") or []
    if isinstance(allowed, str):
        allowed = [name.strip() for name in allowed.split(",")]
    return client is not None and client in allowed


def invite_key_required(view):
    """Refuse the request with a 401 without a valid key, and a 403 when the key's client
    may not invite."""

    @wraps(view)
    def guarded(*args, **kwargs):
        client = api_client()
        if client is None:
            raise ApiError(
                401,
                "unauthorized",
                _("Voor deze aanvraag is een geldige API-sleutel nodig (header X-API-Key)."),
            )
        if not may_invite(client):
            raise ApiError(
                403,
                "not_allowed_to_invite",
                _("Deze API-sleutel mag geen uitnodigingen versturen."),
            )
        return view(*args, **kwargs)

    return guarded


# --- Inviting (API key with the invite right) -----------------------------------------------


@blueprint.post("/invitations")
@api_write_limit
@invite_key_required
def create_invitation():
    """Invite a resident to a follow-up visit: a new dossier (or an existing one), a
    window, the clerk; the link is mailed in the resident's language. Answers the
    invitation's token and link (only here)."""
    body = json_body(request, _CREATE_FIELDS)
    now, settings = utcnow(), BookingSettings.current()
    invite = read_invite(body, now)
    dossier = invite.dossier
    if dossier is None:
        dossier = open_dossier(
            db.session, owner=invite.staff, subject=invite.subject, contact=invite.contact, now=now
        )
    elif invite.contact is not None:
        update_contact(dossier, invite.contact, invite.contact_sent)
    plan = FollowUpPlan(
        services=invite.services,
        persons=invite.persons,
        staff=invite.staff,
        earliest=invite.earliest,
        latest=invite.latest,
        any_colleague=invite.any_colleague,
    )
    try:
        follow_up, token = plan_follow_up(
            db.session, dossier, plan, invited=True, now=now, settings=settings, created_via="api"
        )
    except OutsideWindow as error:
        raise ApiError.from_booking_error(error, "latest") from None
    mail = queue_invitation_mail(db.session, follow_up, token, now)
    db.session.commit()
    url = invitation_url(current_app.config, follow_up, token)
    created = invitation_created_json(follow_up, token, url, mailed=mail is not None)
    return _private({"invitation": created}, 201)


# --- The invitation, opened by its token -----------------------------------------------------


def _invitation_or_404(token: str) -> FollowUp:
    """The invitation a token opens; a 404 for a garbled or unknown token."""
    follow_up = find_invitation(db.session, token) if looks_like_token(token) else None
    if follow_up is None or not follow_up.invited:
        raise ApiError(
            404,
            "unknown_invitation",
            _("Deze uitnodiging bestaat niet, of de link is niet volledig."),
            "token",
        )
    return follow_up


def _open_services(follow_up: FollowUp, now: datetime) -> list[Service]:
    """The services of an invitation that can still be used; refused (409/410) when it
    was used, withdrawn or ran out, or when a service was withdrawn meanwhile."""
    try:
        check_open(follow_up, now)
    except (InvitationUsed, InvitationClosed) as error:
        raise ApiError.from_booking_error(error, "token") from None
    services = follow_up_services(db.session, follow_up)
    if len(services) != len(follow_up.service_ids) or not all(s.active for s in services):
        raise ApiError.from_booking_error(InvitationClosed(), "token")
    return services


def _availability(
    follow_up: FollowUp, services: list[Service], first: date, last: date, now: datetime
) -> Availability:
    """The invitation's free times in ``first``..``last``: inside its window, with its
    clerk (or the team's qualified clerks), reserved time included."""
    settings = BookingSettings.current()
    return follow_up_availability(
        db.session, follow_up, now, settings, first=first, last=last, services=services
    )


@blueprint.get("/invitations/<token>")
def show_invitation(token: str):
    """The invitation: state, window, services, persons, dossier and subject, and the
    visit it booked once used. Names in ``?lang=``, else the resident's language."""
    follow_up = _invitation_or_404(token)
    language = requested_language() or follow_up.dossier.language
    services = follow_up_services(db.session, follow_up)
    return _private({"invitation": invitation_json(follow_up, services, language, utcnow())})


@blueprint.get("/invitations/<token>/days")
def invitation_days(token: str):
    """The dates in ``from``..``to`` (default: the window from today) inside the
    invitation's window with a free time of its clerk."""
    follow_up = _invitation_or_404(token)
    now = utcnow()
    services = _open_services(follow_up, now)
    max_days = current_app.config["API_MAX_RANGE_DAYS"]
    window_first = max(follow_up.earliest, local_today(now))
    first_asked = parse_date(request.args, "from", default=window_first)
    last_asked = parse_date(request.args, "to", default=follow_up.latest)
    if last_asked < first_asked:
        raise ApiError(
            400, "reversed_range", _("De einddatum (to) ligt vóór de begindatum (from)."), "to"
        )
    if "to" in request.args and (last_asked - first_asked).days + 1 > max_days:
        raise ApiError(
            400,
            "range_too_long",
            _("Vraag hoogstens %(days)s dagen tegelijk op.", days=max_days),
            "to",
        )
    # Only the window counts: dates outside it have no free time for this invitation.
    first, last = max(first_asked, window_first), min(last_asked, follow_up.latest)
    if first <= last:
        last = min(last, first + timedelta(days=max_days - 1))
    days = _availability(follow_up, services, first, last, now).days() if first <= last else []
    return _private(
        {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "persons": follow_up.persons,
            "days": [day.isoformat() for day in days],
        }
    )


@blueprint.get("/invitations/<token>/slots")
def invitation_slots(token: str):
    """The free times of ``date`` (inside the window) with the invitation's clerk."""
    follow_up = _invitation_or_404(token)
    now = utcnow()
    services = _open_services(follow_up, now)
    day = parse_date(request.args, "date")
    if not follow_up.audience().allows_day(day):
        raise ApiError.from_booking_error(OutsideWindow(), "date")
    slots = _availability(follow_up, services, day, day, now).slots()
    return _private(
        {"date": day.isoformat(), "persons": follow_up.persons, "slots": free_times_json(slots)}
    )


@blueprint.post("/invitations/<token>/book")
@api_write_limit
def book_with_invitation(token: str):
    """Book a free time of the invitation: confirmed at once with the dossier's details;
    the resident gets the confirmation mail and the clerk a notification. Answers the
    visit with its manage token (only here). The invitation works once."""
    start = body_datetime(json_body(request, {"start"}), "start")
    follow_up = _invitation_or_404(token)
    now, settings = utcnow(), BookingSettings.current()
    services = _open_services(follow_up, now)
    audience = follow_up.audience()
    try:
        hold, _token = hold_for_invitation(db.session, follow_up, start, now, settings)
        visit = book_invitation(db.session, follow_up, hold, now, settings, channel="api")
    except OutsideWindow as error:
        raise ApiError.from_booking_error(error, "start") from None
    except (InvitationUsed, InvitationClosed) as error:
        raise ApiError.from_booking_error(error, "token") from None
    except SlotTaken as error:
        persons = follow_up.persons
        raise _with_alternatives(
            error, "start", services, persons, start, now, settings, audience=audience
        ) from None
    notify_booked(db.session, visit, now)
    db.session.commit()
    plain = manage_token(current_app.config["SECRET_KEY"], visit.manage_nonce)
    language = requested_language() or visit.language
    appointment = visit_json(visit, language, can_change(visit, now, settings))
    return _private({"appointment": {**appointment, "token": plain}, "manage_token": plain}, 201)
