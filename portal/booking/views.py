"""Booking a visit, one question per page, working without JavaScript.

Services and persons → a month of days → the times of a day (choosing one holds it) →
contact details → review and submit. The choice travels in the query string; only the
hold's token lives in the session. Views parse, call an operation, commit once.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from sqlalchemy.orm import selectinload

from ..cache_generation import request_generations
from ..call_back import is_call_back
from ..extensions import db
from ..i18n import _, current_language
from ..locale_text import time_span
from ..models import Service
from ..page_cache import kept_page, render_cached
from ..spoken_languages import spoken_language_choices
from ..timeutil import to_local, utcnow
from . import blueprint
from .clerk_choice import hand_hold_to_speaker
from .errors import BookingError, HoldExpired, NotBookable, SlotTaken
from .flow_state import (
    DONE_KEY,
    HOLD_KEY,
    keep_draft,
    kept_draft,
    start_new_booking,
    to_booked_visit,
)
from .forms import ContactForm, ReviewForm
from .holds import can_extend, extend_hold, find_hold, hold_services
from .notify import notify_booked
from .operations import book_hold, place_hold
from .search import matches, searchable_texts
from .selection import nearest_free_times
from .settings import BookingSettings
from .steps import (
    MAX_PERSONS_SHOWN,
    SPOKEN,
    Choice,
    choice_from,
    month_view,
    parse_day,
    parse_ids,
    parse_month,
    parse_spoken_language,
    parse_start,
    speaker_starts,
    times_on,
)
from .topics import topic_label, topic_order


def _rate_limited(kind: str):
    """The rate limit of ``kind`` (hold, book) when Flask-Limiter is wired, else nothing."""
    from .. import antibot

    return getattr(antibot, f"{kind}_limit")


@blueprint.get("")
def services():
    """Step 1: which services (several may be combined) and for how many people."""
    query = (request.args.get("q") or "").strip()[:80]
    listed = db.session.scalars(
        Service.listed().options(selectinload(Service.texts), selectinload(Service.team))
    ).all()
    language = current_language()
    public = [service for service in listed if service.publicly_bookable]
    if query:
        public = [s for s in public if matches(query, searchable_texts(s, language))]
    groups: dict = {}
    for service in sorted(public, key=lambda service: topic_order(service.topic)):
        groups.setdefault(topic_label(service.topic), []).append(service)
    chosen = parse_ids(request.args.getlist("dienst")) or []
    spoken = parse_spoken_language(request.args.get(SPOKEN)) or language
    return render_template(
        "booking/services.html",
        spoken_language=spoken,
        spoken_choices=spoken_language_choices(),
        groups=groups,
        query=query,
        chosen=set(chosen),
        persons=request.args.get("personen", "1"),
        max_persons=MAX_PERSONS_SHOWN,
        error=_("Kies minstens één dienst.") if request.args.get("fout") == "leeg" else None,
        combination_error=request.args.get("fout") == "combinatie",
    )


def _choice_or_redirect(args=None):
    """The choice in the query string (or a form), or a redirect back to step 1 that
    says why."""
    args = request.args if args is None else args
    if not args.getlist("dienst"):
        return None, redirect(url_for(".services", fout="leeg"))
    try:
        return choice_from(db.session, args), None
    except NotBookable:
        # Only what can be a service's id goes back into the address (never 100 kB).
        ids = [value for value in args.getlist("dienst")[:10] if parse_ids([value])]
        kept = {"dienst": ids, "fout": "combinatie"}
        return None, redirect(url_for(".services", **kept))


@blueprint.get("/dag")
def day():
    """Step 2: a month calendar; days with free times are links to step 3.

    A reader without a session of their own gets the page kept for this address in this
    minute while nothing was written since (``request_generations``), before the services
    are even read: the month of a popular service is the most asked page at an opening.
    Time alone (a hold running out, the notice passing) shows within the minute; the
    time page always reads anew."""
    now = utcnow()
    kept_key = (request_generations(), now.replace(second=0, microsecond=0))
    kept = kept_page("booking/day.html", kept_key)
    if kept is not None:
        return kept
    choice, refusal = _choice_or_redirect()
    if refusal:
        return refusal
    month = month_view(db.session, choice, parse_month(request.args.get("maand"), now.date()), now)
    return render_cached(
        kept_key, "booking/day.html", lambda: {"choice": choice, "month": month}
    )


def _render_times(choice: Choice, day, now, *, taken=None, status=200):
    slots = times_on(db.session, choice, day, now)
    alternatives = []
    if taken is not None:
        alternatives = nearest_free_times(
            db.session, choice.services, choice.persons, taken, now, BookingSettings.current()
        )
    return (
        render_template(
            "booking/time.html",
            choice=choice,
            day=day,
            slots=slots,
            taken=taken,
            alternatives=alternatives,
            speakers=speaker_starts(db.session, choice, [*slots, *alternatives]),
        ),
        status,
    )


@blueprint.get("/tijd")
def time():
    """Step 3: the free times of the chosen day, as a list of radio buttons."""
    choice, refusal = _choice_or_redirect()
    if refusal:
        return refusal
    chosen_day = parse_day(request.args.get("dag"))
    if chosen_day is None:
        return redirect(url_for(".day", **choice.args()))
    return _render_times(choice, chosen_day, utcnow())


def _first_draft(previous: dict | None, choice: Choice) -> dict:
    """What the details page starts from: what the resident typed for an earlier time
    (choosing another time keeps it), else the page's language for the mails and the
    language chosen at step 1 for the counter."""
    if previous:
        return previous
    language = current_language()
    return {"language": language, "spoken_language": choice.spoken_language or language}


@blueprint.post("/tijd")
@_rate_limited("hold")
def hold():
    """Choosing a time holds it for a few minutes while the resident finishes."""
    args = request.form
    choice, refusal = _choice_or_redirect(args)
    if refusal:
        return refusal
    now = utcnow()
    start = parse_start(args.get("start"))
    chosen_day = parse_day(args.get("dag"))
    if start is None:
        if chosen_day is None:
            return redirect(url_for(".day", **choice.args()))
        page, _status = _render_times(choice, chosen_day, now)
        return page, 400
    previous = find_hold(db.session, session.get(HOLD_KEY))
    draft = _first_draft((previous.draft if previous else None) or kept_draft(), choice)
    try:
        held, token = place_hold(
            db.session,
            choice.services,
            choice.persons,
            start,
            now,
            BookingSettings.current(),
            replacing=previous,
            prefer_language=choice.spoken_language,
        )
        held.draft = draft
    except SlotTaken:
        db.session.rollback()
        session.pop(HOLD_KEY, None)
        return _render_times(choice, to_local(start).date(), now, taken=start, status=409)
    db.session.commit()
    session[HOLD_KEY] = token
    start_new_booking()
    return redirect(url_for(".details"))


def _live_hold():
    """(hold, services, None) for the resident's live hold, or (None, None, response)
    with the page that says the time is no longer kept."""
    hold = find_hold(db.session, session.get(HOLD_KEY))
    if hold is None:
        return None, None, to_booked_visit() or redirect(url_for(".services"))
    services = hold_services(db.session, hold)
    now = utcnow()
    if hold.expires_at <= now:
        return None, None, _expired_page(hold, services, now)
    return hold, services, None


def _expired_page(hold, services, now):
    """The resident's hold ran out: it is forgotten, and the nearest times are offered."""
    session.pop(HOLD_KEY, None)
    keep_draft(hold.draft)  # the next time chosen opens the details filled in
    return render_expired(services, hold.persons, hold.starts_at, now, HoldExpired())


def render_expired(services, persons: int, wished, now, error: BookingError):
    """The page for a time no longer kept (a run-out hold or activation link): why, and
    the free times nearest to the one the resident wished for; status 410."""
    alternatives = []
    if services:
        alternatives = nearest_free_times(
            db.session, services, persons, wished, now, BookingSettings.current()
        )
    page = render_template(
        "booking/expired.html",
        choice=Choice(services, persons),
        wished=wished,
        alternatives=alternatives,
        message=error.message(),
    )
    return page, 410


@blueprint.route("/gegevens", methods=["GET", "POST"])
def details():
    """Step 4: who comes and how to reach them; kept with the hold until submit."""
    hold, services, refusal = _live_hold()
    if refusal:
        return refusal
    draft = hold.draft or {"language": current_language(), "spoken_language": current_language()}
    form = ContactForm(data=draft, phone_required=is_call_back(services))
    if form.validate_on_submit():
        hold.draft = form.draft()
        # A language named (or changed) only here still gets a colleague who speaks it.
        hand_hold_to_speaker(
            db.session,
            hold,
            services,
            form.spoken_language.data,
            utcnow(),
            BookingSettings.current(),
        )
        db.session.commit()
        return redirect(url_for(".review"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "booking/details.html",
        form=form,
        hold=hold,
        choice=Choice(services, hold.persons),
        extendable=can_extend(hold, BookingSettings.current()),
    ), status


@blueprint.route("/controle", methods=["GET", "POST"])
@_rate_limited("book")
def review():
    """Step 5: check everything, prove to be no robot, and submit."""
    from ..antibot import verify_altcha

    hold, services, refusal = _live_hold()
    if refusal:
        return refusal
    # formdata=None: the review's own POST must not re-read the details form's fields
    # (an unticked checkbox is absent from it, which WTForms would read as "no").
    contact_form = ContactForm(
        formdata=None,
        data=hold.draft or {},
        meta={"csrf": False},
        phone_required=is_call_back(services),
    )
    if not hold.draft or not contact_form.validate():
        return redirect(url_for(".details"))
    form = ReviewForm()
    choice = Choice(services, hold.persons)
    error = None
    if form.validate_on_submit():
        now = utcnow()
        payload = request.form.get("altcha")
        if form.website.data:
            error = _("Uw aanvraag kon niet worden verwerkt. Probeer het opnieuw.")
        elif payload is not None and not verify_altcha(db.session, payload, now):
            error = _("De controle tegen robots is niet gelukt. Probeer het opnieuw.")
        else:
            # Without JavaScript there is no proof of work: then the mailed link must
            # confirm the visit, whatever the city's activation setting.
            force_activation = True if payload is None else None
            try:
                appointment = book_hold(
                    db.session,
                    hold,
                    contact_form.contact(),
                    now,
                    BookingSettings.current(),
                    require_activation=force_activation,
                )
                notify_booked(db.session, appointment, now)
            except HoldExpired:
                db.session.rollback()
                return _expired_page(hold, services, now)
            except BookingError as refused:
                db.session.rollback()
                error = refused.message()
            else:
                db.session.commit()
                session.pop(HOLD_KEY, None)
                session[DONE_KEY] = appointment.id
                return redirect(url_for(".done"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "booking/review.html",
        form=form,
        hold=hold,
        choice=choice,
        contact=contact_form.contact(),
        error=error,
        extendable=can_extend(hold, BookingSettings.current()),
    ), status


@blueprint.post("/verlengen")
def extend():
    """More time, once: the resident asked before the hold ran out (WCAG 2.2.1)."""
    back = ".review" if request.form.get("terug") == "controle" else ".details"
    hold, _services, refusal = _live_hold()
    if refusal:
        return refusal
    now = utcnow()
    if extend_hold(db.session, hold, now, BookingSettings.current()):
        db.session.commit()
        flash(
            _("We houden uw tijdstip nu vast tot %(time)s.", time=time_span(hold.expires_at)),
            "success",
        )
    return redirect(url_for(back))


# The page after submitting ("booking.done") and its help live in done_page.py.
