"""How the API writes the portal's objects as JSON."""

from __future__ import annotations

from datetime import datetime

from ..models import Appointment, AppointmentStatus, FollowUp, Hold, Service
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
        "keywords": {text.language: text.keyword_list for text in texts if text.keyword_list},
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
        "queue_number": appointment.queue_label,
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
        "dossier": appointment.dossier.reference if appointment.dossier_id else None,
    }


def invitation_created_json(follow_up: FollowUp, token: str, url: str, mailed: bool) -> dict:
    """A new invitation as the case software receives it: its token and link (shown only
    here), its window and its dossier; ``mailed`` says whether the portal mails the link."""
    return {
        "token": token,
        "url": url,
        "earliest": follow_up.earliest.isoformat(),
        "latest": follow_up.latest.isoformat(),
        "expires_at": isoformat_local(follow_up.expires_at),
        "dossier": follow_up.dossier.reference,
        "mailed": mailed,
    }


def invitation_json(
    follow_up: FollowUp, services: list[Service], language: str, now: datetime
) -> dict:
    """An invitation as its token shows it: state, window, what for, which dossier, and
    the visit it booked. No personal data: the token travels through mailboxes."""
    dossier, visit = follow_up.dossier, follow_up.appointment
    return {
        "state": follow_up.state(now).value,
        "earliest": follow_up.earliest.isoformat(),
        "latest": follow_up.latest.isoformat(),
        "expires_at": isoformat_local(follow_up.expires_at),
        "services": [{"id": service.id, "name": service.name(language)} for service in services],
        "persons": follow_up.persons,
        "any_colleague": follow_up.any_colleague,
        "language": dossier.language,
        "dossier": dossier.reference,
        "subject": {"code": dossier.subject.code, "names": dict(dossier.subject.names)},
        "appointment": (
            {
                "reference": visit.reference,
                "status": visit.status.value,
                "start": isoformat_local(visit.starts_at),
                "end": isoformat_local(visit.ends_at),
            }
            if visit is not None
            else None
        ),
    }


def free_times_json(slots) -> list[dict]:
    """Free times as the API lists them: start, end and how many clerks could take each."""
    return [
        {
            "start": isoformat_local(slot.start),
            "end": isoformat_local(slot.end),
            "capacity": slot.capacity,
        }
        for slot in slots
    ]
