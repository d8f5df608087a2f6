"""The rota plan's report in words, for the plan page: each person's hours, evenings and
Saturdays against a fair share, the turns short of their need and why, and the turns where
nobody handles a service or speaks a language the team wants.

Built from ``plan.report`` (what the generator wrote, see
:mod:`portal.scheduling.rota_review`), numbers formatted for the reader. The week grid
beside it is :mod:`.plan_grid`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import format_date, format_decimal, format_percent
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..i18n import _, current_language, ngettext
from ..language_names import language_name
from ..models import Service
from ..timeutil import to_local


@dataclass(frozen=True)
class PersonLine:
    """One person's line of the report, numbers formatted for the reader."""

    name: str
    counter_hours: str
    back_office_hours: str
    evenings: int
    fair_evenings: str
    saturdays: int
    fair_saturdays: str
    share: str
    deviation: str
    far_off: bool


@dataclass(frozen=True)
class ShortLine:
    """A turn short of its need: when, need, staffed and why in words."""

    start: datetime
    end: datetime
    need: int
    staffed: int
    reason: str
    counts: str


@dataclass(frozen=True)
class UncoveredLine:
    """A turn where nobody handles a service or speaks a language the team wants."""

    start: datetime
    end: datetime
    what: str


@dataclass(frozen=True)
class ReportView:
    """What the plan page shows of ``plan.report``."""

    people: tuple[PersonLine, ...]
    shortages: tuple[ShortLine, ...]
    uncovered: tuple[UncoveredLine, ...]
    demand: str
    target: str
    explanation: str | None


# A person further than this from the target is marked in the report (in text).
FAR_OFF = 0.05


def _moment(raw) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(raw))
    except (TypeError, ValueError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def _number(value, pattern: str = "#,##0.0") -> str:
    try:
        return format_decimal(float(value or 0), pattern)
    except (TypeError, ValueError):
        return "—"


def _percent(share: float) -> str:
    return format_percent(share, "#,##0%")


def _share(value) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _counts(entry: dict, weekday: str) -> str:
    """ "2 afwezig, 5 werken niet op zaterdag, 1 al ingepland" (parts that are zero left out)."""
    parts = []
    away, off, busy = (int(entry.get(key) or 0) for key in ("away", "not_working", "busy"))
    if away:
        parts.append(ngettext("%(num)d afwezig", "%(num)d afwezig", away))
    if off:
        parts.append(
            ngettext(
                "%(num)d werkt niet op %(weekday)s",
                "%(num)d werken niet op %(weekday)s",
                off,
                weekday=weekday,
            )
        )
    if busy:
        parts.append(ngettext("%(num)d al ingepland", "%(num)d al ingepland", busy))
    return ", ".join(parts)


def _explanation(demand: float, target: float) -> str | None:
    """Why nobody can reach the target, when the needs and the target differ by more
    than five points."""
    values = {
        "demand": format_percent(demand, "#,##0%"),
        "target": format_percent(target, "#,##0%"),
    }
    if demand < target - FAR_OFF:
        return _(
            "De behoeften aan de balie vullen maar %(demand)s van de werktijd van het team, "
            "minder dan het doel van %(target)s. Dus komt bijna niemand aan het doel. "
            "Verhoog het aantal mensen per beurt of verlaag het doel in de instellingen "
            "van het team.",
            **values,
        )
    if demand > target + FAR_OFF:
        return _(
            "De behoeften aan de balie vragen %(demand)s van de werktijd van het team, "
            "meer dan het doel van %(target)s. Dus staat bijna iedereen langer aan de balie "
            "dan het doel. Verlaag het aantal mensen per beurt of verhoog het doel in de "
            "instellingen van het team.",
            **values,
        )
    return None


def report_view(session: Session, report: dict | None) -> ReportView:
    """``plan.report`` for the page: people by name, shortages and uncovered wishes with
    their reasons in words. Tolerates missing or odd values (the JSON is stored)."""
    report = report if isinstance(report, dict) else {}
    people = []
    for entry in report.get("people") or []:
        deviation = _share(entry.get("deviation"))
        people.append(
            PersonLine(
                name=str(entry.get("name") or ""),
                counter_hours=_number(entry.get("counter_hours")),
                back_office_hours=_number(entry.get("back_office_hours")),
                evenings=int(entry.get("evenings") or 0),
                fair_evenings=_number(entry.get("fair_evenings")),
                saturdays=int(entry.get("saturdays") or 0),
                fair_saturdays=_number(entry.get("fair_saturdays")),
                share=_number(_share(entry.get("counter_share")) * 100),
                deviation=_number(deviation * 100, "+#,##0.0;-#,##0.0"),
                far_off=abs(deviation) > FAR_OFF,
            )
        )
    people.sort(key=lambda line: line.name.casefold())
    reasons = {
        "too_few_people": _("te weinig mensen beschikbaar"),
        "too_few_counters": _("te weinig balies"),
    }
    shortages = []
    for entry in report.get("shortages") or []:
        start, end = _moment(entry.get("start")), _moment(entry.get("end"))
        if start is None or end is None:
            continue
        weekday = format_date(to_local(start).date(), "EEEE")
        shortages.append(
            ShortLine(
                start=start,
                end=end,
                need=int(entry.get("need") or 0),
                staffed=int(entry.get("staffed") or 0),
                reason=reasons.get(entry.get("reason"), ""),
                counts=_counts(entry, weekday),
            )
        )
    service_ids = {e.get("service_id") for e in report.get("uncovered") or []}
    service_ids = [i for i in service_ids if isinstance(i, int)]
    services = {
        service.id: service
        for service in session.scalars(
            select(Service)
            .where(Service.id.in_(service_ids or [0]))
            .options(selectinload(Service.texts))
        )
    }
    uncovered = []
    for entry in report.get("uncovered") or []:
        start, end = _moment(entry.get("start")), _moment(entry.get("end"))
        if start is None or end is None:
            continue
        service = services.get(entry.get("service_id"))
        if service is not None:
            what = _("niemand voor %(service)s", service=service.name(current_language()))
        elif entry.get("language"):
            name = language_name(entry["language"], current_language(), label=False)
            what = _("niemand die %(language)s spreekt", language=name)
        else:
            continue
        uncovered.append(UncoveredLine(start, end, what))
    demand, target = _share(report.get("demand_share")), _share(report.get("target_share"))
    return ReportView(
        people=tuple(people),
        shortages=tuple(shortages),
        uncovered=tuple(uncovered),
        demand=_percent(demand),
        target=_percent(target),
        explanation=_explanation(demand, target) if report else None,
    )
