"""A person's data as one JSON document (GDPR article 15): every field the portal holds
about them, times in Europe/Brussels, services and subjects named in their language.

The audit trail is not part of it (it names staff, not the person, and carries no
personal data); a mail's text is left out too (it repeats the visit's details, which are
in the document), its subject and dates are in.
"""

from __future__ import annotations

from datetime import datetime

from ..timeutil import to_local
from .person import PersonData


def _moment(value: datetime | None) -> str | None:
    """An aware moment as Brussels ISO 8601, or None."""
    return to_local(value).isoformat() if value is not None else None


def person_export(data: PersonData, language: str, now: datetime) -> dict:
    """The document for the person of ``data``, services named in ``language``."""
    return {
        "generated_at": _moment(now),
        "visits": [
            {
                "reference": visit.reference,
                "status": str(visit.status),
                "services": [service.name(language) for service in visit.services],
                "persons": visit.persons,
                "starts_at": _moment(visit.starts_at),
                "ends_at": _moment(visit.ends_at),
                "booked_through": visit.channel,
                "booked_at": _moment(visit.created_at),
                "cancelled_at": _moment(visit.cancelled_at),
                "name": visit.resident_name,
                "email": visit.email,
                "phone": visit.phone,
                "mail_language": visit.language,
                "spoken_language": visit.spoken_language,
                "spoken_language_other": visit.spoken_language_other,
                "interpreter_needed": visit.interpreter_needed,
                "remark": visit.remark,
                "arrived_at": _moment(visit.arrived_at),
                "completed_at": _moment(visit.completed_at),
            }
            for visit in data.visits
        ],
        "times_held": [
            {
                "starts_at": _moment(hold.starts_at),
                "expires_at": _moment(hold.expires_at),
                "typed_details": dict(hold.draft or {}),
            }
            for hold in data.holds
        ],
        "dossiers": [
            {
                "reference": dossier.reference,
                "subject": dossier.subject.name(language) if dossier.subject else None,
                "status": str(dossier.status),
                "opened_at": _moment(dossier.created_at),
                "closed_at": _moment(dossier.closed_at),
                "name": dossier.resident_name,
                "email": dossier.email,
                "phone": dossier.phone,
                "mail_language": dossier.language,
                "spoken_language": dossier.spoken_language,
                "spoken_language_other": dossier.spoken_language_other,
                "interpreter_needed": dossier.interpreter_needed,
                "waiting_for": dossier.waiting_for,
                "outcome": dossier.outcome,
                "notes": [
                    {"written_at": _moment(note.created_at), "text": note.body}
                    for note in dossier.notes
                ],
            }
            for dossier in data.dossiers
        ],
        "mails": [
            {
                "to": mail.recipient,
                "subject": mail.subject,
                "status": str(mail.status),
                "queued_at": _moment(mail.created_at),
                "sent_at": _moment(mail.sent_at),
            }
            for mail in data.mails
        ],
    }
