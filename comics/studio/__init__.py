"""The artist studio at /studio: dashboard, series, episodes and panels, review, stats.

Profiles and people are artists.studio, under the same /studio door.

Every view here is for signed-in accounts only, and every object is fetched through
artists.permissions, the one place that decides who may touch what.
"""
from __future__ import annotations

from artists.permissions import studio_blueprint

bp = studio_blueprint("studio", __name__)


def register_labels() -> None:
    """Let every studio template name stages, actions, revision states and checklist items in its language."""
    from comics.publishing.audit import action_label
    from comics.publishing.checklist import item_label
    from comics.publishing.revisions import state_label
    from comics.publishing.workflow import stage_label

    bp.add_app_template_filter(stage_label, "stage_label")
    bp.add_app_template_filter(action_label, "audit_action")
    bp.add_app_template_filter(state_label, "revision_state")
    bp.add_app_template_filter(item_label, "checklist_item")


register_labels()


from comics.studio import dashboard, editions, episodes, language, revisions, series, stats, versions  # noqa: E402,F401  (views register on bp)
