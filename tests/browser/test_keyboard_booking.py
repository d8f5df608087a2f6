"""Book a visit with the keyboard alone, in Dutch and in Arabic (right to left).

Only ``page.keyboard``: Tab, Shift+Tab, Space, Enter, the arrow keys and typing; no
clicks, no ``fill``. Opening the activation link from the mail is the one ``goto`` after the
first page, as a resident would from their mailbox. Every page is kept as a full-page
screenshot in ``test-artifacts/screenshots/`` (the Arabic ones show the mirrored layout).
"""

from __future__ import annotations

import pytest

from tests.browser.pages import (
    appointment_of,
    assert_focus_visible,
    focus_matches,
    focused,
    manage_link,
    screenshot,
    tab_to,
    without_focus_indicator,
)

RESIDENTS = {
    "nl": ("Anna Peeters", "anna.keyboard@example.org"),
    "ar": ("أمينة بن علي", "amina.keyboard@example.org"),
}
REMARKS = {"nl": "Ik kom met de rolstoel.", "ar": "سآتي بكرسي متحرك."}
LATER_FREE_DAY = "td.free a:not([data-today])"
HONEYPOT = "#website"


class Walk:
    """One keyboard walk through the booking pages, with a screenshot of each."""

    def __init__(self, page, language, folder):
        self.page = page
        self.language = language
        self.folder = folder
        self.count = 0
        self.stops = 0  # focus stops checked for a visible indicator

    def arrived(self, name: str, path: str) -> None:
        """The page at ``path`` is shown in the walk's language and direction; keep it."""
        page = self.page
        page.wait_for_load_state()
        assert path in page.url, f"expected {path}, at {page.url}"
        direction = "rtl" if self.language == "ar" else "ltr"
        assert page.locator(f"html[lang={self.language}][dir={direction}]").count() == 1
        self.count += 1
        screenshot(page, self.folder, f"keyboard-{self.language}-{self.count:02d}-{name}")

    def tab_to(self, selector: str, *, backwards: bool = False) -> None:
        """Tab to ``selector``; every element the focus passes on the way shows where the
        focus is, and the honeypot field for bots never gets it."""
        stops = tab_to(self.page, selector, backwards=backwards, avoid=HONEYPOT)
        unseen = without_focus_indicator(stops)
        assert not unseen, f"no visible focus on {self.page.url}: {unseen}"
        self.stops += len(stops)

    def press(self, key: str) -> None:
        """Press ``key`` where the focus is."""
        self.page.keyboard.press(key)

    def follow(self, key: str = "Enter") -> None:
        """Press ``key`` on a link or a submit button and wait for the next page."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)


def _skip_link_comes_first(page) -> None:
    """The first Tab on a page reaches the skip link, which moves the focus to <main>."""
    page.keyboard.press("Tab")
    assert focus_matches(page, "a.skip-link"), focused(page)
    assert_focus_visible(page, "skip link")
    page.keyboard.press("Enter")
    assert focus_matches(page, "main#main"), focused(page)


def _choose_a_later_day(walk: Walk) -> None:
    """Tab through the month to a free day after today (the next month if need be)."""
    page = walk.page
    if page.locator(LATER_FREE_DAY).count() == 0:
        walk.tab_to(".month-nav a:last-child")
        walk.follow()
        walk.arrived("next-month", "/afspraak/dag")
    walk.tab_to(LATER_FREE_DAY)
    walk.follow()


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_booking_with_the_keyboard_only(live_server, new_page, screenshots, language):
    name, address = RESIDENTS[language]
    page = new_page()
    walk = Walk(page, language, screenshots)
    page.goto(live_server(f"/afspraak?lang={language}"))
    walk.arrived("services", "/afspraak")
    _skip_link_comes_first(page)

    # Step 1: open the first topic (Enter on its summary), tick its first service
    # (Space), then on to the calendar (Enter).
    walk.tab_to("details.service-group > summary")
    walk.press("Enter")
    walk.tab_to("input[name=dienst]")
    walk.press("Space")
    assert page.locator("input[name=dienst]").first.is_checked()
    chosen = page.locator("input[name=dienst]:checked + .service-choice > span").first
    service = chosen.inner_text().strip()
    walk.tab_to("form[action$='/afspraak/dag'] button[type=submit]")
    walk.follow()
    walk.arrived("day", "/afspraak/dag")

    # Step 2: a free day in the month table.
    page.evaluate(_MARK_TODAY)
    _choose_a_later_day(walk)
    walk.arrived("time", "/afspraak/tijd")

    # Step 3: into the radio group, then the arrow key picks the next time.
    walk.tab_to("input[name=start]")
    walk.press("Space")
    radios = page.locator("input[name=start]")
    assert radios.first.is_checked()
    if radios.count() > 1:
        walk.press("ArrowDown")
        assert radios.nth(1).is_checked()
        assert_focus_visible(page, "second time")
    start = page.locator("input[name=start]:checked").get_attribute("value")
    walk.tab_to("form[action$='/afspraak/tijd'] button.primary")
    walk.follow()
    walk.arrived("details", "/afspraak/gegevens")

    # Step 4: sent empty, the page opens on the list of problems; its first link leads to
    # the name field. Then the contact form, typed.
    walk.tab_to("form[action$='/afspraak/gegevens'] button.primary")
    walk.follow()
    walk.arrived("details-errors", "/afspraak/gegevens")
    assert focus_matches(page, "#error-summary"), focused(page)
    walk.tab_to("#error-summary a[href='#name']")
    walk.press("Enter")
    assert focus_matches(page, "#name"), focused(page)
    page.keyboard.type(name)
    walk.tab_to("#email")
    page.keyboard.type(address)
    walk.tab_to("#remark")
    page.keyboard.type(REMARKS[language])
    walk.tab_to("form[action$='/afspraak/gegevens'] button.primary")
    walk.follow()
    walk.arrived("review", "/afspraak/controle")

    # Step 5: the service in the page's language; the honeypot is hidden from everyone;
    # tick "I am not a robot" with Space, wait for the proof of work, submit.
    assert page.locator(".choice-summary li").first.inner_text().strip() == service
    honeypot = page.locator(HONEYPOT)
    assert honeypot.get_attribute("tabindex") == "-1"
    assert page.locator(f"[aria-hidden=true] {HONEYPOT}").count() == 1
    page.wait_for_selector("altcha-widget .altcha[data-state]")
    walk.tab_to("altcha-widget input[type=checkbox]")
    assert page.locator("altcha-widget .altcha").get_attribute("data-state") == "unverified"
    walk.press("Space")
    page.wait_for_selector("altcha-widget .altcha[data-state=verified]")
    assert page.locator("altcha-widget input[type=checkbox]").is_checked()
    label = page.locator("altcha-widget label").inner_text()
    assert label.strip(), "the checkbox has no visible label"
    walk.count += 1
    screenshot(page, screenshots, f"keyboard-{language}-{walk.count:02d}-review-verified")
    walk.tab_to("form[action$='/afspraak/controle'] button.primary")
    walk.follow()
    walk.arrived("done", "/afspraak/klaar")
    visit = appointment_of(live_server, address)
    assert visit.status == "pending"
    assert (visit.resident_name, visit.remark) == (name, REMARKS[language])
    assert visit.starts_at.isoformat() == start.replace("Z", "+00:00")

    # The activation link from the mail; confirm with the keyboard.
    link = manage_link(live_server, address)
    assert link.endswith(f"?lang={language}")
    page.goto(link)
    walk.arrived("manage-pending", "/afspraak/beheer/")
    walk.tab_to("form[action$='/bevestigen'] button")
    walk.follow()
    walk.arrived("manage-confirmed", "/afspraak/beheer/")
    assert page.locator(".flash-success").count() == 1
    assert appointment_of(live_server, address).status == "confirmed"

    # Moving and cancelling are reachable from here (Shift+Tab back from the footer).
    walk.tab_to("footer a")
    walk.tab_to("a[href$='/annuleren']", backwards=True)
    walk.tab_to("a[href$='/verplaatsen']", backwards=True)
    assert walk.stops > 60, walk.stops


_MARK_TODAY = """() => {
    const today = new Intl.DateTimeFormat("en-CA", {timeZone: "Europe/Brussels"})
        .format(new Date());
    for (const link of document.querySelectorAll("td.free a")) {
        if (link.getAttribute("href").includes("dag=" + today)) {
            link.setAttribute("data-today", "");
        }
    }
}"""
