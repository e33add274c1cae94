"""The artist studio at /studio: dashboard, series, episodes and panels, review, stats.

Profiles and people are artists.studio, under the same /studio door.

Every view here is for signed-in accounts only, and every object is fetched through
artists.permissions, the one place that decides who may touch what.
"""
from __future__ import annotations

from artists.permissions import studio_blueprint

bp = studio_blueprint("studio", __name__)


from comics.studio import dashboard, edition_builds, editions, episodes, language, revisions, series, stats, versions  # noqa: E402,F401  (views register on bp)
