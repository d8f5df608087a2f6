"""A dossier visit stranded by an absence or a rota change proposes the dossier's owner
first, when the owner is on duty then, free and qualified; otherwise the usual order. A
closure (or new hours) asks the resident for a new time: the owner's times come first."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time, timedelta

import pytest

from portal.booking import errors
from portal.booking.contact import ContactDetails
from portal.booking.operations import move
from portal.booking.settings import BookingSettings
from portal.dossiers import follow_up_operations as follow_ops
from portal.dossiers import operations as ops
from portal.extensions import db
from portal.models import Absence, AbsenceKind, DossierSubject
from portal.planning.absence_forms import AbsenceInput
from portal.planning.absence_operations import review_absence
from portal.planning.colleagues import busy_spans, colleagues, proposals, team_people
from portal.planning.reschedule import TimeSuggestions
from portal.scheduling.stranded import BookedVisit, Colleague, stranded_visits
from portal.timeutil import local_datetime, start_of_local_day, to_local
from tests.builders import book, build_city

MONDAY = date(2026, 12, 7)
TUESDAY = MONDAY + timedelta(days=1)
NOW = local_datetime(MONDAY, time(7, 30))
SETTINGS = BookingSettings(secret_key="test-secret")
RESIDENT = ContactDetails(name="Sara Haddad", email="sara@example.org", language="ar")


@pytest.fixture
def city(app):
    """Three clerks at the counter all week; a dossier subject of their team."""
    built = build_city(db.session, MONDAY, MONDAY + timedelta(days=6), staff_count=3)
    built.subject = DossierSubject(team_id=built.team.id, code="eid", names={"nl": "eID"})
    db.session.add(built.subject)
    db.session.flush()
    return built


def _visit(city, *, owner=None, at=time(10)):
    """Clerk 0's visit on Tuesday; in a dossier of ``owner`` when given."""
    start = local_datetime(TUESDAY, at)
    visit = book(db.session, city.staff[0], city.service, start, start + timedelta(minutes=15))
    if owner is not None:
        ops.open_dossier(
            db.session,
            owner=owner,
            subject=city.subject,
            contact=RESIDENT,
            now=NOW,
            from_visit=visit,
        )
    return visit


def _absence_of_clerk_0(city) -> AbsenceInput:
    return AbsenceInput(
        city.staff[0].id,
        AbsenceKind.SICK,
        "",
        TUESDAY,
        TUESDAY,
        None,
        None,
        start_of_local_day(TUESDAY),
        start_of_local_day(TUESDAY + timedelta(days=1)),
    )


def _proposed(city) -> list[int]:
    [entry] = review_absence(db.session, _absence_of_clerk_0(city), city.team.id, NOW).entries
    return [person.id for person in entry.candidates]


def test_an_absence_proposes_the_dossier_owner_first(city):
    _visit(city, owner=city.staff[2])
    assert _proposed(city) == [city.staff[2].id, city.staff[1].id]


def test_a_visit_outside_a_dossier_keeps_the_usual_order(city):
    _visit(city)
    assert _proposed(city) == [city.staff[1].id, city.staff[2].id]


def test_the_owner_comes_before_a_colleague_who_speaks_the_language(city):
    city.staff[1].languages = ["nl", "ar"]
    visit = _visit(city, owner=city.staff[2])
    visit.spoken_language = "ar"
    db.session.flush()
    assert _proposed(city) == [city.staff[2].id, city.staff[1].id]


def test_a_busy_owner_is_not_proposed(city):
    _visit(city, owner=city.staff[2])
    start = local_datetime(TUESDAY, time(10))
    book(db.session, city.staff[2], city.service, start, start + timedelta(minutes=30))
    assert _proposed(city) == [city.staff[1].id]


def test_an_owner_not_qualified_for_the_service_is_not_proposed(city):
    _visit(city, owner=city.staff[2])
    city.staff[2].services = []
    db.session.flush()
    assert _proposed(city) == [city.staff[1].id]


def test_an_owner_off_duty_then_is_not_proposed(city):
    _visit(city, owner=city.staff[2])
    for shift in city.shifts:
        if shift.staff_id == city.staff[2].id and shift.starts_at.date() == TUESDAY:
            db.session.delete(shift)
    db.session.flush()
    assert _proposed(city) == [city.staff[1].id]


def test_a_rota_change_proposes_the_dossier_owner_first(city):
    """What publishing a plan does: the new rota leaves clerk 0 without Tuesday's turn."""
    visit = _visit(city, owner=city.staff[2])
    people = team_people(db.session, city.team.id)
    shifts = defaultdict(lambda: defaultdict(list))
    for shift in city.shifts:
        if not (shift.staff_id == city.staff[0].id and shift.starts_at.date() == TUESDAY):
            shifts[shift.staff_id][shift.kind.value].append((shift.starts_at, shift.ends_at))
    start, end = start_of_local_day(MONDAY), start_of_local_day(MONDAY + timedelta(days=7))
    busy = busy_spans(db.session, [person.id for person in people], start, end, NOW)
    [(stranded, candidates)] = proposals([visit], people, colleagues(people, shifts, busy))
    assert stranded.id == visit.id
    assert [person.id for person in candidates] == [city.staff[2].id, city.staff[1].id]


def _colleague(person_id, span, languages=()):
    return Colleague(person_id, {"counter": [span]}, frozenset({7}), frozenset(languages))


def test_the_core_proposes_the_preferred_colleague_first_and_keeps_them_busy():
    day = local_datetime(TUESDAY, time(9))
    span = (day, day + timedelta(hours=3))
    people = [_colleague(1, span), _colleague(2, span, ["ar"]), _colleague(3, span)]
    first = BookedVisit(10, 9, day, day + timedelta(minutes=15), "counter", frozenset({7}), "ar", 3)
    second = BookedVisit(11, 9, day, day + timedelta(minutes=15), "counter", frozenset({7}), "", 3)
    found = stranded_visits([first, second], people)
    assert [entry.candidates for entry in found] == [(3, 2, 1), (1, 2)]


def _days(starts) -> list[date]:
    return [to_local(start).date() for start in starts]


def test_a_closure_offers_the_dossier_owner_s_times_first(city):
    """A closure asks the resident for a new time: a dossier visit's mail offers the
    owner's free times first (the owner is away on Wednesday, a colleague is not)."""
    wednesday = TUESDAY + timedelta(days=1)
    db.session.add(
        Absence(
            staff_id=city.staff[2].id,
            kind=AbsenceKind.LEAVE,
            starts_at=start_of_local_day(wednesday),
            ends_at=start_of_local_day(wednesday + timedelta(days=1)),
        )
    )
    plain = _visit(city)
    in_dossier = _visit(city, owner=city.staff[2], at=time(11))
    suggestions = TimeSuggestions(db.session, NOW)
    assert _days(suggestions.for_visit(plain))[0] == wednesday
    offered = suggestions.for_visit(in_dossier)
    assert len(offered) == 3 and wednesday not in _days(offered)


def test_a_follow_up_asked_to_move_is_offered_times_beyond_its_window_and_can_take_one(city):
    """When the city takes the clerk or the day away, the window's end must not leave the
    resident stuck: the mail offers free times also outside the window, and the manage
    link's move accepts them while the request stands (and only then)."""
    dossier = ops.open_dossier(
        db.session, owner=city.staff[2], subject=city.subject, contact=RESIDENT, now=NOW
    )
    thursday, friday = MONDAY + timedelta(days=3), MONDAY + timedelta(days=4)
    plan = follow_ops.FollowUpPlan([city.service], 1, city.staff[2], thursday, friday)
    follow_up, _ = follow_ops.plan_follow_up(
        db.session, dossier, plan, invited=False, now=NOW, settings=SETTINGS
    )
    visit = follow_ops.book_follow_up_now(
        db.session, follow_up, local_datetime(thursday, time(10)), NOW, SETTINGS
    )
    offered = TimeSuggestions(db.session, NOW).for_visit(visit)
    outside = [start for start in offered if not thursday <= to_local(start).date() <= friday]
    assert outside, "times beyond the window are offered"
    with pytest.raises(errors.OutsideWindow):
        move(db.session, visit, outside[0], NOW, SETTINGS)
    visit.reschedule_requested_at = NOW
    move(db.session, visit, outside[0], NOW, SETTINGS)
    assert visit.starts_at == outside[0] and visit.reschedule_requested_at is None
