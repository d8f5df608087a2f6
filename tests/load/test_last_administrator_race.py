"""Two administrators take each other's role (or deactivate each other) at the same moment:
one change goes through, the other is refused, and the portal keeps an active
administrator. Real threads, each with its own connection, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.operations import AccountRefused, change_role_and_team, set_active
from portal.extensions import db
from portal.models import StaffMember, StaffRole, Team
from tests.builders import build_city
from tests.load.conftest import MONDAY, NOW, run_race


def _two_administrators() -> list[int]:
    city = build_city(db.session, MONDAY, MONDAY + timedelta(days=6), staff_count=2)
    for member in city.staff:
        member.role = StaffRole.ADMIN
    db.session.commit()
    return [member.id for member in city.staff]


def _active_administrators() -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count())
        .select_from(StaffMember)
        .where(StaffMember.role == StaffRole.ADMIN, StaffMember.filter_active())
    )


@pytest.mark.parametrize("change", ["role", "deactivate"])
def test_two_administrators_cannot_remove_each_other_at_once(race_app, change):
    first, second = _two_administrators()
    pairs = [(first, second), (second, first)]  # (actor, the one they change)

    def prepare(pair):
        actor_id, member_id = pair
        actor = db.session.get(StaffMember, actor_id)
        member = db.session.get(StaffMember, member_id)
        return actor, member, db.session.get(Team, member.team_id)

    def attempt(_pair, loaded):
        actor, member, team = loaded
        with race_app.test_request_context():  # a refusal speaks the reader's language
            if change == "role":
                change_role_and_team(db.session, actor, member, StaffRole.CLERK, team, NOW)
            else:
                set_active(db.session, actor, member, False, NOW)
            db.session.commit()

    outcomes = run_race(race_app, pairs, prepare, attempt, {AccountRefused: "refused"})
    assert sorted(outcomes) == ["refused", "won"], outcomes
    assert _active_administrators() == 1


def test_the_last_administrator_is_kept_one_at_a_time(race_app):
    first, second = _two_administrators()
    actor = db.session.get(StaffMember, first)
    other = db.session.get(StaffMember, second)
    set_active(db.session, actor, other, False, NOW)
    db.session.commit()
    # The other, deactivated, is no administrator the portal can rely on: taking the
    # role of the last active one is refused however it is asked.
    with race_app.test_request_context(), pytest.raises(AccountRefused) as refused:
        set_active(db.session, other, actor, False, NOW)
    assert refused.value.message == "Er moet minstens één actieve beheerder overblijven."
    db.session.rollback()
    assert _active_administrators() == 1
