"""How the API writes the portal's objects as JSON."""

from __future__ import annotations

from ..models import Service


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
