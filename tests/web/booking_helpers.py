"""Walking the resident's booking pages with Flask's test client."""

from __future__ import annotations

import html
import re

from portal.booking.tokens import manage_token

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
STARTS = re.compile(r'name="start" value="([^"]+)"')
DAY_LINKS = re.compile(r'href="(/afspraak/tijd\?[^"]+)"')

CONTACT = {
    "name": "Anna Peeters",
    "email": "anna@example.org",
    "phone": "",
    "language": "nl",
    "spoken_language": "ar",
    "remark": "Ik kom met de kinderwagen; en een vraag, graag.",
}


def csrf_of(page: str) -> str:
    """The CSRF token of the first form on a page."""
    return CSRF.search(page).group(1)


def own_context(function):
    """Run a client's requests in an app context of their own.

    Tests run inside an app context, which requests would otherwise share, and with it
    ``g`` — where Flask-WTF caches the CSRF token. Two residents must not share one.
    """

    def wrapper(client, *args, **kwargs):
        with client.application.app_context():
            return function(client, *args, **kwargs)

    return wrapper


@own_context
def first_free_start(client, service_id: int) -> tuple[str, str]:
    """(csrf token, ISO start) of the first free time, reached through the calendar."""
    month = client.get(f"/afspraak/dag?dienst={service_id}&personen=1")
    assert month.status_code == 200
    day_url = html.unescape(DAY_LINKS.search(month.text).group(1))
    times = client.get(day_url)
    assert times.status_code == 200
    return csrf_of(times.text), STARTS.search(times.text).group(1)


@own_context
def hold_time(client, service_id: int, start: str, token: str):
    """POST the chosen time (which holds it)."""
    return client.post(
        "/afspraak/tijd",
        data={"dienst": str(service_id), "personen": "1", "start": start, "csrf_token": token},
    )


def reach_review(client, service_id: int, contact: dict | None = None):
    """Choose the first free time and give ``contact``; returns (start, review page)."""
    token, start = first_free_start(client, service_id)
    assert hold_time(client, service_id, start, token).status_code == 302
    details = client.get("/afspraak/gegevens")
    answer = client.post(
        "/afspraak/gegevens", data={**(contact or CONTACT), "csrf_token": csrf_of(details.text)}
    )
    assert answer.status_code == 302, answer.text
    page = client.get("/afspraak/controle")
    assert page.status_code == 200
    return start, page


def book_through_pages(
    client, service_id: int, contact: dict | None = None, review: dict | None = None
) -> str:
    """Book the first free time with ``contact`` up to the submit (with ``review``'s extra
    fields, such as a solved captcha); returns the start."""
    start, page = reach_review(client, service_id, contact)
    fields = {"csrf_token": csrf_of(page.text), **(review or {})}
    submitted = client.post("/afspraak/controle", data=fields)
    assert submitted.status_code == 302, submitted.text
    assert submitted.location.endswith("/afspraak/klaar")
    return start


def manage_path(app, appointment) -> str:
    """The manage link's path of a visit (the token is derived, never stored)."""
    return "/afspraak/beheer/" + manage_token(app.config["SECRET_KEY"], appointment.manage_nonce)
