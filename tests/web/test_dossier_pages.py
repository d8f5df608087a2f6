"""The clerk's dossier pages: "my dossiers", a new dossier (on its own and from a visit),
the dossier page with its visits, follow-ups and notes, the changes a clerk makes (note,
status, hand over, link a visit), the notification list, the team boundary (another
team's dossier answers 404), the audit rows, and Today starting on "my visits".

The module has its own demo database: the tests open dossiers and change them. The
dossiers they need are made with the domain operations, not taken from the demo.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.booking.contact import ContactDetails
from portal.booking.settings import BookingSettings
from portal.dossiers.follow_up_operations import FollowUpPlan, plan_follow_up
from portal.dossiers.operations import open_dossier, tell_owner
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    Dossier,
    DossierNote,
    DossierStatus,
    DossierSubject,
    NotificationKind,
    Service,
    StaffMember,
    StaffNotification,
    Team,
)
from portal.models.base import MAX_ID
from portal.timeutil import end_of_local_day, start_of_local_day
from tests.conftest import DEMO_NOW, DEMO_TODAY, own_demo_app
from tests.web.booking_helpers import csrf_of
from tests.web.staff_helpers import DEMO_EMAILS, signed_in

BASE = "/medewerkers/dossiers"
VISIT_LINK = re.compile(r'href="/medewerkers/bezoek/(\d+)"')


@pytest.fixture(scope="module")
def dossier_app(backend, tmp_path_factory):
    """The demo city in a database of its own: these tests open and change dossiers."""
    yield from own_demo_app(
        backend,
        tmp_path_factory,
        "dossier_pages",
        MAIL_SEND_AFTER_REQUEST=False,
        RATELIMIT_SIGN_IN="1000 per minute",
    )


@pytest.fixture(scope="module")
def clients(dossier_app):
    """One signed-in client per role for the module (made on first use)."""
    made = {}

    def client_for(role: str):
        if role not in made:
            made[role] = signed_in(dossier_app, role)
        return made[role]

    return client_for


def _team(code: str) -> Team:
    return db.session.scalar(select(Team).where(Team.code == code))


def _member(email: str) -> StaffMember:
    return db.session.scalar(select(StaffMember).where(StaffMember.email == email))


def _subject(team: Team, code: str) -> DossierSubject:
    subject = DossierSubject(
        team_id=team.id,
        code=code,
        names={"nl": f"Testdossier {code}", "en": f"Test case {code}"},
        follow_up_after_days=21,
        follow_up_window_days=14,
        position=99,
    )
    db.session.add(subject)
    db.session.flush()
    return subject


def _free_visit(team: Team, staff_id: int | None = None) -> Appointment:
    """A confirmed visit of ``team`` (with ``staff_id`` if given) outside any dossier."""
    query = (
        select(Appointment)
        .join(StaffMember, Appointment.staff_id == StaffMember.id)
        .where(
            StaffMember.team_id == team.id,
            Appointment.dossier_id.is_(None),
            Appointment.status == AppointmentStatus.CONFIRMED,
            Appointment.starts_at > DEMO_NOW,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if staff_id is not None:
        query = query.where(Appointment.staff_id == staff_id)
    return db.session.scalars(query).first()


@pytest.fixture(scope="module")
def world(dossier_app):
    """Dossiers of the clerk's team and of another team, an invitation closing soon, a
    visit to link, another team's visit, and two notifications for the clerk."""
    with dossier_app.app_context():
        bevolking, other_team = _team("bevolking"), _team("andere_nationaliteiten")
        clerk = _member(DEMO_EMAILS["clerk"])
        colleague = db.session.scalar(
            select(StaffMember)
            .where(StaffMember.team_id == bevolking.id, StaffMember.id != clerk.id)
            .order_by(StaffMember.id)
        )
        stranger = db.session.scalar(
            select(StaffMember).where(StaffMember.team_id == other_team.id).order_by(StaffMember.id)
        )
        subject = _subject(bevolking, "pages-bevolking")
        other_subject = _subject(other_team, "pages-other")
        first_visit = _free_visit(bevolking, clerk.id) or _free_visit(bevolking)
        ours = open_dossier(
            db.session,
            owner=clerk,
            subject=subject,
            contact=ContactDetails.kept_by(first_visit),
            now=DEMO_NOW,
            due_on=DEMO_TODAY,
            from_visit=first_visit,
        )
        waiting = open_dossier(
            db.session,
            owner=clerk,
            subject=subject,
            contact=ContactDetails.kept_by(first_visit),
            now=DEMO_NOW,
            due_on=DEMO_TODAY + timedelta(days=30),
        )
        waiting.status, waiting.waiting_for = (
            DossierStatus.WAITING_OTHER,
            "Dienst Vreemdelingenzaken",
        )
        theirs = open_dossier(
            db.session,
            owner=stranger,
            subject=other_subject,
            contact=ContactDetails.kept_by(_free_visit(other_team)),
            now=DEMO_NOW,
        )
        service = db.session.scalar(
            select(Service).where(Service.team_id == bevolking.id).order_by(Service.id)
        )
        plan = FollowUpPlan(
            services=[service],
            persons=1,
            staff=clerk,
            earliest=DEMO_TODAY,
            latest=DEMO_TODAY + timedelta(days=2),
        )
        invitation, _token = plan_follow_up(
            db.session,
            ours,
            plan,
            invited=True,
            now=DEMO_NOW,
            settings=BookingSettings.from_config(dossier_app.config),
            created_by=clerk,
        )
        moved_detail = {
            "from": first_visit.starts_at.isoformat(),
            "to": (first_visit.starts_at + timedelta(days=1)).isoformat(),
        }
        tell_owner(db.session, first_visit, NotificationKind.MOVED, DEMO_NOW, detail=moved_detail)
        tell_owner(db.session, first_visit, NotificationKind.NO_SHOW, DEMO_NOW)
        to_link = db.session.scalars(
            select(Appointment)
            .join(StaffMember, Appointment.staff_id == StaffMember.id)
            .where(
                StaffMember.team_id == bevolking.id,
                Appointment.dossier_id.is_(None),
                Appointment.id != first_visit.id,
            )
            .order_by(Appointment.id.desc())
        ).first()
        db.session.commit()
        return {
            "clerk": clerk.id,
            "colleague": colleague.id,
            "stranger": stranger.id,
            "subject": subject.id,
            "other_subject": other_subject.id,
            "ours": ours.id,
            "ours_reference": ours.reference,
            "waiting": waiting.id,
            "theirs": theirs.id,
            "first_visit": first_visit.id,
            "first_name": first_visit.resident_name,
            "invitation": invitation.id,
            "to_link": to_link.reference,
            "to_link_id": to_link.id,
            "foreign_visit": _free_visit(other_team).reference,
            "foreign_visit_id": _free_visit(other_team).id,
        }


def _token(client) -> str:
    return csrf_of(client.get("/medewerkers/").get_data(as_text=True))


def _post(client, path: str, prefix: str, **fields):
    """Post a form of the dossier page (its fields carry ``prefix``)."""
    data = {f"{prefix}-csrf_token": _token(client)}
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    return client.post(path, data=data)


def _audits(subject: str, after: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.id > after, AuditEvent.subject == subject)
            .order_by(AuditEvent.id)
        )
    )


def _last_audit_id() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


# ------------------------------------------------------------------------ rendering


def test_every_page_renders_for_the_clerk(dossier_app, clients, world, frozen_clock):
    client = clients("clerk")
    for path in (
        f"{BASE}/",
        f"{BASE}/?wie=team",
        f"{BASE}/?gesloten=1",
        f"{BASE}/nieuw",
        f"{BASE}/nieuw?visit={world['to_link_id']}",
        f"{BASE}/{world['ours']}",
        f"{BASE}/meldingen",
        f"{BASE}/?lang=ar",
        f"{BASE}/{world['ours']}?lang=ar",
    ):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, (path, page[:2000])
        assert page.count("<h1") == 1, path
    assert client.get(f"{BASE}/?lang=nl").status_code == 200  # back to Dutch for the rest


def test_my_dossiers_groups_due_waiting_and_invitations(dossier_app, clients, world, frozen_clock):
    page = clients("clerk").get(f"{BASE}/").get_data(as_text=True)
    due = page.split('id="due"')[1].split('id="open"')[0]
    assert world["ours_reference"] in due
    waiting = page.split('id="waiting"')[1].split('id="invitations"')[0]
    assert "Dienst Vreemdelingenzaken" in waiting
    invitations = page.split('id="invitations"')[1]
    assert world["ours_reference"] in invitations
    assert "Sluit binnenkort" in invitations and "row-attention" in invitations
    assert "Behandelaar" not in due  # one's own list has no owner column
    team_page = clients("clerk").get(f"{BASE}/?wie=team").get_data(as_text=True)
    assert "Behandelaar" in team_page and "Dossiers van team" in team_page


def test_the_team_filter_keeps_the_boundary(dossier_app, clients, world, frozen_clock):
    with dossier_app.app_context():
        other = _team("andere_nationaliteiten").id
        theirs = db.session.get(Dossier, world["theirs"]).reference
    assert clients("clerk").get(f"{BASE}/?wie=team&team={other}").status_code == 404
    assert clients("clerk").get(f"{BASE}/?wie=team&team=all").status_code == 404
    assert clients("clerk").get(f"{BASE}/?wie=team&team=abc").status_code == 404
    page = clients("reception").get(f"{BASE}/?wie=team&team={other}").get_data(as_text=True)
    assert theirs in page and world["ours_reference"] not in page
    everything = clients("admin").get(f"{BASE}/?wie=team").get_data(as_text=True)
    assert theirs in everything and world["ours_reference"] in everything


@pytest.mark.parametrize("role", ["clerk", "planner"])
def test_another_teams_dossier_and_odd_ids_answer_404(
    dossier_app, clients, world, role, frozen_clock
):
    client = clients(role)
    theirs = world["theirs"]
    for path in (
        f"{BASE}/{theirs}",
        f"{BASE}/999999",
        f"{BASE}/{MAX_ID + 1}",
        f"{BASE}/99999999999999999999",
        f"{BASE}/abc",
        f"{BASE}/0",
        f"{BASE}/-1",
    ):
        assert client.get(path).status_code == 404, path
    for action, prefix in (("notitie", "note"), ("stand", "status"), ("koppelen", "link")):
        response = _post(client, f"{BASE}/{theirs}/{action}", prefix, body="x", status="open")
        assert response.status_code == 404
    assert client.get(f"{BASE}/nieuw?visit={world['foreign_visit_id']}").status_code == 404
    assert client.get(f"{BASE}/nieuw?visit=abc").status_code == 404
    assert clients("reception").get(f"{BASE}/{theirs}").status_code == 200


# ------------------------------------------------------------------- the dossier page


def test_the_dossier_page_shows_visits_follow_ups_and_is_audited(
    dossier_app, clients, world, frozen_clock
):
    with dossier_app.app_context():
        before = _last_audit_id()
    page = clients("clerk").get(f"{BASE}/{world['ours']}").get_data(as_text=True)
    assert world["first_name"] in page
    assert f'href="/medewerkers/bezoek/{world["first_visit"]}"' in page
    assert "Testdossier pages-bevolking" in page
    assert "Uitnodiging" in page and "Lopend" in page
    assert 'scope="col"' in page and "<caption" in page
    with dossier_app.app_context():
        rows = _audits("dossier.view", before)
        assert len(rows) == 1
        assert rows[0].reference == world["ours_reference"]
        assert rows[0].detail["dossier_id"] == world["ours"]
        assert world["first_name"] not in str(rows[0].detail)
        list_before = _last_audit_id()
    clients("clerk").get(f"{BASE}/")
    with dossier_app.app_context():
        assert [row.subject for row in _audits("dossier.list", list_before)] == ["dossier.list"]


def test_a_note_is_added_and_an_empty_one_refused(dossier_app, clients, world, frozen_clock):
    client = clients("clerk")
    path = f"{BASE}/{world['ours']}/notitie"
    refused = _post(client, path, "note", body="   ")
    assert refused.status_code == 422
    assert "Schrijf de notitie." in refused.get_data(as_text=True)
    too_long = _post(client, path, "note", body="x" * 5000)
    assert too_long.status_code == 422
    with dossier_app.app_context():
        before = _last_audit_id()
    response = _post(client, path, "note", body="Politiecontrole aangevraagd.\nWacht op verslag.")
    assert response.status_code == 302
    page = client.get(f"{BASE}/{world['ours']}").get_data(as_text=True)
    assert "Politiecontrole aangevraagd." in page
    with dossier_app.app_context():
        note = db.session.scalar(select(DossierNote).where(DossierNote.dossier_id == world["ours"]))
        assert note.author_id == world["clerk"]
        assert len(_audits("dossier.note", before)) == 1


def test_status_changes_need_whom_and_outcome(dossier_app, clients, world, frozen_clock):
    client = clients("clerk")
    path = f"{BASE}/{world['waiting']}/stand"
    missing_whom = _post(client, path, "status", status="waiting_other", waiting_for="")
    assert missing_whom.status_code == 422
    assert "Schrijf op wie het dossier wacht." in missing_whom.get_data(as_text=True)
    missing_outcome = _post(client, path, "status", status="closed", outcome="")
    assert missing_outcome.status_code == 422
    assert "Schrijf de uitkomst van het dossier." in missing_outcome.get_data(as_text=True)
    for status, due in (("nonsense", ""), ("open", "2026-13-45"), ("open", "99999-01-01")):
        refused = _post(client, path, "status", status=status, due_on=due)
        assert refused.status_code == 422, (status, due)
    with dossier_app.app_context():
        before = _last_audit_id()
    saved = _post(
        client, path, "status", status="waiting_other", waiting_for="Wijkagent", due_on="2027-01-15"
    )
    assert saved.status_code == 302
    closed = _post(client, path, "status", status="closed", outcome="Verblijfskaart afgegeven")
    assert closed.status_code == 302
    with dossier_app.app_context():
        dossier = db.session.get(Dossier, world["waiting"])
        assert dossier.status == DossierStatus.CLOSED and dossier.closed_at is not None
        assert dossier.outcome == "Verblijfskaart afgegeven" and dossier.waiting_for == ""
        assert len(_audits("dossier.status", before)) == 2
    reopened = _post(client, path, "status", status="waiting_resident", due_on="2027-01-15")
    assert reopened.status_code == 302
    with dossier_app.app_context():
        dossier = db.session.get(Dossier, world["waiting"])
        assert dossier.status == DossierStatus.WAITING_RESIDENT and dossier.closed_at is None
        assert dossier.due_on.isoformat() == "2027-01-15"


def test_hand_over_to_a_colleague_only(dossier_app, clients, world, frozen_clock):
    client = clients("clerk")
    path = f"{BASE}/{world['waiting']}/overdragen"
    for bad in (str(world["stranger"]), "abc", "", str(MAX_ID + 1)):
        refused = _post(client, path, "owner", owner_id=bad)
        assert refused.status_code == 422, bad
        assert "Kies een collega uit de lijst." in refused.get_data(as_text=True)
    with dossier_app.app_context():
        before = _last_audit_id()
    assert _post(client, path, "owner", owner_id=str(world["colleague"])).status_code == 302
    with dossier_app.app_context():
        assert db.session.get(Dossier, world["waiting"]).owner_id == world["colleague"]
        rows = _audits("dossier.hand_over", before)
        assert rows[0].detail["to"] == world["colleague"]
    # Still the team's: the clerk sees it, and hands it back.
    assert _post(client, path, "owner", owner_id=str(world["clerk"])).status_code == 302


def test_link_a_visit_of_the_team_by_its_reference(dossier_app, clients, world, frozen_clock):
    client = clients("clerk")
    path = f"{BASE}/{world['ours']}/koppelen"
    unknown = _post(client, path, "link", reference="ZZZZZZZZ")
    assert unknown.status_code == 422
    assert "Geen afspraak van dit team gevonden" in unknown.get_data(as_text=True)
    foreign = _post(client, path, "link", reference=world["foreign_visit"])
    assert foreign.status_code == 422
    assert "Geen afspraak van dit team gevonden" in foreign.get_data(as_text=True)
    assert _post(client, path, "link", reference="").status_code == 422
    assert _post(client, path, "link", reference="x" * 500).status_code == 422
    with dossier_app.app_context():
        before = _last_audit_id()
    typed = " " + world["to_link"].lower() + " "
    assert _post(client, path, "link", reference=typed).status_code == 302
    page = client.get(f"{BASE}/{world['ours']}").get_data(as_text=True)
    assert f'href="/medewerkers/bezoek/{world["to_link_id"]}"' in page
    with dossier_app.app_context():
        assert db.session.get(Appointment, world["to_link_id"]).dossier_id == world["ours"]
        rows = _audits("dossier.link", before)
        assert rows[0].appointment_id == world["to_link_id"]
        assert rows[0].reference == world["ours_reference"]
    again = _post(client, path, "link", reference=world["to_link"])
    assert again.status_code == 422
    assert "hoort al bij dit dossier" in again.get_data(as_text=True)
    admin = _post(clients("admin"), path, "link", reference=world["foreign_visit"])
    assert "ander team dan het dossier" in admin.get_data(as_text=True)


# ---------------------------------------------------------------------- new dossier


def _new(client, query: str = "", **fields):
    data = {"csrf_token": _token(client), "language": "nl", "spoken_language": "nl"}
    data.update(fields)
    return client.post(f"{BASE}/nieuw{query}", data=data)


def test_a_new_dossier_is_opened_and_bad_input_explained(dossier_app, clients, world, frozen_clock):
    client = clients("clerk")
    with dossier_app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Dossier))
    cases = [
        ({"subject_id": str(world["subject"]), "owner_id": str(world["clerk"])}, "Vul de naam"),
        ({"subject_id": "abc", "owner_id": str(world["clerk"]), "name": "A"}, "soort dossier"),
        (
            {
                "subject_id": str(world["other_subject"]),
                "owner_id": str(world["clerk"]),
                "name": "A",
            },
            "soort dossier",
        ),
        (
            {"subject_id": str(world["subject"]), "owner_id": str(world["stranger"]), "name": "A"},
            "behandelaar",
        ),
        (
            {
                "subject_id": str(world["subject"]),
                "owner_id": str(world["clerk"]),
                "name": "A",
                "email": "geen-adres",
            },
            "geldig e-mailadres",
        ),
        (
            {
                "subject_id": str(world["subject"]),
                "owner_id": str(world["clerk"]),
                "name": "A",
                "due_on": "2026-02-30",
            },
            "JJJJ-MM-DD",
        ),
        (
            {
                "subject_id": str(world["subject"]),
                "owner_id": str(world["clerk"]),
                "name": "A",
                "due_on": "2099-01-01",
            },
            "drie jaar",
        ),
        (
            {
                "subject_id": str(world["subject"]),
                "owner_id": str(world["clerk"]),
                "name": "A",
                "language": "xx",
            },
            "taal",
        ),
    ]
    for fields, message in cases:
        response = _new(client, **fields)
        assert response.status_code == 422, fields
        assert message in response.get_data(as_text=True), (fields, message)
    with dossier_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Dossier)) == count
        before = _last_audit_id()
    made = _new(
        client,
        subject_id=str(world["subject"]),
        owner_id=str(world["clerk"]),
        name="Amina Testbewoner",
        email="amina@voorbeeld.be",
        language="ar",
        spoken_language="other",
        spoken_language_other="Tamazight",
        interpreter_needed="y",
        due_on="2027-01-04",
    )
    assert made.status_code == 302
    with dossier_app.app_context():
        dossier = db.session.scalar(
            select(Dossier).where(Dossier.resident_name == "Amina Testbewoner")
        )
        assert dossier.owner_id == world["clerk"] and dossier.language == "ar"
        assert dossier.spoken_language_other == "Tamazight" and dossier.interpreter_needed
        assert made.headers["Location"].endswith(f"{BASE}/{dossier.id}")
        assert [row.subject for row in _audits("dossier.create", before)] == ["dossier.create"]


def test_a_dossier_opened_from_a_visit_is_prefilled_and_linked(
    dossier_app, clients, world, frozen_clock
):
    client = clients("clerk")
    with dossier_app.app_context():
        visit = _free_visit(_team("bevolking"))
        visit_id, name = visit.id, visit.resident_name
    page = client.get(f"{BASE}/nieuw?visit={visit_id}").get_data(as_text=True)
    assert f'value="{name}"' in page
    made = _new(
        client,
        f"?visit={visit_id}",
        subject_id=str(world["subject"]),
        owner_id=str(world["clerk"]),
        name=name,
    )
    assert made.status_code == 302
    with dossier_app.app_context():
        assert db.session.get(Appointment, visit_id).dossier_id is not None
    again = client.get(f"{BASE}/nieuw?visit={visit_id}").get_data(as_text=True)
    assert "hoort al bij dossier" in again
    refused = _new(
        client,
        f"?visit={visit_id}",
        subject_id=str(world["subject"]),
        owner_id=str(world["clerk"]),
        name=name,
    )
    assert refused.status_code == 409


# -------------------------------------------------------------------- notifications


def _unread(app, staff_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(StaffNotification)
            .where(StaffNotification.staff_id == staff_id, StaffNotification.read_at.is_(None))
        )


def test_notifications_say_what_happened_and_are_marked_read(
    dossier_app, clients, world, frozen_clock
):
    client = clients("clerk")
    unread = _unread(dossier_app, world["clerk"])
    assert unread >= 2  # ours, and any the demo gave the clerk
    home = client.get("/medewerkers/").get_data(as_text=True)
    assert f"Meldingen ({unread} nieuw)" in home
    page = client.get(f"{BASE}/meldingen").get_data(as_text=True)
    assert "verplaatst van" in page and "is niet gekomen" in page
    assert page.count('class="notification-unread"') == unread
    assert f'href="{BASE}/{world["ours"]}"' in page
    assert f'href="/medewerkers/bezoek/{world["first_visit"]}"' in page
    if "/vervolg" in page:  # the follow-up pages exist: "invite again" on the no-show
        assert "Opnieuw uitnodigen" in page
    response = client.post(f"{BASE}/meldingen/gelezen", data={"csrf_token": _token(client)})
    assert response.status_code == 302
    assert _unread(dossier_app, world["clerk"]) == 0
    assert "notification-unread" not in client.get(f"{BASE}/meldingen").get_data(as_text=True)
    setting = client.post(
        f"{BASE}/meldingen/instelling",
        data={"setting-csrf_token": _token(client), "setting-notify_by_mail": "y"},
    )
    assert setting.status_code == 302
    with dossier_app.app_context():
        assert db.session.get(StaffMember, world["clerk"]).notify_by_mail is True
    client.post(f"{BASE}/meldingen/instelling", data={"setting-csrf_token": _token(client)})
    with dossier_app.app_context():
        assert db.session.get(StaffMember, world["clerk"]).notify_by_mail is False


def test_a_post_without_its_token_is_refused(dossier_app, clients, world, frozen_clock):
    client = clients("clerk")
    assert client.post(f"{BASE}/meldingen/gelezen").status_code == 400
    assert (
        client.post(f"{BASE}/{world['ours']}/notitie", data={"note-body": "x"}).status_code == 400
    )


# -------------------------------------------------------------------------- today


def test_today_starts_on_my_visits_for_a_clerk(dossier_app, clients, world, frozen_clock):
    with dossier_app.app_context():
        bevolking = _team("bevolking")
        day = (start_of_local_day(DEMO_TODAY), end_of_local_day(DEMO_TODAY))
        team_visits = set(
            db.session.scalars(
                select(Appointment.id).where(
                    Appointment.filter_between(*day),
                    Appointment.filter_teams([bevolking.id]),
                    Appointment.status != AppointmentStatus.CANCELLED,
                )
            )
        )
        mine = set(
            db.session.scalars(
                select(Appointment.id).where(
                    Appointment.filter_between(*day),
                    Appointment.staff_id == world["clerk"],
                    Appointment.status != AppointmentStatus.CANCELLED,
                )
            )
        )
    client = clients("clerk")
    page = client.get("/medewerkers/vandaag").get_data(as_text=True)
    listed = {int(found) for found in VISIT_LINK.findall(page)}
    assert listed <= mine
    assert "Mijn afspraken van" in page and "Alle afspraken van het team tonen" in page
    team_page = client.get("/medewerkers/vandaag?wie=team").get_data(as_text=True)
    assert {int(found) for found in VISIT_LINK.findall(team_page)} <= team_visits
    assert len(VISIT_LINK.findall(team_page)) > len(listed)
    planner = clients("planner").get("/medewerkers/vandaag").get_data(as_text=True)
    assert "Mijn afspraken van" not in planner
