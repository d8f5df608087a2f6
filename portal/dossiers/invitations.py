"""What staff do with an invitation (or a follow-up still to be booked): send it again,
give it a later last day, or withdraw it.

``POST /medewerkers/dossiers/uitnodiging/<id>/<action>``, ``action`` one of ``resend``,
``extend`` (form field ``latest``) and ``revoke``. The team boundary is the dossier's
team (404 otherwise, like a missing id). Every action is audited with the dossier's
reference, never the resident's name; the request commits once.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template

from ..booking.errors import OutsideWindow
from ..extensions import db
from ..i18n import _
from ..models import FollowUp, FollowUpState
from ..notifications.summary import local_date
from ..staff.access import VISIT_ROLES, roles_required
from ..timeutil import local_today, utcnow
from . import blueprint
from .follow_up_forms import ExtendForm
from .follow_up_operations import extend, invitation_token, mark_resent, revoke
from .follow_ups import audit_dossier, dossier_url, follow_up_or_404, sent_page
from .mail import queue_invitation_mail

ACTIONS = ("resend", "extend", "revoke")


def _extend_page(follow_up: FollowUp, form: ExtendForm, status: int):
    """The extend form again, with its problem tied to the field."""
    page = render_template(
        "dossiers/invitation_extend.html",
        follow_up=follow_up,
        dossier=follow_up.dossier,
        form=form,
        dossier_url=dossier_url(follow_up.dossier),
        local_date=local_date,
    )
    return page, status


def _resend(follow_up: FollowUp, now):
    """Mail the same link again (and show it when no mail goes out)."""
    if not follow_up.invited or follow_up.state(now) != FollowUpState.OPEN:
        flash(_("Alleen een open uitnodiging kan opnieuw worden gestuurd."), "error")
        return redirect(dossier_url(follow_up.dossier))
    token = invitation_token(current_app.config["SECRET_KEY"], follow_up)
    mailed = queue_invitation_mail(db.session, follow_up, token, now) is not None
    mark_resent(db.session, follow_up, now)
    audit_dossier(
        "dossier.invitation_resend",
        follow_up.dossier,
        detail={"follow_up_id": follow_up.id, "mailed": mailed},
        now=now,
    )
    db.session.commit()
    if mailed:
        flash(_("De uitnodiging is opnieuw verstuurd."), "success")
        return redirect(dossier_url(follow_up.dossier))
    return sent_page(follow_up, token, mailed)


def _extend(follow_up: FollowUp, now):
    """A later last day (an expired or withdrawn invitation opens again)."""
    form = ExtendForm()
    if follow_up.used_at is not None:
        flash(_("Deze vervolgafspraak is al geboekt en kan niet meer worden verlengd."), "error")
        return redirect(dossier_url(follow_up.dossier))
    latest = form.new_latest(follow_up.earliest, local_today(now))
    if latest is None:
        return _extend_page(follow_up, form, 422)
    before = follow_up.latest.isoformat()
    try:
        extend(db.session, follow_up, latest, now)
    except OutsideWindow:
        db.session.rollback()
        form.latest.errors = [_("Deze datum kan niet: kies een dag binnen het jaar, na het begin.")]
        return _extend_page(follow_up, form, 422)
    audit_dossier(
        "dossier.invitation_extend",
        follow_up.dossier,
        detail={"follow_up_id": follow_up.id, "from": before, "to": latest.isoformat()},
        now=now,
    )
    db.session.commit()
    flash(_("De periode loopt nu tot %(day)s.", day=local_date(latest)), "success")
    return redirect(dossier_url(follow_up.dossier))


def _revoke(follow_up: FollowUp, now):
    """Withdraw it: its link stops working at once."""
    if follow_up.used_at is not None:
        flash(_("Deze vervolgafspraak is al geboekt: annuleer de afspraak zelf."), "error")
        return redirect(dossier_url(follow_up.dossier))
    revoke(db.session, follow_up, now)
    audit_dossier(
        "dossier.invitation_revoke",
        follow_up.dossier,
        detail={"follow_up_id": follow_up.id},
        now=now,
    )
    db.session.commit()
    if follow_up.invited:
        flash(_("De uitnodiging is ingetrokken: de link werkt niet meer."), "success")
    else:
        flash(_("De geplande vervolgafspraak is geschrapt."), "success")
    return redirect(dossier_url(follow_up.dossier))


@blueprint.post("/uitnodiging/<int:follow_up_id>/<action>", endpoint="invitation_action")
@roles_required(*VISIT_ROLES)
def invitation_action(follow_up_id: int, action: str):
    """Resend, extend or revoke an invitation of a dossier of the reader's team."""
    if action not in ACTIONS:
        abort(404)
    follow_up = follow_up_or_404(follow_up_id)
    now = utcnow()
    if action == "resend":
        return _resend(follow_up, now)
    if action == "extend":
        return _extend(follow_up, now)
    return _revoke(follow_up, now)
