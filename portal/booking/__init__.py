"""The resident's booking pages: choose, hold, give details, review, confirm, manage."""

from flask import Blueprint

from ..spoken_languages import spoken_language_label

blueprint = Blueprint("booking", __name__, url_prefix="/afspraak")


@blueprint.app_context_processor
def _booking_helpers() -> dict:
    """Helpers the booking pages and mails use to show what a resident chose."""
    return {"spoken_language_label": spoken_language_label}


from . import invitation, manage, views  # noqa: E402, F401 - routes register on import
