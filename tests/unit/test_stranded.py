"""Which booked visits a rota strands, and who could take them: covered visits are not
listed, colleagues must be on the right kind of shift, qualified and free, one who speaks
the resident's language comes first, and a colleague is proposed once per moment."""

from __future__ import annotations

from datetime import UTC, datetime

from portal.scheduling.stranded import BookedVisit, Colleague, stranded_visits


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 14, hour, minute, tzinfo=UTC)


MORNING = ((at(8), at(11, 30)),)
NINE, HALF_PAST_NINE = at(9), at(9, 30)


def visit(
    visit_id=1, staff=1, start=NINE, end=HALF_PAST_NINE, kind="counter", services=(5,), lang=""
):
    return BookedVisit(visit_id, staff, start, end, kind, frozenset(services), lang)


def person(person_id, counter=MORNING, back_office=(), services=(5,), languages=(), busy=()):
    return Colleague(
        person_id,
        {"counter": counter, "back_office": back_office},
        frozenset(services),
        frozenset(languages),
        tuple(busy),
    )


def test_a_visit_inside_its_clerks_shift_is_not_stranded():
    assert stranded_visits([visit()], [person(1), person(2)]) == []


def test_a_visit_only_partly_inside_the_shift_is_stranded():
    late = visit(start=at(11), end=at(12))
    [entry] = stranded_visits([late], [person(1), person(2, counter=((at(8), at(13)),))])
    assert entry.visit_id == 1 and entry.candidates == (2,)


def test_colleagues_must_be_on_duty_qualified_and_free():
    people = [
        person(1, counter=()),
        person(2, counter=()),  # not at the counter
        person(3, services=(6,)),  # may not handle the service
        person(4, busy=[(at(9, 15), at(9, 45))]),  # busy with another visit
        person(5, counter=(), back_office=MORNING),  # back office is the wrong kind
        person(6),
    ]
    [entry] = stranded_visits([visit()], people)
    assert entry.candidates == (6,)


def test_nobody_free_means_no_candidate():
    [entry] = stranded_visits([visit()], [person(1, counter=())])
    assert entry.candidates == ()


def test_a_colleague_who_speaks_the_language_comes_first():
    people = [person(1, counter=()), person(2), person(3, languages=("ar",))]
    [entry] = stranded_visits([visit(lang="ar")], people)
    assert entry.candidates == (3, 2)


def test_a_first_proposal_is_not_made_twice_for_the_same_time():
    people = [person(1, counter=()), person(2)]
    first = visit(1, start=at(9), end=at(9, 30))
    second = visit(2, start=at(9, 15), end=at(9, 45))
    later = visit(3, start=at(10), end=at(10, 30))
    entries = stranded_visits([later, second, first], people)
    assert [(e.visit_id, e.candidates) for e in entries] == [(1, (2,)), (2, ()), (3, (2,))]


def test_back_office_visits_need_a_back_office_shift():
    call_back = visit(kind="back_office")
    people = [person(1, back_office=MORNING), person(2)]
    assert stranded_visits([call_back], people) == []
    [entry] = stranded_visits([call_back], [person(1), person(2, back_office=MORNING)])
    assert entry.candidates == (2,)
