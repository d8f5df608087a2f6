"""Services (appointment types) and who may handle them."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.orm import Mapped, attribute_keyed_dict, mapped_column, relationship

from ..extensions import db
from .base import str_enum

# Every duration is a multiple of this, so visits fit the slot claims (see appointments).
DURATION_UNIT_MINUTES = 5


class Channel(StrEnum):
    """Where a service is delivered: at a counter, or as back-office time (a call back)."""

    COUNTER = "counter"
    BACK_OFFICE = "back_office"


staff_service = Table(
    "staff_service",
    db.metadata,
    Column("staff_id", ForeignKey("staff_member.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)


class ServiceText(db.Model):
    """A service's texts in one language: name, description, documents to bring."""

    __tablename__ = "service_text"

    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    # One document per line.
    documents: Mapped[str] = mapped_column(Text, default="")
    # Everyday words residents search the service by ("paspoort", "trouwen"), comma-separated.
    keywords: Mapped[str] = mapped_column(Text, default="", server_default="")

    @property
    def document_list(self) -> list[str]:
        """The documents to bring, one per entry."""
        return [line.strip() for line in self.documents.splitlines() if line.strip()]

    @property
    def keyword_list(self) -> list[str]:
        """The search keywords, one per entry."""
        return [word.strip() for word in (self.keywords or "").split(",") if word.strip()]


class Service(db.Model):
    """An appointment type: what a resident can come for, how long it takes, who does it."""

    __tablename__ = "service"
    __table_args__ = (
        CheckConstraint(
            f"duration_minutes > 0 AND duration_minutes % {DURATION_UNIT_MINUTES} = 0",
            name="duration_on_unit",
        ),
        CheckConstraint(
            "extra_minutes_per_person >= 0 AND "
            f"extra_minutes_per_person % {DURATION_UNIT_MINUTES} = 0",
            name="extra_minutes_on_unit",
        ),
        CheckConstraint("max_persons >= 1", name="max_persons_positive"),
        CheckConstraint("min_notice_minutes >= 0", name="min_notice_not_negative"),
        CheckConstraint("horizon_days BETWEEN 1 AND 366", name="horizon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    # A topic groups services on the booking page ("identity", "residence", …).
    topic: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    extra_minutes_per_person: Mapped[int] = mapped_column(Integer, default=0)
    max_persons: Mapped[int] = mapped_column(Integer, default=1)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "channel"), default=Channel.COUNTER)
    publicly_bookable: Mapped[bool] = mapped_column(Boolean, default=True)
    min_notice_minutes: Mapped[int] = mapped_column(Integer, default=120)
    horizon_days: Mapped[int] = mapped_column(Integer, default=60)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    team = relationship("Team")
    texts: Mapped[dict[str, ServiceText]] = relationship(
        collection_class=attribute_keyed_dict("language"), cascade="all, delete-orphan"
    )
    staff = relationship("StaffMember", secondary=staff_service, back_populates="services")

    def text(self, language: str) -> ServiceText:
        """The service's texts in ``language``, or the Dutch ones when it has none."""
        return self.texts.get(language) or self.texts["nl"]

    def name(self, language: str) -> str:
        """The service's name in ``language`` (Dutch as fallback)."""
        return self.text(language).name

    def duration_for(self, persons: int) -> timedelta:
        """How long a visit for ``persons`` people takes: the base time plus extra per person."""
        extra = self.extra_minutes_per_person * (persons - 1)
        return timedelta(minutes=self.duration_minutes + extra)

    @classmethod
    def filter_active(cls):
        """Criterion: services that are offered at all."""
        return cls.active.is_(True)

    @classmethod
    def listed(cls):
        """Query: the active services in the order the city shows them."""
        return select(cls).where(cls.filter_active()).order_by(cls.position, cls.id)
