"""Mails of dossiers: the invitation, its reminder, and the owner's notifications (being
written; the signatures are fixed)."""

from __future__ import annotations


def queue_invitation_mail(session, follow_up, token: str, now, *, reminder: bool = False):
    """Write the invitation (or its reminder) into the outbox in the resident's language;
    None when the dossier has no e-mail address."""
    return None


def notify_owner(session, visit, kind, now, *, detail=None):
    """Tell the dossier's owner (notification list; a mail when they asked for one)."""
    from .operations import tell_owner

    return tell_owner(session, visit, kind, now, detail=detail)
