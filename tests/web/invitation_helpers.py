"""A small city with a dossier and an invitation, for the invitation pages and mails."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from portal.booking.contact import ContactDetails
from portal.booking.settings import BookingSettings
from portal.dossiers import follow_up_operations as follow_ops
from portal.dossiers import operations as ops
from portal.extensions import db
from portal.models import DossierSubject
from tests.builders import City, build_city
from tests.conftest import DEMO_NOW, DEMO_TODAY

SUBJECT_NAMES = {
    "nl": "eID-aanvraag",
    "ar": "طلب بطاقة الهوية الإلكترونية",
    "ru": "Заявление на eID",
    "en": "eID application",
}
DOCUMENTS = "Uw huidige identiteitskaart\nEen recente pasfoto"


@dataclass
class Invited:
    """What :func:`invite` made: the link's token and the ids the tests look up."""

    token: str
    follow_up_id: int
    dossier_id: int
    visit_clerk_id: int
    other_clerk_id: int
    service_id: int
    city: City


def invite(
    app,
    *,
    first: int = 7,
    last: int = 11,
    language: str = "nl",
    email: str | None = "sara@example.org",
    owner_mail: bool = False,
    weeks: int = 4,
    sent_days_ago: int = 0,
) -> Invited:
    """A city of two clerks (counter shifts for ``weeks`` weeks from the demo's Monday), a
    dossier of clerk 0 for Sara in ``language``, and an invitation with clerk 0 for days
    ``first``..``last`` after that Monday, mailed ``sent_days_ago`` days before the demo's
    now (a reminder never follows within a day); committed."""
    city = build_city(db.session, DEMO_TODAY, DEMO_TODAY + timedelta(weeks=weeks))
    city.service.texts["nl"].documents = DOCUMENTS
    subject = DossierSubject(team_id=city.team.id, code="eid", names=dict(SUBJECT_NAMES))
    db.session.add(subject)
    owner = city.staff[0]
    owner.notify_by_mail = owner_mail
    db.session.flush()
    contact = ContactDetails(name="Sara Haddad", email=email, phone="0470", language=language)
    dossier = ops.open_dossier(
        db.session, owner=owner, subject=subject, contact=contact, now=DEMO_NOW
    )
    plan = follow_ops.FollowUpPlan(
        services=[city.service],
        persons=1,
        staff=owner,
        earliest=DEMO_TODAY + timedelta(days=first),
        latest=DEMO_TODAY + timedelta(days=last),
    )
    follow_up, token = follow_ops.plan_follow_up(
        db.session,
        dossier,
        plan,
        invited=True,
        now=DEMO_NOW,
        settings=BookingSettings.from_config(app.config),
    )
    follow_up.sent_at = DEMO_NOW - timedelta(days=sent_days_ago)
    db.session.commit()
    return Invited(
        token=token,
        follow_up_id=follow_up.id,
        dossier_id=dossier.id,
        visit_clerk_id=owner.id,
        other_clerk_id=city.staff[1].id,
        service_id=city.service.id,
        city=city,
    )
