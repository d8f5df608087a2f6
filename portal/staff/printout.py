"""The printable confirmation of a visit booked on behalf of a resident: the sheet in the
resident's language (when, where, what to bring, the reference with its QR code and the
manage link), shown inside a staff page that says whether a confirmation mail went out.
Booking on behalf of a resident (:mod:`.on_behalf`) ends here.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_login import current_user
from markupsafe import Markup

from ..booking.access_code import printed_code
from ..booking.operations import can_change
from ..booking.settings import BookingSettings
from ..extensions import db
from ..i18n import _, current_language, site_language, text_direction
from ..models import Appointment, AuditAction, Service
from ..notifications.links import manage_url
from ..notifications.qr import reference_qr_svg
from ..notifications.summary import (
    SOURCE_LANGUAGE,
    local_moment,
    local_time,
    service_documents,
    visit_summary,
)
from ..timeutil import utcnow
from . import blueprint
from .access import VISIT_ROLES, roles_required, visit_or_404
from .audit import record


def _documents_to_bring(visit: Appointment, language: str) -> list[tuple[Service, list[str], str]]:
    """(service, documents, language of that list) for every service that asks for
    documents; a list falls back to Dutch where the translation has none."""
    listed = []
    for service in visit.services:
        documents = service_documents(service, language)
        if documents:
            text = service.text(language)
            own = text.language if text.document_list else SOURCE_LANGUAGE
            listed.append((service, documents, own))
    return listed


def render_printout_sheet(visit: Appointment, now: datetime) -> Markup:
    """The confirmation of ``visit`` in the resident's language (its ``language``): when,
    where, what to bring, the reference with its QR code and the manage link."""
    language = site_language(visit.language)
    config = current_app.config
    settings = BookingSettings.current()
    with force_locale(language):
        qr_label = _("QR-code van referentie %(reference)s", reference=visit.reference)
        changeable = can_change(visit, now, settings)
        html = render_template(
            "staff/book_printout_sheet.html",
            visit=visit,
            summary=visit_summary(visit, language, config),
            end_time=local_time(visit.ends_at),
            documents=_documents_to_bring(visit, language),
            qr=Markup(reference_qr_svg(visit.reference, qr_label)),  # noqa: S704 - our own SVG
            manage_link=manage_url(config, visit),
            manage_until=local_moment(visit.starts_at - settings.manage_cutoff)
            if changeable
            else None,
            phone=config.get("CITY_HALL_PHONE"),
            access=printed_code(visit, config),
            language=language,
            text_direction=text_direction(language),
        )
    return Markup(html)  # noqa: S704 - rendered by our own autoescaping template


@blueprint.get("/afspraak/<int:visit_id>/afdruk")
@roles_required(*VISIT_ROLES)
def booking_printout(visit_id: int):
    """The printable confirmation of a visit, in the resident's language, with a notice
    (on screen only) whether a confirmation mail went out."""
    visit = visit_or_404(db.session, current_user, visit_id)
    record(
        db.session,
        current_user,
        AuditAction.VIEW,
        "visit.printout",
        visit=visit,
        detail={"language": visit.language, "mailed": bool(visit.email)},
    )
    db.session.commit()
    staff_language = current_language()
    sheet = render_printout_sheet(visit, utcnow())
    visit_url = url_for("staff.visit", visit_id=visit.id)
    return render_template(
        "staff/printout.html",
        visit=visit,
        sheet=sheet,
        visit_url=visit_url,
        language=staff_language,
        text_direction=text_direction(staff_language),
    )
