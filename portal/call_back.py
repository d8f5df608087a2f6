"""The call-back service: the city phones the resident instead of receiving them.

A visit whose services are delivered in the back office (``Channel.BACK_OFFICE``, such as
the demo's "terugbelafspraak") is a call back. The resident must leave a phone number, and
every confirmation (the done and manage pages, the mails, the calendar file, the staff
printout) says "we call you at … between … and …" instead of sending the resident to the
city hall and a counter.

Only the models and the translations are imported here, so that the booking pages, the
mails and the staff printout can all use it without an import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import format_time
from markupsafe import Markup, escape

from .i18n import _
from .locale_text import isolate
from .models.services import Channel


def is_call_back(services: Iterable) -> bool:
    """Whether ``services`` (a visit's, or a resident's choice) are a call back: all of
    them delivered in the back office (one visit never mixes channels)."""
    services = list(services)
    return bool(services) and all(service.channel == Channel.BACK_OFFICE for service in services)


def call_back_text(appointment, *, markup: bool = False) -> str | Markup | None:
    """The sentence that replaces the address for a call back, in the active locale and
    Brussels time ("We bellen u op 0470 12 34 56 tussen 09:00 en 09:15."), or None for
    a visit at the counter. In right-to-left languages the phone number and the times
    are isolated (:func:`portal.locale_text.isolate`): ``<bdi>`` with ``markup`` (HTML),
    Unicode isolates in plain text (text mail, calendar file)."""
    if not is_call_back(appointment.services):
        return None
    values = {
        "start": format_time(appointment.starts_at, format="short"),
        "end": format_time(appointment.ends_at, format="short"),
    }
    if appointment.phone:
        values["phone"] = appointment.phone
        sentence = _("We bellen u op %(phone)s tussen %(start)s en %(end)s.")
    else:
        # Booked before the number became required (or a dossier's own call).
        sentence = _("We bellen u tussen %(start)s en %(end)s.")
    # A phone number is always left to right; an Arabic time ("9:30 ص") is not.
    isolated = {
        name: isolate(value, html=markup, ltr=name == "phone") for name, value in values.items()
    }
    return escape(sentence) % isolated if markup else sentence % isolated
