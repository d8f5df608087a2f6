"""Which characters typed text may hold: one definition for the web forms and the API.

A name, an address or a search word is one line: a line break, NEL (U+0085), the
Unicode line and paragraph separators (U+2028, U+2029) or any other control character
(C0, DEL, C1) in it breaks mail headers, CSV exports and the pages that show it, and
PostgreSQL refuses NUL outright. A remark or a note may span lines (line feed, carriage
return and tab), but holds no other control character either.

:class:`PlainTextForm` applies the check to every text field of a form, so a new field
cannot forget it; a field that states its own :class:`PlainText` (with a message of its
own) keeps that one.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import ValidationError

from .i18n import _l

# C0 controls, DEL, C1 controls (NEL among them), the line and paragraph separators, and
# lone surrogates (text that is not valid Unicode).
_FORBIDDEN_IN_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# The same, but line feed, carriage return and tab are welcome in text of several lines.
_FORBIDDEN_IN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def strip_spaces(value):
    """WTForms filter: leading and trailing spaces never count (non-text left as is)."""
    return value.strip() if isinstance(value, str) else value


def strip_and_lower(value):
    """WTForms filter: as :func:`strip_spaces`, in lower case (codes, e-mail addresses)."""
    return value.strip().lower() if isinstance(value, str) else value


def has_forbidden_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a character typed text may not hold (see the module)."""
    pattern = _FORBIDDEN_IN_LINES if multiline else _FORBIDDEN_IN_ONE_LINE
    return pattern.search(text) is not None


class PlainText:
    """WTForms validator: refuse control characters (line breaks too, unless
    ``multiline``) with a message in the reader's language."""

    def __init__(self, *, multiline: bool = False, message=None) -> None:
        self.multiline = multiline
        self.message = message or _l("Deze tekst bevat tekens die we niet kunnen gebruiken.")

    def __call__(self, form, field) -> None:
        """Refuse the field's text when it holds a forbidden character."""
        if isinstance(field.data, str) and has_forbidden_characters(
            field.data, multiline=self.multiline
        ):
            raise ValidationError(str(self.message))


def plain_text_check(field) -> PlainText | None:
    """The check a field of a :class:`PlainTextForm` gets: one line for text fields
    (e-mail, search and hidden ones too), several for text areas, none for passwords
    (never shown nor mailed), other kinds of field or a field with its own check."""
    if any(isinstance(validator, PlainText) for validator in field.validators):
        return None
    if isinstance(field, PasswordField) or not isinstance(field, StringField):
        return None
    return PlainText(multiline=isinstance(field, TextAreaField))


class PlainTextForm(FlaskForm):
    """A form whose every text field refuses control characters (see the module)."""

    def validate(self, extra_validators=None) -> bool:
        """Validate as usual, with :func:`plain_text_check` added to each text field."""
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            check = plain_text_check(field)
            if check is not None:
                extra.setdefault(name, []).append(check)
        return super().validate(extra_validators=extra)
