"""The portal's data model, one module per aggregate."""

from .accounts import PasswordLinkKind, PasswordReset
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
from .audit import AuditAction, AuditEvent
from .cache import CacheGeneration
from .calendar import Closure, ClosureKind, OpeningBlock, OpeningSchedule
from .dossiers import (
    Dossier,
    DossierNote,
    DossierStatus,
    DossierSubject,
    FollowUp,
    FollowUpState,
    NotificationKind,
    StaffNotification,
)
from .organisation import Counter, StaffLanguage, StaffMember, StaffRole, Team
from .outbox import MailStatus, OutboxMail
from .planning import CounterNeed, PlanStatus, RotaPlan, RotaPlanDay, RotaTurn
from .queue import QueueCounter
from .rota import Absence, AbsenceKind, Shift, ShiftKind
from .security import SpentChallenge
from .services import Channel, Service, ServiceText, staff_service
from .statistics import (
    FirstFreeRecord,
    StatisticsDay,
    StatisticsRolledDay,
    StatisticsStaffDay,
)

__all__ = [
    "ACTIVE_STATUSES",
    "Absence",
    "AbsenceKind",
    "Appointment",
    "AppointmentService",
    "AppointmentStatus",
    "AuditAction",
    "AuditEvent",
    "CacheGeneration",
    "Channel",
    "Closure",
    "ClosureKind",
    "Counter",
    "CounterNeed",
    "Dossier",
    "DossierNote",
    "DossierStatus",
    "DossierSubject",
    "FirstFreeRecord",
    "FollowUp",
    "FollowUpState",
    "Hold",
    "HoldKind",
    "MailStatus",
    "NotificationKind",
    "OpeningBlock",
    "OpeningSchedule",
    "OutboxMail",
    "PasswordLinkKind",
    "PasswordReset",
    "PlanStatus",
    "QueueCounter",
    "RotaPlan",
    "RotaPlanDay",
    "RotaTurn",
    "Service",
    "ServiceText",
    "Shift",
    "ShiftKind",
    "SlotClaim",
    "SpentChallenge",
    "StaffLanguage",
    "StaffMember",
    "StaffNotification",
    "StaffRole",
    "StatisticsDay",
    "StatisticsRolledDay",
    "StatisticsStaffDay",
    "Team",
    "claim_units",
    "staff_service",
]
