"""Write side of the public API: hold a time, book it, then read, confirm, move or cancel
the visit with its manage token — what a form engine such as Open Formulieren asks for.

Each handler parses its body, checks access (an API key for holding and booking; the manage
token itself for the rest, as for the resident's own manage page), calls one operation of
:mod:`portal.booking.operations`, queues the resident's mail and commits once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from flask import Response, current_app, jsonify, request

from ..antibot import api_write_limit
from ..booking.contact import ContactDetails
from ..booking.errors import BookingError, HoldExpired, OutsideWindow, PhoneRequired, SlotTaken
from ..booking.holds import find_hold, hold_services
from ..booking.notify import notify, notify_booked
from ..booking.operations import (
    book_hold,
    can_change,
    cancel,
    confirm,
    find_appointment,
    move,
    place_hold,
)
from ..booking.selection import MAX_SERVICES_PER_VISIT, nearest_free_times, resolve_services
from ..booking.settings import BookingSettings
from ..booking.tokens import looks_like_token, manage_token
from ..call_back import is_call_back
from ..dossiers.mail import notify_owner
from ..extensions import db
from ..i18n import LANGUAGES, _, requested_language
from ..models import Appointment, Hold, NotificationKind, Service
from ..scheduling.audience import Audience
from ..spoken_languages import BY_CODE, OTHER
from ..timeutil import isoformat_local, utcnow
from . import blueprint
from .errors import ApiError
from .keys import api_key_required
from .params import (
    body_bool,
    body_choice,
    body_datetime,
    body_email,
    body_int_list,
    body_persons,
    body_phone,
    body_spoken_language,
    body_text,
    check_persons,
    json_body,
)
from .serializers import hold_json, time_span_json, visit_json

_HOLD_FIELDS = {"service_ids", "persons", "start", "spoken_language"}
# The hold's token and the resident's details (the fields of ContactDetails).
_BOOK_FIELDS = {"hold", *(field.name for field in dataclasses.fields(ContactDetails))}


@blueprint.errorhandler(BookingError)
def _booking_error(error: BookingError):
    """Answer a refused booking step with its own status, code and message."""
    return ApiError.from_booking_error(error).response()


# --- Helpers ------------------------------------------------------------------------------


def _private(payload: dict, status: int = 200) -> Response:
    """A JSON answer that carries a token or personal data: never cached on the way."""
    response = jsonify(payload)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _with_alternatives(
    error: BookingError,
    parameter: str,
    services: Sequence[Service],
    persons: int,
    around: datetime,
    now: datetime,
    settings: BookingSettings,
    ignore_appointment_id: int | None = None,
    audience: Audience | None = None,
) -> ApiError:
    """The error for a time that is gone, with the free times nearest to it to pick from
    (for a follow-up: those of its ``audience``, inside its window and with its clerk).

    The refused attempt is rolled back first, so the offer is read from a clean transaction.
    """
    service_ids = [service.id for service in services]
    db.session.rollback()
    services = [db.session.get(Service, service_id) for service_id in service_ids]
    slots = nearest_free_times(
        db.session,
        services,
        persons,
        around,
        now,
        settings,
        ignore_appointment_id=ignore_appointment_id,
        audience=audience,
    )
    alternatives = [time_span_json(slot) for slot in slots]
    return ApiError.from_booking_error(error, parameter, extra={"alternatives": alternatives})


def _hold_or_404(token: str | None) -> Hold:
    """The booking hold a token stands for; a 404 for a garbled or unknown token."""
    hold = find_hold(db.session, token) if looks_like_token(token) else None
    if hold is None:
        raise ApiError(
            404, "unknown_hold", _("Dit tijdstip wordt niet (meer) voor u vastgehouden."), "hold"
        )
    return hold


def _visit_or_404(token: str) -> Appointment:
    """The visit a manage token opens; a 404 for a garbled or unknown token."""
    appointment = find_appointment(db.session, token) if looks_like_token(token) else None
    if appointment is None:
        raise ApiError(
            404,
            "unknown_appointment",
            _("Deze afspraak bestaat niet, of de link is niet volledig."),
            "token",
        )
    return appointment


def _visit_answer(appointment: Appointment, now: datetime, status: int = 200, **extra):
    """The visit as JSON, service names in ``?lang=`` or else the visit's own language."""
    settings = BookingSettings.current()
    changeable = can_change(appointment, now, settings)
    language = requested_language() or appointment.language
    body = {"appointment": visit_json(appointment, language, changeable), **extra}
    return _private(body, status)


# --- Holding and booking (API key) ---------------------------------------------------------


@blueprint.post("/holds")
@api_write_limit
@api_key_required
def create_hold():
    """Keep a free time for a few minutes while the form engine collects the contact
    details; answers the hold's token, which books it."""
    body = json_body(request, _HOLD_FIELDS)
    service_ids = body_int_list(body, "service_ids", max_items=MAX_SERVICES_PER_VISIT)
    persons = body_persons(body)
    start = body_datetime(body, "start")
    spoken = body_choice(body, "spoken_language", [*BY_CODE, OTHER], None)
    try:
        services = resolve_services(db.session, service_ids, 1, public_only=True)
    except BookingError as error:
        raise ApiError.from_booking_error(error, "service_ids") from None
    check_persons(persons, min(service.max_persons for service in services))
    now, settings = utcnow(), BookingSettings.current()
    try:
        hold, token = place_hold(
            db.session, services, persons, start, now, settings, prefer_language=spoken
        )
    except SlotTaken as error:
        raise _with_alternatives(error, "start", services, persons, start, now, settings) from None
    # Written before the commit, which would expire the hold and read it back.
    answer = _private({"hold": hold_json(hold, token)}, 201)
    db.session.commit()
    return answer


@blueprint.delete("/holds/<token>")
@api_key_required
def delete_hold(token: str):
    """Let a held time go at once (the resident stopped), instead of waiting for it to expire."""
    db.session.delete(_hold_or_404(token))
    db.session.commit()
    return Response(status=204)


@blueprint.post("/appointments")
@api_write_limit
@api_key_required
def create_appointment():
    """Book a held time with the resident's details. Answers the visit and its manage token
    — the only time the token is shown; the resident also receives it by mail."""
    body = json_body(request, _BOOK_FIELDS)
    token = body_text(body, "hold", max_length=64, required=True)
    name = body_text(body, "name", max_length=120, required=True)
    email, phone = body_email(body), body_phone(body)
    language = body_choice(body, "language", LANGUAGES, "nl")
    spoken_language, spoken_language_other = body_spoken_language(body)
    contact = ContactDetails(
        name=name,
        email=email,
        phone=phone,
        language=language,
        spoken_language=spoken_language,
        spoken_language_other=spoken_language_other,
        interpreter_needed=body_bool(body, "interpreter_needed"),
        remark=body_text(body, "remark", max_length=1000, multiline=True) or "",
    )
    hold = _hold_or_404(token)
    # Kept for the whole request: the mail and the answer name these services, and the
    # session would otherwise forget them and read them again.
    services = hold_services(db.session, hold)
    if contact.phone is None and is_call_back(services):
        # The city calls the resident back: without a number it cannot.
        raise ApiError.from_booking_error(PhoneRequired(), "phone")
    now, settings = utcnow(), BookingSettings.current()
    try:
        appointment = book_hold(db.session, hold, contact, now, settings, channel="api")
    except HoldExpired as error:
        persons, start = hold.persons, hold.starts_at
        raise _with_alternatives(error, "hold", services, persons, start, now, settings) from None
    notify_booked(db.session, appointment, now)
    plain = manage_token(current_app.config["SECRET_KEY"], appointment.manage_nonce)
    # Written before the commit, which would expire the visit and read it back.
    answer = _visit_answer(appointment, now, 201, manage_token=plain)
    db.session.commit()
    return answer


# --- The visit, opened by its manage token --------------------------------------------------


@blueprint.get("/appointments/<token>")
def show_appointment(token: str):
    """The visit: reference, status, time, services, persons, languages, and whether it can
    still be changed online."""
    return _visit_answer(_visit_or_404(token), utcnow())


@blueprint.post("/appointments/<token>/confirm")
def confirm_appointment(token: str):
    """Activate a pending visit (what the link in the activation mail does). Confirming a
    visit that is already confirmed changes nothing and sends no second mail."""
    json_body(request, set())
    appointment = _visit_or_404(token)
    now = utcnow()
    if confirm(db.session, appointment, now):
        notify(db.session, appointment, "confirmation", now)
    db.session.commit()
    return _visit_answer(appointment, now)


@blueprint.post("/appointments/<token>/move")
def move_appointment(token: str):
    """Move a confirmed visit to another free time for the same services and persons. A
    follow-up visit stays inside its window and with its clerk (422 ``outside_window``);
    the owner of a dossier visit is told."""
    start = body_datetime(json_body(request, {"start"}), "start")
    appointment = _visit_or_404(token)
    now, settings = utcnow(), BookingSettings.current()
    follow_up, old_start = appointment.follow_up, appointment.starts_at
    audience = follow_up.audience() if follow_up is not None else None
    try:
        move(db.session, appointment, start, now, settings)
    except OutsideWindow as error:
        raise ApiError.from_booking_error(error, "start") from None
    except SlotTaken as error:
        services, persons = appointment.services, appointment.persons
        raise _with_alternatives(
            error, "start", services, persons, start, now, settings, appointment.id, audience
        ) from None
    notify(db.session, appointment, "moved", now)
    if appointment.dossier_id is not None:
        moved = {"from": isoformat_local(old_start), "to": isoformat_local(appointment.starts_at)}
        notify_owner(db.session, appointment, NotificationKind.MOVED, now, detail=moved)
    db.session.commit()
    return _visit_answer(appointment, now)


@blueprint.post("/appointments/<token>/cancel")
def cancel_appointment(token: str):
    """Cancel the visit; its time goes back to others after a short delay. The owner of a
    dossier visit is told."""
    json_body(request, set())
    appointment = _visit_or_404(token)
    now = utcnow()
    cancel(db.session, appointment, now, BookingSettings.current())
    notify(db.session, appointment, "cancelled", now)
    if appointment.dossier_id is not None:
        start = {"start": isoformat_local(appointment.starts_at)}
        notify_owner(db.session, appointment, NotificationKind.CANCELLED, now, detail=start)
    db.session.commit()
    return _visit_answer(appointment, now)
