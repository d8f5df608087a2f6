"""A clerk who speaks the resident's language: asked at step 1, marked on the days and
times (never hiding the others), and preferred when a time is held."""

from __future__ import annotations

import html
import re
from datetime import date, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.booking.errors import SlotTaken
from portal.booking.operations import place_hold
from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import Hold
from portal.timeutil import local_datetime
from tests.builders import book, build_city
from tests.web.booking_helpers import STARTS, csrf_of
from tests.web.staff_helpers import new_client

MONDAY = date(2026, 12, 7)
TUESDAY = MONDAY + timedelta(days=1)
NOW = local_datetime(MONDAY, time(7, 30))
NINE = local_datetime(TUESDAY, time(9))
MARK = "spreekt uw taal"


@pytest.fixture
def city(app, monkeypatch):
    """Three clerks for two weeks; only the third speaks Arabic, and she is the busiest on
    Tuesday (two visits in the afternoon), so "least busy first" alone would never pick her
    at 09:00."""
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_REQUEST", False)
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    built = build_city(db.session, MONDAY, MONDAY + timedelta(days=13), staff_count=3)
    for member, languages in zip(
        built.staff, (["nl", "fr"], ["nl", "en"], ["nl", "ar"]), strict=True
    ):
        member.languages = languages
    built.speaker = built.staff[2]
    for hour in (11, 12):
        start = local_datetime(TUESDAY, time(hour))
        book(db.session, built.speaker, built.service, start, start + timedelta(minutes=15))
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        yield built


def _day_page(client, service_id: int, spoken: str | None):
    query = f"/afspraak/dag?dienst={service_id}&personen=1"
    if spoken is not None:
        query += f"&spreektaal={spoken}"
    page = client.get(query)
    assert page.status_code == 200
    return page.text


def _time_page(client, service_id: int, spoken: str | None, day: date = TUESDAY):
    query = f"/afspraak/tijd?dienst={service_id}&personen=1&dag={day.isoformat()}"
    if spoken is not None:
        query += f"&spreektaal={spoken}"
    page = client.get(query)
    assert page.status_code == 200
    return page.text


def _marked_starts(page: str) -> set[str]:
    """The starts of the times that carry the mark."""
    marked = set()
    for item in re.findall(r"<li>(.*?)</li>", page, re.S):
        start = STARTS.search(item)
        if start and MARK in item:
            marked.add(start.group(1))
    return marked


def _hold(client, service_id: int, start: str, spoken: str | None, page: str):
    data = {"dienst": str(service_id), "personen": "1", "start": start}
    data["csrf_token"] = csrf_of(page)
    if spoken:
        data["spreektaal"] = spoken
    return client.post("/afspraak/tijd", data=data)


def _holds() -> list[Hold]:
    db.session.expire_all()
    return list(db.session.scalars(select(Hold).order_by(Hold.id)))


def test_step_one_asks_the_language_and_carries_it_on(app, client, city):
    page = client.get("/afspraak?lang=nl").text
    assert 'name="spreektaal"' in page
    assert re.search(r'<option value="nl" selected>', page)
    arabic = new_client(app).get("/afspraak?lang=ar").text
    assert re.search(r'<option value="ar" selected>', arabic)
    day = _day_page(client, city.service.id, "ar")
    assert "spreektaal=ar" in html.unescape(day)  # the day links keep it


def test_days_and_times_with_a_speaker_are_marked_and_the_others_stay(app, client, city):
    day = _day_page(client, city.service.id, "ar")
    assert 'class="free speaks"' in day
    plain = _day_page(client, city.service.id, None)
    # The same days are offered with and without a language: marks never hide a day.
    assert sorted(re.findall(r"dag=(\d{4}-\d\d-\d\d)", html.unescape(day))) == sorted(
        re.findall(r"dag=(\d{4}-\d\d-\d\d)", html.unescape(plain))
    )
    times = _time_page(client, city.service.id, "ar")
    offered = set(STARTS.findall(times))
    assert offered == set(STARTS.findall(_time_page(client, city.service.id, None)))
    marked = _marked_starts(times)
    eleven = local_datetime(TUESDAY, time(11)).isoformat()
    nine = NINE.isoformat()
    assert nine in marked
    # At 11:00 she is busy: the time is still offered (two colleagues), without the mark.
    assert eleven in offered and eleven not in marked
    assert _marked_starts(_time_page(client, city.service.id, None)) == set()


@pytest.mark.parametrize("spoken", ["nl", "other", "xx", "<script>", "a" * 500])
def test_dutch_another_language_or_nonsense_marks_nothing(app, client, city, spoken):
    assert 'class="free speaks"' not in _day_page(client, city.service.id, spoken)
    assert _marked_starts(_time_page(client, city.service.id, spoken)) == set()


def test_holding_a_time_gives_it_to_the_free_speaker(app, client, city):
    page = _time_page(client, city.service.id, "ar")
    assert _hold(client, city.service.id, NINE.isoformat(), "ar", page).status_code == 302
    (held,) = _holds()
    assert held.staff_id == city.speaker.id
    # The details page starts from the language chosen at step 1.
    details = client.get("/afspraak/gegevens").text
    assert re.search(
        r'<option[^>]*value="ar"[^>]*selected|<option selected[^>]*value="ar"', details
    )


def test_without_a_language_the_least_busy_clerk_gets_it(app, client, city):
    page = _time_page(client, city.service.id, None)
    assert _hold(client, city.service.id, NINE.isoformat(), None, page).status_code == 302
    (held,) = _holds()
    assert held.staff_id != city.speaker.id


def test_when_the_speaker_is_busy_another_clerk_takes_it(app, client, city):
    eleven = local_datetime(TUESDAY, time(11))
    page = _time_page(client, city.service.id, "ar")
    assert _hold(client, city.service.id, eleven.isoformat(), "ar", page).status_code == 302
    (held,) = _holds()
    assert held.staff_id != city.speaker.id


def test_capacity_shown_is_capacity_bookable_one_visit_per_clerk(app, city):
    """Three clerks free at 09:00: three residents asking for Arabic each get a time, each
    with another clerk (the speaker first); a fourth is refused by the database."""
    settings = BookingSettings.current()
    clients = [new_client(app) for _ in range(4)]
    page = _time_page(clients[0], city.service.id, "ar")
    assert NINE.isoformat() in _marked_starts(page)
    answers = []
    for resident in clients:
        own_page = _time_page(resident, city.service.id, "ar")
        answers.append(_hold(resident, city.service.id, NINE.isoformat(), "ar", own_page))
    assert [answer.status_code for answer in answers] == [302, 302, 302, 409]
    holds = _holds()
    assert holds[0].staff_id == city.speaker.id
    assert len({hold.staff_id for hold in holds}) == 3
    with pytest.raises(SlotTaken):
        place_hold(db.session, [city.service], 1, NINE, NOW, settings, prefer_language="ar")
    db.session.rollback()


def test_the_api_hold_prefers_a_speaker_too(app, city, monkeypatch):
    from tests.web.api_booking_helpers import api_client, hold

    api = api_client(app, monkeypatch)
    assert hold(api, city.service.id, NINE, spoken_language="ar").status_code == 201
    assert hold(api, city.service.id, NINE, spoken_language="xx").status_code == 400
    assert hold(api, city.service.id, NINE).status_code == 201
    first, second = _holds()
    assert first.staff_id == city.speaker.id
    assert second.staff_id != city.speaker.id


def test_a_language_named_on_the_details_page_hands_the_hold_to_a_speaker(app, client, city):
    from tests.web.booking_helpers import CONTACT

    page = _time_page(client, city.service.id, None)
    assert _hold(client, city.service.id, NINE.isoformat(), None, page).status_code == 302
    (held,) = _holds()
    assert held.staff_id != city.speaker.id
    details = client.get("/afspraak/gegevens")
    fields = {**CONTACT, "spoken_language": "ar", "csrf_token": csrf_of(details.text)}
    assert client.post("/afspraak/gegevens", data=fields).status_code == 302
    (held,) = _holds()
    assert held.staff_id == city.speaker.id
    assert {claim.staff_id for claim in held.claims} == {city.speaker.id}
    # Changing it to French, which only clerk 0 speaks (free at 09:00), moves it to her.
    fields["spoken_language"] = "fr"
    assert client.post("/afspraak/gegevens", data=fields).status_code == 302
    (held,) = _holds()
    assert held.staff_id == city.staff[0].id
