"""The review checklist: what an editor confirms, item by item, before an episode or a revision goes public.

The items are a setting (REVIEW_CHECKLIST), so a publisher writes its own review into the studio; an
approval or a publication with any item unconfirmed is refused and changes nothing, and the audit
entry keeps the items confirmed, word for word.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import current_app


def review_checklist() -> list[str]:
    """Return the checklist's items, in the order editors see them."""
    return list(current_app.config["REVIEW_CHECKLIST"])


def unconfirmed(confirmed: Iterable[str]) -> list[str]:
    """Return the items not among those confirmed, in the checklist's order (empty: all confirmed)."""
    ticked = {item.strip() for item in confirmed}
    return [item for item in review_checklist() if item.strip() not in ticked]


def checklist_refusal(missing: Iterable[str], doing: str = "approving") -> str:
    """Return the message that refuses a decision with items unconfirmed, naming them."""
    names = "; ".join(f"“{item}”" for item in missing)
    return f"Confirm every item of the checklist before {doing}. Not confirmed yet: {names}."
