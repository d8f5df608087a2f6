"""Manage with a code: a visit booked without an e-mail address, opened with its reference
and the six-character code on its printout (or read out on the phone).

A right pair leads to the visit's own manage page (:mod:`portal.booking.manage`), with the
same move and cancel as a mailed link: the page redirects to the manage link derived from
the visit's nonce. That link is not renewed on every use: the code is derived from the
same nonce (:mod:`portal.booking.access_code`), so renewing would change the code on the
resident's paper, and a link already opened in another browser would stop working for no
gain — whoever has the pair can open the visit anyway. The redirect is never cached.

Every refusal (unknown reference, a visit booked with an e-mail address, a wrong or
locked code) is answered with one message, so the page never tells whether a reference
exists. Rate limited per client address; each visit also locks after a few wrong codes.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from ..antibot import limiter
from ..extensions import db
from ..i18n import _, _l
from ..plain_text import PlainTextForm
from ..timeutil import utcnow
from . import blueprint
from .access_code import CodePolicy, normalised_code, normalised_reference, open_with_code
from .tokens import manage_token

# Latin letters and digits read left to right, also on an Arabic page; no spell checker,
# no autocorrection, capitals on a phone's keyboard.
_CODE_INPUT = {"dir": "ltr", "autocapitalize": "characters", "spellcheck": "false"}
# The longest text worth reading (a reference or code with spaces is far shorter).
_MAX_INPUT = 64

code_limit = limiter.limit(
    lambda: current_app.config["RATELIMIT_MANAGE_CODE"], methods=["POST"], scope="manage-code"
)


class CodeForm(PlainTextForm):
    """The reference and the code, as on the printout; spaces, dashes and small letters
    are forgiven."""

    reference = StringField(
        _l("Referentie"),
        description=_l("Die staat op uw bevestiging, bijvoorbeeld ABCD 2345."),
        validators=[DataRequired(message=_l("Vul uw referentie in."))],
        render_kw=_CODE_INPUT,
    )
    code = StringField(
        _l("Code"),
        description=_l("6 letters en cijfers, onder de referentie, bijvoorbeeld K7M 4PX."),
        validators=[DataRequired(message=_l("Vul uw code in."))],
        render_kw=_CODE_INPUT,
    )

    def validate_reference(self, field) -> None:
        """Letters and digits only, as every reference is."""
        if normalised_reference((field.data or "")[:_MAX_INPUT]) is None:
            raise ValidationError(
                _l("Een referentie bestaat uit letters en cijfers, zoals op uw bevestiging.")
            )

    def validate_code(self, field) -> None:
        """Six characters of the code alphabet."""
        if normalised_code((field.data or "")[:_MAX_INPUT]) is None:
            raise ValidationError(
                _l("De code heeft 6 letters en cijfers, zoals op uw bevestiging.")
            )

    def pair(self) -> tuple[str, str]:
        """(reference, code) as stored: without spaces, in capitals (after validation)."""
        return (
            normalised_reference(self.reference.data[:_MAX_INPUT]),
            normalised_code(self.code.data[:_MAX_INPUT]),
        )


@blueprint.route("/code", methods=["GET", "POST"])
@code_limit
def code_access():
    """Ask for the reference and the code (GET); open the visit's manage page with a right
    pair, or say once, the same way for every refusal, that the pair opens nothing."""
    form = CodeForm()
    refused = False
    if form.validate_on_submit():
        config = current_app.config
        reference, code = form.pair()
        visit = open_with_code(
            db.session,
            reference,
            code,
            utcnow(),
            config["SECRET_KEY"],
            CodePolicy.from_config(config),
        )
        db.session.commit()  # a wrong code counts, also when nothing else changed
        if visit is not None:
            response = redirect(
                url_for(".visit", token=manage_token(config["SECRET_KEY"], visit.manage_nonce))
            )
            response.headers["Cache-Control"] = "no-store"
            return response
        refused = True
    status = 400 if request.method == "POST" else 200
    message = None
    if refused:
        message = _(
            "We vinden geen afspraak met deze referentie en code. Controleer ze en probeer het "
            "opnieuw. Na te veel foute codes kunt u het pas later opnieuw proberen."
        )
    page = render_template("booking/manage/code.html", form=form, message=message)
    return page, status
