"""The resident pages on the demo data, and the language a page is shown in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Service
from tests.conftest import DEMO_TODAY


def _service_id(app, code):
    with app.app_context():
        return db.session.scalar(select(Service.id).where(Service.code == code))


def test_start_page_shows_hours_closures_and_services(demo_client):
    page = demo_client.get("/").get_data(as_text=True)
    assert '<html lang="nl" dir="ltr">' in page
    assert "Identiteitskaart (eID) aanvragen" in page
    assert "09:00–12:30, 16:00–19:00" in page  # Monday
    assert "09:00–16:00" in page  # Wednesday
    assert "gesloten" in page  # Sunday
    assert 'href="#main"' in page


def test_service_page_lists_free_days_and_times(demo_app, demo_client):
    service_id = _service_id(demo_app, "eid-aanvragen")
    page = demo_client.get(f"/diensten/{service_id}").get_data(as_text=True)
    assert "Breng mee" in page and "ICAO" in page
    assert 'aria-current="date"' in page
    day = (DEMO_TODAY + timedelta(days=2)).isoformat()
    chosen = demo_client.get(f"/diensten/{service_id}?dag={day}").get_data(as_text=True)
    assert f'datetime="{day}T' in chosen


def test_invitation_only_service_explains_itself(demo_app, demo_client):
    service_id = _service_id(demo_app, "verblijfskaart-afhalen")
    page = demo_client.get(f"/diensten/{service_id}").get_data(as_text=True)
    assert "op uitnodiging" in page


def test_unknown_pages_get_a_page_not_a_trace(demo_client):
    for path in ("/diensten/99999", f"/diensten/{2**40}", "/bestaat-niet"):
        response = demo_client.get(path)
        assert response.status_code == 404
        assert "Pagina niet gevonden" in response.get_data(as_text=True)


def test_language_choice_is_remembered(demo_app):
    client = demo_app.test_client()
    first = client.get("/?lang=en")
    assert '<html lang="en" dir="ltr">' in first.get_data(as_text=True)
    again = client.get("/")
    assert '<html lang="en"' in again.get_data(as_text=True)


def test_browser_language_and_right_to_left(demo_app):
    client = demo_app.test_client()
    page = client.get("/", headers={"Accept-Language": "ar,fr;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    unknown = client.get("/", headers={"Accept-Language": "ce"}).get_data(as_text=True)
    assert '<html lang="nl" dir="ltr">' in unknown


@pytest.mark.parametrize("language", ["nl", "fr", "de", "en", "ar", "ru", "uk", "tr"])
def test_the_accessibility_statement_is_linked_from_every_page(demo_client, language):
    page = demo_client.get(f"/toegankelijkheid?lang={language}")
    assert page.status_code == 200
    assert f'lang="{language}"' in page.text
    assert 'href="/toegankelijkheid"' in demo_client.get("/").text
