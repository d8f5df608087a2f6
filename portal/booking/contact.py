"""The resident's contact details, as a form, the API or a dossier gives them to a
booking; a visit and a dossier keep them in the same columns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContactDetails:
    """Who comes, how to reach them, and how to talk with them at the counter."""

    name: str
    email: str | None
    phone: str | None = None
    language: str = "nl"
    spoken_language: str | None = None
    spoken_language_other: str | None = None
    interpreter_needed: bool = False
    remark: str = ""

    # The details a visit and a dossier both keep, by their column names (no remark:
    # that is the visit's own).
    KEPT = (
        "email",
        "phone",
        "language",
        "spoken_language",
        "spoken_language_other",
        "interpreter_needed",
    )

    @classmethod
    def kept_by(cls, record) -> ContactDetails:
        """The details a visit or a dossier keeps: a follow-up or a dossier opened from
        a visit never asks the resident again."""
        return cls(
            name=record.resident_name, **{column: getattr(record, column) for column in cls.KEPT}
        )

    def columns(self) -> dict:
        """The details as a visit's or a dossier's columns (without the remark)."""
        return {"resident_name": self.name} | {
            column: getattr(self, column) for column in self.KEPT
        }
