"""The booking pages as a phone meets them (issue 13, item 8), without JavaScript: the
number pad for the phone, the "other language" field, topics that fold, compact times,
the service page's times as links, and one word for the counter."""

from __future__ import annotations

import email
import email.policy
import html
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Appointment, OutboxMail, Service
from tests.web.booking_helpers import (
    book_through_pages,
    csrf_of,
    first_free_start,
    hold_time,
    manage_path,
)
from tests.web.test_booking_flow import MONDAY

CHIP_LINK = re.compile(r'<li><a href="(/afspraak/tijd\?[^"]+)">')


@pytest.fixture
def city(two_clerk_city):
    """Two clerks for two weeks, mail kept in the outbox, limits off, 07:30 on a Monday."""
    return two_clerk_city


def _details_page(client, city) -> str:
    token, start = first_free_start(client, city.service.id)
    assert hold_time(client, city.service.id, start, token).status_code == 302
    return client.get("/afspraak/gegevens").text


def _tag(page: str, element_id: str) -> str:
    return re.search(rf'<[a-z]+ [^>]*id="{element_id}"[^>]*>', page).group(0)


def test_the_phone_field_opens_the_number_pad(client, city):
    phone = _tag(_details_page(client, city), "phone")
    for attribute in ('type="tel"', 'inputmode="tel"', 'autocomplete="tel"'):
        assert attribute in phone


def test_the_staff_phone_field_opens_the_number_pad_without_autofill(app):
    from portal.staff.on_behalf_forms import StaffContactForm

    with app.test_request_context():
        phone = str(StaffContactForm(meta={"csrf": False}).phone(autocomplete="off"))
    assert 'type="tel"' in phone and 'inputmode="tel"' in phone
    assert 'autocomplete="off"' in phone  # the resident's number, not the clerk's own


def test_the_other_language_field_says_when_it_is_needed(client, city):
    page = _details_page(client, city)
    part = re.search(
        r'<div id="spoken-language-other-part"([^>]*)>(.*?)</div>\s*</div>', page, re.S
    )
    assert part, "the other language's field sits in a part that script can hide"
    attributes, inner = part.groups()
    assert 'data-show-when="spoken_language"' in attributes
    assert 'data-show-value="other"' in attributes
    assert "hidden" not in attributes  # without JavaScript it stays visible
    assert 'id="spoken_language_other"' in inner
    assert "alleen als u „Een andere taal” koos" in inner
    assert "js/show-when.js" in page
    # It follows the select it depends on, so Tab reaches it next.
    assert page.index('id="spoken_language"') < page.index('id="spoken_language_other"')


def test_the_topics_fold_and_open_where_needed(demo_app, demo_client):
    with demo_app.app_context():
        chosen = db.session.scalar(select(Service.id).where(Service.code == "eid-aanvragen"))
    page = demo_client.get("/afspraak").get_data(as_text=True)
    groups = re.findall(r'<details class="service-group"( open)?>', page)
    assert len(groups) > 3 and not any(groups)  # all folded: the next button is near
    assert "<summary>Identiteitskaart en documenten" in page
    assert page.index("</details>") < page.index('class="primary"')

    page = demo_client.get(f"/afspraak?dienst={chosen}").get_data(as_text=True)
    opened = re.findall(r'<details class="service-group" open>\s*<summary>([^<]+)', page)
    assert [name.strip() for name in opened] == ["Identiteitskaart en documenten"]
    assert f'value="{chosen}" checked' in page

    searched = demo_client.get("/afspraak?q=paspoort").get_data(as_text=True)
    assert '<details class="service-group">' not in searched


def test_the_times_of_a_day_are_chips_by_part_of_the_day(client, city):
    page = client.get(
        f"/afspraak/tijd?dienst={city.service.id}&personen=1&dag={MONDAY.isoformat()}"
    ).text
    parts = re.findall(r'<fieldset class="day-part">\s*<legend>([^<]+)</legend>', page)
    assert parts == ["Voormiddag", "Namiddag", "Avond"]  # 09:00, 16:00 and 18:00 on Monday
    assert page.count('class="time-chips"') == 3
    radios = re.findall(r'<input type="radio" name="start" value="[^"]+" required>', page)
    assert len(radios) == 14 + 8 + 4  # 09:00–12:15, 16:00–17:45, 18:00–18:45
    assert "Een afspraak duurt 15 minuten." in page
    form = page[page.index('action="/afspraak/tijd"') :]
    assert form.count('type="submit"') == 1  # one button, no JavaScript needed
    # Each chip shows its start; its end is there for screen readers.
    assert '<span class="visually-hidden">–<time datetime=' in page


def test_a_time_on_the_service_page_is_a_link_to_that_time(client, city):
    page = client.get(f"/diensten/{city.service.id}").text
    links = [html.unescape(link) for link in CHIP_LINK.findall(page)]
    assert links, "the free times are links"
    chosen = links[1]
    assert f"dienst={city.service.id}" in chosen and "start=" in chosen
    times = client.get(chosen)
    assert times.status_code == 200
    checked = re.findall(
        r'<input type="radio" name="start" value="([^"]+)" required checked>', times.text
    )
    assert len(checked) == 1
    assert checked[0] in chosen.replace("%3A", ":").replace("%2B", "+")
    # Choosing it holds exactly that time.
    held = client.post(
        "/afspraak/tijd",
        data={
            "dienst": str(city.service.id),
            "start": checked[0],
            "csrf_token": csrf_of(times.text),
        },
    )
    assert held.status_code == 302


def test_a_garbled_time_in_the_link_ticks_nothing(client, city):
    page = client.get(
        f"/afspraak/tijd?dienst={city.service.id}&dag={MONDAY.isoformat()}&start=%3Cscript%3E"
    )
    assert page.status_code == 200 and " checked>" not in page.text


def _mail_text(mail: OutboxMail) -> str:
    message = email.message_from_string(mail.message, policy=email.policy.default)
    bodies = [message.get_body((kind,)).get_content() for kind in ("plain", "html")]
    return " ".join([*bodies, str(message["Subject"])])


def test_residents_read_loket_never_balie(app, client, city):
    book_through_pages(client, city.service.id)
    pages = [client.get("/afspraak/klaar").text]
    visit = db.session.scalars(select(OutboxMail)).one().appointment_id
    link = manage_path(app, db.session.get(Appointment, visit))
    page = client.get(link).text
    client.post(link + "/bevestigen", data={"csrf_token": csrf_of(page)})
    pages.append(client.get(link).text)
    mails = [_mail_text(mail) for mail in db.session.scalars(select(OutboxMail))]
    assert len(mails) == 2  # activation and confirmation
    for text in pages + mails:
        assert "balie" not in text.lower()
    assert "loket 1" in pages[-1].lower() or "loket 2" in pages[-1].lower()
    assert any("Loket 1" in text or "Loket 2" in text for text in mails)
