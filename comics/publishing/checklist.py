"""The review checklist: what an editor confirms, item by item, before an episode or a revision goes public.

The items are a setting (REVIEW_CHECKLIST), so a publisher writes its own review into the studio; an
approval or a publication with any item unconfirmed is refused and changes nothing, and the audit
entry keeps the items confirmed, word for word.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# The built-in items (settings.DEFAULT_REVIEW_CHECKLIST), marked here so that they are extracted into the
# catalogues: the setting stays plain data, and item_label() translates an item as it is shown.
DEFAULT_ITEMS_TRANSLATED = (
    _l("No real names or faces of people who could be identified"),
    _l("No places, routes or dates that could identify a crossing"),
    _l("Facts checked"),
    _l("Alt text and transcripts describe every panel"),
)

# The built-in items that review flags guard (settings' REVIEW_FLAGGED_ITEMS left at None): what could
# identify a person, a place or a route, word for word as in settings.DEFAULT_REVIEW_CHECKLIST.
DEFAULT_FLAGGED_ITEMS = (
    "No real names or faces of people who could be identified",
    "No places, routes or dates that could identify a crossing",
)


def review_checklist() -> list[str]:
    """Return the checklist's items, in the order editors see them."""
    return list(current_app.config["REVIEW_CHECKLIST"])


def unconfirmed(confirmed: Iterable[str]) -> list[str]:
    """Return the items not among those confirmed, in the checklist's order (empty: all confirmed)."""
    ticked = {item.strip() for item in confirmed}
    return [item for item in review_checklist() if item.strip() not in ticked]


def item_label(item: str) -> str:
    """Return a checklist item in the page's language: its translation, or its words as configured.

    The form's values and the audit log keep the configured words; only what is shown is translated.
    """
    return str(_(item)) if item else item


def checklist_refusal(missing: Iterable[str], doing: str = "approving") -> str:
    """Return the message that refuses a decision with items unconfirmed, naming them (doing is
    "approving" or "publishing")."""
    names = "; ".join(_("“%(item)s”", item=item_label(item)) for item in missing)
    if doing == "publishing":
        return str(_("Confirm every item of the checklist before publishing. Not confirmed yet: %(items)s.", items=names))
    return str(_("Confirm every item of the checklist before approving. Not confirmed yet: %(items)s.", items=names))


def flagged_items() -> list[str]:
    """Return the checklist items that cannot be confirmed while a review flag is open (REVIEW_FLAGGED_ITEMS;
    by default the built-in items on people and crossings, where the checklist has them)."""
    configured = current_app.config.get("REVIEW_FLAGGED_ITEMS")
    if configured is None:
        configured = [item for item in DEFAULT_FLAGGED_ITEMS if item in review_checklist()]
    return [item.strip() for item in configured]
