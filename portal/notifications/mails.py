"""Composing the residents' mails about a visit: text, HTML, QR code and calendar file.

A mail is built completely here, as a standard ``email.message.EmailMessage``; the outbox
stores it as text and delivers it later. Everything a resident reads is written in the
visit's language (``appointment.language``) and in Brussels time, whatever the language
of the request (or the command line) that wrote it.

Structure of a mail with a QR code and a calendar file::

    multipart/mixed
      multipart/alternative
        text/plain
        multipart/related
          text/html            <img src="cid:…">
          image/png            the QR code of the reference
      text/calendar            afspraak.ics (method REQUEST or CANCEL)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from enum import StrEnum

from flask import current_app
from flask_babel import force_locale

from ..i18n import _, site_language, text_direction
from ..locale_text import isolate
from ..timeutil import as_utc, local_today
from .call_back_mail import call_back_wording
from .ics import CALENDAR_FILENAME, appointment_calendar
from .links import book_again_url
from .qr import reference_qr_png
from .summary import local_date, local_moment, local_time, visit_summary


class MailKind(StrEnum):
    """Why a resident gets a mail about their visit."""

    ACTIVATION = "activation"
    CONFIRMATION = "confirmation"
    MOVED = "moved"
    CANCELLED = "cancelled"
    REMINDER = "reminder"
    RESCHEDULE = "reschedule"


# Mails that carry the visit as an invitation, with its QR code.
INVITATION_KINDS = frozenset({MailKind.CONFIRMATION, MailKind.MOVED, MailKind.REMINDER})


def sender(config: Mapping) -> tuple[str, str]:
    """(display name, address) of ``MAIL_DEFAULT_SENDER``: a string or a (name, address)
    pair, as Flask-Mail accepts it."""
    value = config["MAIL_DEFAULT_SENDER"]
    if isinstance(value, (tuple, list)):
        return str(value[0]), str(value[1])
    return parseaddr(value)


def mail_language(appointment) -> str:
    """The visit's mail language, or Dutch if it holds something the site does not speak."""
    return site_language(appointment.language)


def _visit_moment(appointment) -> dict:
    """The visit's date and time for the mails' sentences (the time isolated in Arabic)."""
    return {
        "date": local_date(appointment.starts_at),
        "time": isolate(local_time(appointment.starts_at)),
    }


def _reminder_wording(appointment, now: datetime) -> tuple[str, str]:
    """(subject, intro) of a reminder: "today", "tomorrow" or the date, in Brussels days."""
    moment = _visit_moment(appointment)
    days_ahead = (local_today(appointment.starts_at) - local_today(now)).days
    if days_ahead == 0:
        return (
            _("Herinnering: uw afspraak vandaag om %(time)s", **moment),
            _("Uw afspraak in het stadhuis is vandaag, %(date)s, om %(time)s.", **moment),
        )
    if days_ahead == 1:
        return (
            _("Herinnering: uw afspraak morgen om %(time)s", **moment),
            _("Uw afspraak in het stadhuis is morgen, %(date)s, om %(time)s.", **moment),
        )
    return (
        _("Herinnering: uw afspraak op %(date)s om %(time)s", **moment),
        _("Uw afspraak in het stadhuis is op %(date)s om %(time)s.", **moment),
    )


def _wording(kind: MailKind, appointment, now: datetime) -> dict:
    """Subject, headline and opening sentences of a mail of ``kind`` (active locale)."""
    moment = _visit_moment(appointment)
    if kind is MailKind.ACTIVATION:
        return {
            "subject": _("Bevestig uw afspraak van %(date)s", **moment),
            "headline": _("Bevestig uw afspraak"),
            "intro": [
                _(
                    "U hebt een afspraak gemaakt in het stadhuis. Ze gaat pas door als u "
                    "ze bevestigt met de knop hieronder."
                )
            ],
        }
    if kind is MailKind.CONFIRMATION:
        return {
            "subject": _("Uw afspraak op %(date)s om %(time)s", **moment),
            "headline": _("Uw afspraak is bevestigd"),
            "intro": [
                _("Tot binnenkort in het stadhuis. Hieronder vindt u alles wat u nodig hebt.")
            ],
        }
    if kind is MailKind.MOVED:
        return {
            "subject": _("Uw afspraak is verplaatst naar %(date)s om %(time)s", **moment),
            "headline": _("Uw afspraak is verplaatst"),
            "intro": [
                _("Uw afspraak heeft een nieuw tijdstip: %(date)s om %(time)s.", **moment),
                _("Het vorige tijdstip geldt niet meer."),
            ],
        }
    if kind is MailKind.REMINDER:
        subject, intro = _reminder_wording(appointment, now)
        return {"subject": subject, "headline": _("Herinnering aan uw afspraak"), "intro": [intro]}
    if kind is MailKind.RESCHEDULE:
        return _reschedule_wording(appointment, moment)
    intro = [_("Uw afspraak van %(date)s om %(time)s gaat niet door.", **moment)]
    if appointment.cancel_reason:
        # Staff cancelled it and said why (in their words, as typed).
        intro.append(_("De reden: %(reason)s", reason=appointment.cancel_reason))
    intro.append(_("Wilt u toch langskomen? Maak dan een nieuwe afspraak."))
    return {
        "subject": _("Uw afspraak van %(date)s is geannuleerd", **moment),
        "headline": _("Uw afspraak is geannuleerd"),
        "intro": intro,
    }


def _reschedule_wording(appointment, moment: dict) -> dict:
    """The city asks the resident to choose a new time: the visit stands until they do."""
    intro = [
        _("Uw afspraak van %(date)s om %(time)s kan helaas niet doorgaan zoals gepland.", **moment)
    ]
    if appointment.reschedule_reason:
        # The planner's or the closure's reason, in the words it was typed in.
        intro.append(_("De reden: %(reason)s", reason=appointment.reschedule_reason))
    intro.append(
        _(
            "Kies met de knop hieronder een nieuw tijdstip. Tot u dat doet, blijft uw "
            "afspraak staan; bel ons gerust als u liever samen een tijdstip zoekt."
        )
    )
    return {
        "subject": _("Kies een nieuw tijdstip voor uw afspraak van %(date)s", **moment),
        "headline": _("Kies een nieuw tijdstip voor uw afspraak"),
        "intro": intro,
    }


def _mail_context(
    appointment, kind: MailKind, language: str, manage_url: str, now, config, suggestions=()
):
    """Everything the mail templates show, written in the active locale."""
    summary = visit_summary(appointment, language, config)
    context = {
        "kind": kind.value,
        "language": language,
        "text_direction": text_direction(language),
        "summary": summary,
        "show_documents": kind is not MailKind.CANCELLED,
        "show_reference": kind is not MailKind.ACTIVATION,
        "show_qr": kind in INVITATION_KINDS,
        "manage_url": None,
        "manage_until": None,
        "action_url": None,
        "action_label": None,
        "notes": [],
        **_wording(kind, appointment, now),
    }
    call_back_wording(context, kind.value, appointment)
    if kind is MailKind.ACTIVATION:
        context["action_url"] = manage_url
        context["action_label"] = _("Afspraak bevestigen")
        if appointment.activation_expires_at is not None:
            context["notes"].append(
                _(
                    "Deze link werkt tot %(moment)s. Bevestigt u niet op tijd, dan komt het "
                    "tijdstip weer vrij.",
                    moment=local_moment(appointment.activation_expires_at),
                )
            )
        context["notes"].append(_("Hebt u deze afspraak niet gemaakt? Dan hoeft u niets te doen."))
    elif kind is MailKind.CANCELLED:
        context["action_url"] = book_again_url(config, appointment.language)
        context["action_label"] = _("Nieuwe afspraak maken")
    elif kind is MailKind.RESCHEDULE:
        context["action_url"] = manage_url
        context["action_label"] = _("Nieuw tijdstip kiezen")
        if suggestions:
            context["notes"].append(_("Deze tijdstippen zijn nu nog vrij:"))
            context["notes"].extend(local_moment(moment) for moment in suggestions)
    else:
        context["manage_url"] = manage_url
        cutoff = as_utc(appointment.starts_at) - timedelta(minutes=config["MANAGE_CUTOFF_MINUTES"])
        context["manage_until"] = _("Dat kan online tot %(moment)s.", moment=local_moment(cutoff))
    return context


def render_mail(template: str, context: dict) -> str:
    """Render a mail template without the request's context processors.

    Those would add the *request's* language and direction (and cache them in ``g``),
    while a mail speaks its reader's language and must also render from the CLI.
    """
    return current_app.jinja_env.get_template(template).render(**context)


def text_and_html_mail(
    config: Mapping,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    language: str,
    now: datetime,
) -> EmailMessage:
    """A plain mail of the portal, as text and HTML, ready for the outbox: the headers
    every one of them carries (sender, date, message id, "automatic") and its language."""
    sender_name, sender_address = sender(config)
    message = EmailMessage()
    message["From"] = formataddr((sender_name, sender_address))
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender_address.rpartition("@")[2] or None)
    # RFC 3834: an automatic message; out-of-office replies should not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    message["Content-Language"] = language  # after the parts: adding them clears it
    return message


def compose_appointment_mail(
    appointment,
    kind: MailKind,
    *,
    manage_url: str,
    now: datetime,
    config: Mapping | None = None,
    suggestions: Sequence[datetime] = (),
) -> EmailMessage:
    """The complete mail of ``kind`` about ``appointment``, ready to be stored and sent.

    Needs an app context (templates, translations), not a request: links come from the
    caller (``manage_url``) and from ``BASE_URL``. ``appointment.email`` must be set.
    ``suggestions`` are free start times offered in a request to choose a new time.
    """
    config = config if config is not None else current_app.config
    kind = MailKind(kind)
    language = mail_language(appointment)
    sender_name, sender_address = sender(config)
    with force_locale(language):
        context = _mail_context(appointment, kind, language, manage_url, now, config, suggestions)
        qr_cid = make_msgid(domain=sender_address.rpartition("@")[2] or None)
        context["qr_cid"] = qr_cid[1:-1]
        context["qr_alt"] = _(
            "QR-code van referentie %(reference)s", reference=appointment.reference
        )
        context["footer"] = _("Dit bericht werd automatisch verstuurd door Stadhuis op afspraak.")
        text = render_mail("mail/appointment.txt", context)
        html = render_mail("mail/appointment.html", context)
        calendar = None
        if kind in INVITATION_KINDS or kind is MailKind.CANCELLED:
            cancelled = kind is MailKind.CANCELLED
            calendar = appointment_calendar(
                appointment,
                cancelled=cancelled,
                organizer_email=sender_address,
                organizer_name=sender_name or None,
                language=language,
                manage_url=book_again_url(config, language) if cancelled else manage_url,
                now=now,
            )

    message = EmailMessage()
    message["From"] = formataddr((sender_name, sender_address))
    message["To"] = appointment.email
    message["Subject"] = context["subject"]
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender_address.rpartition("@")[2] or None)
    # RFC 3834: an automatic message; out-of-office replies should not answer it.
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps every line ASCII, so any mail server takes the message.
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    if context["show_qr"]:
        html_part = message.get_payload()[1]
        html_part.add_related(
            reference_qr_png(appointment.reference),
            maintype="image",
            subtype="png",
            cid=qr_cid,
            disposition="inline",
            filename="qr-code.png",
        )
    if calendar is not None:
        message.add_attachment(
            calendar,
            maintype="text",
            subtype="calendar",
            filename=CALENDAR_FILENAME,
            params={
                "method": "CANCEL" if kind is MailKind.CANCELLED else "REQUEST",
                "charset": "utf-8",
            },
        )
    # Last: the body methods above move Content-* headers into the parts they create.
    message["Content-Language"] = language
    return message
