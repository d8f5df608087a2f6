"""The check-in slip: the small paper reception hands a resident who checked in, with
the queue number the hall's screen will call, in the resident's language (and in Dutch
beside it when that is another language, for whoever helps them read it)."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import force_locale
from flask_login import current_user
from markupsafe import Markup

from ..extensions import db
from ..i18n import DEFAULT_LANGUAGE, current_language, site_language, text_direction
from ..models import Appointment, AuditAction
from ..notifications.summary import local_date, local_time, team_names
from . import blueprint
from .access import VISIT_ROLES, roles_required, visit_or_404
from .audit import record


def slip_languages(visit: Appointment) -> list[str]:
    """The slip's languages: the resident's first, then Dutch if that is another."""
    language = site_language(visit.language)
    return list(dict.fromkeys([language, DEFAULT_LANGUAGE]))


def render_slip(visit: Appointment) -> Markup:
    """The slip of ``visit``: its queue number large, then team, time and counter, and
    what to do, once per language of :func:`slip_languages`."""
    parts = []
    for language in slip_languages(visit):
        with force_locale(language):
            parts.append(
                render_template(
                    "staff/queue_slip_part.html",
                    visit=visit,
                    team=team_names(visit, language),
                    date=local_date(visit.starts_at),
                    time=local_time(visit.starts_at),
                    language=language,
                    text_direction=text_direction(language),
                )
            )
    return Markup("".join(parts))  # noqa: S704 - rendered by our own autoescaping template


@blueprint.get("/afspraak/<int:visit_id>/volgnummer")
@roles_required(*VISIT_ROLES)
def queue_slip(visit_id: int):
    """The printable check-in slip of a visit that has a queue number (404 without)."""
    visit = visit_or_404(db.session, current_user, visit_id)
    if visit.queue_label is None:
        abort(404)
    record(db.session, current_user, AuditAction.VIEW, "visit.queue_slip", visit=visit)
    db.session.commit()
    staff_language = current_language()
    return render_template(
        "staff/queue_slip.html",
        visit=visit,
        slip=render_slip(visit),
        visit_url=url_for("staff.visit", visit_id=visit.id),
        search_url=url_for("staff.find_visit"),
        language=staff_language,
        text_direction=text_direction(staff_language),
    )
