"""The statistics page and its CSV files (portal/statistics): figures worked out by hand
on a small city, access per role and team, filters that are refused with a message,
formulas neutralised, figures that stay the same after the purge and an erasure, and the
nightly roll-up that gives the same figures from a few rows per day."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, time, timedelta

import pytest
import time_machine
from sqlalchemy import delete, func, select

from portal.booking.retention import purge
from portal.booking.settings import BookingSettings
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentService,
    AppointmentStatus,
    FirstFreeRecord,
    Service,
    Shift,
    StaffMember,
    StaffRole,
    StatisticsDay,
    StatisticsRolledDay,
    Team,
)
from portal.privacy.person import PersonQuery, erase_person, find_person
from portal.staff.accounts import hash_password
from portal.statistics.spreadsheet import sheet_name
from portal.timeutil import local_datetime
from tests.builders import build_city
from tests.web.staff_helpers import new_client, sign_in

MONDAY = date(2026, 12, 7)
LAST_TUESDAY = MONDAY - timedelta(days=6)
PASSWORD = "een-lang-wachtwoord-2026"
PAGE = "/medewerkers/statistiek/"
WEEKS = {
    "from": (MONDAY - timedelta(days=7)).isoformat(),
    "to": (MONDAY + timedelta(days=6)).isoformat(),
}


def _at(day: date, hour: int, minute: int = 0):
    return local_datetime(day, time(hour, minute))


def _visit(city, start, status, channel="web", email="a@example.org", **times) -> Appointment:
    service = city.service
    visit = Appointment(
        staff_id=city.staff[0].id,
        resident_name="Amal Idrissi",
        email=email,
        phone="+32 470 11 22 33",
        starts_at=start,
        ends_at=start + timedelta(minutes=15),
        status=status,
        channel=channel,
        created_at=start - timedelta(days=3),
        spoken_language="ar",
        interpreter_needed=True,
        **times,
    )
    visit.booked_services = [AppointmentService(service=service, position=0)]
    db.session.add(visit)
    return visit


@pytest.fixture
def stats_city(app, monkeypatch):
    """Bevolking with four visits around Monday 7 December 2026 (the clock at 07:30), a
    second team, and accounts for every role."""
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    city = build_city(db.session, LAST_TUESDAY - timedelta(days=1), MONDAY + timedelta(days=6))
    other = Team(code="burgerlijke_stand", names={"nl": "Burgerlijke stand"})
    db.session.add(other)
    accounts = {
        "admin": (StaffRole.ADMIN, city.team),
        "planner": (StaffRole.PLANNER, city.team),
        "clerk": (StaffRole.CLERK, city.team),
        "other": (StaffRole.PLANNER, other),
    }
    for name, (role, team) in accounts.items():
        db.session.add(
            StaffMember(
                team=team,
                name=name,
                email=f"{name}@stad.example",
                role=role,
                password_hash=hash_password(PASSWORD),
            )
        )
    _visit(
        city,
        _at(LAST_TUESDAY, 9),
        AppointmentStatus.COMPLETED,
        arrived_at=_at(LAST_TUESDAY, 8, 55),
        called_at=_at(LAST_TUESDAY, 9, 5),
        completed_at=_at(LAST_TUESDAY, 9, 20),
    )
    _visit(city, _at(LAST_TUESDAY, 9, 30), AppointmentStatus.NO_SHOW, channel="staff")
    _visit(
        city,
        _at(LAST_TUESDAY + timedelta(days=1), 10),
        AppointmentStatus.CANCELLED,
        channel="api",
        email="b@example.org",
        cancelled_at=_at(LAST_TUESDAY + timedelta(days=1), 10) - timedelta(hours=24),
    )
    _visit(city, _at(MONDAY + timedelta(days=3), 11), AppointmentStatus.CONFIRMED)
    db.session.commit()
    city.other_team_id = other.id
    with time_machine.travel(_at(MONDAY, 7, 30), tick=False):
        yield city


def _client(app, name: str):
    client = new_client(app)
    assert sign_in(client, f"{name}@stad.example", PASSWORD).status_code == 302
    return client


def _csv(client, table: str, **args) -> list[list[str]]:
    answer = client.get(f"{PAGE}{table}.csv", query_string={**WEEKS, **args})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_who_may_look(app, stats_city):
    assert _client(app, "clerk").get(PAGE).status_code == 403
    assert new_client(app).get(PAGE).status_code == 302
    planner = _client(app, "planner")
    assert planner.get(PAGE).status_code == 200
    # Another team's figures are answered as if the team did not exist.
    assert planner.get(PAGE, query_string={"team": stats_city.other_team_id}).status_code == 404
    other = _client(app, "other")
    assert _csv(other, "periods") == [
        ["Vanaf", "Geboekt", "Gekomen", "Niet gekomen", "Geannuleerd"]
    ]
    assert _client(app, "admin").get(PAGE, query_string={"team": "all"}).status_code == 200


def test_the_figures_are_the_ones_worked_out_by_hand(app, stats_city):
    planner = _client(app, "planner")
    last_week, this_week = (MONDAY - timedelta(days=7)).isoformat(), MONDAY.isoformat()
    assert _csv(planner, "periods") == [
        ["Vanaf", "Geboekt", "Gekomen", "Niet gekomen", "Geannuleerd"],
        [last_week, "3", "1", "1", "1"],
        [this_week, "1", "0", "0", "0"],
    ]
    # Booked three days ahead each; the cancellation came a day before.
    assert _csv(planner, "notice")[1] == [last_week, "3.0", "24.0"]
    # 09:00: called ten minutes after arriving, fifteen minutes at the counter, on time.
    assert _csv(planner, "hall") == [
        [
            "Uur",
            "Opgeroepen",
            "Wachten (minuten, mediaan)",
            "Behandeling (minuten, mediaan)",
            "Binnen 10 minuten na het uur",
        ],
        ["09:00", "1", "10.0", "15.0", "100%"],
    ]
    assert _csv(planner, "languages")[1][1:] == ["4", "4"]
    assert _csv(planner, "periods", channel="api")[1:] == [[last_week, "1", "0", "0", "1"]]
    assert _csv(planner, "periods", per="day")[1][0] == LAST_TUESDAY.isoformat()
    page = planner.get(PAGE, query_string=WEEKS).get_data(as_text=True)
    assert "Afspraken per periode" in page and 'href="/medewerkers/statistiek/periods.csv?' in page


def test_refused_filters_get_a_message(app, stats_city):
    planner = _client(app, "planner")
    for args, message in [
        ({"from": "2026-13-01"}, "is geen geldige datum"),
        ({"from": "9999-12-31"}, "is geen geldige datum"),
        ({"from": "2026-12-07", "to": "2026-12-01"}, "De begindatum ligt na de einddatum."),
        ({"from": "2024-01-01", "to": "2026-12-07"}, "hoogstens 400 dagen"),
        ({"per": "year"}, "Kies per dag, per week of per maand."),
        ({"channel": "fax"}, "Kies een kanaal uit de lijst."),
        ({"service": "abc"}, "Deze dienst bestaat niet."),
        ({"service": "2147483647"}, "Deze dienst bestaat niet."),
    ]:
        answer = planner.get(PAGE, query_string=args)
        assert answer.status_code == 400, args
        assert message in answer.get_data(as_text=True), args
    assert planner.get(f"{PAGE}nothing.csv", query_string=WEEKS).status_code == 404


def test_a_cell_a_spreadsheet_would_run_is_neutralised(app, stats_city):
    db.session.get(Service, stats_city.service.id).texts["nl"].name = '=HYPERLINK("x")'
    db.session.commit()
    rows = _csv(_client(app, "planner"), "services")
    assert rows[1][0] == '\'=HYPERLINK("x")'


def test_the_purge_and_an_erasure_leave_the_figures_as_they_were(app, stats_city):
    planner = _client(app, "planner")
    tables = ("periods", "notice", "hall", "services", "waits", "languages", "capacity", "people")
    before = {table: _csv(planner, table) for table in tables}
    purge(db.session, local_datetime(MONDAY, time(7, 30)), retention=timedelta(0))
    data = find_person(db.session, PersonQuery("b@example.org", ""))
    erase_person(db.session, data, local_datetime(MONDAY, time(7, 30)), BookingSettings("k"))
    db.session.commit()
    assert (
        not db.session.query(Appointment)
        .filter(Appointment.email.is_not(None))
        .filter(Appointment.starts_at < local_datetime(MONDAY, time(0)))
        .count()
    )
    assert {table: _csv(planner, table) for table in tables} == before


def _xlsx(client, table: str, **args) -> dict[str, str]:
    answer = client.get(f"{PAGE}{table}.xlsx", query_string={**WEEKS, **args})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.mimetype.endswith("spreadsheetml.sheet")
    with zipfile.ZipFile(io.BytesIO(answer.data)) as book:
        return {name: book.read(name).decode("utf-8") for name in book.namelist()}


def test_the_tables_as_excel_hold_values_never_formulas(app, stats_city):
    db.session.get(Service, stats_city.service.id).texts["nl"].name = '=HYPERLINK("x")'
    db.session.commit()
    planner = _client(app, "planner")
    periods = _xlsx(planner, "periods")
    strings, sheet = periods["xl/sharedStrings.xml"], periods["xl/worksheets/sheet1.xml"]
    assert "Afspraken per periode" in strings and "Niet gekomen" in strings
    # Booked last week: 3, written as a number (no t="s" string reference).
    assert re.search(r'<c r="B4"[^>]*><v>3</v></c>', sheet), sheet
    services = _xlsx(planner, "services")
    assert '<t>=HYPERLINK("x")</t>' in services["xl/sharedStrings.xml"]
    everything = _xlsx(planner, "alles")
    sheets = [name for name in everything if name.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 10
    for book in (periods, services, everything):
        assert not any("<f>" in text or "<f " in text for text in book.values())
    arabic = _xlsx(planner, "periods", lang="ar")
    assert 'rightToLeft="1"' in arabic["xl/worksheets/sheet1.xml"]
    assert planner.get(f"{PAGE}nothing.xlsx", query_string=WEEKS).status_code == 404


def test_sheet_names_excel_accepts():
    taken: set[str] = set()
    assert sheet_name("Per dienst", taken) == "Per dienst"
    assert sheet_name("Per dienst", taken) == "Per dienst (2)"
    long = sheet_name("Aan het loket, per uur van de afspraak: [heel] lang?", taken)
    assert len(long) <= 31 and not set("[]:*?/\\") & set(long)


def test_the_first_free_time_is_recorded_each_day(app, stats_city):
    runner = app.test_cli_runner()
    # Monday 07:30: today still has free times.
    assert (
        "Recorded the first free time of 1 services."
        in runner.invoke(args=["record-first-free"]).output
    )
    # Monday evening, after closing: the first free time is tomorrow; the day's row is
    # replaced, not added.
    with time_machine.travel(_at(MONDAY, 19), tick=False):
        assert runner.invoke(args=["record-first-free"]).exit_code == 0
    records = db.session.scalars(select(FirstFreeRecord)).all()
    assert [(r.recorded_on, r.days) for r in records] == [(MONDAY, 1)]
    # Tuesday: nothing bookable any more (every shift gone): no free time at all.
    db.session.execute(delete(Shift))
    db.session.commit()
    with time_machine.travel(_at(MONDAY + timedelta(days=1), 7), tick=False):
        assert runner.invoke(args=["record-first-free"]).exit_code == 0
        rows = _csv(_client(app, "planner"), "waits", to=(MONDAY + timedelta(days=1)).isoformat())
    assert rows == [
        [
            "Dienst",
            "Dagen gemeten",
            "Mediaan (dagen)",
            "Langst (dagen)",
            "Laatst gemeten (dagen)",
            "Dagen zonder vrij tijdstip",
        ],
        ["Identiteitskaart aanvragen", "2", "1", "1", "—", "1"],
    ]


def test_rolled_up_days_give_the_same_figures_and_survive_their_visits(app, stats_city):
    runner = app.test_cli_runner()
    tables = ("periods", "notice", "hall", "services", "languages", "capacity", "people")
    filters = ({}, {"channel": "api"}, {"per": "day"}, {"service": str(stats_city.service.id)})
    # Nine days on, last week's visits have settled; Thursday's visit has not.
    with time_machine.travel(_at(MONDAY + timedelta(days=9), 7), tick=False):
        planner = _client(app, "planner")
        live = {(t, str(f)): _csv(planner, t, **f) for t in tables for f in filters}
        output = runner.invoke(args=["roll-up-statistics"]).output
        assert "Rolled up" in output
        assert db.session.scalars(select(StatisticsRolledDay.day)).all()
        # Per channel and services: Tuesday web and staff, Wednesday api; per team and
        # day: Tuesday and Wednesday.
        assert db.session.scalar(select(func.count()).select_from(StatisticsDay)) == 5
        # A second run finds nothing new to sum up, so nothing is counted twice.
        assert "Rolled up 0 days" in runner.invoke(args=["roll-up-statistics"]).output
        assert {(t, str(f)): _csv(planner, t, **f) for t in tables for f in filters} == live
        # The figures of rolled-up days are read from the roll-up, not from the visits
        # and shifts.
        settled = local_datetime(MONDAY, time(0))
        db.session.execute(
            delete(AppointmentService).where(
                AppointmentService.appointment_id.in_(
                    select(Appointment.id).where(Appointment.starts_at < settled)
                )
            )
        )
        db.session.execute(delete(Appointment).where(Appointment.starts_at < settled))
        db.session.execute(delete(Shift).where(Shift.starts_at < settled))
        db.session.commit()
        assert {(t, str(f)): _csv(planner, t, **f) for t in tables for f in filters} == live
        # Another team's planner sees none of them.
        assert _csv(_client(app, "other"), "periods") == [live[("periods", "{}")][0]]


def test_a_correction_is_counted_after_rolling_the_days_up_again(app, stats_city):
    runner = app.test_cli_runner()
    with time_machine.travel(_at(MONDAY + timedelta(days=9), 7), tick=False):
        planner = _client(app, "planner")
        assert runner.invoke(args=["roll-up-statistics"]).exit_code == 0
        no_show = db.session.scalar(
            select(Appointment).where(Appointment.status == AppointmentStatus.NO_SHOW)
        )
        no_show.status = AppointmentStatus.COMPLETED
        db.session.commit()
        last_week = (MONDAY - timedelta(days=7)).isoformat()
        assert _csv(planner, "periods")[1] == [last_week, "3", "1", "1", "1"]
        day = LAST_TUESDAY.isoformat()
        assert runner.invoke(args=["roll-up-statistics", "--again", day, day]).exit_code == 0
        assert _csv(planner, "periods")[1] == [last_week, "3", "2", "0", "1"]
        refused = runner.invoke(args=["roll-up-statistics", "--again", day, "2026-11-01"])
        assert refused.exit_code != 0 and "FROM is after TO" in refused.output


def test_capacity_and_hours_per_person_from_the_shifts(app, stats_city):
    planner = _client(app, "planner")
    rows = _csv(planner, "capacity", per="day")
    tuesday = next(row for row in rows if row[0] == LAST_TUESDAY.isoformat())
    # Two clerks at the counter 09:00-12:30 (3.5 hours each), nothing reserved; the
    # visit that came and the one that did not (15 minutes each) are booked time, the
    # cancelled one of Wednesday is not.
    assert tuesday == [LAST_TUESDAY.isoformat(), "7.0", "0.0", "0.5", "0.0", "7%"]
    wednesday = next(
        row for row in rows if row[0] == (LAST_TUESDAY + timedelta(days=1)).isoformat()
    )
    assert wednesday[3] == "0.0"
    people = _csv(planner, "people")
    assert people[0] == [
        "Medewerker",
        "Loket (uren)",
        "Backoffice (uren)",
        "Aan het loket",
        "Doel van het team",
    ]
    assert {row[0] for row in people[1:]} == {member.name for member in stats_city.staff}
    assert all(row[2:] == ["0.0", "100%", "35%"] for row in people[1:])
    # The other team has no shifts: nothing to list, no other team's people.
    assert _csv(_client(app, "other"), "people")[1:] == []
