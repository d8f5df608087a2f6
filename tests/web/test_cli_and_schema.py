"""The ``flask`` commands and the migrations, on each database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Appointment, Service, StaffMember, Team


def test_migrations_build_the_schema_the_models_describe(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_demo_command_loads_the_city_once(app, runner):
    result = runner.invoke(args=["demo", "--today", "2026-12-07"])
    assert result.exit_code == 0, result.output
    assert "Loaded 4 teams, 42 staff" in result.output
    sizes = dict(
        db.session.execute(
            select(Team.code, func.count(StaffMember.id)).join(StaffMember).group_by(Team.code)
        ).all()
    )
    assert sizes == {
        "bevolking": 15,
        "burgerlijke_stand": 9,
        "andere_nationaliteiten": 8,
        "centraal_onthaal": 10,
    }
    assert db.session.scalar(select(func.count(Service.id))) >= 25
    assert db.session.scalar(select(func.count(Appointment.id))) > 500

    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    refused = runner.invoke(args=["demo"])
    assert refused.exit_code != 0
