"""A resident's invitation: choose a time inside the window the clerk set, confirm, done.

The mailed link (``/afspraak/uitnodiging/<token>``) is the credential: it opens a month of
the window's free days (only the invitation's clerk, or the clerks it allows, reserved
time included), then a day's times; choosing one holds it like a normal booking (its
token in the session), and confirming books it, confirmed at once, with the dossier's
contact details: the resident types nothing. The link works once; a used, run-out or
withdrawn one says so, in the resident's language, without showing anyone's details.

Without an explicit language (no ``?lang=``, no remembered choice) the pages open in the
dossier's mail language: the invitation mail was written in it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from ..antibot import book_limit, hold_limit
from ..dossiers.follow_up_operations import (
    book_invitation,
    check_open,
    find_invitation,
    follow_up_services,
    hold_for_invitation,
)
from ..extensions import db
from ..i18n import LANGUAGE_COOKIE, LANGUAGES, _, requested_language
from ..locale_text import time_span
from ..models import Appointment, FollowUp
from ..notifications.links import manage_url
from ..timeutil import to_local, utcnow
from . import blueprint
from .errors import (
    BookingError,
    HoldExpired,
    InvitationClosed,
    InvitationUsed,
    OutsideWindow,
    SlotTaken,
)
from .holds import can_extend, extend_hold, find_hold
from .notify import notify_booked
from .selection import nearest_free_times
from .settings import BookingSettings
from .steps import Choice, parse_day, parse_month, parse_start
from .tokens import looks_like_token
from .window import window_days, window_month, window_times

HOLD_KEY = "invitation_hold"
DONE_KEY = "invitation_done"


def _invitation(token: str) -> FollowUp:
    """The invitation behind a link's token, or a 404 for anything else."""
    follow_up = find_invitation(db.session, token) if looks_like_token(token) else None
    if follow_up is None or not follow_up.invited:
        abort(404)
    return follow_up


def _in_dossier_language(follow_up: FollowUp):
    """A redirect to the same page in the dossier's language when the resident made no
    choice of their own yet (a GET without ``?lang=`` and without the remembered one)."""
    language = follow_up.dossier.language
    if request.method != "GET" or language not in LANGUAGES:
        return None
    if requested_language() or request.cookies.get(LANGUAGE_COOKIE) in LANGUAGES:
        return None
    kept = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return redirect(request.path + "?" + urlencode([*kept, ("lang", language)]))


def _refusal(follow_up: FollowUp, now):
    """The page of a used (409) or closed (410) invitation, or None while it is open.
    It names nobody: whoever holds an old link learns nothing about the dossier."""
    try:
        check_open(follow_up, now)
    except (InvitationUsed, InvitationClosed) as refused:
        return _refusal_page(refused)
    return None


def _refusal_page(refused: BookingError):
    """The page that says why the invitation cannot be used, with the error's status."""
    page = render_template(
        "booking/invitation/closed.html",
        message=refused.message(),
        used=isinstance(refused, InvitationUsed),
    )
    return page, refused.status


def _open_invitation(token: str):
    """(follow_up, None) for an open invitation, or (None, response) with the redirect
    to its language or the page that refuses it."""
    follow_up = _invitation(token)
    response = _in_dossier_language(follow_up) or _refusal(follow_up, utcnow())
    return (None, response) if response is not None else (follow_up, None)


def _choice(follow_up: FollowUp) -> Choice:
    """The services and persons the clerk chose for this visit."""
    return Choice(follow_up_services(db.session, follow_up), follow_up.persons)


def _context(follow_up: FollowUp, **extra) -> dict:
    """What every invitation page shows: the dossier's subject, the services, the window."""
    return {
        "follow_up": follow_up,
        "subject": follow_up.dossier.subject,
        "choice": _choice(follow_up),
        **extra,
    }


@blueprint.after_request
def _private_invitation_pages(response):
    """An invitation's pages carry its token in the address and the dossier's name and
    e-mail on the review: never cached, never sent on as a referrer to another site
    ("same-origin", not "no-referrer": Flask-WTF refuses a form posted over HTTPS without
    a Referer, and these pages post forms)."""
    if (request.endpoint or "").startswith("booking.invitation"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "same-origin"
    return response


@blueprint.get("/uitnodiging/<token>")
def invitation(token: str):
    """Step 1: what the invitation is for, and a month of the window's free days."""
    follow_up, refusal = _open_invitation(token)
    if refusal:
        return refusal
    now = utcnow()
    choice = _choice(follow_up)
    audience = follow_up.audience()
    free = window_days(db.session, choice.services, choice.persons, audience, now)
    asked = request.args.get("maand")
    month = window_month(free, audience, parse_month(asked, now.date()) if asked else None, now)
    return render_template(
        "booking/invitation/start.html",
        token=token,
        month=month,
        any_free=bool(free),
        **_context(follow_up),
    )


def _render_times(follow_up: FollowUp, token: str, day, now, *, taken=None, error=None, status=200):
    """The times of ``day`` inside the window; after a refused choice, why and the
    nearest times the invitation allows."""
    choice = _choice(follow_up)
    audience = follow_up.audience()
    slots = window_times(db.session, choice.services, choice.persons, audience, day, now)
    alternatives = []
    if taken is not None:
        alternatives = nearest_free_times(
            db.session,
            choice.services,
            choice.persons,
            taken,
            now,
            BookingSettings.current(),
            audience=audience,
        )
    page = render_template(
        "booking/invitation/time.html",
        token=token,
        day=day,
        slots=slots,
        alternatives=alternatives,
        error=error,
        outside=not audience.allows_day(day),
        **_context(follow_up),
    )
    return page, status


@blueprint.get("/uitnodiging/<token>/tijd")
def invitation_time(token: str):
    """Step 2: the free times of a day of the window."""
    follow_up, refusal = _open_invitation(token)
    if refusal:
        return refusal
    day = parse_day(request.args.get("dag"))
    if day is None:
        return redirect(url_for(".invitation", token=token))
    return _render_times(follow_up, token, day, utcnow())


def _own_hold(follow_up: FollowUp):
    """The hold this browser keeps for this invitation, or None."""
    hold = find_hold(db.session, session.get(HOLD_KEY))
    return hold if hold is not None and hold.follow_up_id == follow_up.id else None


@blueprint.post("/uitnodiging/<token>/tijd")
@hold_limit
def invitation_hold(token: str):
    """Choosing a time holds it for a few minutes while the resident confirms."""
    follow_up, refusal = _open_invitation(token)
    if refusal:
        return refusal
    now = utcnow()
    start = parse_start(request.form.get("start"))
    day = parse_day(request.form.get("dag"))
    if start is None:
        if day is None:
            return redirect(url_for(".invitation", token=token))
        message = _("Kies een tijdstip uit de lijst.")
        return _render_times(follow_up, token, day, now, error=message, status=400)
    try:
        _hold, hold_token = hold_for_invitation(
            db.session,
            follow_up,
            start,
            now,
            BookingSettings.current(),
            replacing=_own_hold(follow_up),
        )
    except (InvitationUsed, InvitationClosed) as refused:
        db.session.rollback()
        return _refusal_page(refused)
    except OutsideWindow as refused:
        db.session.rollback()
        day = day or to_local(start).date()
        return _render_times(follow_up, token, day, now, error=refused.message(), status=422)
    except SlotTaken as refused:
        db.session.rollback()
        return _render_times(
            follow_up,
            token,
            to_local(start).date(),
            now,
            taken=start,
            error=refused.message(),
            status=409,
        )
    db.session.commit()
    session[HOLD_KEY] = hold_token
    return redirect(url_for(".invitation_review", token=token))


def _live_hold(follow_up: FollowUp, token: str):
    """(hold, None) for this invitation's live hold, or (None, redirect) to the days,
    saying so when the time ran out."""
    hold = _own_hold(follow_up)
    if hold is None:
        return None, redirect(url_for(".invitation", token=token))
    if hold.expires_at <= utcnow():
        session.pop(HOLD_KEY, None)
        flash(HoldExpired().message(), "error")
        return None, redirect(url_for(".invitation", token=token))
    return hold, None


@blueprint.route("/uitnodiging/<token>/bevestigen", methods=["GET", "POST"])
@book_limit
def invitation_review(token: str):
    """Step 3: check the time and the details the dossier holds; confirm (POST)."""
    follow_up, refusal = _open_invitation(token)
    if refusal:
        return refusal
    hold, refusal = _live_hold(follow_up, token)
    if refusal:
        return refusal
    error = None
    if request.method == "POST":
        now = utcnow()
        try:
            visit = book_invitation(db.session, follow_up, hold, now, BookingSettings.current())
            notify_booked(db.session, visit, now)
        except (InvitationUsed, InvitationClosed) as refused:
            db.session.rollback()
            session.pop(HOLD_KEY, None)
            return _refusal_page(refused)
        except HoldExpired:
            db.session.rollback()
            return _live_hold(follow_up, token)[1]
        except BookingError as refused:
            db.session.rollback()
            error = refused.message()
        else:
            db.session.commit()
            session.pop(HOLD_KEY, None)
            session[DONE_KEY] = visit.id
            return redirect(url_for(".invitation_done"))
    return render_template(
        "booking/invitation/review.html",
        token=token,
        hold=hold,
        dossier=follow_up.dossier,
        error=error,
        extendable=can_extend(hold, BookingSettings.current()),
        extend_url=url_for(".invitation_extend", token=token),
        **_context(follow_up),
    ), (400 if error else 200)


@blueprint.post("/uitnodiging/<token>/verlengen")
def invitation_extend(token: str):
    """More time, once: the resident asked before the hold ran out (WCAG 2.2.1)."""
    follow_up, refusal = _open_invitation(token)
    if refusal:
        return refusal
    hold, refusal = _live_hold(follow_up, token)
    if refusal:
        return refusal
    if extend_hold(db.session, hold, utcnow(), BookingSettings.current()):
        db.session.commit()
        flash(
            _("We houden uw tijdstip nu vast tot %(time)s.", time=time_span(hold.expires_at)),
            "success",
        )
    return redirect(url_for(".invitation_review", token=token))


@blueprint.get("/uitnodiging/klaar")
def invitation_done():
    """After confirming: the visit is booked; the confirmation mail is on its way."""
    visit = db.session.get(Appointment, session.get(DONE_KEY) or 0)
    if visit is None or visit.follow_up_id is None:
        return redirect(url_for(".services"))
    return render_template(
        "booking/invitation/done.html",
        appointment=visit,
        manage_url=manage_url(current_app.config, visit),
    )
