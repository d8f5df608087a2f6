"""gunicorn's access log without credentials: tokens in paths are masked.

A manage link (``/afspraak/beheer/<token>``), an invitation, a hold, the API's
``/appointments/<token>`` and a clerk's calendar feed carry their credential in the path.
An access log that kept them would let anyone who reads the log move or cancel visits.
``gunicorn.conf.py`` names :class:`RedactingLogger` as its ``logger_class``.
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

# The path segment after one of these is a credential (see the routes with <token>).
TOKEN_PATH = re.compile(r"(/(?:beheer|uitnodiging|appointments|holds|invitations|agenda)/)[^/?\s]+")
MASK = "[token]"


def redact_path(path: str | None) -> str | None:
    """``path`` with every token segment replaced by ``[token]``."""
    if not path:
        return path
    return TOKEN_PATH.sub(lambda match: match.group(1) + MASK, path)


class RedactingLogger(Logger):
    """gunicorn's logger, with the path, request line and referrer atoms redacted."""

    def atoms(self, resp, req, environ, request_time):
        """The log line's fields (see gunicorn's ``access_log_format``), tokens masked."""
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms.get("U"))
        atoms["r"] = redact_path(atoms.get("r"))
        atoms["f"] = redact_path(atoms.get("f"))
        return atoms
