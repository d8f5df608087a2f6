"""The topics that group services on the booking page, in the order residents look."""

from __future__ import annotations

from ..i18n import _l

TOPICS = {
    "identity": _l("Identiteitskaart en documenten"),
    "travel": _l("Reizen: paspoort en kids-ID"),
    "address": _l("Adres en verhuizen"),
    "driving": _l("Rijbewijs"),
    "residence": _l("Verblijf in België"),
    "nationality": _l("Belgische nationaliteit"),
    "family": _l("Geboorte, huwelijk, samenwonen en overlijden"),
    "certificates": _l("Attesten en uittreksels"),
    "other": _l("Andere vragen"),
}
OTHER_TOPICS = _l("Andere vragen")


def topic_label(topic: str) -> str:
    """The topic's heading in the current language (unknown topics go under "other")."""
    return str(TOPICS.get(topic, OTHER_TOPICS))


def topic_order(topic: str) -> int:
    """Where a topic comes on the page; unknown topics last."""
    return list(TOPICS).index(topic) if topic in TOPICS else len(TOPICS)
