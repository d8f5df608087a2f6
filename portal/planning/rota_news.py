"""Telling staff of a newly published rota: everyone whose shifts the publication creates
or changes gets a line in their notification list and a mail with their turns.

The mail always goes (a new rota changes when people work; the "also mail me" setting of
the notification list is about dossiers), in the person's mail language when they chose
one, else Dutch; times in Brussels. Like every mail it is written into the outbox in the
publishing transaction and leaves after the response or by ``send-mail``. Neither the
notification nor the mail names a resident.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale, format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _, ngettext, site_language, text_direction
from ..locale_text import time_span
from ..models import NotificationKind, RotaPlan, Shift, ShiftKind, StaffMember, StaffNotification
from ..models.outbox import OutboxMail
from ..notifications.mails import render_mail, text_and_html_mail
from ..notifications.outbox import queue_message
from ..timeutil import as_utc, end_of_local_day, start_of_local_day, to_local

CALENDAR_PATH = "/medewerkers/agenda"
MAIL_KIND = "rota_notice"
# One shift or turn as compared: kind, counter, start, end.
Turn = tuple[str, int | None, datetime, datetime]


def _key(kind, counter_id, start, end) -> Turn:
    return (ShiftKind(kind).value, counter_id, as_utc(start), as_utc(end))


def shifts_before(session: Session, plan: RotaPlan) -> dict[int, set[Turn]]:
    """The team's shifts in ``plan``'s period as they are before publishing, by person."""
    start, end = start_of_local_day(plan.first_day), end_of_local_day(plan.last_day)
    found: dict[int, set[Turn]] = defaultdict(set)
    for staff_id, kind, counter_id, starts_at, ends_at in session.execute(
        select(Shift.staff_id, Shift.kind, Shift.counter_id, Shift.starts_at, Shift.ends_at).where(
            Shift.filter_teams([plan.team_id]), Shift.starts_at >= start, Shift.starts_at < end
        )
    ):
        found[staff_id].add(_key(kind, counter_id, starts_at, ends_at))
    return found


def plan_turns(plan: RotaPlan) -> dict[int, set[Turn]]:
    """``plan``'s turns by person."""
    found: dict[int, set[Turn]] = defaultdict(set)
    for turn in plan.turns:
        found[turn.staff_id].add(_key(turn.kind, turn.counter_id, turn.starts_at, turn.ends_at))
    return found


def changed_days(before: Mapping[int, set[Turn]], after: Mapping[int, set[Turn]]):
    """Person id → the Brussels days on which their shifts differ (only people with at
    least one such day): new shifts, changed ones, or shifts taken away."""
    changed: dict[int, list[date]] = {}
    for staff_id in set(before) | set(after):
        difference = before.get(staff_id, set()) ^ after.get(staff_id, set())
        if difference:
            changed[staff_id] = sorted({to_local(turn[2]).date() for turn in difference})
    return changed


def _counter_numbers(plan: RotaPlan) -> dict[int, int]:
    return {turn.counter_id: turn.counter.number for turn in plan.turns if turn.counter_id}


def day_entries(turns: set[Turn], changed: list[date], numbers: Mapping[int, int]) -> list[dict]:
    """The person's days in the mail, in the active locale: each with the date, its
    turns ("09:00–12:30 aan balie 3", "13:00–16:30 backoffice") and whether it changed;
    a changed day without turns says so."""
    by_day: dict[date, list[Turn]] = defaultdict(list)
    for turn in sorted(turns, key=lambda turn: turn[2]):
        by_day[to_local(turn[2]).date()].append(turn)
    for day in changed:
        by_day.setdefault(day, [])
    entries = []
    for day in sorted(by_day):
        texts = []
        for kind, counter_id, start, end in by_day[day]:
            span = time_span(start, end)
            if kind == ShiftKind.COUNTER.value:
                texts.append(
                    _(
                        "%(time)s aan balie %(number)s",
                        time=span,
                        number=numbers.get(counter_id, "?"),
                    )
                )
            else:
                texts.append(_("%(time)s backoffice", time=span))
        entries.append(
            {
                "day": format_date(day, "full"),
                "turns": texts or [_("geen beurten")],
                "changed": day in changed,
            }
        )
    return entries


def _context(member, plan, turns, changed, numbers, language) -> dict:
    """What the mail shows, written in the active locale."""
    config = current_app.config
    period = {
        "first": format_date(plan.first_day, "long"),
        "last": format_date(plan.last_day, "long"),
    }
    counter = sum(1 for turn in turns if turn[0] == ShiftKind.COUNTER.value)
    intro = [
        _(
            "Er is een nieuwe beurtrol gepubliceerd voor team %(team)s, van %(first)s tot en "
            "met %(last)s.",
            team=plan.team.name(language),
            **period,
        ),
        ngettext(
            "Uw beurten veranderen op %(num)s dag.",
            "Uw beurten veranderen op %(num)s dagen.",
            len(changed),
        ),
        ngettext(
            "U staat %(num)s keer aan de balie.", "U staat %(num)s keer aan de balie.", counter
        ),
    ]
    base = str(config["BASE_URL"]).rstrip("/")
    return {
        "language": language,
        "text_direction": text_direction(language),
        "subject": _("Nieuwe beurtrol van %(first)s tot en met %(last)s", **period),
        "headline": _("Uw beurten in de nieuwe beurtrol"),
        "intro": intro,
        "days": day_entries(turns, changed, numbers),
        "changed_label": _("gewijzigd"),
        "action_url": f"{base}{CALENDAR_PATH}?by=staff&id={member.id}&date={plan.first_day}",
        "action_label": _("Mijn agenda openen"),
        "summary": {
            "hall_name": config["CITY_HALL_NAME"],
            "hall_address": config["CITY_HALL_ADDRESS"],
        },
        "footer": _("U krijgt deze e-mail omdat een nieuwe beurtrol uw beurten wijzigt."),
    }


def queue_rota_mail(
    session: Session, member: StaffMember, plan: RotaPlan, turns, changed, now: datetime
) -> OutboxMail | None:
    """Write ``member``'s mail about ``plan`` into the outbox; None without an address."""
    if not member.email:
        return None
    language = site_language(member.mail_language)
    now = as_utc(now)
    with force_locale(language):
        context = _context(member, plan, turns, changed, _counter_numbers(plan), language)
        text = render_mail("mail/rota_notice.txt", context)
        html = render_mail("mail/rota_notice.html", context)
    message = text_and_html_mail(
        current_app.config, member.email, context["subject"], text, html, language, now
    )
    return queue_message(session, message, MAIL_KIND, now)


def tell_staff(
    session: Session, plan: RotaPlan, before: Mapping[int, set[Turn]], now: datetime
) -> int:
    """Notify every active person of the team whose shifts ``plan`` creates or changes
    (compared with ``before``, the shifts it replaced): a notification and a mail. Returns
    how many people were told; flushed."""
    after = plan_turns(plan)
    changed = changed_days(before, after)
    if not changed:
        return 0
    people = session.scalars(
        select(StaffMember)
        .where(StaffMember.id.in_(list(changed)), StaffMember.filter_active())
        .order_by(StaffMember.id)
    ).all()
    for member in people:
        turns = after.get(member.id, set())
        days = changed[member.id]
        session.add(
            StaffNotification(
                staff_id=member.id,
                kind=NotificationKind.ROTA,
                plan_id=plan.id,
                created_at=now,
                detail={
                    "changed_days": len(days),
                    "first_changed": days[0].isoformat(),
                    "counter_turns": sum(1 for t in turns if t[0] == ShiftKind.COUNTER.value),
                },
            )
        )
        queue_rota_mail(session, member, plan, turns, days, now)
    session.flush()
    return len(people)
