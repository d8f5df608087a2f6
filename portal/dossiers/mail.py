"""Mails of dossiers: the invitation, its reminder, and the owner's notifications.

Like every mail of the portal they are written completely into the outbox, inside the
caller's transaction, and delivered after the response or by ``send-mail``. The
invitation and its reminder speak the dossier's mail language; the owner's notice is
staff-facing and Dutch, and names no resident in its subject line (subjects end up in
mail logs and on lock screens).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy.orm import Session

from ..i18n import LANGUAGES, _, ngettext, site_language, text_direction
from ..models import Appointment, Dossier, FollowUp, NotificationKind, StaffMember
from ..models.outbox import OutboxMail
from ..notifications.mails import render_mail, text_and_html_mail
from ..notifications.outbox import queue_message
from ..notifications.summary import local_date, local_moment, service_documents
from ..timeutil import as_utc
from .follow_up_operations import follow_up_services, invitation_token
from .operations import tell_owner
from .reminders import claim_reminder, invitations_due_reminder

INVITATION_PATH = "/afspraak/uitnodiging/"
DOSSIER_PATH = "/medewerkers/dossiers/"
DEFAULT_REMINDER_DAYS = 3


@dataclass(frozen=True)
class _Hall:
    """What the mail layout's footer shows."""

    hall_name: str
    hall_address: str


def _base(config: Mapping) -> str:
    return str(config["BASE_URL"]).rstrip("/")


def invitation_url(config: Mapping, follow_up: FollowUp, token: str) -> str:
    """The absolute link of an invitation, opening in the dossier's language."""
    language = follow_up.dossier.language
    suffix = f"?lang={language}" if language in LANGUAGES else ""
    return _base(config) + INVITATION_PATH + token + suffix


def dossier_url(config: Mapping, dossier: Dossier) -> str:
    """The absolute link of the dossier's page in the staff workspace."""
    return f"{_base(config)}{DOSSIER_PATH}{dossier.id}"


def _invitation_context(session, follow_up: FollowUp, url: str, language: str, reminder: bool):
    """Everything the invitation mail shows, written in the active locale."""
    config = current_app.config
    dossier = follow_up.dossier
    subject_name = dossier.subject.name(language)
    services = follow_up_services(session, follow_up)
    window = {"first": local_date(follow_up.earliest), "last": local_date(follow_up.latest)}
    if reminder:
        subject = _("Herinnering: uw uitnodiging loopt af op %(date)s", date=window["last"])
        headline = _("Uw uitnodiging loopt bijna af")
        intro = [
            _(
                "U koos nog geen tijdstip voor uw vervolgafspraak (%(subject)s).",
                subject=subject_name,
            ),
            _(
                "Uw uitnodiging loopt af op %(date)s. Kies vóór die dag een tijdstip.",
                date=window["last"],
            ),
        ]
    else:
        subject = _("Kies een tijdstip voor uw vervolgafspraak: %(subject)s", subject=subject_name)
        headline = _("Kies een tijdstip voor uw vervolgafspraak")
        intro = [
            _("De stad nodigt u uit voor een vervolgafspraak (%(subject)s).", subject=subject_name),
            _("Kies zelf een dag en een tijdstip tussen %(first)s en %(last)s.", **window),
        ]
    intro.append(_("Wij kennen uw gegevens al: u hoeft ze niet opnieuw in te vullen."))
    documents = [
        (service.name(language), service_documents(service, language))
        for service in services
        if service_documents(service, language)
    ]
    persons = None
    if follow_up.persons > 1:
        persons = ngettext("%(num)d persoon", "%(num)d personen", follow_up.persons)
    return {
        "language": language,
        "text_direction": text_direction(language),
        "subject": subject,
        "headline": headline,
        "intro": intro,
        "action_url": url,
        "action_label": _("Tijdstip kiezen"),
        "notes": [
            _("Deze link is persoonlijk en werkt één keer: daarna is uw afspraak geboekt."),
            _("De link werkt tot en met %(day)s.", day=local_date(follow_up.latest)),
        ],
        "what": ", ".join(service.name(language) for service in services),
        "persons": persons,
        "window": _("Tussen %(first)s en %(last)s", **window),
        "documents": documents,
        "summary": _Hall(config["CITY_HALL_NAME"], config["CITY_HALL_ADDRESS"]),
        "footer": _("Dit bericht werd automatisch verstuurd door Stadhuis op afspraak."),
    }


def queue_invitation_mail(
    session: Session, follow_up: FollowUp, token: str, now: datetime, *, reminder: bool = False
) -> OutboxMail | None:
    """Write the invitation (or its reminder) into the outbox in the resident's language;
    None when the dossier has no e-mail address."""
    dossier = follow_up.dossier
    if not dossier.email:
        return None
    now = as_utc(now)
    config = current_app.config
    language = site_language(dossier.language)
    url = invitation_url(config, follow_up, token)
    with force_locale(language):
        context = _invitation_context(session, follow_up, url, language, reminder)
        text = render_mail("mail/invitation.txt", context)
        html = render_mail("mail/invitation.html", context)
    message = text_and_html_mail(
        config, dossier.email, context["subject"], text, html, language, now
    )
    kind = "invitation_reminder" if reminder else "invitation"
    return queue_message(session, message, kind, now)


def send_invitation_reminders(session: Session, now: datetime, *, days_before: int) -> int:
    """Remind every open invitation whose window closes within ``days_before`` days, once:
    each is claimed with one conditional UPDATE (never twice, never after a use). An
    invitation without an e-mail address is claimed too, so it is not looked at again.
    Returns the number of reminders queued; the caller commits."""
    now = as_utc(now)
    secret = current_app.config["SECRET_KEY"]
    queued = 0
    for follow_up in invitations_due_reminder(session, now, days_before):
        if not claim_reminder(session, follow_up, now):
            continue
        token = invitation_token(secret, follow_up)
        if queue_invitation_mail(session, follow_up, token, now, reminder=True) is not None:
            queued += 1
    return queued


def _owner_wording(kind: NotificationKind, reference: str) -> tuple[str, str]:
    """(subject, headline) of the owner's notice: the dossier's reference, never a name."""
    texts = {
        NotificationKind.BOOKED: _(
            "Dossier %(reference)s: de bewoner koos een tijdstip", reference=reference
        ),
        NotificationKind.MOVED: _(
            "Dossier %(reference)s: afspraak verplaatst door de bewoner", reference=reference
        ),
        NotificationKind.CANCELLED: _(
            "Dossier %(reference)s: afspraak geannuleerd door de bewoner", reference=reference
        ),
        NotificationKind.NO_SHOW: _(
            "Dossier %(reference)s: de bewoner kwam niet", reference=reference
        ),
        NotificationKind.RESCHEDULE: _(
            "Dossier %(reference)s: afspraak moet een nieuw tijdstip krijgen", reference=reference
        ),
    }
    subject = texts[NotificationKind(kind)]
    return subject, subject


def _moment_of(value) -> str:
    """An ISO moment from a notification's detail, written in words (or as given)."""
    try:
        return local_moment(as_utc(datetime.fromisoformat(str(value))))
    except (TypeError, ValueError):
        return str(value)


def _owner_context(visit: Appointment, kind, dossier: Dossier, detail: dict, language: str) -> dict:
    """What the owner's notice shows, in the owner's mail language (the active locale)."""
    config = current_app.config
    subject, headline = _owner_wording(kind, dossier.reference)
    lines = [
        _(
            "Dossier: %(reference)s (%(subject)s)",
            reference=dossier.reference,
            subject=dossier.subject.name(language),
        ),
        _(
            "Afspraak %(reference)s op %(moment)s",
            reference=visit.reference,
            moment=local_moment(visit.starts_at),
        ),
    ]
    if kind == NotificationKind.MOVED and detail.get("from") and detail.get("to"):
        lines.append(
            _(
                "Van %(old)s naar %(new)s",
                old=_moment_of(detail["from"]),
                new=_moment_of(detail["to"]),
            )
        )
    if kind == NotificationKind.NO_SHOW:
        lines.append(_("Op de dossierpagina kunt u de bewoner opnieuw uitnodigen."))
    return {
        "language": language,
        "text_direction": text_direction(language),
        "subject": subject,
        "headline": headline,
        "intro": lines,
        "action_url": dossier_url(config, dossier),
        "action_label": _("Dossier openen"),
        "summary": _Hall(config["CITY_HALL_NAME"], config["CITY_HALL_ADDRESS"]),
        "footer": _(
            "U krijgt deze e-mail omdat u meldingen over uw dossiers per e-mail wilt ontvangen."
        ),
    }


def queue_owner_mail(session: Session, notification, now: datetime) -> OutboxMail | None:
    """Mail the owner a notification of their list, when they asked for mail (and have
    an address); None otherwise."""
    owner = session.get(StaffMember, notification.staff_id)
    if owner is None or not owner.notify_by_mail or not owner.email:
        return None
    visit = notification.appointment or session.get(Appointment, notification.appointment_id)
    dossier = notification.dossier or session.get(Dossier, notification.dossier_id)
    if visit is None or dossier is None:
        return None
    now = as_utc(now)
    config = current_app.config
    language = site_language(owner.mail_language)
    with force_locale(language):
        detail = notification.detail or {}
        context = _owner_context(visit, notification.kind, dossier, detail, language)
        text = render_mail("mail/owner_notice.txt", context)
        html = render_mail("mail/owner_notice.html", context)
    message = text_and_html_mail(config, owner.email, context["subject"], text, html, language, now)
    return queue_message(session, message, "owner_notice", now, appointment_id=visit.id)


def notify_owner(session, visit, kind, now, *, detail=None):
    """Tell the dossier's owner (notification list; a mail when they asked for one).
    Nothing for a visit outside any dossier. Returns the notification or None."""
    notification = tell_owner(session, visit, kind, now, detail=detail)
    if notification is not None:
        queue_owner_mail(session, notification, now)
    return notification
