"""Mails of invitations over a real SMTP server: the invitation and its reminder in the
dossier's language (Dutch, Arabic right to left, Russian), the reminder never after a use
and never twice, and the owner's Dutch notice only when they asked for mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.booking.settings import BookingSettings
from portal.booking.window import window_days, window_times
from portal.dossiers import follow_up_operations as follow_ops
from portal.dossiers.mail import (
    dossier_url,
    invitation_url,
    notify_owner,
    queue_invitation_mail,
    send_invitation_reminders,
)
from portal.extensions import db
from portal.models import Dossier, FollowUp, NotificationKind, StaffNotification
from portal.models.outbox import OutboxMail
from portal.notifications import deliver_due
from tests.conftest import DEMO_NOW
from tests.smtp import SmtpServer, use_server
from tests.web.invitation_helpers import SUBJECT_NAMES, invite

# What the invitation's subject line says in each language (the subject's name in it).
INVITATION_SUBJECTS = {
    "nl": "Kies een tijdstip voor uw vervolgafspraak: eID-aanvraag",
    "ar": SUBJECT_NAMES["ar"],
    "ru": SUBJECT_NAMES["ru"],
}


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server the portal delivers to (by the test, not after a request)."""
    with SmtpServer() as server:
        use_server(monkeypatch, app, server, MAIL_SEND_AFTER_REQUEST=False)
        yield server


def _deliver(app, server, count):
    report = deliver_due(db.session, app.config, DEMO_NOW + timedelta(seconds=1))
    assert report.sent == count, report
    return server.wait_for(count)


def _bodies(message):
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def _book(app, invited):
    """Use the invitation: hold its first free time and book it."""
    follow_up = db.session.get(FollowUp, invited.follow_up_id)
    settings = BookingSettings.from_config(app.config)
    services = follow_ops.follow_up_services(db.session, follow_up)
    audience = follow_up.audience()
    day = min(window_days(db.session, services, 1, audience, DEMO_NOW))
    slot = window_times(db.session, services, 1, audience, day, DEMO_NOW)[0]
    hold, _ = follow_ops.hold_for_invitation(db.session, follow_up, slot.start, DEMO_NOW, settings)
    visit = follow_ops.book_invitation(db.session, follow_up, hold, DEMO_NOW, settings)
    db.session.commit()
    return visit


@pytest.mark.parametrize("language", ["nl", "ar", "ru"])
def test_the_invitation_reaches_the_resident_in_their_language(app, smtp, language):
    invited = invite(app, language=language)
    follow_up = db.session.get(FollowUp, invited.follow_up_id)
    mail = queue_invitation_mail(db.session, follow_up, invited.token, DEMO_NOW)
    db.session.commit()
    assert mail.kind == "invitation" and mail.recipient == "sara@example.org"
    (message,) = _deliver(app, smtp, 1)
    assert INVITATION_SUBJECTS[language] in message["Subject"]
    assert "Sara" not in message["Subject"]
    assert message["Content-Language"] == language
    text, html = _bodies(message)
    link = invitation_url(app.config, follow_up, invited.token)
    assert link.endswith(f"{invited.token}?lang={language}")
    assert link in text and link in html
    assert SUBJECT_NAMES[language] in text
    # What to bring (the service's Dutch list when it has none in the language).
    assert "Een recente pasfoto" in text and "Een recente pasfoto" in html
    direction = "rtl" if language == "ar" else "ltr"
    assert f'dir="{direction}"' in html and f'lang="{language}"' in html
    if language == "nl":
        assert "Kies zelf een dag en een tijdstip tussen maandag 14 december 2026" in text
        assert "vrijdag 18 december 2026" in text
        # The link lasts through the window's last day, said as that day.
        assert "De link werkt tot en met vrijdag 18 december 2026." in text


def test_no_invitation_mail_without_an_address(app):
    invited = invite(app, email=None)
    follow_up = db.session.get(FollowUp, invited.follow_up_id)
    assert queue_invitation_mail(db.session, follow_up, invited.token, DEMO_NOW) is None
    assert db.session.scalars(select(OutboxMail)).all() == []


@pytest.mark.parametrize("language", ["nl", "ar", "ru"])
def test_the_reminder_goes_out_once_before_the_window_closes(app, smtp, language):
    invited = invite(app, first=1, last=3, language=language, sent_days_ago=2)
    later = invite_again(app, invited, last=20)
    assert send_invitation_reminders(db.session, DEMO_NOW, days_before=3) == 1
    db.session.commit()
    assert send_invitation_reminders(db.session, DEMO_NOW, days_before=3) == 0
    assert send_invitation_reminders(db.session, DEMO_NOW + timedelta(days=1), days_before=3) == 0
    db.session.commit()
    (mail,) = db.session.scalars(select(OutboxMail)).all()
    assert mail.kind == "invitation_reminder"
    assert db.session.get(FollowUp, invited.follow_up_id).reminder_sent_at == DEMO_NOW
    assert db.session.get(FollowUp, later).reminder_sent_at is None
    (message,) = _deliver(app, smtp, 1)
    text, _html = _bodies(message)
    assert (
        invitation_url(app.config, db.session.get(FollowUp, invited.follow_up_id), invited.token)
        in text
    )
    assert SUBJECT_NAMES[language] in text
    if language == "nl":
        assert (
            message["Subject"]
            == "Herinnering: uw uitnodiging loopt af op donderdag 10 december 2026"
        )
    else:
        # The date is written the language's way (the texts follow with the catalogues).
        assert {"ar": "ديسمبر", "ru": "декабря"}[language] in message["Subject"]
    assert message["Content-Language"] == language


def invite_again(app, invited, *, last):
    """A second invitation of the same dossier with a later window; its id."""
    dossier = db.session.get(Dossier, invited.dossier_id)
    plan = follow_ops.FollowUpPlan(
        services=[invited.city.service],
        persons=1,
        staff=invited.city.staff[0],
        earliest=DEMO_NOW.date() + timedelta(days=10),
        latest=DEMO_NOW.date() + timedelta(days=last),
    )
    follow_up, _ = follow_ops.plan_follow_up(
        db.session,
        dossier,
        plan,
        invited=True,
        now=DEMO_NOW,
        settings=BookingSettings.from_config(app.config),
    )
    db.session.commit()
    return follow_up.id


@pytest.mark.parametrize("how", ["used", "revoked", "no_address"])
def test_no_reminder_for_a_used_or_revoked_invitation(app, how):
    address = None if how == "no_address" else "s@example.org"
    invited = invite(app, first=1, last=3, email=address, sent_days_ago=2)
    follow_up = db.session.get(FollowUp, invited.follow_up_id)
    if how == "used":
        _book(app, invited)
    elif how == "revoked":
        follow_ops.revoke(db.session, follow_up, DEMO_NOW)
        db.session.commit()
    assert send_invitation_reminders(db.session, DEMO_NOW, days_before=3) == 0
    db.session.commit()
    assert (
        db.session.scalars(select(OutboxMail).where(OutboxMail.kind != "confirmation")).all() == []
    )
    if how == "no_address":
        # Looked at once, then never again.
        assert db.session.get(FollowUp, invited.follow_up_id).reminder_sent_at == DEMO_NOW


def test_the_send_reminders_command_sends_invitation_reminders(app, smtp, frozen_clock):
    invited = invite(app, first=1, last=2, sent_days_ago=2)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Invitation reminders queued: 1." in result.output
    again = runner.invoke(args=["send-reminders"])
    assert "Invitation reminders queued: 0." in again.output
    (message,) = smtp.wait_for(1)
    assert invited.token in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize("wants_mail", [True, False])
def test_the_owner_is_told_and_mailed_only_when_they_asked(app, smtp, wants_mail):
    invited = invite(app, owner_mail=wants_mail)
    visit = _book(app, invited)
    old = visit.starts_at
    new = old + timedelta(days=1)
    detail = {"from": old.isoformat(), "to": new.isoformat()}
    notification = notify_owner(db.session, visit, NotificationKind.MOVED, DEMO_NOW, detail=detail)
    db.session.commit()
    assert notification.staff_id == invited.visit_clerk_id
    assert notification.detail == detail
    kinds = db.session.scalars(
        select(StaffNotification.kind).where(StaffNotification.dossier_id == invited.dossier_id)
    ).all()
    assert sorted(kinds) == sorted([NotificationKind.BOOKED, NotificationKind.MOVED])
    owner_mails = db.session.scalars(
        select(OutboxMail).where(OutboxMail.kind == "owner_notice")
    ).all()
    if not wants_mail:
        assert owner_mails == []
        return
    (mail,) = owner_mails
    assert mail.recipient == invited.city.staff[0].email
    (message,) = _deliver(app, smtp, 1)
    dossier = db.session.get(Dossier, invited.dossier_id)
    assert message["Subject"] == f"Dossier {dossier.reference}: afspraak verplaatst door de bewoner"
    assert "Sara" not in message["Subject"]
    assert message["Content-Language"] == "nl"
    text, html = _bodies(message)
    assert dossier_url(app.config, dossier) in text and dossier_url(app.config, dossier) in html
    assert visit.reference in text and "Van " in text and " naar " in text


def test_a_no_show_notice_offers_to_invite_again(app, smtp):
    invited = invite(app, owner_mail=True)
    visit = _book(app, invited)
    notify_owner(db.session, visit, NotificationKind.NO_SHOW, DEMO_NOW)
    db.session.commit()
    (message,) = _deliver(app, smtp, 1)
    assert message["Subject"].endswith(": de bewoner kwam niet")
    assert "opnieuw uitnodigen" in message.get_body(("plain",)).get_content()


def test_the_owner_notice_speaks_the_owners_mail_language(app, smtp):
    invited = invite(app, owner_mail=True)
    visit = _book(app, invited)
    invited.city.staff[0].mail_language = "fr"
    notify_owner(db.session, visit, NotificationKind.NO_SHOW, DEMO_NOW)
    db.session.commit()
    (message,) = _deliver(app, smtp, 1)
    assert message["Content-Language"] == "fr"
    assert "Dossier" in message["Subject"] and "kwam niet" not in message["Subject"]
    assert visit.reference in message.get_body(("plain",)).get_content()


def test_a_visit_outside_any_dossier_tells_nobody(app):
    invited = invite(app, owner_mail=True)
    visit = _book(app, invited)
    visit.dossier_id = None
    db.session.flush()
    assert notify_owner(db.session, visit, NotificationKind.CANCELLED, DEMO_NOW) is None
    assert (
        db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "owner_notice")).all() == []
    )
