"""The mails that carry a link to set a password: a forgotten one, or a new account's first.

Written completely into the outbox inside the caller's transaction, like every mail of
the portal, and delivered after the response or by ``send-mail`` (never on the request's
thread). It speaks the person's mail language (chosen on the notifications page, kept
on the link), else Dutch, the staff's working language. The subject line names no one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy.orm import Session

from ..i18n import _, ngettext, site_language, text_direction
from ..locale_text import isolate
from ..models import PasswordLinkKind, PasswordReset, StaffMember
from ..models.outbox import OutboxMail
from ..notifications.mails import render_mail, text_and_html_mail
from ..notifications.outbox import queue_message
from ..timeutil import as_utc

RESET_PATH = "/medewerkers/wachtwoord-instellen/"
FORGOT_PATH = "/medewerkers/wachtwoord-vergeten"


@dataclass(frozen=True)
class _Hall:
    """What the mail layout's footer shows."""

    hall_name: str
    hall_address: str


def password_link_url(config: Mapping, token: str, language: str) -> str:
    """The absolute link that opens the page to choose a password, in ``language``."""
    base = str(config["BASE_URL"]).rstrip("/")
    return f"{base}{RESET_PATH}{token}?lang={site_language(language)}"


def _lifetime_note(link: PasswordReset) -> str:
    """How long the link works, in whole hours or minutes."""
    minutes = max(1, round((link.expires_at - link.created_at).total_seconds() / 60))
    if minutes % 60 == 0:
        return ngettext(
            "De link werkt één keer en blijft %(num)d uur geldig.",
            "De link werkt één keer en blijft %(num)d uur geldig.",
            minutes // 60,
        )
    return ngettext(
        "De link werkt één keer en blijft %(num)d minuut geldig.",
        "De link werkt één keer en blijft %(num)d minuten geldig.",
        minutes,
    )


def _context(member: StaffMember, link: PasswordReset, url: str, language: str) -> dict:
    """Everything the mail shows, written in the active locale."""
    config = current_app.config
    base = str(config["BASE_URL"]).rstrip("/")
    # An address or a link inside Arabic text: an island of its own direction.
    email = isolate(member.email, ltr=True, language=language)
    forgot_url = isolate(base + FORGOT_PATH, ltr=True, language=language)
    if link.kind == PasswordLinkKind.WELCOME:
        subject = _("Uw account voor Stadhuis op afspraak")
        headline = _("Kies uw wachtwoord")
        intro = [
            _("U hebt een account in de werkruimte voor medewerkers van Stadhuis op afspraak."),
            _("U meldt zich aan met dit e-mailadres: %(email)s", email=email),
            _("Kies eerst een wachtwoord met de link hieronder."),
        ]
        action_label = _("Wachtwoord kiezen")
        again = _("Werkt de link niet meer? Vraag een beheerder om een nieuwe.")
    else:
        subject = _("Een nieuw wachtwoord voor Stadhuis op afspraak")
        headline = _("Kies een nieuw wachtwoord")
        intro = [
            _(
                "Iemand vroeg een nieuw wachtwoord aan voor uw account in de werkruimte "
                "voor medewerkers (%(email)s).",
                email=email,
            ),
            _("Was u dat niet? Dan hoeft u niets te doen: uw wachtwoord blijft hetzelfde."),
        ]
        action_label = _("Nieuw wachtwoord kiezen")
        again = _("Werkt de link niet meer? Vraag een nieuwe aan op %(url)s", url=forgot_url)
    return {
        "language": language,
        "text_direction": text_direction(language),
        "subject": subject,
        "headline": headline,
        "intro": intro,
        "action_url": url,
        "action_label": action_label,
        "notes": [_lifetime_note(link), again],
        "summary": _Hall(config["CITY_HALL_NAME"], config["CITY_HALL_ADDRESS"]),
        "footer": _("Dit bericht werd automatisch verstuurd door Stadhuis op afspraak."),
    }


def queue_password_mail(
    session: Session, member: StaffMember, link: PasswordReset, token: str, now: datetime
) -> OutboxMail:
    """Write the mail with ``link`` (whose ``token`` only the caller knows) into the
    outbox, in the link's language; flushed, committed by the caller."""
    now = as_utc(now)
    config = current_app.config
    language = site_language(link.language)
    url = password_link_url(config, token, language)
    with force_locale(language):
        context = _context(member, link, url, language)
        text = render_mail("mail/account_link.txt", context)
        html = render_mail("mail/account_link.html", context)
    message = text_and_html_mail(
        config, member.email, context["subject"], text, html, language, now
    )
    return queue_message(session, message, f"password_{link.kind.value}", now)
