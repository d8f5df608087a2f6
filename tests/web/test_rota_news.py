"""Staff told of a newly published rota: everyone whose shifts it creates or changes gets a
notification in their list and a mail through the outbox (whatever "also mail me" says),
with their turns in Brussels time, in the language they chose for these mails (else
Dutch); publishing the same rota again tells nobody. Their calendar feed shows the shifts
of the published plans.

The module has its own demo database: it publishes rotas."""

from __future__ import annotations

import email
import re
from collections import defaultdict
from datetime import date, time, timedelta
from email import policy

import pytest
from flask_babel import force_locale
from icalendar import Calendar
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    NotificationKind,
    OutboxMail,
    RotaPlan,
    Shift,
    ShiftKind,
    StaffMember,
    StaffNotification,
    Team,
)
from portal.planning.rota_data import generate_plan
from portal.planning.rota_news import changed_days
from portal.staff.feed import renew_feed
from portal.staff.feed_shifts import shift_event
from portal.timeutil import CITY_TZ, local_datetime, to_local
from tests.conftest import DEMO_NOW, own_demo_app
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import new_client, sign_in, signed_in
from tests.web.test_planning_publish import _publish

FIRST = date(2027, 1, 4)
NOTIFICATIONS = "/medewerkers/dossiers/meldingen"
PLANNER = "planner@stad.example"


@pytest.fixture(scope="module")
def news_app(backend, tmp_path_factory):
    """The demo city in a database of its own: these tests publish rotas."""
    yield from own_demo_app(
        backend,
        tmp_path_factory,
        "rota_news",
        MAIL_SEND_AFTER_REQUEST=False,
        RATELIMIT_SIGN_IN="1000 per minute",
    )


def _team_id() -> int:
    return db.session.scalar(select(Team.id).where(Team.code == "bevolking"))


def _shifts(team_id: int, first: date, last: date) -> dict[int, set]:
    """The team's shifts on the days ``first``..``last`` by person, as plain tuples."""
    found = defaultdict(set)
    for shift in db.session.scalars(select(Shift).where(Shift.filter_teams([team_id]))):
        if first <= to_local(shift.starts_at).date() <= last:
            found[shift.staff_id].add(
                (shift.kind.value, shift.counter_id, shift.starts_at, shift.ends_at)
            )
    return found


def _draft(app, first: date = FIRST, weeks: int = 4) -> int:
    with app.app_context():
        team = db.session.get(Team, _team_id())
        plan = generate_plan(db.session, team, first, weeks, 35, None, DEMO_NOW)
        db.session.commit()
        return plan.id


def _body(mail: OutboxMail) -> tuple[str, str, email.message.EmailMessage]:
    """The text and HTML parts of a queued mail, and the message."""
    message = email.message_from_string(mail.message, policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html, message


def test_changed_days_are_the_days_whose_shifts_differ():
    def turn(day, hour, kind="counter", counter=1):
        start = local_datetime(date(2027, 1, day), time(hour))
        return (kind, counter, start, start + timedelta(hours=3))

    before = {1: {turn(4, 9), turn(5, 9)}, 2: {turn(4, 9)}, 3: {turn(6, 9)}}
    after = {1: {turn(4, 9), turn(5, 9, counter=2)}, 2: {turn(4, 9)}, 4: {turn(7, 13)}}
    assert changed_days(before, after) == {
        1: [date(2027, 1, 5)],
        3: [date(2027, 1, 6)],
        4: [date(2027, 1, 7)],
    }


def test_everyone_whose_shifts_change_is_told_once(news_app, frozen_clock):
    planner = signed_in(news_app, "planner")
    page = planner.get(NOTIFICATIONS).get_data(as_text=True)
    assert "Taal van mijn e-mails van de werkruimte" in page
    saved = planner.post(
        f"{NOTIFICATIONS}/instelling",
        data={"setting-csrf_token": csrf_of(page), "setting-mail_language": "ar"},
    )
    assert saved.status_code == 302
    plan_id = _draft(news_app)
    with news_app.app_context():
        team_id = _team_id()
        last = FIRST + timedelta(weeks=4, days=-1)
        before = _shifts(team_id, FIRST, last)
        members = {
            member.id: member
            for member in db.session.scalars(
                select(StaffMember).where(StaffMember.team_id == team_id)
            )
        }
        assert (
            members[next(i for i, m in members.items() if m.email == PLANNER)].notify_by_mail
            is False
        )
    assert _publish(planner, plan_id).status_code == 302
    with news_app.app_context():
        after = _shifts(team_id, FIRST, last)
        expected = {i for i in set(before) | set(after) if before.get(i) != after.get(i)}
        assert expected, "a new rota changes someone's shifts"
        notes = db.session.scalars(
            select(StaffNotification).where(StaffNotification.kind == NotificationKind.ROTA)
        ).all()
        assert sorted(note.staff_id for note in notes) == sorted(expected)
        assert {note.plan_id for note in notes} == {plan_id}
        mails = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "rota_notice")).all()
        assert sorted(mail.recipient for mail in mails) == sorted(
            members[i].email for i in expected
        )

        # A Dutch reader: their counter turns, in Brussels time, on their days.
        dutch_id = next(i for i in sorted(expected) if members[i].email != PLANNER)
        mail = next(m for m in mails if m.recipient == members[dutch_id].email)
        text, html, message = _body(mail)
        assert message["Content-Language"] == "nl"
        assert mail.subject == "Nieuwe beurtrol van 4 januari 2027 tot en met 31 januari 2027"
        counter = sorted(t for t in after[dutch_id] if t[0] == ShiftKind.COUNTER.value)
        for _kind, _counter, start, end in counter[:3]:
            local_start, local_end = to_local(start), to_local(end)
            span = f"{local_start:%H:%M}–{local_end:%H:%M}"
            assert span in text and span in html
            assert local_start.strftime("%-d januari 2027") in text or "februari" in text
        assert "aan balie" in text
        assert "Resident" not in text and "@example" not in text

        # The planner asked for Arabic: the mail is written right to left, dates in Arabic.
        mail = next(m for m in mails if m.recipient == PLANNER)
        text, html, message = _body(mail)
        assert message["Content-Language"] == "ar"
        assert 'dir="rtl"' in html
        assert "يناير" in text


def test_the_notification_shows_in_the_list_and_on_the_start_page(news_app, frozen_clock):
    client = new_client(news_app)
    assert sign_in(client, PLANNER).status_code == 302
    page = client.get(NOTIFICATIONS).get_data(as_text=True)
    assert "Nieuwe beurtrol van 4 januari 2027 tot en met 31 januari 2027" in page
    assert "Mijn beurten in de agenda" in page
    assert "by=staff" in page and "date=2027-01-04" in page
    assert re.search(
        r'<option[^>]*selected[^>]*value="ar"|<option[^>]*value="ar"[^>]*selected', page
    )
    home = client.get("/medewerkers/").get_data(as_text=True)
    assert "nieuwe melding" in home


def test_publishing_the_same_rota_again_tells_nobody(news_app, frozen_clock):
    planner = signed_in(news_app, "planner")
    with news_app.app_context():
        told = db.session.scalars(select(StaffNotification.id)).all()
        queued = db.session.scalars(select(OutboxMail.id)).all()
    plan_id = _draft(news_app)
    assert _publish(planner, plan_id).status_code == 302
    with news_app.app_context():
        assert db.session.scalars(select(StaffNotification.id)).all() == told
        mails = db.session.scalars(
            select(OutboxMail).where(OutboxMail.id.not_in(queued), OutboxMail.kind == "rota_notice")
        ).all()
        assert mails == []


def test_the_calendar_feed_shows_the_published_shifts(news_app, frozen_clock):
    with news_app.app_context():
        member = db.session.scalar(select(StaffMember).where(StaffMember.email == PLANNER))
        token = renew_feed(member, news_app.config["SECRET_KEY"])
        db.session.commit()
        shifts = {
            f"shift-{shift.id}-staff@stadhuis-op-afspraak": shift
            for shift in db.session.scalars(
                select(Shift).where(Shift.staff_id == member.id, Shift.plan_id.is_not(None))
            )
            if date(2026, 11, 23) <= to_local(shift.starts_at).date() <= date(2027, 3, 7)
        }
        expected = {
            uid: (shift.kind, shift.counter.number if shift.counter else None, shift.starts_at)
            for uid, shift in shifts.items()
        }
    response = new_client(news_app).get(f"/medewerkers/agenda/{token}.ics")
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.get_data())
    events = {
        str(event["UID"]): event
        for event in calendar.walk("VEVENT")
        if str(event["UID"]).startswith("shift-")
    }
    assert set(events) == set(expected)
    for uid, (kind, number, starts_at) in expected.items():
        event = events[uid]
        assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
        assert event.decoded("DTSTART") == starts_at.astimezone(CITY_TZ)
        if kind == ShiftKind.COUNTER:
            assert str(event["SUMMARY"]) == f"Balie {number} (beurtrol)"
            assert str(event["TRANSP"]) == "OPAQUE"
        else:
            assert str(event["SUMMARY"]) == "Backoffice (beurtrol)"
            assert str(event["TRANSP"]) == "TRANSPARENT"
    newest = [
        e
        for e in events.values()
        if "4 januari 2027 tot en met 31 januari 2027" in str(e["DESCRIPTION"])
    ]
    assert newest and "gepubliceerd op 7 december 2026" in str(newest[0]["DESCRIPTION"])


@pytest.mark.parametrize("day", [date(2027, 3, 27), date(2027, 3, 29), date(2027, 10, 30)])
def test_a_shift_keeps_its_wall_clock_time_across_summer_time(news_app, day):
    with news_app.app_context(), force_locale("nl"):
        plan = db.session.scalar(select(RotaPlan).order_by(RotaPlan.id))
        shift = Shift(
            id=1,
            staff_id=1,
            kind=ShiftKind.BACK_OFFICE,
            starts_at=local_datetime(day, time(9)),
            ends_at=local_datetime(day, time(12, 30)),
            plan=plan,
        )
        event = shift_event(shift, DEMO_NOW)
        assert event.decoded("DTSTART").strftime("%H:%M") == "09:00"
        assert event.decoded("DTEND").strftime("%H:%M") == "12:30"
        assert "Uit de beurtrol van" in str(event["DESCRIPTION"])


def test_a_mail_language_outside_the_list_is_refused(news_app, frozen_clock):
    client = signed_in(news_app, "clerk")
    page = client.get(NOTIFICATIONS).get_data(as_text=True)
    response = client.post(
        f"{NOTIFICATIONS}/instelling",
        data={"setting-csrf_token": csrf_of(page), "setting-mail_language": "xx"},
    )
    assert response.status_code == 302
    assert "kon niet bewaard worden" in client.get(NOTIFICATIONS).get_data(as_text=True)
    with news_app.app_context():
        clerk = db.session.scalar(
            select(StaffMember).where(StaffMember.email == "baliemedewerker@stad.example")
        )
        assert clerk.mail_language is None
