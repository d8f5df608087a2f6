"""The demo city speaks every site language: service names and documents, team names,
the city's closing days; a text missing in a language falls back to Dutch, marked as such."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.demo import data as demo_data
from portal.demo.texts import city_day_names, service_texts, team_names
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import Closure, ClosureKind, Service, Team
from tests.builders import build_city
from tests.conftest import DEMO_TODAY


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("row", demo_data.SERVICES, ids=lambda row: row[0])
def test_every_demo_service_has_its_texts_in_every_language(row):
    code, *_rest, names, docs, _weight = row
    texts = service_texts(code, (names[0], docs[0]), (names[1], docs[1]))
    assert set(texts) == set(LANGUAGES)
    dutch_lines = _lines(docs[0])
    for language, (name, documents) in texts.items():
        assert name.strip(), (code, language)
        assert name == name.strip() and "\n" not in name, (code, language)
        # Documents only lack where the Dutch has none (a call back needs nothing).
        assert bool(documents.strip()) == bool(dutch_lines), (code, language)
        assert len(_lines(documents)) == len(dutch_lines), (code, language)
        assert len(documents.splitlines()) == len(docs[0].splitlines()), (code, language)


def test_every_team_and_city_day_is_named_in_every_language():
    for code, names, *_rest in demo_data.TEAMS:
        named = team_names(code, names)
        assert set(named) == set(LANGUAGES) and all(v.strip() for v in named.values()), code
    for month, day, dutch, english in demo_data.CITY_DAYS:
        named = city_day_names(month, day, dutch, english)
        assert set(named) == set(LANGUAGES) and all(v.strip() for v in named.values())


def test_the_loaded_demo_holds_every_language(demo_app):
    with demo_app.app_context():
        services = db.session.scalars(select(Service)).all()
        assert len(services) == len(demo_data.SERVICES)
        for service in services:
            assert set(service.texts) == set(LANGUAGES), service.code
        for team in db.session.scalars(select(Team)):
            assert set(team.names) == set(LANGUAGES), team.code
        city_days = select(Closure).where(Closure.kind == ClosureKind.CITY_DAY)
        for closure in db.session.scalars(city_days):
            assert set(closure.reasons) == set(LANGUAGES), closure.starts_on


def test_service_pages_show_the_text_in_the_page_language(demo_app, demo_client):
    with demo_app.app_context():
        service_id = db.session.scalar(select(Service.id).where(Service.code == "eid-aanvragen"))
    page = demo_client.get(f"/diensten/{service_id}?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "<h1>طلب بطاقة الهوية الإلكترونية (eID)</h1>" in page
    assert "<li>صورة شخصية حديثة مطابقة لمعايير ICAO</li>" in page
    assert 'lang="nl"' not in page.split("<h1", 1)[1].split("</ul>", 1)[0]
    english = demo_client.get(f"/diensten/{service_id}?lang=en").get_data(as_text=True)
    assert "<h1>Apply for an identity card (eID)</h1>" in english


def test_a_text_missing_in_a_language_falls_back_to_dutch_marked_as_dutch(app):
    # The test city's service has Dutch and English texts only.
    city = build_city(db.session, DEMO_TODAY, DEMO_TODAY + timedelta(days=13))
    db.session.commit()
    client = app.test_client()
    page = client.get(f"/diensten/{city.service.id}?lang=tr").get_data(as_text=True)
    assert '<h1 lang="nl">Identiteitskaart aanvragen</h1>' in page
    assert '<ul lang="nl"><li>' not in page  # the test service has no documents to bring
