"""The resident's invitation pages: only the window's days and the clerk's times, a hold,
confirmed at once with the dossier's details, the confirmation mail; a link works once;
expired, revoked and unknown links; Dutch and Arabic (right to left)."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    FollowUp,
    Hold,
    NotificationKind,
    StaffNotification,
)
from portal.models.outbox import OutboxMail
from portal.timeutil import local_datetime, to_local
from tests.builders import book
from tests.conftest import DEMO_NOW, DEMO_TODAY
from tests.web.booking_helpers import csrf_of
from tests.web.invitation_helpers import invite
from tests.web.staff_helpers import new_client

START = "/afspraak/uitnodiging/"
DAY_LINK = re.compile(r'href="/afspraak/uitnodiging/[^"/]+/tijd\?dag=(\d{4}-\d\d-\d\d)')
STARTS = re.compile(r'name="start" value="([^"]+)"')
TUESDAY = DEMO_TODAY + timedelta(days=8)  # 15 December 2026, inside the window


@pytest.fixture(autouse=True)
def _no_delivery_after_request(app, monkeypatch):
    """Mails stay in the outbox: these tests read them there."""
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_REQUEST", False)


def _days(page: str) -> set[date]:
    return {date.fromisoformat(day) for day in DAY_LINK.findall(page)}


def _starts(page: str) -> list[str]:
    return [html.unescape(value) for value in STARTS.findall(page)]


def test_the_resident_books_inside_the_window_with_the_clerk(app, frozen_clock):
    invited = invite(app)
    # Clerk 0 is busy at 09:00 that Tuesday: that time is only free with clerk 1.
    busy = local_datetime(TUESDAY, time(9))
    book(
        db.session, invited.city.staff[0], invited.city.service, busy, busy + timedelta(minutes=15)
    )
    db.session.commit()
    client = new_client(app)
    url = START + invited.token

    page = client.get(url + "?lang=nl")
    assert page.status_code == 200
    # The token is in the address: the page is never cached nor sent to another site as
    # a referrer (only to the portal itself, whose CSRF check over HTTPS needs it).
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "same-origin"
    text = page.get_data(as_text=True)
    assert "eID-aanvraag" in text and "Identiteitskaart aanvragen" in text
    assert 'name="email"' not in text and 'name="name"' not in text
    days = _days(text)
    first, last = DEMO_TODAY + timedelta(days=7), DEMO_TODAY + timedelta(days=11)
    assert days and all(first <= day <= last for day in days)
    assert TUESDAY in days

    times = client.get(f"{url}/tijd?dag={TUESDAY.isoformat()}")
    assert times.status_code == 200
    starts = _starts(times.get_data(as_text=True))
    local_starts = [to_local(datetime.fromisoformat(start)) for start in starts]
    assert local_starts and all(moment.date() == TUESDAY for moment in local_starts)
    assert time(9) not in {moment.time() for moment in local_starts}
    assert time(9, 15) in {moment.time() for moment in local_starts}

    held = client.post(
        f"{url}/tijd",
        data={"start": starts[0], "dag": TUESDAY.isoformat(), "csrf_token": csrf_of(times.text)},
    )
    assert held.status_code == 302 and held.location.endswith(url + "/bevestigen")
    review = client.get(url + "/bevestigen")
    assert review.status_code == 200
    assert "Sara Haddad" in review.text and "hold-notice" in review.text
    done = client.post(url + "/bevestigen", data={"csrf_token": csrf_of(review.text)})
    assert done.status_code == 302 and done.location.endswith("/afspraak/uitnodiging/klaar")
    finished = client.get("/afspraak/uitnodiging/klaar")
    assert finished.status_code == 200 and "/afspraak/beheer/" in finished.text

    db.session.expire_all()
    visit = db.session.scalar(
        select(Appointment).where(Appointment.follow_up_id == invited.follow_up_id)
    )
    assert visit.status == AppointmentStatus.CONFIRMED
    assert visit.staff_id == invited.visit_clerk_id
    assert visit.dossier_id == invited.dossier_id and visit.resident_name == "Sara Haddad"
    assert visit.starts_at == datetime.fromisoformat(starts[0])
    assert db.session.get(FollowUp, invited.follow_up_id).used_at == DEMO_NOW
    mails = db.session.scalars(select(OutboxMail).where(OutboxMail.appointment_id == visit.id))
    assert [mail.kind for mail in mails] == ["confirmation"]
    kinds = db.session.scalars(
        select(StaffNotification.kind).where(StaffNotification.appointment_id == visit.id)
    ).all()
    assert kinds == [NotificationKind.BOOKED]
    assert db.session.scalar(select(Hold).where(Hold.follow_up_id == invited.follow_up_id)) is None

    # The link works once: a second visit is refused, and names nobody.
    again = client.get(url + "?lang=nl")
    assert again.status_code == 409
    assert "Met deze uitnodiging werd al een afspraak gemaakt" in again.text
    assert "Sara" not in again.text and "eID-aanvraag" not in again.text
    other = new_client(app)
    refused = other.post(
        f"{url}/tijd?lang=nl",
        data={"start": starts[1], "dag": TUESDAY.isoformat(), "csrf_token": csrf_of(times.text)},
    )
    assert refused.status_code in (400, 409)


def test_a_second_confirm_from_another_browser_books_nothing(app, frozen_clock):
    invited = invite(app)
    url = START + invited.token
    browsers = [new_client(app), new_client(app)]
    reviews = []
    for n, browser in enumerate(browsers):
        times = browser.get(f"{url}/tijd?dag={TUESDAY.isoformat()}&lang=nl")
        start = _starts(times.text)[n]
        held = browser.post(
            f"{url}/tijd",
            data={"start": start, "dag": TUESDAY.isoformat(), "csrf_token": csrf_of(times.text)},
        )
        assert held.status_code == 302
        reviews.append(browser.get(url + "/bevestigen"))
    first = browsers[0].post(url + "/bevestigen", data={"csrf_token": csrf_of(reviews[0].text)})
    assert first.status_code == 302
    second = browsers[1].post(url + "/bevestigen", data={"csrf_token": csrf_of(reviews[1].text)})
    assert second.status_code == 409
    assert "Met deze uitnodiging werd al een afspraak gemaakt" in second.text
    db.session.expire_all()
    booked = db.session.scalars(
        select(Appointment).where(Appointment.dossier_id == invited.dossier_id)
    ).all()
    assert len(booked) == 1
    # The loser's held time goes back to everyone at once, not when its hold runs out.
    assert db.session.scalar(select(Hold).where(Hold.follow_up_id == invited.follow_up_id)) is None


def test_a_forged_time_outside_the_window_is_refused(app, frozen_clock):
    invited = invite(app)
    url = START + invited.token
    client = new_client(app)
    page = client.get(f"{url}/tijd?dag={TUESDAY.isoformat()}&lang=nl")
    outside = local_datetime(DEMO_TODAY + timedelta(days=2), time(9)).isoformat()
    answer = client.post(
        f"{url}/tijd",
        data={"start": outside, "dag": TUESDAY.isoformat(), "csrf_token": csrf_of(page.text)},
    )
    assert answer.status_code == 422
    assert "binnen de afgesproken periode" in answer.text
    # A day outside the window offers no times at all.
    before = client.get(f"{url}/tijd?dag={(DEMO_TODAY + timedelta(days=2)).isoformat()}")
    assert before.status_code == 200 and not _starts(before.text)
    assert "buiten de periode" in before.text
    # A time that is nobody's (or not the clerk's) is refused as taken.
    odd = local_datetime(TUESDAY, time(3)).isoformat()
    taken = client.post(
        f"{url}/tijd",
        data={"start": odd, "dag": TUESDAY.isoformat(), "csrf_token": csrf_of(page.text)},
    )
    assert taken.status_code == 409
    assert db.session.scalar(select(Hold).where(Hold.follow_up_id == invited.follow_up_id)) is None


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_a_closed_invitation_says_so(app, frozen_clock, how):
    invited = invite(app)
    follow_up = db.session.get(FollowUp, invited.follow_up_id)
    if how == "revoked":
        follow_up.revoked_at = DEMO_NOW - timedelta(hours=1)
    else:
        follow_up.expires_at = DEMO_NOW - timedelta(minutes=1)
    db.session.commit()
    client = new_client(app)
    page = client.get(START + invited.token + "?lang=nl")
    assert page.status_code == 410
    assert "Deze uitnodiging is niet meer geldig" in page.text
    assert "Sara" not in page.text
    russian = client.get(START + invited.token + "?lang=ru")
    assert russian.status_code == 410 and 'lang="ru"' in russian.text


@pytest.mark.parametrize(
    "token", ["nope", "x" * 43, "a" * 200, "%00%ff", "../../etc/passwd", "klaar-niet"]
)
def test_an_unknown_link_is_not_found(app, frozen_clock, token):
    client = new_client(app)
    assert client.get(START + token + "?lang=nl").status_code == 404
    assert client.get(START + token + "/tijd?dag=2026-12-15").status_code == 404


def test_odd_days_and_months_never_fail(app, frozen_clock):
    invited = invite(app)
    client = new_client(app)
    url = START + invited.token
    for query in ["?maand=9999-99", "?maand=0001-01", "?maand=2026-12&lang=xx", "?maand="]:
        assert client.get(url + query).status_code in (200, 302)
    for day in ["2026-02-30", "x", "99999-01-01", ""]:
        assert client.get(f"{url}/tijd?dag={day}&lang=nl").status_code in (200, 302)
    assert client.get(url + "/bevestigen?lang=nl").status_code == 302  # no hold yet


def test_the_page_opens_in_the_dossier_language_and_right_to_left(app, frozen_clock):
    invited = invite(app, language="ar")
    client = new_client(app)
    first = client.get(START + invited.token)
    assert first.status_code == 302 and first.location.endswith("?lang=ar")
    page = client.get(START + invited.token + "?lang=ar")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text and 'lang="ar"' in page.text
    assert "طلب بطاقة الهوية الإلكترونية" in page.text
    times = client.get(f"{START}{invited.token}/tijd?dag={TUESDAY.isoformat()}")
    assert times.status_code == 200 and 'dir="rtl"' in times.text and _starts(times.text)
    dutch = new_client(app).get(START + invited.token + "?lang=nl")
    assert 'dir="ltr"' in dutch.text and "eID-aanvraag" in dutch.text


def test_the_language_redirect_keeps_odd_queries_harmless(app, frozen_clock):
    invited = invite(app, language="ru")
    client = new_client(app)
    answer = client.get(START + invited.token + "?token=x&_scheme=ftp&maand=2026-12")
    assert answer.status_code == 302
    assert answer.location.endswith("maand=2026-12&lang=ru")
    assert client.get(answer.location).status_code == 200


def test_the_hold_can_be_extended_once(app, frozen_clock):
    invited = invite(app)
    url = START + invited.token
    client = new_client(app)
    times = client.get(f"{url}/tijd?dag={TUESDAY.isoformat()}&lang=nl")
    held = client.post(
        f"{url}/tijd",
        data={
            "start": _starts(times.text)[0],
            "dag": TUESDAY.isoformat(),
            "csrf_token": csrf_of(times.text),
        },
    )
    assert held.status_code == 302
    review = client.get(url + "/bevestigen")
    assert f'action="{url}/verlengen"' in review.text
    frozen_clock.shift(timedelta(minutes=1))  # the extension counts from now
    extended = client.post(url + "/verlengen", data={"csrf_token": csrf_of(review.text)})
    assert extended.status_code == 302 and extended.location.endswith(url + "/bevestigen")
    again = client.get(url + "/bevestigen")
    assert "We houden uw tijdstip nu vast tot" in again.text
    assert f'action="{url}/verlengen"' not in again.text
    # After the hold ran out the resident is sent back to the days, told why.
    frozen_clock.shift(timedelta(minutes=45))
    gone = client.get(url + "/bevestigen", follow_redirects=True)
    assert gone.status_code == 200 and "niet langer voor u vastgehouden" in gone.text
