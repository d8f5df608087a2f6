"""The audit trail: who looked at, changed or exported a resident's data, and when.

Rows are only ever added. The application has no way to change or delete one, and the
database refuses it too: triggers (created by the migration, see :data:`APPEND_ONLY_DDL`)
abort every UPDATE and DELETE on the table, on SQLite and on PostgreSQL.

A row names the visit by id and reference, never by the resident's name, so the trail
keeps no personal data of residents after their visit is purged.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime, str_enum


class AuditAction(StrEnum):
    """What a staff member did: read, changed or exported personal data, or signed in."""

    VIEW = "view"
    CHANGE = "change"
    EXPORT = "export"
    SIGN_IN = "sign_in"


class AuditEvent(db.Model):
    """One thing one staff member did with residents' data (append-only)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_actor_at", "actor_id", "at"),
        Index("ix_audit_event_appointment", "appointment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    action: Mapped[AuditAction] = mapped_column(str_enum(AuditAction, "audit_action"))
    # What exactly, as a stable code: "visit.view", "visit.move", "today.view", …
    subject: Mapped[str] = mapped_column(String(40))
    # The visit concerned, if one: its id and reference stay even after it is purged.
    appointment_id: Mapped[int | None] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(Integer)
    # Small facts without residents' personal data (old and new time, a search's size).
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("StaffMember")

    @classmethod
    def filter_between(cls, start: datetime, end: datetime):
        """Criterion: events in ``[start, end)``."""
        return (cls.at >= start) & (cls.at < end)


# The triggers that make the table append-only, per dialect (the migration creates them;
# the test fixtures lift them for a moment to empty the table between tests).
APPEND_ONLY_DDL = {
    "sqlite": [
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
        "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
        "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
    ],
}
DROP_APPEND_ONLY_DDL = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_event_no_update",
        "DROP TRIGGER IF EXISTS audit_event_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
        "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
        "DROP FUNCTION IF EXISTS audit_event_append_only()",
    ],
}
