"""The portal's data model, one module per aggregate."""

from .appointments import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentService,
    AppointmentStatus,
    Hold,
    HoldKind,
    SlotClaim,
    claim_units,
)
from .calendar import Closure, ClosureKind, OpeningBlock, OpeningSchedule
from .organisation import Counter, StaffLanguage, StaffMember, Team
from .outbox import MailStatus, OutboxMail
from .rota import Absence, AbsenceKind, Shift, ShiftKind
from .security import SpentChallenge
from .services import Channel, Service, ServiceText, staff_service

__all__ = [
    "ACTIVE_STATUSES",
    "Absence",
    "AbsenceKind",
    "Appointment",
    "AppointmentService",
    "AppointmentStatus",
    "Channel",
    "Closure",
    "ClosureKind",
    "Counter",
    "Hold",
    "HoldKind",
    "MailStatus",
    "OpeningBlock",
    "OpeningSchedule",
    "OutboxMail",
    "Service",
    "ServiceText",
    "Shift",
    "ShiftKind",
    "SlotClaim",
    "SpentChallenge",
    "StaffLanguage",
    "StaffMember",
    "Team",
    "claim_units",
    "staff_service",
]
