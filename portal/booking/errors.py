"""Why a booking step was refused, with a message for the resident and a stable code.

Views turn these into a page or a JSON error; the code is what API clients match on.
"""

from __future__ import annotations

from ..i18n import _l


class BookingError(Exception):
    """A booking step that cannot be done as asked; nothing was changed."""

    code = "booking_refused"
    status = 409
    text = _l("Dit kon niet worden uitgevoerd.")

    def message(self) -> str:
        """The explanation in the current language."""
        return str(self.text)


class NotBookable(BookingError):
    """The services cannot be booked together, or not by residents, or not for so many."""

    code = "not_bookable"
    status = 422
    text = _l("Deze diensten kunnen niet samen online worden geboekt.")


class SlotTaken(BookingError):
    """Someone else was quicker: the time is no longer free."""

    code = "slot_taken"
    text = _l("Dit tijdstip werd net door iemand anders gekozen.")


class HoldExpired(BookingError):
    """The minutes the time was kept for have run out."""

    code = "hold_expired"
    status = 410
    text = _l("Het tijdstip werd niet langer voor u vastgehouden: de tijd is verstreken.")


class ActivationExpired(BookingError):
    """The activation link was not used in time; the visit was not confirmed."""

    code = "activation_expired"
    status = 410
    text = _l("De bevestigingslink is verlopen. Uw afspraak werd niet bevestigd.")


class TooManyVisits(BookingError):
    """The e-mail address already has as many open visits as allowed."""

    code = "too_many_visits"
    text = _l(
        "Met dit e-mailadres zijn al het maximum aantal afspraken gemaakt. "
        "Annuleer eerst een afspraak die u niet meer nodig hebt."
    )


class TooLate(BookingError):
    """The visit is too close to change online; the resident must phone."""

    code = "too_late"
    text = _l(
        "Uw afspraak is te dichtbij om nog online te wijzigen. Bel ons als u niet kunt komen."
    )


class NotChangeable(BookingError):
    """The visit was cancelled or has taken place; there is nothing left to change."""

    code = "not_changeable"
    text = _l("Deze afspraak kan niet meer worden gewijzigd.")


class OutsideWindow(BookingError):
    """A follow-up visit must stay inside its window and with its clerk."""

    code = "outside_window"
    status = 422
    text = _l(
        "Deze vervolgafspraak moet binnen de afgesproken periode en bij dezelfde "
        "medewerker blijven. Kies een tijdstip uit de voorgestelde lijst."
    )


class InvitationUsed(BookingError):
    """The invitation already booked a visit: its link works once."""

    code = "invitation_used"
    status = 409
    text = _l(
        "Met deze uitnodiging werd al een afspraak gemaakt. U vindt ze via de link in de "
        "bevestigingsmail."
    )


class InvitationClosed(BookingError):
    """The invitation ran out or was withdrawn."""

    code = "invitation_closed"
    status = 410
    text = _l(
        "Deze uitnodiging is niet meer geldig. Neem contact op met de stad voor een nieuwe "
        "uitnodiging."
    )


class PhoneRequired(BookingError):
    """A call back needs the number the city will call."""

    code = "phone_required"
    status = 422
    text = _l("Voor een terugbelafspraak hebben we uw telefoonnummer nodig.")
