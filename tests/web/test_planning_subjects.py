"""The planners' kinds of dossier: who may open the pages (planner: own team; admin:
every team; clerk: 403), creating and editing a kind with its names in the eight
languages and its usual window, and refusing bad values without changing anything."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import AuditEvent, DossierSubject, Team
from tests.conftest import own_demo_app
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import signed_in

LIST = "/medewerkers/planning/dossiertypes"
NEW = f"{LIST}/nieuw"
HUGE_ID = 99999999999


@pytest.fixture(scope="module")
def subjects_app(backend, tmp_path_factory):
    """The demo city, for these tests alone (they change the kinds of dossier)."""
    yield from own_demo_app(backend, tmp_path_factory, "planning_subjects")


@pytest.fixture(scope="module")
def planner(subjects_app):
    """The demo planner (team Bevolking), signed in."""
    return signed_in(subjects_app, "planner")


@pytest.fixture(scope="module")
def admin(subjects_app):
    """The demo administrator, signed in."""
    return signed_in(subjects_app, "admin")


def _team_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Team.id).where(Team.code == code))


def _subject(app, team_code: str, code: str) -> DossierSubject | None:
    with app.app_context():
        subject = db.session.scalar(
            select(DossierSubject)
            .join(Team, Team.id == DossierSubject.team_id)
            .where(Team.code == team_code, DossierSubject.code == code)
        )
        if subject is not None:
            db.session.expunge(subject)
        return subject


def _make(app, team_code: str, code: str) -> int:
    with app.app_context():
        team_id = db.session.scalar(select(Team.id).where(Team.code == team_code))
        subject = DossierSubject(team_id=team_id, code=code, names={"nl": code})
        db.session.add(subject)
        db.session.commit()
        return subject.id


def _data(client, url: str, **changes) -> dict:
    data = {
        "csrf_token": csrf_of(client.get(url).get_data(as_text=True)),
        "code": "verblijfskaart",
        "follow_up_after_days": "21",
        "follow_up_window_days": "90",
        "position": "3",
        "active": "y",
        "name_nl": "Verblijfskaart",
        "name_ar": "بطاقة الإقامة",
        "name_fr": "Carte de séjour",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_clerk_and_reception_may_not_plan_subjects(subjects_app):
    for role in ("clerk", "reception"):
        client = signed_in(subjects_app, role)
        assert client.get(LIST).status_code == 403
        assert client.get(NEW).status_code == 403


def test_planner_lists_and_creates_a_subject_of_the_own_team(subjects_app, planner):
    listed = planner.get(LIST)
    assert listed.status_code == 200
    assert "Soorten dossiers" in listed.get_data(as_text=True)
    page = planner.get(NEW).get_data(as_text=True)
    for code in LANGUAGES:
        assert f'name="name_{code}"' in page
    assert 'lang="ar" dir="rtl"' in page or 'dir="rtl"' in page
    response = planner.post(NEW, data=_data(planner, NEW))
    assert response.status_code == 302, response.get_data(as_text=True)
    subject = _subject(subjects_app, "bevolking", "verblijfskaart")
    assert subject.names == {
        "nl": "Verblijfskaart",
        "ar": "بطاقة الإقامة",
        "fr": "Carte de séjour",
    }
    assert (subject.follow_up_after_days, subject.follow_up_window_days) == (21, 90)
    assert subject.position == 3 and subject.active
    with subjects_app.app_context():
        audit = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.subject == "dossier_subject.create")
        )
    assert audit == 1
    # The same code again in the same team is said on the form.
    again = planner.post(NEW, data=_data(planner, NEW))
    assert again.status_code == 422
    assert "al een soort dossier met deze code" in again.get_data(as_text=True)


def test_planner_edits_and_switches_off_a_subject(subjects_app, planner):
    subject_id = _make(subjects_app, "bevolking", "te-wijzigen")
    url = f"{LIST}/{subject_id}"
    assert planner.get(url).status_code == 200
    data = _data(planner, url, code="gewijzigd", name_nl="Gewijzigd", active=None, name_ar=None)
    assert planner.post(url, data=data).status_code == 302
    subject = _subject(subjects_app, "bevolking", "gewijzigd")
    assert subject.id == subject_id
    assert not subject.active
    assert subject.names == {"nl": "Gewijzigd", "fr": "Carte de séjour"}


def test_another_teams_subject_reads_as_missing_for_a_planner(subjects_app, planner):
    other = _make(subjects_app, "burgerlijke_stand", "ander-team")
    assert planner.get(f"{LIST}/{other}").status_code == 404
    token = csrf_of(planner.get(LIST + "/nieuw").get_data(as_text=True))
    assert planner.post(f"{LIST}/{other}", data={"csrf_token": token}).status_code == 404
    assert planner.get(f"{LIST}/{HUGE_ID}").status_code == 404
    assert (
        planner.get(f"{LIST}?team={_team_id(subjects_app, 'burgerlijke_stand')}").status_code == 404
    )
    assert planner.get(f"{NEW}?team=abc").status_code in (200, 404)


def test_admin_manages_any_team(subjects_app, admin):
    team_id = _team_id(subjects_app, "andere_nationaliteiten")
    assert admin.get(LIST).status_code == 200
    assert admin.get(f"{LIST}?team={team_id}").status_code == 200
    url = f"{NEW}?team={team_id}"
    response = admin.post(url, data=_data(admin, url, code="verblijf-admin", team_id=str(team_id)))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _subject(subjects_app, "andere_nationaliteiten", "verblijf-admin") is not None
    other = _make(subjects_app, "burgerlijke_stand", "admin-mag")
    assert admin.get(f"{LIST}/{other}").status_code == 200
    bad_team = admin.post(url, data=_data(admin, url, code="x-y", team_id=str(HUGE_ID)))
    assert bad_team.status_code == 422


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name_nl": ""}, "Vul de Nederlandse naam in"),
        ({"code": ""}, "Vul een code in"),
        ({"code": "Met Spaties"}, "kleine letters"),
        ({"code": "x" * 61}, "hoogstens 60 tekens"),
        ({"follow_up_after_days": "-1"}, "alleen cijfers"),
        ({"follow_up_after_days": "366"}, "tussen 0 en 365"),
        ({"follow_up_after_days": "99999999999999"}, "tussen 0 en 365"),
        ({"follow_up_window_days": "0"}, "van 1 tot 366"),
        ({"follow_up_window_days": "drie"}, "alleen cijfers"),
        ({"follow_up_window_days": None}, "Vul in hoeveel dagen"),
        ({"position": "10000"}, "tussen 0 en 9999"),
        ({"name_fr": "x" * 121}, "hoogstens 120 tekens"),
        ({"name_nl": "bad\x01name"}, "tekens die we niet gebruiken"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(subjects_app, planner, changes, message):
    with subjects_app.app_context():
        before = db.session.scalar(select(func.count()).select_from(DossierSubject))
    values = {"code": "fout-waarde", **changes}
    response = planner.post(NEW, data=_data(planner, NEW, **values))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with subjects_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DossierSubject)) == before


def test_planning_home_links_to_subjects(subjects_app, planner):
    assert LIST in planner.get("/medewerkers/planning").get_data(as_text=True)
