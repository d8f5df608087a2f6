"""The month page is kept for readers without a session of their own and answered before
the services are read (portal/booking/views.py ``day``, portal/page_cache.py
``kept_page``): a committed change shows at once, a reader with a session is never
served a kept page, and every answer carries its own CSP nonce."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import Closure, ClosureKind
from tests.builders import build_city, open_weekday
from tests.databases import migrated_database, portal_on


@pytest.fixture
def city(backend, tmp_path_factory):
    """(app, service id, the one open day) on a new database."""
    url, cleanup = migrated_database(backend, "month_kept", tmp_path_factory)
    app = portal_on(url)
    day = open_weekday(date.today() + timedelta(days=3))
    with app.app_context():
        built = build_city(db.session, day, day, staff_count=1)
        db.session.commit()
        service_id = built.service.id
    try:
        yield app, service_id, day
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        cleanup()


def _month(client, service_id: int, day: date):
    return client.get(
        f"/afspraak/dag?dienst={service_id}&personen=1&maand={day:%Y-%m}",
        headers={"Accept-Language": "nl"},
    )


def _nonce(page) -> str:
    return re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)


def test_a_commit_shows_at_once_and_each_answer_has_its_own_nonce(city):
    app, service_id, day = city
    link = f"dag={day.isoformat()}"
    first, second = _month(app.test_client(), service_id, day), _month(
        app.test_client(), service_id, day
    )
    assert first.status_code == second.status_code == 200
    assert link in first.get_data(as_text=True)
    assert _nonce(first) != _nonce(second)
    for page in (first, second):
        body = page.get_data(as_text=True)
        assert "\x00" not in body
        assert all(n == _nonce(page) for n in re.findall(r'nonce="([^"]+)"', body))

    with app.app_context():
        db.session.add(
            Closure(starts_on=day, ends_on=day, kind=ClosureKind.ONE_OFF, reasons={"nl": "Dicht"})
        )
        db.session.commit()
    assert link not in _month(app.test_client(), service_id, day).get_data(as_text=True)


def test_a_reader_with_a_session_is_never_served_a_kept_page(city):
    app, service_id, day = city
    link = f"dag={day.isoformat()}"
    assert link in _month(app.test_client(), service_id, day).get_data(as_text=True)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Een bericht voor deze lezer")]
    page = _month(client, service_id, day).get_data(as_text=True)
    assert "Een bericht voor deze lezer" in page
    # …and that reader's page is not kept for the next one.
    assert "Een bericht voor deze lezer" not in _month(
        app.test_client(), service_id, day
    ).get_data(as_text=True)


def test_a_service_that_cannot_be_booked_is_refused_kept_or_not(city):
    app, _service_id, _day = city
    client = app.test_client()
    for _ in range(2):
        refused = client.get("/afspraak/dag?dienst=999999&personen=1")
        assert refused.status_code == 302
        assert "fout=combinatie" in refused.headers["Location"]
