"""axe-core on every page of the resident's flow, in all eight languages: no WCAG 2.1 A or
AA violation (tags wcag2a, wcag2aa, wcag21a, wcag21aa).

Each language is one walk through the site: ``?lang=`` once, then the cookie speaks it.
A failure lists every violation of every page (rule, impact, help, failing nodes).
"""

from __future__ import annotations

import pytest

from portal.timeutil import to_local
from tests.browser.pages import (
    LANGUAGES,
    AxeReport,
    appointment_of,
    expire_hold,
    later_day_links,
    manage_link,
)

HOLD_BUTTON = "form[action$='/afspraak/tijd'] button.primary"
# Every page these walks visit is also kept as a screenshot in these languages.
SCREENSHOT_LANGUAGES = {"nl", "ar"}


def _folder(screenshots, language: str):
    return screenshots if language in SCREENSHOT_LANGUAGES else None


def _first_service(page) -> str:
    """The id of the first service a resident can book online."""
    return page.locator("input[name=dienst]").first.get_attribute("value")


def _go_to_later_day(page, selector: str = "td.free a", min_times: int = 1) -> None:
    """Follow a free day after today in the month calendar (the next month if need be)
    that offers at least ``min_times`` times: the demo's near days can be nearly full,
    and the tests of all languages book on the same portal."""
    origin = page.url.split("/afspraak/")[0]
    for _month in range(2):
        month_url = page.url
        for href in [link.get_attribute("href") for link in later_day_links(page, selector)]:
            page.goto(origin + href)
            if page.locator("input[name=start]").count() >= min_times:
                return
        page.goto(month_url)
        if not page.locator(".month-nav a").count():
            break
        page.locator(".month-nav a").last.click()
    raise AssertionError(f"no later day with {min_times} free times from {page.url}")


def _go_to_other_day(page, visit_start) -> None:
    """On the move page: open a later free day other than the visit's own (a day may
    look free only because the visit itself frees its time) that offers a new time;
    in the next month if need be."""
    own = f"dag={to_local(visit_start).date().isoformat()}"
    origin = page.url.split("/afspraak/")[0]
    for _month in range(2):
        month_url = page.url
        days = [link.get_attribute("href") for link in later_day_links(page)]
        for href in [href for href in days if own not in href]:
            page.goto(origin + href)
            if page.locator("input[name=start]").count():
                return
        page.goto(month_url)
        if not page.locator(".month-nav a").count():
            break
        page.locator(".month-nav a").last.click()
    raise AssertionError(f"no other day to move to on {page.url}")


def _occupy(new_page, time_url: str, start: str) -> None:
    """Hold ``start`` from other residents' browsers until no clerk is left for it."""
    for _ in range(15):
        other = new_page()
        other.goto(time_url)
        radio = other.locator(f"input[name=start][value='{start}']")
        if radio.count() == 0:
            return
        radio.check()
        other.click(HOLD_BUTTON)
        if not other.url.endswith("/afspraak/gegevens"):
            return
    raise AssertionError(f"{start} is still free after 15 holds")


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages(live_server, new_page, screenshots, language):
    """Start page, a service, the accessibility statement, a 404, and the first three
    booking steps (with the "choose a service" error)."""
    report = AxeReport(language, _folder(screenshots, language), "axe-public")
    page = new_page()
    page.goto(live_server(f"/?lang={language}"))
    report.check(page, "start page")
    page.locator(".service-list a").first.click()
    report.check(page, "service page")
    page.goto(live_server("/toegankelijkheid"))
    report.check(page, "accessibility statement")
    missing = page.goto(live_server("/bestaat-niet"))
    assert missing.status == 404
    report.check(page, "404 page")
    page.goto(live_server("/afspraak"))
    report.check(page, "step 1: services")
    service = _first_service(page)
    page.goto(live_server("/afspraak?fout=leeg"))
    assert page.locator(".error-summary").count() == 1
    report.check(page, "step 1 with an error")
    page.goto(live_server(f"/afspraak/dag?dienst={service}&personen=1"))
    report.check(page, "step 2: day")
    _go_to_later_day(page)
    assert "/afspraak/tijd?" in page.url
    report.check(page, "step 3: time")
    # Another language keeps the resident's choice so far.
    other = page.locator("a[hreflang=en]").get_attribute("href")
    assert f"dienst={service}" in other and "dag=" in other and other.endswith("lang=en")
    # A resident who speaks French at the counter: the days and times with a speaker.
    page.goto(live_server(f"/afspraak/dag?dienst={service}&personen=1&spreektaal=fr"))
    assert page.locator("td.speaks").count() > 0
    report.check(page, "step 2: day, a colleague who speaks the language marked")
    page.locator("td.speaks a").last.click()
    assert page.locator(".speaks-mark").count() > 0
    report.check(page, "step 3: time, a colleague who speaks the language marked")
    report.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_booking_and_manage_pages(live_server, new_page, screenshots, language):
    """Details (blank and with errors), review, done, a time just taken, a hold run out,
    then the manage link: pending, confirmed, cancel?, move (a day chosen), move?"""
    report = AxeReport(language, _folder(screenshots, language), "axe-booking")
    address = f"axe-{language}@example.org"
    page = new_page()
    page.goto(live_server(f"/afspraak?lang={language}"))
    page.goto(live_server(f"/afspraak/dag?dienst={_first_service(page)}&personen=1"))
    # A time to book, one someone else takes, and one held until it runs out.
    _go_to_later_day(page, min_times=4)
    time_url = page.url

    page.locator("input[name=start]").first.check()
    page.click(HOLD_BUTTON)
    assert page.url.endswith("/afspraak/gegevens")
    report.check(page, "step 4: details")
    page.click("form[action$='/afspraak/gegevens'] button.primary")
    assert page.locator(".error-summary").count() == 1
    report.check(page, "step 4 with errors")
    page.fill("#name", "Test Persoon")
    page.fill("#email", address)
    page.click("form[action$='/afspraak/gegevens'] button.primary")
    assert page.url.endswith("/afspraak/controle")
    page.wait_for_selector("altcha-widget .altcha[data-state]")
    report.check(page, "step 5: review")
    page.locator("altcha-widget input[type=checkbox]").click()
    page.wait_for_selector("altcha-widget .altcha[data-state=verified]")
    page.click("form[action$='/afspraak/controle'] button.primary")
    assert page.url.endswith("/afspraak/klaar")
    report.check(page, "done")

    # Someone else takes the time this resident is about to choose.
    page.goto(time_url)
    start = page.locator("input[name=start]").first.get_attribute("value")
    _occupy(new_page, time_url, start)
    page.locator(f"input[name=start][value='{start}']").check()
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click(HOLD_BUTTON)
    assert answer.value.status == 409
    report.check(page, "time just taken")

    # The resident holds one of the nearest other times and lets the hold run out.
    if not page.locator(HOLD_BUTTON).count():
        page.goto(time_url)
    start = page.locator("input[name=start]").first.get_attribute("value")
    page.locator("input[name=start]").first.check()
    page.click(HOLD_BUTTON)
    assert page.url.endswith("/afspraak/gegevens")
    expire_hold(live_server, start)
    ran_out = page.goto(live_server("/afspraak/gegevens"))
    assert ran_out.status == 410, f"{start}: the hold did not run out"
    report.check(page, "hold run out")

    # The manage link of the visit booked above.
    page.goto(manage_link(live_server, address))
    report.check(page, "manage: pending")
    page.click("form[action$='/bevestigen'] button")
    assert appointment_of(live_server, address).status == "confirmed"
    report.check(page, "manage: confirmed")
    manage_url = page.url
    page.click("a[href$='/annuleren']")
    report.check(page, "cancel?")
    page.goto(manage_url)
    page.click("a[href$='/verplaatsen']")
    _go_to_other_day(page, appointment_of(live_server, address).starts_at)
    report.check(page, "move: day chosen")
    page.locator("input[name=start]").first.check()
    page.click("form[action*='/verplaatsen/bevestigen'] button")
    assert "/verplaatsen/bevestigen?" in page.url
    report.check(page, "move?")
    report.assert_clean()
