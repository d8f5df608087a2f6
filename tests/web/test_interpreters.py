"""The interpreters' list (``/medewerkers/tolken``): which coming visits need an interpreter
(asked, or nobody on counter duty speaks the language), grouped per language and day; its
CSV export (formula-safe, BOM, audited); who may see which team's list.

A small city of its own: Bevolking with two clerks on every counter turn (Ann speaks Dutch
and French, Bilal Dutch and Arabic), and a Burgerlijke Stand clerk for the team boundary.
The clock stands at Monday 7 December 2026, 07:30; the visits are on Tuesday the 8th.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.interpreters.coverage import (
    ASKED,
    NO_SPEAKER,
    duty_roster,
    speakers_on_duty,
    visit_interpreter_reasons,
)
from portal.interpreters.needs import by_language, interpreter_needs
from portal.models import (
    Absence,
    AbsenceKind,
    AppointmentStatus,
    AuditAction,
    AuditEvent,
    Channel,
    Counter,
    Service,
    ServiceText,
    Shift,
    ShiftKind,
    StaffMember,
)
from tests.conftest import DEMO_NOW, DEMO_TODAY
from tests.web.interpreter_helpers import (
    TUESDAY,
    WEDNESDAY,
    Town,
    add_visit,
    at,
    build_town,
    client_of,
    reference_of,
)
from tests.web.staff_helpers import new_client

LIST = "/medewerkers/tolken/"
EXPORT = "/medewerkers/tolken/export.csv"


def _references(page: str) -> list[str]:
    """The references listed on the page, top to bottom."""
    return re.findall(
        r'<th scope="row"><a href="/medewerkers/bezoek/\d+" class="one-line">'
        r"<bdi>([A-Z0-9]+)</bdi>",
        page,
    )


def town_counter(session, town: Town) -> int:
    """The id of a counter of Bevolking (for a shift put back at the counter)."""
    return session.scalar(select(Counter.id).where(Counter.team_id == town.team_id))


def _needs(session, town: Town):
    return interpreter_needs(
        session,
        [town.team_id],
        at(DEMO_TODAY, 0),
        at(DEMO_TODAY + timedelta(days=14), 0),
        DEMO_NOW,
    )


def test_asked_and_uncovered_visits_are_listed_and_a_covered_one_is_not(app, frozen_clock):
    town = build_town(db.session)
    asked = add_visit(
        db.session, town, at(TUESDAY, 9), spoken_language="fr", interpreter_needed=True
    )
    covered = add_visit(db.session, town, at(TUESDAY, 9, 30), spoken_language="ar")
    russian = add_visit(db.session, town, at(TUESDAY, 10), spoken_language="ru")
    dutch = add_visit(db.session, town, at(TUESDAY, 10, 30), spoken_language="nl")
    response = client_of(app, "ann@stad.example").get(LIST)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    listed = _references(page)
    assert reference_of(db.session, asked) in listed
    assert reference_of(db.session, russian) in listed
    assert reference_of(db.session, covered) not in listed
    assert reference_of(db.session, dutch) not in listed
    assert "De bewoner vroeg een tolk" in page
    assert "Niemand van dienst spreekt deze taal" in page
    # The French visit was asked for although Ann, on duty, speaks French: she is named.
    assert "Van dienst en spreekt de taal: Ann" in page
    reasons = {need.visit.id: need.reasons for need in _needs(db.session, town)}
    assert reasons == {asked: (ASKED,), russian: (NO_SPEAKER,)}


def test_the_arabic_visit_needs_an_interpreter_once_the_speaker_is_not_at_the_counter(
    app, frozen_clock
):
    town = build_town(db.session)
    visit_id = add_visit(db.session, town, at(TUESDAY, 9, 30), spoken_language="ar")
    assert _needs(db.session, town) == []

    # Bilal is away (training) over the visit: nobody on duty speaks Arabic.
    absence = Absence(
        staff_id=town.bilal_id,
        kind=AbsenceKind.TRAINING,
        starts_at=at(TUESDAY, 9),
        ends_at=at(TUESDAY, 10),
    )
    db.session.add(absence)
    db.session.commit()
    assert [(n.visit.id, n.reasons) for n in _needs(db.session, town)] == [
        (visit_id, (NO_SPEAKER,))
    ]
    db.session.delete(absence)
    db.session.commit()
    assert _needs(db.session, town) == []

    # Bilal works in the back office that morning instead of at the counter.
    shift = db.session.scalar(
        select(Shift).where(Shift.staff_id == town.bilal_id, Shift.starts_at == at(TUESDAY, 9))
    )
    shift.kind, shift.counter_id = ShiftKind.BACK_OFFICE, None
    db.session.commit()
    assert [n.visit.id for n in _needs(db.session, town)] == [visit_id]

    # At the counter again, but his turn ends before the visit does.
    shift.kind, shift.counter_id = ShiftKind.COUNTER, town_counter(db.session, town)
    shift.ends_at = at(TUESDAY, 9, 40)
    db.session.commit()
    assert [n.visit.id for n in _needs(db.session, town)] == [visit_id]
    shift.ends_at = at(TUESDAY, 12, 30)
    db.session.commit()
    assert _needs(db.session, town) == []


def test_the_speaker_check_is_reusable_for_one_visit(app, frozen_clock):
    town = build_town(db.session)
    from portal.models import Appointment

    arabic = add_visit(db.session, town, at(TUESDAY, 9, 30), spoken_language="ar")
    chechen = add_visit(
        db.session, town, at(TUESDAY, 10), spoken_language="ce", interpreter_needed=True
    )
    # Bilal speaks Arabic himself: his own visit is covered even with Ann's roster only.
    own = add_visit(db.session, town, at(TUESDAY, 11), spoken_language="AR", clerk=town.bilal_id)
    assert visit_interpreter_reasons(db.session, db.session.get(Appointment, arabic)) == ()
    assert visit_interpreter_reasons(db.session, db.session.get(Appointment, chechen)) == (
        ASKED,
        NO_SPEAKER,
    )
    assert visit_interpreter_reasons(db.session, db.session.get(Appointment, own)) == ()
    roster = duty_roster(db.session, [town.team_id], at(TUESDAY, 0), at(WEDNESDAY, 0))
    names = [
        p.name
        for p in speakers_on_duty(
            roster, town.team_id, "ar", at(TUESDAY, 9, 30), at(TUESDAY, 9, 45)
        )
    ]
    assert names == ["Bilal"]
    # Before the counter opens nobody is on duty.
    assert speakers_on_duty(roster, town.team_id, "ar", at(TUESDAY, 8), at(TUESDAY, 8, 15)) == []
    assert speakers_on_duty(roster, town.team_id, "other", at(TUESDAY, 9), at(TUESDAY, 9, 15)) == []


def test_a_call_back_counts_only_its_own_clerk_and_back_office_time_is_left_out(app, frozen_clock):
    town = build_town(db.session)
    call_back = Service(
        code="terugbellen",
        team_id=town.team_id,
        topic="identity",
        channel=Channel.BACK_OFFICE,
        duration_minutes=15,
    )
    call_back.texts["nl"] = ServiceText(language="nl", name="Terugbelafspraak")
    db.session.add(call_back)
    for member in db.session.scalars(
        select(StaffMember).where(StaffMember.team_id == town.team_id)
    ):
        member.services = [call_back]
    db.session.commit()
    # Ann calls an Arabic speaker back: Bilal at the counter cannot take her phone call.
    by_ann = add_visit(db.session, town, at(TUESDAY, 9, 30), spoken_language="ar")
    # Bilal calls one back himself: he speaks Arabic.
    add_visit(db.session, town, at(TUESDAY, 10), spoken_language="ar", clerk=town.bilal_id)
    # A clerk's own back-office time for a dossier concerns no resident.
    add_visit(
        db.session,
        town,
        at(TUESDAY, 11),
        spoken_language="ru",
        interpreter_needed=True,
        channel="back_office",
    )
    assert [(n.visit.id, n.reasons) for n in _needs(db.session, town)] == [(by_ann, (NO_SPEAKER,))]


def test_cancelled_and_lapsed_visits_are_left_out_and_pending_ones_listed(app, frozen_clock):
    town = build_town(db.session)
    cancelled = add_visit(
        db.session,
        town,
        at(TUESDAY, 9),
        spoken_language="ru",
        interpreter_needed=True,
        status=AppointmentStatus.CANCELLED,
    )
    lapsed = add_visit(
        db.session,
        town,
        at(TUESDAY, 9, 30),
        spoken_language="ru",
        status=AppointmentStatus.PENDING,
        activation_expires_at=DEMO_NOW - timedelta(minutes=1),
    )
    pending = add_visit(
        db.session,
        town,
        at(TUESDAY, 10),
        spoken_language="ru",
        status=AppointmentStatus.PENDING,
        activation_expires_at=DEMO_NOW + timedelta(hours=1),
    )
    listed = [need.visit.id for need in _needs(db.session, town)]
    assert listed == [pending]
    page = client_of(app, "ann@stad.example").get(LIST).get_data(as_text=True)
    assert reference_of(db.session, cancelled) not in page
    assert reference_of(db.session, lapsed) not in page
    assert reference_of(db.session, pending) in page


def test_visits_are_grouped_per_language_then_day(app, frozen_clock):
    town = build_town(db.session)
    ru_wed = add_visit(db.session, town, at(WEDNESDAY, 9), spoken_language="ru")
    ru_tue = add_visit(db.session, town, at(TUESDAY, 11), spoken_language="ru")
    ru_tue_early = add_visit(db.session, town, at(TUESDAY, 9), spoken_language="ru")
    lingala = add_visit(
        db.session, town, at(TUESDAY, 10), spoken_language="other", spoken_language_other="Lingala"
    )
    lingala_2 = add_visit(
        db.session,
        town,
        at(WEDNESDAY, 10),
        spoken_language="other",
        spoken_language_other=" lingala ",
    )
    # Asked for an interpreter without saying which language.
    unknown = add_visit(db.session, town, at(WEDNESDAY, 11), interpreter_needed=True)
    groups = by_language(_needs(db.session, town))
    assert [(g.code, g.other, g.count) for g in groups] == [
        ("ru", "", 3),
        ("other", "Lingala", 2),
        (None, "", 1),
    ]
    assert [n.visit.id for n in groups[2].needs] == [unknown]
    russian = groups[0]
    assert [(day, [n.visit.id for n in needs]) for day, needs in russian.days] == [
        (TUESDAY, [ru_tue_early, ru_tue]),
        (WEDNESDAY, [ru_wed]),
    ]
    assert [n.visit.id for n in groups[1].needs] == [lingala, lingala_2]

    page = client_of(app, "ann@stad.example").get(LIST).get_data(as_text=True)
    headings = [
        re.sub(r"<[^>]+>", "", heading)
        for heading in re.findall(r'<h2 id="language-\d+">(.*?)</h2>', page)
    ]
    assert len(headings) == 3
    assert headings[0].endswith(": 3 afspraken") and "Lingala" in headings[1]
    assert headings[2] == "Taal niet opgegeven: 1 afspraak"
    assert "dinsdag 8 december 2026: 2 afspraken" in page
    assert page.index(reference_of(db.session, ru_tue_early)) < page.index(
        reference_of(db.session, ru_tue)
    )


def test_the_page_look_is_audited_without_personal_data(app, frozen_clock):
    town = build_town(db.session)
    add_visit(db.session, town, at(TUESDAY, 9), spoken_language="ru", resident_name="Olga Ivanova")
    client = client_of(app, "ann@stad.example")
    page = client.get(f"{LIST}?from={TUESDAY}&to={WEDNESDAY}").get_data(as_text=True)
    assert "Olga Ivanova" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject == "interpreters.view"))
    assert event.action is AuditAction.VIEW and event.team_id == town.team_id
    assert event.detail == {
        "from": TUESDAY.isoformat(),
        "to": WEDNESDAY.isoformat(),
        "visits": 1,
        "languages": 1,
    }
    assert "Olga" not in json.dumps(event.detail)


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_is_formula_safe_has_a_bom_and_is_audited(app, frozen_clock):
    town = build_town(db.session)
    evil = "=cmd|' /C calc'!A0"
    visit_id = add_visit(
        db.session,
        town,
        at(TUESDAY, 9, 5),
        spoken_language="other",
        spoken_language_other="+Lingala",
        resident_name=evil,
    )
    add_visit(
        db.session,
        town,
        at(TUESDAY, 10),
        spoken_language="ar",
        interpreter_needed=True,
        resident_name="@Ahmed\tEl Amrani",
    )
    add_visit(db.session, town, at(TUESDAY, 11), spoken_language="uk", resident_name="-Оксана")
    response = client_of(app, "ann@stad.example").get(EXPORT)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = _rows(response.data)
    header, lines = rows[0], rows[1:]
    assert header[:6] == ["Taal", "Datum", "Begin", "Einde", "Referentie", "Naam"]
    by_reference = {line[4]: line for line in lines}
    evil_line = by_reference[reference_of(db.session, visit_id)]
    assert evil_line[5] == "'" + evil
    assert "+Lingala" in evil_line[0]
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for line in rows for cell in line
    )
    # Brussels wall-clock times (09:05 in Brussels is 08:05 UTC in December).
    assert evil_line[1:4] == [TUESDAY.isoformat(), "09:05", "09:20"]
    names = sorted(line[5] for line in lines)
    assert names == sorted(["'" + evil, "'@Ahmed\tEl Amrani", "'-Оксана"])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject == "interpreters.export"))
    assert event.action is AuditAction.EXPORT and event.detail["visits"] == 3
    assert "cmd" not in json.dumps(event.detail) and event.appointment_id is None


def test_the_csv_header_speaks_the_staff_members_language(app, frozen_clock):
    town = build_town(db.session)
    add_visit(db.session, town, at(TUESDAY, 9), spoken_language="ru")
    client = client_of(app, "ann@stad.example")
    rows = _rows(client.get(f"{EXPORT}?lang=en").data)
    assert rows[0][0] == "Language" and rows[0][4] == "Reference"
    assert len(rows) == 2


def test_a_clerk_sees_only_their_own_teams_list(app, frozen_clock):
    town = build_town(db.session)
    visit_id = add_visit(db.session, town, at(TUESDAY, 9), spoken_language="ru")
    cas = client_of(app, "cas@stad.example")
    own = cas.get(LIST)
    assert own.status_code == 200
    assert reference_of(db.session, visit_id) not in own.get_data(as_text=True)
    for query in (f"?team={town.team_id}", "?team=all", "?team=99999999", "?team=x"):
        assert cas.get(LIST + query).status_code == 404
        assert cas.get(EXPORT + query).status_code == 404
    reception = client_of(app, "rec@stad.example")
    page = reception.get(LIST).get_data(as_text=True)
    assert reference_of(db.session, visit_id) in page
    assert reception.get(f"{LIST}?team={town.team_id}").status_code == 200
    anonymous = new_client(app).get(LIST)
    assert anonymous.status_code == 302 and "aanmelden" in anonymous.headers["Location"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-01", "Vanaf is geen geldige datum (JJJJ-MM-DD)."),
        ("to=morgen", "Tot en met is geen geldige datum (JJJJ-MM-DD)."),
        ("from=2026-12-10&to=2026-12-08", "De begindatum ligt na de einddatum."),
        ("from=2026-12-07&to=2027-06-30", "Kies een periode van hoogstens 92 dagen."),
        ("from=9999-12-31", "Vanaf moet tussen"),
    ],
)
def test_unreadable_filters_get_400_with_a_message(app, frozen_clock, query, message):
    build_town(db.session)
    client = client_of(app, "ann@stad.example")
    for path in (LIST, EXPORT):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.subject.like("interp%"))) is None


def test_the_menu_links_to_the_list(app, frozen_clock):
    build_town(db.session)
    page = client_of(app, "rec@stad.example").get("/medewerkers/").get_data(as_text=True)
    assert f'href="{LIST}"' in page and "Tolken" in page
