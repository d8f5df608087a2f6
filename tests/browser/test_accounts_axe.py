"""axe-core on the account pages, in Dutch and in Arabic (right to left): the sign-in page
with its "Wachtwoord vergeten?" link, asking for a link (also refused), the one answer,
the page a link opens (also with a refused password) and a link that no longer works;
then the administrators' list, a new account (also refused) and a person's page. No WCAG
2.1 A/AA violation, no sideways scrolling at 320 px.

The live server's demo city is shared: no password is changed and no account made here
(see tests/web/test_staff_password_reset.py and test_staff_accounts_admin.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.links import new_link
from portal.demo.data import DEMO_ACCOUNTS
from portal.extensions import db
from portal.models import PasswordLinkKind, StaffMember
from portal.timeutil import utcnow
from tests.browser.pages import AxeReport
from tests.browser.test_staff_axe import ADMIN, sign_in

CLERK = next(email for _team, _index, role, email in DEMO_ACCOUNTS if role == "clerk")


def _open_link(live_server, email: str) -> str:
    """A fresh link for ``email`` (the token), made as the request page would make it."""
    app = live_server.app
    with app.app_context():
        member = db.session.scalar(select(StaffMember).where(StaffMember.email == email))
        _link, token = new_link(
            db.session,
            member,
            PasswordLinkKind.RESET,
            secret_key=app.config["SECRET_KEY"],
            now=utcnow(),
            lifetime=timedelta(minutes=30),
        )
        db.session.commit()
    return token


def _clerk_id(live_server) -> int:
    with live_server.app.app_context():
        return db.session.scalar(select(StaffMember.id).where(StaffMember.email == CLERK))


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_password_pages(live_server, new_page, screenshots, language):
    report = AxeReport(language, screenshots, "axe-accounts-password")
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server(f"/medewerkers/aanmelden?lang={language}"))
    report.check(page, "sign-in")
    page.locator("a[href$='/wachtwoord-vergeten']").click()
    page.wait_for_load_state("load")
    report.check(page, "forgot password")
    page.locator("form button.primary").click()
    page.wait_for_load_state("load")
    assert page.locator("#error-summary").count() == 1
    report.check(page, "forgot password, refused")
    page.fill("#email", "niemand@stad.example")
    page.locator("form button.primary").click()
    page.wait_for_url("**/wachtwoord-vergeten/verstuurd")
    report.check(page, "link sent")
    page.goto(live_server(f"/medewerkers/wachtwoord-instellen/{_open_link(live_server, CLERK)}"))
    report.check(page, "choose a password")
    page.fill("#password", "te kort")
    page.fill("#confirm", "te kort")
    page.locator("form button.primary").click()
    page.wait_for_load_state("load")
    assert page.locator("#error-summary").count() == 1
    report.check(page, "choose a password, refused")
    response = page.goto(live_server("/medewerkers/wachtwoord-instellen/" + "x" * 43))
    assert response.status == 404
    report.check(page, "link no longer works")
    report.assert_clean()


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_account_pages(live_server, new_page, screenshots, language):
    report = AxeReport(language, screenshots, "axe-accounts-admin")
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, ADMIN, language)
    for name, path in [
        ("accounts", "/medewerkers/accounts/"),
        ("accounts of one team", "/medewerkers/accounts/?team=1"),
        ("new account", "/medewerkers/accounts/nieuw"),
        ("a clerk's account", f"/medewerkers/accounts/{_clerk_id(live_server)}"),
    ]:
        response = page.goto(live_server(path))
        assert response.status == 200, f"{name}: {response.status}"
        report.check(page, name)
    page.goto(live_server("/medewerkers/accounts/nieuw"))
    page.locator("form button.primary").click()
    page.wait_for_load_state("load")
    assert page.locator("#error-summary").count() == 1
    report.check(page, "new account, refused")
    page.goto(live_server("/medewerkers/accounts/"))
    page.locator(f"tr:has-text('{ADMIN}') th a").click()
    page.wait_for_load_state("load")
    report.check(page, "own account")
    report.assert_clean()
