"""The page after submitting ("almost done" or "booked") and the help it offers while
the visit waits for its activation: send the mail again, or correct the address.

Only the browser that booked the visit can use the help: the visit is the session's
``DONE_KEY``, never an id from the request. See :mod:`.activation_help` for the limits.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from markupsafe import Markup, escape
from wtforms import EmailField

from ..antibot import activation_help_limit
from ..extensions import db
from ..i18n import _, _l
from ..locale_text import isolate
from ..models import Appointment
from ..plain_text import PlainTextForm
from ..timeutil import utcnow
from . import blueprint
from .activation_help import (
    can_help,
    correct_address,
    resend_activation,
    resends_left,
    waits_for_activation,
)
from .errors import BookingError
from .flow_state import just_booked_id
from .forms import EMAIL_CHECKS, stripped
from .settings import BookingSettings


class CorrectEmailForm(PlainTextForm):
    """The address the activation mail should have gone to."""

    email = EmailField(
        _l("Uw juiste e-mailadres"),
        description=_l("We sturen de e-mail naar dit adres. Het vorige adres krijgt niets meer."),
        validators=list(EMAIL_CHECKS),
        filters=[stripped],
    )


def _said(sentence: str, **values: str) -> Markup:
    """A translated sentence (its placeholders not yet filled) as HTML, with ``values``
    (e-mail addresses) kept left to right inside right-to-left text."""
    return escape(sentence) % {
        name: isolate(value, html=True, ltr=True) for name, value in values.items()
    }


def _booked() -> Appointment | None:
    """The visit this browser just booked, or None."""
    booked = just_booked_id()
    return db.session.get(Appointment, booked) if booked is not None else None


def _render(appointment: Appointment, *, correct_form=None, error=None, status=200):
    now = utcnow()
    helping = can_help(db.session, appointment, now)
    if correct_form is None:
        correct_form = CorrectEmailForm(formdata=None, data={"email": appointment.email})
    return render_template(
        "booking/done.html",
        appointment=appointment,
        waiting=waits_for_activation(appointment, now),
        helping=helping,
        resends_left=resends_left(db.session, appointment) if helping else 0,
        correct_form=correct_form,
        error=error,
    ), status


@blueprint.get("/klaar")
def done():
    """After submitting: check your mail (pending) or your visit is booked (confirmed)."""
    appointment = _booked()
    if appointment is None:
        return redirect(url_for(".services"))
    return _render(appointment)


@blueprint.post("/klaar/opnieuw-sturen")
@activation_help_limit
def resend():
    """Send the activation mail of the visit this browser booked once more (the CSRF
    token, checked for every POST, is the whole form)."""
    appointment = _booked()
    if appointment is None:
        return redirect(url_for(".services"))
    try:
        resend_activation(db.session, appointment, utcnow())
    except BookingError as refused:
        db.session.rollback()
        return _render(appointment, error=refused.message(), status=refused.status)
    db.session.commit()
    said = _("We stuurden de e-mail opnieuw naar %(email)s.")
    flash(_said(said, email=appointment.email), "success")
    return redirect(url_for(".done"))


@blueprint.post("/klaar/e-mailadres")
@activation_help_limit
def correct_email():
    """Correct the e-mail address of the visit this browser booked, and send the
    activation mail there."""
    appointment = _booked()
    if appointment is None:
        return redirect(url_for(".services"))
    form = CorrectEmailForm()
    if not form.validate_on_submit():
        return _render(appointment, correct_form=form, status=400)
    try:
        corrected = correct_address(
            db.session, appointment, form.email.data, utcnow(), BookingSettings.current()
        )
    except BookingError as refused:
        db.session.rollback()
        return _render(
            appointment, correct_form=form, error=refused.message(), status=refused.status
        )
    db.session.commit()
    if corrected:
        said = _("Uw e-mailadres is verbeterd. We stuurden een nieuwe e-mail naar %(email)s.")
    else:
        said = _("We stuurden de e-mail opnieuw naar %(email)s.")
    flash(_said(said, email=appointment.email), "success")
    return redirect(url_for(".done"))
