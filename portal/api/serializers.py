"""How the API writes the portal's objects as JSON."""

from __future__ import annotations

from ..models import Appointment, AppointmentStatus, Hold, Service
from ..scheduling import FreeSlot
from ..timeutil import isoformat_local


def service_json(service: Service) -> dict:
    """A service with its texts in every language it has, for form engines and apps."""
    texts = service.texts.values()
    return {
        "id": service.id,
        "code": service.code,
        "names": {text.language: text.name for text in texts},
        "descriptions": {text.language: text.description for text in texts if text.description},
        "documents": {text.language: text.document_list for text in texts if text.documents},
        "team": {
            "id": service.team.id,
            "code": service.team.code,
            "names": service.team.names,
        },
        "topic": service.topic,
        "duration_minutes": service.duration_minutes,
        "extra_minutes_per_person": service.extra_minutes_per_person,
        "max_persons": service.max_persons,
        "channel": service.channel.value,
        "publicly_bookable": service.publicly_bookable,
        "booking_window": {
            "min_notice_minutes": service.min_notice_minutes,
            "horizon_days": service.horizon_days,
        },
    }


def hold_json(hold: Hold, token: str) -> dict:
    """A time kept for a form engine, with the token that books it (shown only once)."""
    return {
        "token": token,
        "expires_at": isoformat_local(hold.expires_at),
        "start": isoformat_local(hold.starts_at),
        "end": isoformat_local(hold.ends_at),
        "service_ids": list(hold.service_ids),
        "persons": hold.persons,
    }


def time_span_json(slot: FreeSlot) -> dict:
    """A free time offered instead of one that was taken: start and end, Brussels offset."""
    return {"start": isoformat_local(slot.start), "end": isoformat_local(slot.end)}


def visit_json(appointment: Appointment, language: str, can_change: bool) -> dict:
    """A visit as its manage token shows it: when, what, for how many, in which language.

    ``language`` picks the service names (Dutch where a service has no text in it);
    ``can_change`` says whether it can still be moved or cancelled online;
    ``activation_expires_at`` is set while it waits for its activation link.
    """
    return {
        "reference": appointment.reference,
        "status": appointment.status.value,
        "start": isoformat_local(appointment.starts_at),
        "end": isoformat_local(appointment.ends_at),
        "services": [
            {"id": service.id, "name": service.name(language)} for service in appointment.services
        ],
        "persons": appointment.persons,
        "language": appointment.language,
        "spoken_language": appointment.spoken_language,
        "spoken_language_other": appointment.spoken_language_other,
        "interpreter_needed": appointment.interpreter_needed,
        "activation_expires_at": (
            isoformat_local(appointment.activation_expires_at)
            if appointment.status == AppointmentStatus.PENDING
            and appointment.activation_expires_at is not None
            else None
        ),
        "can_change": can_change,
    }
