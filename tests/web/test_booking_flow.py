"""A resident books, confirms, moves and cancels through the pages, without JavaScript."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, Hold, OutboxMail
from portal.timeutil import local_datetime
from tests.builders import build_city
from tests.web.booking_helpers import (
    CONTACT,
    book_through_pages,
    csrf_of,
    first_free_start,
    hold_time,
    manage_path,
    reach_review,
)

MONDAY = date(2026, 12, 7)
NOW = local_datetime(MONDAY, time(7, 30))


@pytest.fixture
def city(two_clerk_city):
    """Two clerks for two weeks, mail kept in the outbox, limits off, 07:30 on a Monday."""
    return two_clerk_city


def _only_visit() -> Appointment:
    db.session.expire_all()
    return db.session.scalars(select(Appointment)).one()


def _mail_kinds() -> list[str]:
    return list(db.session.scalars(select(OutboxMail.kind).order_by(OutboxMail.id)))


def test_book_confirm_move_and_cancel(app, client, city, monkeypatch):
    monkeypatch.setitem(app.config, "MANAGE_CUTOFF_MINUTES", 60)
    start = book_through_pages(client, city.service.id)
    visit = _only_visit()
    assert visit.status == AppointmentStatus.PENDING
    assert visit.starts_at.isoformat() == start
    assert visit.spoken_language == "ar"
    assert _mail_kinds() == ["activation"]
    assert "anna@example.org" in client.get("/afspraak/klaar").text

    link = manage_path(app, visit)
    page = client.get(link)  # a mail scanner following the link changes nothing
    assert page.status_code == 200
    assert _only_visit().status == AppointmentStatus.PENDING
    confirmed = client.post(link + "/bevestigen", data={"csrf_token": csrf_of(page.text)})
    assert confirmed.status_code == 302
    assert _only_visit().status == AppointmentStatus.CONFIRMED
    assert _mail_kinds() == ["activation", "confirmation"]

    shown = client.get(link)  # the used link shows the visit, not an error
    assert visit.reference in shown.text
    assert "<svg" in shown.text
    again = client.post(link + "/bevestigen", data={"csrf_token": csrf_of(page.text)})
    assert again.status_code == 302
    assert _mail_kinds() == ["activation", "confirmation"]

    moving = client.get(link + "/verplaatsen?dag=" + (MONDAY + timedelta(days=1)).isoformat())
    new_start = next(s for s in _starts(moving.text) if s != start)
    asked = client.get(link + "/verplaatsen/bevestigen", query_string={"start": new_start})
    assert asked.status_code == 200
    assert _only_visit().starts_at.isoformat() == start
    moved = client.post(
        link + "/verplaatsen/bevestigen",
        data={"start": new_start, "csrf_token": csrf_of(asked.text)},
    )
    assert moved.status_code == 302
    visit = _only_visit()
    assert (visit.starts_at.isoformat(), visit.sequence) == (new_start, 1)
    assert _mail_kinds()[-1] == "moved"

    asked = client.get(link + "/annuleren")
    assert _only_visit().status == AppointmentStatus.CONFIRMED
    cancelled = client.post(link + "/annuleren", data={"csrf_token": csrf_of(asked.text)})
    assert cancelled.status_code == 302
    visit = _only_visit()
    assert (visit.status, visit.sequence) == (AppointmentStatus.CANCELLED, 2)
    assert _mail_kinds()[-1] == "cancelled"


def _starts(page: str) -> list[str]:
    from tests.web.booking_helpers import STARTS

    return STARTS.findall(page)


def test_contact_errors_are_shown_next_to_the_fields_and_in_a_summary(client, city):
    token, start = first_free_start(client, city.service.id)
    hold_time(client, city.service.id, start, token)
    page = client.get("/afspraak/gegevens")
    answer = client.post(
        "/afspraak/gegevens",
        data={**CONTACT, "name": "", "email": "not-an-address", "csrf_token": csrf_of(page.text)},
    )
    assert answer.status_code == 400
    assert 'class="error-summary"' in answer.text
    assert 'href="#name"' in answer.text and 'href="#email"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert "<title>Fout:" in answer.text


def test_an_expired_hold_offers_the_nearest_times(client, city):
    token, start = first_free_start(client, city.service.id)
    hold_time(client, city.service.id, start, token)
    city.clock.shift(timedelta(minutes=11))
    page = client.get("/afspraak/gegevens")
    assert page.status_code == 410
    assert len(_starts(page.text)) >= 3


def test_an_expired_activation_link_offers_the_nearest_times(app, client, city):
    book_through_pages(client, city.service.id)
    link = manage_path(app, _only_visit())
    city.clock.shift(timedelta(minutes=31))
    page = client.get(link)
    assert page.status_code == 410
    assert _starts(page.text)
    token = csrf_of(page.text)
    assert client.post(link + "/bevestigen", data={"csrf_token": token}).status_code == 410
    assert _only_visit().status == AppointmentStatus.PENDING


def test_the_second_resident_sees_the_time_was_just_taken(app, city):
    first, second = app.test_client(), app.test_client()
    token_one, start = first_free_start(first, city.service.id)
    token_two, _ = first_free_start(second, city.service.id)
    third = app.test_client()
    token_three, _ = first_free_start(third, city.service.id)
    assert hold_time(first, city.service.id, start, token_one).status_code == 302
    assert hold_time(third, city.service.id, start, token_three).status_code == 302
    taken = hold_time(second, city.service.id, start, token_two)
    assert taken.status_code == 409
    assert "net door iemand anders gekozen" in taken.text
    assert start not in _starts(taken.text)
    assert len(_starts(taken.text)) >= 3


def test_every_post_needs_its_csrf_token(app, client, city):
    book_through_pages(client, city.service.id)
    visit = _only_visit()
    link = manage_path(app, visit)
    for path in (
        "/afspraak/tijd",
        "/afspraak/gegevens",
        "/afspraak/controle",
        link + "/bevestigen",
        link + "/annuleren",
        link + "/verplaatsen/bevestigen",
    ):
        assert client.post(path, data={"start": visit.starts_at.isoformat()}).status_code == 400
    assert _only_visit().status == AppointmentStatus.PENDING


def test_the_honeypot_books_nothing(client, city):
    _, review = reach_review(client, city.service.id)
    answer = client.post(
        "/afspraak/controle",
        data={"csrf_token": csrf_of(review.text), "website": "http://spam.example"},
    )
    assert answer.status_code == 400
    assert db.session.scalars(select(Appointment)).all() == []


def test_too_close_to_the_visit_there_is_nothing_to_click(app, client, city, monkeypatch):
    monkeypatch.setitem(app.config, "ACTIVATION_REQUIRED", False)
    monkeypatch.setitem(app.config, "MANAGE_CUTOFF_MINUTES", 24 * 60)
    book_through_pages(client, city.service.id)
    visit = _only_visit()
    link = manage_path(app, visit)
    token = csrf_of(client.get(link).text)
    client.post(link + "/bevestigen", data={"csrf_token": token})
    page = client.get(link)
    assert "te dichtbij" in page.text
    assert "/annuleren" not in page.text
    client.post(link + "/annuleren", data={"csrf_token": token})
    assert _only_visit().status == AppointmentStatus.CONFIRMED


@pytest.mark.parametrize(
    "path",
    [
        "/afspraak/dag?dienst=abc",
        "/afspraak/dag?dienst=99999999999",
        "/afspraak/dag?dienst=1&personen=-1",
        "/afspraak/tijd?dienst=1&dag=2026-13-45",
        "/afspraak/dag",
        "/afspraak/gegevens",
        "/afspraak/controle",
    ],
)
def test_odd_addresses_lead_back_to_a_page_not_an_error(client, city, path):
    assert client.get(path).status_code in (200, 302)


def test_odd_manage_links_are_not_found(client, city):
    for token in ("x", "a" * 43, "%00" * 30, "ééééééééééééééééééééééé"):
        assert client.get("/afspraak/beheer/" + token).status_code == 404


def test_a_garbled_time_is_refused_politely(client, city):
    token, _ = first_free_start(client, city.service.id)
    answer = client.post(
        "/afspraak/tijd",
        data={
            "dienst": str(city.service.id),
            "dag": "2026-12-08",
            "start": "now",
            "csrf_token": token,
        },
    )
    assert answer.status_code == 400
    assert db.session.scalars(select(Hold)).all() == []


def test_the_pages_speak_arabic_right_to_left(client, city):
    page = client.get("/afspraak?lang=ar")
    assert 'lang="ar"' in page.text and 'dir="rtl"' in page.text


def _solved_captcha(app) -> str:
    import altcha

    from portal.antibot import altcha_hmac_key, new_challenge

    key = altcha_hmac_key(app.config["SECRET_KEY"])
    challenge = altcha.Challenge.from_dict(new_challenge(key, 1000, NOW))
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()


def test_with_the_captcha_solved_a_city_without_activation_confirms_at_once(
    app, client, city, monkeypatch
):
    monkeypatch.setitem(app.config, "ACTIVATION_REQUIRED", False)
    book_through_pages(client, city.service.id, review={"altcha": _solved_captcha(app)})
    visit = _only_visit()
    assert visit.status == AppointmentStatus.CONFIRMED
    assert _mail_kinds() == ["confirmation"]


def test_the_review_page_carries_the_captcha_and_explains_the_way_without_it(client, city):
    _, review = reach_review(client, city.service.id)
    assert "<altcha-widget" in review.text and "<noscript>" in review.text


def test_a_forged_captcha_books_nothing(client, city):
    _, review = reach_review(client, city.service.id)
    answer = client.post(
        "/afspraak/controle", data={"csrf_token": csrf_of(review.text), "altcha": "Zm9yZ2Vk"}
    )
    assert answer.status_code == 400
    assert 'class="error-summary"' in answer.text
    assert db.session.scalars(select(Appointment)).all() == []


def test_services_are_grouped_by_topic_and_can_be_searched(client, city):
    page = client.get("/afspraak")
    assert "<legend>Identiteitskaart en documenten</legend>" in page.text
    assert "Identiteitskaart aanvragen" in client.get("/afspraak?q=IDENTITEIT").text
    with client.application.app_context():  # a request of its own: a locale of its own
        english = client.get("/afspraak?q=identity&lang=en").text
    assert "Apply for an identity card" in english
    missing = client.get("/afspraak?q=zwembad")
    assert "Identiteitskaart aanvragen" not in missing.text
    assert "Geen dienst gevonden" in missing.text


def test_links_in_mails_open_the_site_in_the_language_of_the_mail(app, client, city):
    from portal.notifications.links import book_again_url, manage_url

    book_through_pages(client, city.service.id, {**CONTACT, "language": "ar"})
    visit = _only_visit()
    link = manage_url(app.config, visit)
    assert link.endswith("?lang=ar")
    assert book_again_url(app.config, "ar").endswith("/?lang=ar")
    assert book_again_url(app.config, "inh").endswith("/")
    with app.app_context():
        page = client.get(link.removeprefix(app.config["BASE_URL"]))
    assert 'lang="ar"' in page.text and 'dir="rtl"' in page.text


def test_the_resident_can_ask_for_more_time_once(client, city):
    _, review = reach_review(client, city.service.id)
    assert "hold-countdown.js" in review.text
    assert 'data-warning-2="Let op: we houden uw tijdstip nog maar 2 minuten vast."' in review.text
    assert 'data-warning-1="Let op: we houden uw tijdstip nog maar 1 minuut vast."' in review.text
    city.clock.shift(timedelta(minutes=9))
    extended = client.post(
        "/afspraak/verlengen", data={"csrf_token": csrf_of(review.text), "terug": "controle"}
    )
    assert extended.status_code == 302 and extended.location.endswith("/afspraak/controle")
    page = client.get("/afspraak/controle")
    assert "07:49" in page.text  # 07:39 + 10 minutes, in Brussels time
    assert "/afspraak/verlengen" not in page.text  # once only
    city.clock.shift(timedelta(minutes=9))
    assert client.get("/afspraak/controle").status_code == 200
    city.clock.shift(timedelta(minutes=2))
    assert client.get("/afspraak/controle").status_code == 410


def test_wtforms_own_messages_come_in_the_residents_language(app, client, city):
    from babel.support import Translations
    from wtforms.i18n import messages_path

    arabic = Translations.load(messages_path(), ["ar"], domain="wtforms")
    expected = arabic.gettext("Not a valid choice.")
    assert expected != "Not a valid choice."
    token, start = first_free_start(client, city.service.id)
    hold_time(client, city.service.id, start, token)
    with app.app_context():  # a request context of its own, in Arabic from the start
        page = client.get("/afspraak/gegevens?lang=ar")
        answer = client.post(
            "/afspraak/gegevens",
            data={**CONTACT, "language": "xx", "csrf_token": csrf_of(page.text)},
        )
    assert answer.status_code == 400
    assert expected in answer.text


def test_the_move_calendar_does_not_offer_a_day_whose_only_free_time_is_the_visits_own(
    app, client, monkeypatch
):
    from portal.booking.tokens import manage_token, token_hash
    from tests.builders import book

    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_REQUEST", False)
    one = build_city(db.session, MONDAY, MONDAY + timedelta(days=13), staff_count=1)
    tuesday = MONDAY + timedelta(days=1)
    quarter = timedelta(minutes=15)
    visits = []
    moment = local_datetime(tuesday, time(9))
    while moment < local_datetime(tuesday, time(12, 30)):
        visits.append(book(db.session, one.staff[0], one.service, moment, moment + quarter))
        moment += quarter
    visits[0].confirmed_at = NOW
    visits[0].manage_token_hash = token_hash(
        manage_token(app.config["SECRET_KEY"], visits[0].manage_nonce)
    )
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        page = client.get(manage_path(app, visits[0]) + "/verplaatsen?maand=2026-12")
    assert page.status_code == 200
    assert f"dag={tuesday.isoformat()}" not in page.text
    assert f"dag={(tuesday + timedelta(days=1)).isoformat()}" in page.text
