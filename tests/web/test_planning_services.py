"""The planners' services pages: who may open them, the list with its text states, editing
and creating a service, and refusing bad values without changing anything."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Channel, Service, ServiceText, StaffMember, Team
from portal.planning.service_forms import initial_data
from tests.conftest import own_demo_app
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import new_client, signed_in

LIST = "/medewerkers/planning/diensten"
NEW = "/medewerkers/planning/diensten/nieuw"
# A page every signed-in person may open (for a CSRF token of their session).
FEED_SETTINGS = "/medewerkers/agenda-abonnement"
# A service of the demo planner's team (Bevolking), and one of another team.
OWN_CODE = "eid-aanvragen"
OTHER_CODE = "huwelijksdossier"


def edit_url(service_id: int) -> str:
    """The edit page of a service."""
    return f"{LIST}/{service_id}"


@pytest.fixture(scope="module")
def services_app(backend, tmp_path_factory):
    """The portal with the city's demo data, for these tests alone (they change services)."""
    yield from own_demo_app(backend, tmp_path_factory, "planning_services")


@pytest.fixture(scope="module")
def planner(services_app):
    """A client signed in as the demo planner (team Bevolking)."""
    return signed_in(services_app, "planner")


@pytest.fixture(scope="module")
def admin(services_app):
    """A client signed in as the demo administrator."""
    return signed_in(services_app, "admin")


def service_id(app, code: str) -> int:
    """The id of the service with ``code``."""
    with app.app_context():
        return db.session.scalar(select(Service.id).where(Service.code == code))


def snapshot(app, code: str) -> dict:
    """Everything the form can change of a service, as plain values."""
    with app.app_context():
        service = db.session.scalar(select(Service).where(Service.code == code))
        return {
            "team_id": service.team_id,
            "plain": {
                name: getattr(service, name)
                for name in (
                    "duration_minutes",
                    "extra_minutes_per_person",
                    "max_persons",
                    "channel",
                    "publicly_bookable",
                    "min_notice_minutes",
                    "horizon_days",
                    "active",
                )
            },
            "staff": sorted(member.id for member in service.staff),
            "texts": {
                language: (text.name, text.description, text.documents)
                for language, text in service.texts.items()
            },
        }


def form_data(app, code: str, token: str, **changes) -> dict:
    """The edit form of the service with ``code`` as a browser would send it unchanged,
    with ``changes`` (form field names) applied."""
    with app.app_context():
        service = db.session.scalar(select(Service).where(Service.code == code))
        initial = initial_data(service)
    data = {"csrf_token": token}
    for key, value in initial.items():
        if key.startswith("text_"):
            for part, text in value.items():
                data[f"{key}-{part}"] = text
        elif key == "active":
            if value:
                data["active"] = "y"
        else:
            data[key] = value
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def audit_rows(app, subject: str) -> list[AuditEvent]:
    """The audit rows with ``subject``, oldest first."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.subject == subject).order_by(AuditEvent.id)
            )
        )


def team_staff(app, team_code: str) -> list[int]:
    """The ids of the active staff of a team."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(StaffMember.id)
                .join(Team)
                .where(Team.code == team_code, StaffMember.active.is_(True))
                .order_by(StaffMember.id)
            )
        )


def service_row(page: str, name: str) -> str:
    """The table row of the service named ``name``."""
    for row in re.findall(r"<tr[ >].*?</tr>", page, flags=re.S):
        if f">{name}</a>" in row:
            return row
    raise AssertionError(f"no row for {name}")


# ------------------------------------------------------------------------------ access


def test_anonymous_is_sent_to_sign_in(anonymous_client):
    for path in (LIST, edit_url(1), NEW):
        response = anonymous_client.get(path)
        assert response.status_code == 302
        assert "/medewerkers/aanmelden" in response.headers["Location"]


@pytest.mark.parametrize("role", ["clerk", "reception"])
def test_clerks_and_reception_are_refused(staff_client, role):
    client = staff_client(role)
    for path in (LIST, edit_url(1), NEW):
        assert client.get(path).status_code == 403
    token = csrf_of(client.get(FEED_SETTINGS).get_data(as_text=True))
    assert client.post(edit_url(1), data={"csrf_token": token}).status_code == 403
    assert client.post(NEW, data={"csrf_token": token}).status_code == 403


def test_a_planner_sees_only_their_own_team(staff_client, demo_app):
    client = staff_client("planner")
    page = client.get(LIST).get_data(as_text=True)
    assert "Diensten van team Bevolking" in page
    assert "Identiteitskaart (eID) aanvragen" in page
    with demo_app.app_context():
        other = db.session.scalar(select(Service).where(Service.code == OTHER_CODE))
        other_name, other_id = other.name("nl"), other.id
    assert other_name not in page
    assert 'id="filter-team"' not in page
    assert client.get(edit_url(other_id)).status_code == 404
    with demo_app.app_context():
        other_team = other.team_id
    assert client.get(f"{LIST}?team={other_team}").status_code == 404


def test_unknown_and_unreadable_ids_are_404(staff_client):
    client = staff_client("admin")
    assert client.get(edit_url(999_999)).status_code == 404
    assert client.get(edit_url(2**40)).status_code == 404
    assert client.get(f"{LIST}/abc").status_code == 404
    assert client.get(f"{LIST}?team=x").status_code == 404
    assert client.get(f"{LIST}?team=999999").status_code == 404
    assert client.get(f"{NEW}?team=x").status_code == 404


def test_the_admin_sees_every_team_and_can_filter(staff_client, demo_app):
    client = staff_client("admin")
    page = client.get(LIST).get_data(as_text=True)
    assert "Diensten van alle teams" in page
    with demo_app.app_context():
        names = {s.code: s.name("nl") for s in db.session.scalars(select(Service))}
        team_id = db.session.scalar(select(Team.id).where(Team.code == "burgerlijke_stand"))
    assert all(name in page for name in names.values())
    assert '<label for="filter-team">' in page
    filtered = client.get(f"{LIST}?team={team_id}").get_data(as_text=True)
    assert names[OTHER_CODE] in filtered
    assert names[OWN_CODE] not in filtered
    assert "<caption" in page and '<th scope="col">' in page and '<th scope="row">' in page


def test_the_other_teams_service_is_404_for_a_planner_also_on_post(services_app, planner):
    token = csrf_of(planner.get(NEW).get_data(as_text=True))
    other = service_id(services_app, OTHER_CODE)
    before = snapshot(services_app, OTHER_CODE)
    data = form_data(services_app, OTHER_CODE, token, duration_minutes="90")
    assert planner.post(edit_url(other), data=data).status_code == 404
    assert snapshot(services_app, OTHER_CODE) == before


# ------------------------------------------------------------------------- the list


def test_the_list_shows_how_complete_each_language_is(services_app, planner):
    with services_app.app_context():
        service = db.session.scalar(select(Service).where(Service.code == "eid-afhalen"))
        name = service.name("nl")
        french = service.texts["fr"]
        kept = (french.name, french.description, french.documents)
        service.texts["nl"].description = "Kom zelf, met de brief."
        del service.texts["fr"]
        db.session.commit()
    try:
        row = service_row(planner.get(LIST).get_data(as_text=True), name)
        # Dutch has a description now: every other language lacks it; French is gone.
        assert "1 van 8 talen volledig" in row
        assert '<span lang="fr">Français</span>: ontbreekt' in row
        assert '<span lang="de">Deutsch</span>: onvolledig' in row
        assert '<span lang="nl">Nederlands</span>: volledig' in row
    finally:
        with services_app.app_context():
            service = db.session.scalar(select(Service).where(Service.code == "eid-afhalen"))
            service.texts["nl"].description = ""
            name_fr, description_fr, documents_fr = kept
            service.texts["fr"] = ServiceText(
                language="fr", name=name_fr, description=description_fr, documents=documents_fr
            )
            db.session.commit()
    row = service_row(planner.get(LIST).get_data(as_text=True), name)
    assert "8 van 8 talen volledig" in row


def test_the_list_warns_when_nobody_may_handle_a_service(services_app, planner):
    with services_app.app_context():
        service = db.session.scalar(select(Service).where(Service.code == "eid-afhalen"))
        kept = [member.id for member in service.staff]
        service.staff = []
        db.session.commit()
        name = service.name("nl")
    try:
        row = service_row(planner.get(LIST).get_data(as_text=True), name)
        assert "Niemand: deze dienst kan niet geboekt worden" in row
    finally:
        with services_app.app_context():
            service = db.session.scalar(select(Service).where(Service.code == "eid-afhalen"))
            service.staff = [db.session.get(StaffMember, member_id) for member_id in kept]
            db.session.commit()


# ------------------------------------------------------------------------- editing


def test_the_edit_page_marks_languages_and_explains(services_app, planner):
    page = planner.get(edit_url(service_id(services_app, OWN_CODE))).get_data(as_text=True)
    assert re.search(r'<input dir="rtl" id="text_ar-name" lang="ar"', page)
    assert re.search(r'<textarea dir="ltr" id="text_uk-documents" lang="uk"', page)
    assert '<legend><span lang="ar">العربية</span> — volledig</legend>' in page
    assert "Al geboekte afspraken blijven zoals ze zijn" in page
    assert "spreekt Engels, Frans, Nederlands" in page
    assert 'name="team_id"' not in page  # a planner cannot move a service
    assert '<label for="min_notice_minutes">Minimale tijd vooraf, in minuten</label>' in page


def test_editing_saves_every_field(services_app, planner):
    sid = service_id(services_app, OWN_CODE)
    token = csrf_of(planner.get(edit_url(sid)).get_data(as_text=True))
    staff = team_staff(services_app, "bevolking")[:3]
    with services_app.app_context():
        other_team = db.session.scalar(select(Team.id).where(Team.code == "burgerlijke_stand"))
    audits_before = len(audit_rows(services_app, "service.update"))
    data = form_data(
        services_app,
        OWN_CODE,
        token,
        duration_minutes="25",
        extra_minutes_per_person="5",
        max_persons="6",
        channel="back_office",
        booking="invitation",
        min_notice_minutes="1440",
        horizon_days="90",
        active=None,
        staff_ids=[str(i) for i in staff],
        team_id=str(other_team),  # not a planner's field: ignored
        **{
            "text_nl-description": "Breng alles mee.",
            "text_fr-name": "  Carte eID  ",
            "text_fr-documents": "Carte actuelle\r\n\r\n  Photo  \r\n",
            "text_tr-name": "",
            "text_tr-description": "",
            "text_tr-documents": "",
            "text_tr-keywords": "",
        },
    )
    response = planner.post(edit_url(sid), data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(LIST)
    after = snapshot(services_app, OWN_CODE)
    assert after["plain"] == {
        "duration_minutes": 25,
        "extra_minutes_per_person": 5,
        "max_persons": 6,
        "channel": Channel.BACK_OFFICE,
        "publicly_bookable": False,
        "min_notice_minutes": 1440,
        "horizon_days": 90,
        "active": False,
    }
    assert after["staff"] == staff
    assert after["texts"]["nl"][1] == "Breng alles mee."
    assert after["texts"]["fr"][0] == "Carte eID"
    assert after["texts"]["fr"][2] == "Carte actuelle\nPhoto"
    assert "tr" not in after["texts"]  # emptied: residents read the Dutch
    rows = audit_rows(services_app, "service.update")
    assert len(rows) == audits_before + 1
    assert rows[-1].detail["service"] == sid
    assert set(rows[-1].detail["changed"]) >= {"duration_minutes", "staff", "texts", "active"}
    assert rows[-1].team_id == after["team_id"]
    page = planner.get(LIST).get_data(as_text=True)
    assert "is bewaard" in page


def test_saving_without_a_change_writes_no_audit_row(services_app, planner):
    sid = service_id(services_app, "eid-afhalen")
    token = csrf_of(planner.get(edit_url(sid)).get_data(as_text=True))
    before = len(audit_rows(services_app, "service.update"))
    response = planner.post(edit_url(sid), data=form_data(services_app, "eid-afhalen", token))
    assert response.status_code == 302
    assert len(audit_rows(services_app, "service.update")) == before
    assert "Er was niets gewijzigd" in planner.get(LIST).get_data(as_text=True)


def _other_team_staff(app) -> str:
    return str(team_staff(app, "burgerlijke_stand")[0])


BAD_VALUES = [
    ({"duration_minutes": "7"}, "De duur is een veelvoud van 5 minuten"),
    ({"duration_minutes": "0"}, "De duur is een veelvoud van 5 minuten"),
    ({"duration_minutes": "twintig"}, "Vul een geheel getal in, met alleen cijfers."),
    ({"duration_minutes": "15.5"}, "Vul een geheel getal in, met alleen cijfers."),
    ({"duration_minutes": "-5"}, "Vul een geheel getal in, met alleen cijfers."),
    ({"duration_minutes": "１５"}, "Vul een geheel getal in, met alleen cijfers."),
    ({"duration_minutes": "9" * 40}, "De duur is een veelvoud van 5 minuten"),
    ({"duration_minutes": ""}, "Vul de duur in."),
    ({"duration_minutes": None}, "Vul de duur in."),
    ({"extra_minutes_per_person": "3"}, "De extra tijd per persoon is een veelvoud van 5"),
    ({"max_persons": "0"}, "Het aantal personen ligt tussen 1 en 20."),
    ({"max_persons": "2147483648"}, "Het aantal personen ligt tussen 1 en 20."),
    ({"horizon_days": "400"}, "Men kan van 1 tot 366 dagen vooruit boeken."),
    ({"horizon_days": "0"}, "Men kan van 1 tot 366 dagen vooruit boeken."),
    ({"min_notice_minutes": "99999999"}, "De minimale tijd vooraf ligt tussen 0 en 43200"),
    ({"channel": "balie"}, "Kies waar de dienst geleverd wordt."),
    ({"booking": None}, "Kies wie een afspraak kan maken."),
    ({"text_nl-name": "   "}, "Vul de Nederlandse naam van de dienst in."),
    ({"text_nl-name": "x" * 161}, "De naam mag hoogstens 160 tekens lang zijn."),
    ({"text_nl-name": "Naam\x00"}, "Deze tekst bevat tekens die we niet gebruiken."),
    (
        {"text_de-name": "", "text_de-documents": "Ausweis"},
        "Vul ook de naam in, of maak de uitleg en de documenten leeg.",
    ),
    ({"staff_ids": ["999999"]}, "Kies medewerkers uit de lijst."),
    ({"staff_ids": ["abc"]}, "Kies medewerkers uit de lijst."),
    ({"staff_ids": "other-team"}, "Kies medewerkers uit de lijst."),
]


@pytest.mark.parametrize(("changes", "message"), BAD_VALUES)
def test_bad_values_are_refused_and_change_nothing(services_app, planner, changes, message):
    sid = service_id(services_app, "eid-afhalen")
    token = csrf_of(planner.get(edit_url(sid)).get_data(as_text=True))
    if changes.get("staff_ids") == "other-team":
        changes = {"staff_ids": [_other_team_staff(services_app)]}
    before = snapshot(services_app, "eid-afhalen")
    audits = len(audit_rows(services_app, "service.update"))
    data = form_data(services_app, "eid-afhalen", token, **changes)
    response = planner.post(edit_url(sid), data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Er is een probleem" in page and "Er is nog niets bewaard." in page
    assert message in page
    assert snapshot(services_app, "eid-afhalen") == before
    assert len(audit_rows(services_app, "service.update")) == audits


def test_the_admin_moves_a_service_to_another_team(services_app, admin):
    code = "adreswijziging"
    sid = service_id(services_app, code)
    token = csrf_of(admin.get(edit_url(sid)).get_data(as_text=True))
    with services_app.app_context():
        target = db.session.scalar(select(Team).where(Team.code == "andere_nationaliteiten"))
        target_id = target.id
    own_team_staff = snapshot(services_app, code)["staff"][:1]
    # People of the old team do not go along: refused with a message.
    data = form_data(services_app, code, token, team_id=str(target_id))
    data["staff_ids"] = [str(i) for i in own_team_staff]
    response = admin.post(edit_url(sid), data=data)
    assert response.status_code == 422
    assert "Kies alleen medewerkers van het team van de dienst." in response.get_data(as_text=True)
    # With people of the new team it is saved; shown again after another problem, their
    # team's group is open.
    newcomers = team_staff(services_app, "andere_nationaliteiten")[:2]
    data["staff_ids"] = [str(i) for i in newcomers]
    response = admin.post(edit_url(sid), data={**data, "horizon_days": "400"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<details class="service-staff-team" open>' in page
    assert f'value="{newcomers[0]}" id="staff-{newcomers[0]}" checked' in page
    assert admin.post(edit_url(sid), data=data).status_code == 302
    after = snapshot(services_app, code)
    assert after["team_id"] == target_id and after["staff"] == newcomers
    row = audit_rows(services_app, "service.update")[-1]
    assert row.team_id == target_id and "team" in row.detail["changed"]
    assert row.detail["from_team"] != target_id
    # An unknown team is refused.
    data["team_id"] = "999999"
    response = admin.post(edit_url(sid), data=data)
    assert response.status_code == 422
    assert "Kies een team uit de lijst." in response.get_data(as_text=True)


def test_a_post_without_csrf_token_is_refused(services_app, planner):
    sid = service_id(services_app, "eid-afhalen")
    before = snapshot(services_app, "eid-afhalen")
    data = form_data(services_app, "eid-afhalen", "", duration_minutes="60")
    data.pop("csrf_token")
    assert planner.post(edit_url(sid), data=data).status_code == 400
    assert planner.post(NEW, data={"text_nl-name": "X"}).status_code == 400
    assert snapshot(services_app, "eid-afhalen") == before


# ------------------------------------------------------------------------- creating


def _new_data(token: str, **changes) -> dict:
    data = {
        "csrf_token": token,
        "code": "",
        "topic": "certificates",
        "duration_minutes": "20",
        "extra_minutes_per_person": "0",
        "max_persons": "2",
        "channel": "counter",
        "booking": "public",
        "min_notice_minutes": "60",
        "horizon_days": "30",
        "text_nl-name": "Attest van goed gedrag",
        "text_nl-documents": "Uw identiteitskaart",
        "text_ar-name": "شهادة حسن السلوك",
    }
    data.update(changes)
    return data


def test_creating_a_service(services_app, planner):
    token = csrf_of(planner.get(NEW).get_data(as_text=True))
    staff = team_staff(services_app, "bevolking")[:2]
    count = len(audit_rows(services_app, "service.create"))
    data = _new_data(token, staff_ids=[str(i) for i in staff], active="y")
    response = planner.post(NEW, data=data)
    assert response.status_code == 302
    with services_app.app_context():
        service = db.session.scalar(select(Service).where(Service.code == "attest-van-goed-gedrag"))
        assert service is not None
        assert service.team.code == "bevolking"
        assert (service.duration_minutes, service.max_persons, service.horizon_days) == (20, 2, 30)
        assert service.topic == "certificates" and service.active
        assert sorted(m.id for m in service.staff) == staff
        assert set(service.texts) == {"nl", "ar"}
        assert service.position == db.session.scalar(select(func.max(Service.position)))
        new_id = service.id
    rows = audit_rows(services_app, "service.create")
    assert len(rows) == count + 1 and rows[-1].detail["service"] == new_id
    assert "is aangemaakt" in planner.get(LIST).get_data(as_text=True)

    # The same Dutch name again: the code is made unique.
    token = csrf_of(planner.get(NEW).get_data(as_text=True))
    assert planner.post(NEW, data=_new_data(token)).status_code == 302
    with services_app.app_context():
        again = db.session.scalar(select(Service).where(Service.code == "attest-van-goed-gedrag-2"))
        assert again is not None and not again.active  # a new service starts inactive
    page = planner.get(LIST).get_data(as_text=True)
    assert "Niemand: deze dienst kan niet geboekt worden" in page


def test_a_taken_or_malformed_code_is_refused(services_app, planner):
    token = csrf_of(planner.get(NEW).get_data(as_text=True))
    with services_app.app_context():
        total = db.session.scalar(select(func.count(Service.id)))
    cases = [
        ({"code": OWN_CODE}, "Deze code heeft al een andere dienst. Kies een andere code."),
        ({"code": "Met spaties!"}, "Een code bestaat uit kleine letters, cijfers en koppeltekens"),
        ({"topic": "geheim"}, "Kies een onderwerp uit de lijst."),
        ({"text_nl-name": ""}, "Vul de Nederlandse naam van de dienst in."),
        ({"staff_ids": [_other_team_staff(services_app)]}, "Kies medewerkers uit de lijst."),
        ({"duration_minutes": "7"}, "De duur is een veelvoud van 5 minuten"),
    ]
    for changes, message in cases:
        response = planner.post(NEW, data=_new_data(token, **changes))
        assert response.status_code == 422, changes
        assert message in response.get_data(as_text=True), changes
    with services_app.app_context():
        assert db.session.scalar(select(func.count(Service.id))) == total


def test_an_entered_code_is_kept_and_the_admin_picks_the_team(services_app, admin):
    with services_app.app_context():
        team_id = db.session.scalar(select(Team.id).where(Team.code == "burgerlijke_stand"))
    page = admin.get(f"{NEW}?team={team_id}").get_data(as_text=True)
    assert f'<option selected value="{team_id}">' in page
    token = csrf_of(page)
    staff = team_staff(services_app, "burgerlijke_stand")[:1]
    data = _new_data(
        token, code="Naamkeuze-Kind", team_id=str(team_id), staff_ids=[str(i) for i in staff]
    )
    assert admin.post(NEW, data=data).status_code == 302
    with services_app.app_context():
        service = db.session.scalar(select(Service).where(Service.code == "naamkeuze-kind"))
        assert service.team_id == team_id
        assert [m.id for m in service.staff] == staff


def test_a_planner_cannot_create_for_another_team(services_app, planner):
    with services_app.app_context():
        team_id = db.session.scalar(select(Team.id).where(Team.code == "burgerlijke_stand"))
    token = csrf_of(planner.get(NEW).get_data(as_text=True))
    data = _new_data(token, code="andermans-dienst", team_id=str(team_id))
    assert planner.post(NEW, data=data).status_code == 302
    with services_app.app_context():
        service = db.session.scalar(select(Service).where(Service.code == "andermans-dienst"))
        assert service.team.code == "bevolking"  # the team field is not the planner's to set


def test_an_anonymous_post_is_sent_to_sign_in(services_app):
    client = new_client(services_app)
    token = csrf_of(client.get("/medewerkers/aanmelden").get_data(as_text=True))
    with services_app.app_context():
        total = db.session.scalar(select(func.count(Service.id)))
    response = client.post(NEW, data=_new_data(token))
    assert response.status_code == 302
    assert "/medewerkers/aanmelden" in response.headers["Location"]
    with services_app.app_context():
        assert db.session.scalar(select(func.count(Service.id))) == total
