"""The resident's booking pages: choose, hold, give details, review, confirm, manage.

The modules that attach routes to :data:`blueprint` are loaded by :mod:`portal.routes`.
"""

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
