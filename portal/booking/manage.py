"""The manage link: see, confirm, move or cancel a visit without an account.

A GET never changes anything (mail scanners follow links); confirming, moving and
cancelling are POSTs from a page that asks first.

A dossier visit (one with a follow-up) moves only inside its follow-up's window and with
its clerk (or the clerks it allows): the move pages offer only those days and times, and a
forged time is refused with :class:`OutsideWindow`. When the resident moves or cancels a
dossier visit, the dossier's owner is told.
"""

from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, render_template, request, url_for

from ..dossiers.mail import notify_owner
from ..extensions import db
from ..i18n import _
from ..models import AppointmentStatus, NotificationKind
from ..notifications.qr import reference_qr_svg
from ..timeutil import to_local, utcnow
from . import blueprint
from .errors import ActivationExpired, BookingError, OutsideWindow, SlotTaken
from .notify import notify
from .operations import can_change, cancel, confirm, find_appointment, move
from .selection import nearest_free_times
from .settings import BookingSettings
from .steps import Choice, month_view, parse_day, parse_month, parse_start, times_on
from .tokens import looks_like_token
from .views import render_expired
from .window import window_days, window_month, window_times


def _visit(token: str):
    """The visit behind a manage token, or a 404 for anything else."""
    appointment = find_appointment(db.session, token) if looks_like_token(token) else None
    if appointment is None:
        abort(404)
    return appointment


def _changeable(appointment, now) -> bool:
    """Moving and cancelling are offered for confirmed visits not too close to start."""
    return appointment.status == AppointmentStatus.CONFIRMED and can_change(
        appointment, now, BookingSettings.current()
    )


def _audience(appointment):
    """The window and clerks a dossier visit must keep, or None for any other visit."""
    return appointment.follow_up.audience() if appointment.follow_up is not None else None


def _tell_owner(appointment, kind: NotificationKind, now, detail=None) -> None:
    """Tell the dossier's owner what the resident did (nothing outside a dossier)."""
    if appointment.dossier_id is not None:
        notify_owner(db.session, appointment, kind, now, detail=detail)


def _expired_page(appointment, now):
    """An activation link that ran out: say so, and offer the nearest free times."""
    return render_expired(
        appointment.services, appointment.persons, appointment.starts_at, now, ActivationExpired()
    )


@blueprint.get("/beheer/<token>")
def visit(token: str):
    """The visit: confirm it (pending), or see it with its QR code, move or cancel it."""
    appointment = _visit(token)
    now = utcnow()
    if appointment.activation_expired(now):
        return _expired_page(appointment, now)
    changeable = _changeable(appointment, now)
    qr = reference_qr_svg(
        appointment.reference,
        _("QR-code van referentie %(reference)s", reference=appointment.reference),
    )
    return render_template(
        "booking/manage/visit.html",
        appointment=appointment,
        token=token,
        qr=qr,
        changeable=changeable,
        too_late=appointment.status == AppointmentStatus.CONFIRMED
        and not changeable
        and appointment.starts_at > now,
    )


@blueprint.post("/beheer/<token>/bevestigen")
def confirm_visit(token: str):
    """Confirm a pending visit (the activation link's button)."""
    appointment = _visit(token)
    now = utcnow()
    try:
        changed = confirm(db.session, appointment, now)
        if changed:
            notify(db.session, appointment, "confirmation", now)
    except ActivationExpired:
        db.session.rollback()
        return _expired_page(appointment, now)
    except BookingError as refused:
        db.session.rollback()
        flash(refused.message(), "error")
        return redirect(url_for(".visit", token=token))
    db.session.commit()
    if changed:
        flash(_("Uw afspraak is bevestigd. U krijgt een e-mail met de details."), "success")
    return redirect(url_for(".visit", token=token))


@blueprint.route("/beheer/<token>/annuleren", methods=["GET", "POST"])
def cancel_visit(token: str):
    """Ask before cancelling (GET); cancel (POST)."""
    appointment = _visit(token)
    now = utcnow()
    if request.method == "POST":
        try:
            cancel(db.session, appointment, now, BookingSettings.current())
            notify(db.session, appointment, "cancelled", now)
            _tell_owner(appointment, NotificationKind.CANCELLED, now)
        except BookingError as refused:
            db.session.rollback()
            flash(refused.message(), "error")
            return redirect(url_for(".visit", token=token))
        db.session.commit()
        if appointment.email:
            flash(_("Uw afspraak is geannuleerd. U krijgt een bevestiging per e-mail."), "success")
        else:  # booked at the desk without an address ("manage with a code"): no mail
            flash(_("Uw afspraak is geannuleerd."), "success")
        return redirect(url_for(".visit", token=token))
    if not _changeable(appointment, now):
        return redirect(url_for(".visit", token=token))
    return render_template("booking/manage/cancel.html", appointment=appointment, token=token)


@blueprint.get("/beheer/<token>/verplaatsen")
def move_day(token: str):
    """Moving, step 1: a month of days with free times for the same services."""
    appointment = _visit(token)
    now = utcnow()
    if not _changeable(appointment, now):
        return redirect(url_for(".visit", token=token))
    choice = Choice(appointment.services, appointment.persons)
    fallback = to_local(appointment.starts_at).date()
    audience = _audience(appointment)
    if audience is None:
        month = month_view(
            db.session,
            choice,
            parse_month(request.args.get("maand"), fallback),
            now,
            ignore_appointment_id=appointment.id,
        )
    else:
        free = window_days(
            db.session,
            choice.services,
            choice.persons,
            audience,
            now,
            ignore_appointment_id=appointment.id,
        )
        month = window_month(free, audience, parse_month(request.args.get("maand"), fallback), now)
    own_day = to_local(appointment.starts_at).date()
    if own_day in month.free_days and not _other_times(appointment, choice, own_day, now):
        # The visit's own time is all that is free that day: nothing to move to.
        month = replace(month, free_days=month.free_days - {own_day})
    chosen_day = parse_day(request.args.get("dag"))
    slots = _other_times(appointment, choice, chosen_day, now) if chosen_day else []
    return render_template(
        "booking/manage/move.html",
        appointment=appointment,
        token=token,
        choice=choice,
        month=month,
        day=chosen_day,
        slots=slots,
        follow_up=appointment.follow_up,
    )


def _other_times(appointment, choice: Choice, day, now) -> list:
    """The free times of ``day`` the visit could move to (its own time left out); for a
    dossier visit only inside its window and with its clerk."""
    audience = _audience(appointment)
    if audience is None:
        slots = times_on(db.session, choice, day, now, ignore_appointment_id=appointment.id)
    else:
        slots = window_times(
            db.session,
            choice.services,
            choice.persons,
            audience,
            day,
            now,
            ignore_appointment_id=appointment.id,
        )
    return [slot for slot in slots if slot.start != appointment.starts_at]


@blueprint.route("/beheer/<token>/verplaatsen/bevestigen", methods=["GET", "POST"])
def move_confirm(token: str):
    """Moving, step 2: ask "from … to …?" (GET), then move (POST)."""
    appointment = _visit(token)
    now = utcnow()
    start = parse_start(request.values.get("start"))
    if not _changeable(appointment, now):
        return redirect(url_for(".visit", token=token))
    if start is None:
        return redirect(url_for(".move_day", token=token))
    audience = _audience(appointment)
    if audience is not None and not audience.allows_day(to_local(start).date()):
        flash(OutsideWindow().message(), "error")
        return redirect(url_for(".move_day", token=token))
    if request.method == "POST":
        old_start = appointment.starts_at
        try:
            move(db.session, appointment, start, now, BookingSettings.current())
            notify(db.session, appointment, "moved", now)
            detail = {"from": old_start.isoformat(), "to": appointment.starts_at.isoformat()}
            _tell_owner(appointment, NotificationKind.MOVED, now, detail)
        except OutsideWindow as refused:
            db.session.rollback()
            flash(refused.message(), "error")
            return redirect(url_for(".move_day", token=token))
        except SlotTaken:
            db.session.rollback()
            alternatives = nearest_free_times(
                db.session,
                appointment.services,
                appointment.persons,
                start,
                now,
                BookingSettings.current(),
                ignore_appointment_id=appointment.id,
                audience=audience,
            )
            page = render_template(
                "booking/manage/move_taken.html",
                appointment=appointment,
                token=token,
                wished=start,
                alternatives=[s for s in alternatives if s.start != appointment.starts_at],
            )
            return page, 409
        except BookingError as refused:
            db.session.rollback()
            flash(refused.message(), "error")
            return redirect(url_for(".visit", token=token))
        db.session.commit()
        if appointment.email:
            flash(
                _("Uw afspraak is verplaatst. U krijgt een e-mail met het nieuwe tijdstip."),
                "success",
            )
        else:  # booked at the desk without an address ("manage with a code"): no mail
            flash(_("Uw afspraak is verplaatst."), "success")
        return redirect(url_for(".visit", token=token))
    end = start + (appointment.ends_at - appointment.starts_at)
    return render_template(
        "booking/manage/move_confirm.html",
        appointment=appointment,
        token=token,
        start=start,
        end=end,
    )
