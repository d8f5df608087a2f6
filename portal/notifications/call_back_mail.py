"""The words of a call back's mails: the city phones, so nobody is sent to the city hall.

A call back's mails keep their subjects and headlines ("Uw afspraak is bevestigd"), but
their opening sentences say that the city will call, at which number and when, instead
of "see you soon in the city hall"; and they carry no QR code, which is only shown at a
counter. The "where" row becomes the call-back sentence in the templates
(``summary.call_back``).
"""

from __future__ import annotations

from ..i18n import _
from .summary import local_date


def call_back_wording(context: dict, kind: str, appointment) -> None:
    """Adapt a mail's ``context`` (built for a counter visit, in the active locale) to a
    call back of ``appointment``: its intro and its QR code. ``kind`` is the mail's kind
    (a :class:`~portal.notifications.mails.MailKind` value)."""
    sentence = context["summary"].call_back
    if not sentence:
        return
    context["show_qr"] = False
    if kind == "activation":
        context["intro"] = [
            _(
                "U vroeg het stadhuis om u terug te bellen. Dat gebeurt pas als u de afspraak "
                "bevestigt met de knop hieronder."
            )
        ]
    elif kind == "confirmation":
        context["intro"] = [sentence, _("U hoeft niet naar het stadhuis te komen.")]
    elif kind == "reminder":
        context["intro"] = [
            _("Uw terugbelafspraak is op %(date)s.", date=local_date(appointment.starts_at)),
            sentence,
        ]
    elif kind == "cancelled":
        visit_again = _("Wilt u toch langskomen? Maak dan een nieuwe afspraak.")
        context["intro"] = [
            _("Wilt u toch dat we u bellen? Maak dan een nieuwe afspraak.")
            if line == visit_again
            else line
            for line in context["intro"]
        ]
