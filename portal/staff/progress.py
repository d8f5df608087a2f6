"""One endpoint for every step of a visit's day (arrive, call, start, finish, no-show,
undo), used by the Today page, reception and the waiting room."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from ..booking.errors import BookingError
from ..dossiers.mail import notify_owner
from ..extensions import db
from ..i18n import _
from ..models import Counter, NotificationKind
from ..timeutil import utcnow
from . import blueprint
from .access import VISIT_ROLES, parse_id, roles_required, visit_or_404
from .auth import safe_next
from .operations import PROGRESS_STEPS, record_progress


def _counter_from_form() -> int | None:
    """The counter a resident is called to (``counter_id`` in the form), if a real one."""
    counter_id = parse_id(request.form.get("counter_id"))
    if counter_id is None:
        return None
    counter = db.session.get(Counter, counter_id)
    return counter.id if counter is not None and counter.active else None


def step_message(step: str, reference: str, queue_label: str | None = None) -> str:
    """What the flash message says after a step (a check-in names the queue number)."""
    if step == "arrive" and queue_label:
        return _(
            "%(reference)s is aangemeld en wacht, met volgnummer %(number)s.",
            reference=reference,
            number=queue_label,
        )
    messages = {
        "arrive": _("%(reference)s is aangemeld en wacht.", reference=reference),
        "call": _("%(reference)s is opgeroepen.", reference=reference),
        "start": _("%(reference)s is in behandeling.", reference=reference),
        "finish": _("%(reference)s is afgehandeld.", reference=reference),
        "no_show": _("%(reference)s is als niet gekomen genoteerd.", reference=reference),
        "undo": _("De laatste stap van %(reference)s is teruggedraaid.", reference=reference),
    }
    return messages[step]


@blueprint.route("/bezoek/<int:visit_id>/stap", methods=["POST"])
@roles_required(*VISIT_ROLES)
def visit_progress(visit_id: int):
    """Record a step (form field ``step``; ``counter_id`` for a call) and go back to the
    page in ``next``. A step that does not fit is refused with a message; nothing changes."""
    visit = visit_or_404(db.session, current_user, visit_id)
    step = request.form.get("step", "")
    if step not in PROGRESS_STEPS:
        abort(400)
    now = utcnow()
    try:
        record_progress(db.session, current_user, visit, step, now, counter_id=_counter_from_form())
        if step == "no_show" and visit.dossier_id is not None:
            # The dossier's owner is told (and offered to invite again).
            notify_owner(db.session, visit, NotificationKind.NO_SHOW, now)
    except BookingError as refusal:
        db.session.rollback()
        flash(refusal.message(), "error")
    else:
        db.session.commit()
        flash(step_message(step, visit.reference, visit.queue_label), "success")
    return redirect(
        safe_next(request.form.get("next")) if request.form.get("next") else url_for("staff.today")
    )
