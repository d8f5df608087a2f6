"""axe-core on the administrators' page for a person's data, in Dutch, Arabic (right to
left) and Russian: the search, what was found, a refused erasure; and the printable page
in the person's own language. No WCAG 2.1 A/AA violation, no sideways scrolling at 320 px.
The live server's demo city is shared, so nothing is erased here (see
tests/web/test_privacy_person.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Dossier, DossierNote
from portal.privacy.person import PersonQuery, find_person
from tests.browser.pages import AxeReport
from tests.browser.test_staff_axe import ADMIN, sign_in


@pytest.mark.parametrize("language", ["nl", "ar", "ru"])
def test_person_pages(live_server, new_page, screenshots, language):
    with live_server.app.app_context():
        email = db.session.scalar(
            select(Dossier.email)
            .join(DossierNote, DossierNote.dossier_id == Dossier.id)
            .where(Dossier.email.is_not(None))
            .order_by(Dossier.id)
        )
        person_language = find_person(db.session, PersonQuery(email, "")).language
    report = AxeReport(language, screenshots, "axe-privacy")
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, ADMIN, language)
    page.goto(live_server("/medewerkers/persoonsgegevens/"))
    report.check(page, "person, search")
    page.fill("#email", "x")
    page.locator("form[role=search] button.primary").click()
    page.wait_for_load_state("load")
    assert page.locator("#error-summary").count() == 1
    report.check(page, "person, refused search")
    page.fill("#email", email)
    page.locator("form[role=search] button.primary").click()
    page.wait_for_load_state("load")
    assert page.locator("table").count() >= 1
    report.check(page, "person, found")
    page.locator("form[action$='/wissen'] button.danger").click()
    page.wait_for_load_state("load")
    assert page.locator("#error-summary").count() == 1
    report.check(page, "person, erasure not confirmed")
    report.assert_clean()

    printed = AxeReport(person_language, screenshots, "axe-privacy-printout")
    page.locator("form[action$='/afdruk'] button").click()
    page.wait_for_load_state("load")
    printed.check(page, "person, printout")
    printed.assert_clean()
