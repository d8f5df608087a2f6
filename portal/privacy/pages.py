"""The administrators' page for a person's data (``/medewerkers/persoonsgegevens``): find
by e-mail address or phone number, hand over as JSON or as a printable page in the
person's language, erase.

Every request goes by POST (with the CSRF token): the address or number is never in an
address bar, a log line or a browser's history. Each look, export and erasure writes an
audit row with counts only — never the address, the number or what was found.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_login import current_user
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional

from ..booking.settings import BookingSettings
from ..extensions import db
from ..i18n import LANGUAGES, _, _l, current_language
from ..models import AppointmentStatus, AuditAction, StaffRole
from ..plain_text import PlainText, PlainTextForm, strip_spaces
from ..staff import blueprint as staff_blueprint
from ..staff.access import roles_required
from ..staff.audit import record
from ..timeutil import utcnow
from .export import person_export
from .person import PersonQuery, erase_person, find_person

blueprint = Blueprint("privacy", __name__, url_prefix="/persoonsgegevens")
staff_blueprint.register_blueprint(blueprint)


# A visit's status as the page and the printout name it.
STATUS_LABELS = {
    AppointmentStatus.PENDING: _l("Nog niet bevestigd"),
    AppointmentStatus.CONFIRMED: _l("Verwacht"),
    AppointmentStatus.CANCELLED: _l("Geannuleerd"),
    AppointmentStatus.COMPLETED: _l("Gekomen"),
    AppointmentStatus.NO_SHOW: _l("Niet gekomen"),
}


class PersonForm(PlainTextForm):
    """Whom to look for: an e-mail address, a phone number, or both."""

    email = StringField(
        _l("E-mailadres"),
        validators=[
            Optional(),
            Length(max=254, message=_l("Een e-mailadres is hoogstens 254 tekens lang.")),
            PlainText(),
        ],
        filters=[strip_spaces],
        render_kw={"autocomplete": "off", "spellcheck": "false", "maxlength": 254},
    )
    phone = StringField(
        _l("Telefoonnummer"),
        description=_l("Zoals de persoon het gaf; spaties, punten en streepjes tellen niet mee."),
        validators=[
            Optional(),
            Length(max=40, message=_l("Een telefoonnummer is hoogstens 40 tekens lang.")),
            PlainText(),
        ],
        filters=[strip_spaces],
        render_kw={"autocomplete": "off", "maxlength": 40, "inputmode": "tel"},
    )

    def query(self) -> PersonQuery:
        """The search the form asks for."""
        return PersonQuery(self.email.data or "", self.phone.data or "")

    def validate(self, extra_validators=None) -> bool:
        """Valid when the fields are and they can find someone."""
        if not super().validate(extra_validators):
            return False
        if not self.query().usable:
            self.email.errors = [
                _("Vul een volledig e-mailadres of een telefoonnummer van minstens zes cijfers in.")
            ]
            return False
        return True


class EraseForm(PersonForm):
    """The same search, and the administrator's confirmation that it must go."""

    confirm = BooleanField(_l("Ik heb nagekeken dat dit alles van deze persoon is; wis het."))

    def validate(self, extra_validators=None) -> bool:
        """Valid only when confirmed."""
        valid = super().validate(extra_validators)
        if not self.confirm.data:
            self.confirm.errors = [_("Vink aan dat u nagekeken hebt wat gewist wordt.")]
            return False
        return valid


def _audit(action: AuditAction, subject: str, detail: dict) -> None:
    """An audit row with counts only, committed. Called after what was found is
    rendered: the commit expires the loaded rows, which would each be read again."""
    record(db.session, current_user, action, subject, detail=detail, now=utcnow())
    db.session.commit()


@blueprint.route("/", methods=["GET", "POST"])
@roles_required(StaffRole.ADMIN)
def person():
    """The search form; after a search, what was found and what can be done with it."""
    form = PersonForm()
    if not form.validate_on_submit():
        return _page(form, None, None)
    data = find_person(db.session, form.query())
    page = _page(form, data, EraseForm(formdata=None, data=form.data))
    _audit(AuditAction.VIEW, "person.find", data.counts)
    return page


def _page(form: PersonForm, data, erase_form: EraseForm | None) -> str:
    """The page with the search ``form``, what was found, and the erasure form."""
    return render_template(
        "staff/privacy/person.html",
        form=form,
        data=data,
        erase_form=erase_form,
        language_name=_language_label,
        status_labels=STATUS_LABELS,
    )


def _language_label(code: str | None) -> str:
    """A site language's own name, for the page's "in their language" line."""
    return LANGUAGES.get(code or "", code or "—")


@blueprint.post("/export")
@roles_required(StaffRole.ADMIN)
def export():
    """The person's data as a JSON file."""
    form = PersonForm()
    if not form.validate_on_submit():
        return person()
    data = find_person(db.session, form.query())
    document = person_export(data, data.language or current_language(), utcnow())
    _audit(AuditAction.EXPORT, "person.export", data.counts)
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="persoonsgegevens.json"',
            "Cache-Control": "no-store",
        },
    )


@blueprint.post("/afdruk")
@roles_required(StaffRole.ADMIN)
def printout():
    """The person's data as a page to print or save as PDF, in their language."""
    form = PersonForm()
    if not form.validate_on_submit():
        return person()
    data = find_person(db.session, form.query())
    language = data.language if data.language in LANGUAGES else current_language()
    with force_locale(language):
        page = render_template(
            "staff/privacy/printout.html", data=data, now=utcnow(), status_labels=STATUS_LABELS
        )
    _audit(AuditAction.EXPORT, "person.print", data.counts)
    return Response(page, headers={"Cache-Control": "no-store"})


@blueprint.post("/wissen")
@roles_required(StaffRole.ADMIN)
def erase():
    """Erase the person's data, after the confirmation."""
    form = EraseForm()
    if not form.validate_on_submit():
        found = find_person(db.session, form.query()) if form.query().usable else None
        return _page(PersonForm(formdata=None, data=form.data), found, form)
    data = find_person(db.session, form.query())
    settings = BookingSettings.from_config(current_app.config)
    report = erase_person(db.session, data, utcnow(), settings)
    _audit(AuditAction.CHANGE, "person.erase", report.as_detail())
    flash(
        _(
            "Gewist. Afspraken: %(visits)s (waarvan geannuleerd: %(cancelled)s); "
            "dossiers: %(dossiers)s; mails: %(mails)s.",
            visits=report.visits_anonymised,
            cancelled=report.visits_cancelled,
            dossiers=report.dossiers_erased,
            mails=report.mails_deleted,
        ),
        "success",
    )
    return redirect(url_for("staff.privacy.person"))
