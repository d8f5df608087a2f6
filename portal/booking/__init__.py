"""The resident's booking pages: choose, hold, give details, review, confirm, manage."""

from flask import Blueprint

from ..call_back import call_back_text
from ..spoken_languages import OTHER, spoken_language_label

blueprint = Blueprint("booking", __name__, url_prefix="/afspraak")


@blueprint.app_context_processor
def _booking_helpers() -> dict:
    """Helpers the booking pages and mails use to show what a resident chose."""
    return {
        "spoken_language_label": spoken_language_label,
        "other_language": OTHER,
        "call_back_text": call_back_text,
    }


# Routes and template helpers register on import.
from . import code_access, day_parts, done_page, invitation, manage, views  # noqa: E402, F401
