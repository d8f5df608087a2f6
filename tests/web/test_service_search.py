"""The services search on the first booking page finds the demo city's services by the
words residents use, in every site language; planners edit those words with the service's
texts; the migration adds them without touching existing texts."""

from __future__ import annotations

import re

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from portal import create_app
from portal.demo import data as demo_data
from portal.demo.keywords import KEYWORDS
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import AuditEvent, Service
from tests.conftest import _database, own_demo_app
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import new_client, signed_in
from tests.web.test_planning_services import edit_url, form_data

SERVICES_PAGE = "/afspraak"
BEFORE, KEYWORDS_REVISION = "060fbccd8e59", "3b9d1c2e4f01"


def found(client, query: str, language: str) -> set[str]:
    """The codes of the services the booking page lists for ``query`` in ``language``."""
    response = client.get(SERVICES_PAGE, query_string={"q": query, "lang": language})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    ids = set()
    for tag in re.findall(r"<input\b[^>]*>", page):
        if 'name="dienst"' in tag:
            ids.add(int(re.search(r'value="(\d+)"', tag).group(1)))
    return codes_of(client.application, ids)


def codes_of(app, ids: set[int]) -> set[str]:
    """The codes of the services with ``ids``."""
    with app.app_context():
        return set(db.session.scalars(select(Service.code).where(Service.id.in_(ids))))


# The five Dutch words and their counterparts, each with the service it must find.
SEARCHES = [
    ("nl", "paspoort", "paspoort-aanvragen"),
    ("nl", "verhuizen", "adreswijziging"),
    ("nl", "verblijf", "vreemdelingenkaart"),
    ("nl", "id kaart", "eid-aanvragen"),
    ("nl", "trouwen", "huwelijksdossier"),
    ("nl", "pasp", "paspoort-aanvragen"),
    ("fr", "passeport", "paspoort-aanvragen"),
    ("fr", "déménager", "adreswijziging"),
    ("fr", "titre de sejour", "vreemdelingenkaart"),
    ("fr", "carte d'identité", "eid-aanvragen"),
    ("fr", "se marier", "huwelijksdossier"),
    ("de", "Reisepass", "paspoort-aanvragen"),
    ("de", "umziehen", "adreswijziging"),
    ("de", "Aufenthalt", "vreemdelingenkaart"),
    ("de", "Ausweis", "eid-aanvragen"),
    ("de", "heiraten", "huwelijksdossier"),
    ("en", "passport", "paspoort-aanvragen"),
    ("en", "moving", "adreswijziging"),
    ("en", "residence permit", "vreemdelingenkaart"),
    ("en", "ID card", "eid-aanvragen"),
    ("en", "wedding", "huwelijksdossier"),
    ("ar", "جواز سفر", "paspoort-aanvragen"),
    ("ar", "انتقال", "adreswijziging"),
    ("ar", "اقامة", "vreemdelingenkaart"),
    ("ar", "بطاقة الهوية", "eid-aanvragen"),
    ("ar", "زواج", "huwelijksdossier"),
    ("ru", "загранпаспорт", "paspoort-aanvragen"),
    ("ru", "переезд", "adreswijziging"),
    ("ru", "вид на жительство", "vreemdelingenkaart"),
    ("ru", "ID карта", "eid-aanvragen"),
    ("ru", "свадьба", "huwelijksdossier"),
    ("uk", "паспорт", "paspoort-aanvragen"),
    ("uk", "переїзд", "adreswijziging"),
    ("uk", "посвідка на проживання", "vreemdelingenkaart"),
    ("uk", "ID картка", "eid-aanvragen"),
    ("uk", "весілля", "huwelijksdossier"),
    ("tr", "pasaport", "paspoort-aanvragen"),
    ("tr", "tasinma", "adreswijziging"),
    ("tr", "oturma izni", "vreemdelingenkaart"),
    ("tr", "nüfus cüzdanı", "eid-aanvragen"),
    ("tr", "evlenmek", "huwelijksdossier"),
]


@pytest.mark.parametrize(("language", "query", "code"), SEARCHES)
def test_everyday_words_find_the_service_in_every_language(demo_client, language, query, code):
    assert code in found(demo_client, query, language)


def test_every_site_language_is_searched_for_each_of_the_five_words():
    for code in {code for _language, _query, code in SEARCHES[:5]}:
        assert {language for language, _q, c in SEARCHES if c == code} == set(LANGUAGES)


def test_the_words_find_only_what_they_mean(demo_client):
    assert found(demo_client, "trouwen", "nl") == {"huwelijksdossier"}
    assert found(demo_client, "verhuizen", "nl") == {"adreswijziging", "adreswijziging-niet-belgen"}
    assert found(demo_client, "paspoort", "nl") == {"paspoort-aanvragen", "paspoort-afhalen"}
    identity = found(demo_client, "id kaart", "nl")
    assert {"eid-aanvragen", "eid-afhalen", "verlies-eid"} <= identity
    assert not identity & {"paspoort-aanvragen", "rijbewijs", "vreemdelingenkaart"}
    # By word, never inside one: "volledigheid" does not hold "eid".
    eid = found(demo_client, "eid", "nl")
    assert "eid-aanvragen" in eid and "dossiercontrole" not in eid
    # Only services residents book themselves are listed.
    assert "verblijfsaanvraag" not in found(demo_client, "verblijf", "nl")


def test_dutch_words_are_found_in_every_language_other_languages_only_in_their_own(
    demo_client,
):
    assert "huwelijksdossier" in found(demo_client, "trouwen", "ar")
    assert "huwelijksdossier" not in found(demo_client, "heiraten", "fr")


def test_an_unknown_or_odd_query_says_nothing_was_found_and_never_fails(demo_client):
    page = demo_client.get(SERVICES_PAGE, query_string={"q": "zwembad"}).get_data(as_text=True)
    assert "Geen dienst gevonden" in page
    for query in ("'; drop table service; --", "x" * 500, "\u202e\u0000", "ـــ", "%", "*"):
        response = demo_client.get(SERVICES_PAGE, query_string={"q": query, "lang": "ar"})
        assert response.status_code == 200


def test_every_demo_service_has_keywords_in_every_language(demo_app):
    assert set(KEYWORDS) == {row[0] for row in demo_data.SERVICES}
    for code, per_language in KEYWORDS.items():
        assert set(per_language) == set(LANGUAGES), code
        assert all(words.strip() for words in per_language.values()), code
    with demo_app.app_context():
        for service in db.session.scalars(select(Service)):
            for language, service_text in service.texts.items():
                assert service_text.keywords == KEYWORDS[service.code][language]


# --------------------------------------------------------------------- planners edit them


@pytest.fixture(scope="module")
def search_app(backend, tmp_path_factory):
    """The demo portal for these tests alone (a planner changes keywords)."""
    yield from own_demo_app(backend, tmp_path_factory, "service_search")


def _service_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Service.id).where(Service.code == code))


def _keywords(app, code: str) -> dict[str, str]:
    with app.app_context():
        service = db.session.scalar(select(Service).where(Service.code == code))
        return {language: value.keywords for language, value in service.texts.items()}


def test_a_planner_edits_keywords_and_residents_find_the_service_by_them(search_app):
    planner, resident = signed_in(search_app, "planner"), new_client(search_app)
    sid = _service_id(search_app, "eid-afhalen")
    assert found(resident, "gemeentekaart", "nl") == set()
    page = planner.get(edit_url(sid)).get_data(as_text=True)
    assert re.search(r'<textarea [^>]*dir="rtl" id="text_ar-keywords" lang="ar"', page)
    assert 'aria-describedby="text_ar-keywords-hint"' in page
    assert '<label for="text_nl-keywords">Zoekwoorden</label>' in page
    audits = len(_audit_rows(search_app))
    data = form_data(
        search_app,
        "eid-afhalen",
        csrf_of(page),
        **{
            "text_nl-keywords": "gemeentekaart\r\n  id   kaart ;ID KAART,, ophalen",
            "text_fr-keywords": "carte communale",
        },
    )
    response = planner.post(edit_url(sid), data=data)
    assert response.status_code == 302
    stored = _keywords(search_app, "eid-afhalen")
    assert stored["nl"] == "gemeentekaart, id kaart, ophalen"
    assert stored["fr"] == "carte communale"
    rows = _audit_rows(search_app)
    assert len(rows) == audits + 1 and rows[-1].detail["changed"] == ["texts"]
    # Found by the new words: Dutch ones in every language, French ones in French only.
    assert "eid-afhalen" in found(resident, "gemeentekaart", "nl")
    assert "eid-afhalen" in found(resident, "gemeentekaart", "tr")
    assert "eid-afhalen" in found(resident, "communale", "fr")
    assert "eid-afhalen" not in found(resident, "communale", "de")
    # The old Dutch words are gone.
    assert "eid-afhalen" not in found(resident, "afhalen pincode", "nl")
    again = planner.get(edit_url(sid)).get_data(as_text=True)
    assert "gemeentekaart, id kaart, ophalen</textarea>" in again


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"text_tr-name": "", "text_tr-description": "", "text_tr-documents": ""},
            "Vul ook de naam in, of maak de zoekwoorden leeg.",
        ),
        (
            {"text_de-keywords": ", ".join(f"Ausweis{number}" for number in range(60))},
            "De zoekwoorden mogen samen hoogstens 500 tekens lang zijn.",
        ),
        ({"text_nl-keywords": "pas\x07poort"}, "Deze tekst bevat tekens die we niet gebruiken."),
    ],
)
def test_bad_keywords_are_refused_and_change_nothing(search_app, changes, message):
    planner = signed_in(search_app, "planner")
    sid = _service_id(search_app, "paspoort-aanvragen")
    before = _keywords(search_app, "paspoort-aanvragen")
    token = csrf_of(planner.get(edit_url(sid)).get_data(as_text=True))
    response = planner.post(
        edit_url(sid), data=form_data(search_app, "paspoort-aanvragen", token, **changes)
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _keywords(search_app, "paspoort-aanvragen") == before


def _audit_rows(app) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.subject == "service.update")
        return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_the_api_lists_keywords_per_language(search_app):
    client = new_client(search_app)
    services = client.get("/api/v1/services").get_json()
    passport = next(s for s in services["services"] if s["code"] == "paspoort-aanvragen")
    assert "reispas" in passport["keywords"]["nl"]
    assert "جواز السفر" in passport["keywords"]["ar"]
    assert set(passport["keywords"]) == set(LANGUAGES)


# ----------------------------------------------------------------------------- migration


def test_the_migration_gives_existing_texts_empty_keywords_and_goes_back(backend, tmp_path_factory):
    url, cleanup = _database(backend, "keywords_migration", tmp_path_factory)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
    try:
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as connection:
                connection.execute(
                    text("INSERT INTO team (id, code, names) VALUES (1, 'bevolking', '{}')")
                )
                connection.execute(
                    text(
                        "INSERT INTO service (id, code, team_id, topic, position, "
                        "duration_minutes, extra_minutes_per_person, max_persons, channel, "
                        "publicly_bookable, min_notice_minutes, horizon_days, active) "
                        "VALUES (1, 'reispas', 1, 'travel', 0, 15, 0, 1, 'counter', "
                        "true, 120, 60, true)"
                    )
                )
                connection.execute(
                    text(
                        "INSERT INTO service_text (service_id, language, name, description, "
                        "documents) VALUES (1, 'nl', 'Reispas aanvragen', '', '')"
                    )
                )
            upgrade(revision=KEYWORDS_REVISION)
            with db.engine.connect() as connection:
                row = connection.execute(text("SELECT name, keywords FROM service_text")).one()
            assert tuple(row) == ("Reispas aanvragen", "")
            downgrade(revision=BEFORE)
            columns = {c["name"] for c in inspect(db.engine).get_columns("service_text")}
            assert "keywords" not in columns
            with db.engine.connect() as connection:
                names = connection.execute(text("SELECT name FROM service_text")).scalars()
                assert list(names) == ["Reispas aanvragen"]
            db.engine.dispose()
    finally:
        cleanup()
