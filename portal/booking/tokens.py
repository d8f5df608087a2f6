"""Secret tokens for manage links and holds: unguessable, and stored only as hashes.

A manage token is an HMAC of the visit's random nonce under the portal's secret key
(256 bits). The database keeps its SHA-256 only, so a copy of the database opens nobody's
visit; the portal can still write the same link again into a reminder or a moved-visit mail.
Changing the secret key invalidates every link already sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a token is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def keyed_token(secret_key: str, purpose: str, nonce: str) -> str:
    """HMAC-SHA256 of ``purpose:nonce`` under the secret key, 43 URL-safe characters: a
    token the portal can write again from the stored nonce, and that a different
    ``purpose`` (manage link, calendar feed) never shares."""
    message = f"{purpose}:{nonce}".encode("ascii")
    digest = hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def manage_token(secret_key: str, nonce: str) -> str:
    """The manage token of the visit whose nonce is ``nonce`` (43 URL-safe characters)."""
    return keyed_token(secret_key, "manage", nonce)


def new_hold_token() -> str:
    """A fresh random token for a hold (256 bits), handed to the browser or API client."""
    return secrets.token_urlsafe(32)


def looks_like_token(value: str | None) -> bool:
    """Cheap shape check before touching the database: URL-safe base64, sane length."""
    if not value or not 20 <= len(value) <= 64:
        return False
    return all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in value)
