"""axe-core on the pages of phone-first residents, in all eight languages: the start page
with its link and the city's phone, "manage with a code" (empty, refused, and the manage
page it opens), and a call back's manage page ("we call you at …"). No WCAG 2.1 A/AA
violation, no sideways scrolling at 320 px; screenshots in Dutch and Arabic."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.booking.access_code import grouped, issue_access_code
from portal.booking.contact import ContactDetails
from portal.booking.operations import book_hold, place_hold
from portal.booking.selection import nearest_free_times
from portal.booking.settings import BookingSettings
from portal.booking.tokens import manage_token
from portal.extensions import db
from portal.models import Service
from portal.timeutil import utcnow
from tests.browser.pages import LANGUAGES, AxeReport

SCREENSHOT_LANGUAGES = {"nl", "ar"}
PHONE = "0470 12 34 56"


def _book(live_server, service_code: str, contact: ContactDetails, with_code: bool):
    """A confirmed visit three days or more ahead (movable online); (reference, code or
    None, manage path)."""
    app = live_server.app
    with app.app_context():
        now, settings = utcnow(), BookingSettings.current()
        service = db.session.scalar(select(Service).where(Service.code == service_code))
        slot = nearest_free_times(
            db.session, [service], 1, now + timedelta(days=3), now, settings, limit=1
        )[0]
        hold, _token = place_hold(db.session, [service], 1, slot.start, now, settings)
        visit = book_hold(
            db.session, hold, contact, now, settings, channel="staff", require_activation=False
        )
        code = issue_access_code(visit, settings.secret_key) if with_code else None
        db.session.commit()
        path = "/afspraak/beheer/" + manage_token(app.config["SECRET_KEY"], visit.manage_nonce)
        return visit.reference, code, path


@pytest.fixture(scope="module")
def visits(live_server):
    """A visit booked at the desk without e-mail (with its code), and a call back."""
    without_email = ContactDetails(name="Telefoon Bewoner", email=None, phone=PHONE)
    call_back = ContactDetails(name="Bel Mij", email="bel.mij@example.org", phone=PHONE)
    return {
        "code": _book(live_server, "attest-gezinssamenstelling", without_email, True),
        "call back": _book(live_server, "terugbelafspraak", call_back, False),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_first_pages(live_server, new_page, screenshots, visits, language):
    report = AxeReport(
        language, screenshots if language in SCREENSHOT_LANGUAGES else None, "axe-phone"
    )
    page = new_page()
    page.goto(live_server(f"/?lang={language}"))
    report.check(page, "start page")

    page.goto(live_server("/afspraak/code"))
    report.check(page, "manage with a code")
    page.fill("#reference", "ZZZZ9999")
    page.fill("#code", "ABC 234")
    page.locator("form button.primary").click()
    page.wait_for_load_state("load")
    assert page.locator(".error-summary").count() == 1
    report.check(page, "manage with a code, refused")

    reference, code, manage_path = visits["code"]
    page.fill("#reference", reference)
    page.fill("#code", grouped(code))
    page.locator("form button.primary").click()
    page.wait_for_url(f"**{manage_path}")
    assert page.locator("a[href$='/verplaatsen']").count() == 1
    report.check(page, "opened with a code")

    _reference, _code, call_back_path = visits["call back"]
    page.goto(live_server(call_back_path))
    assert PHONE in page.locator("dl.summary").inner_text()
    report.check(page, "call back")
    report.assert_clean()
