"""The studio's front page and the editors' pages: my work by state, the review queue, the audit log."""
from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from artists.models import User
from artists.permissions import require_staff, signed_in_user
from comics.audit.models import AuditAction, AuditEntry
from comics.clock import utcnow
from comics.models import Episode, Series
from comics.publishing.revisions import pending_revisions
from comics.publishing.workflow import stage
from comics.studio import bp
from extensions import db
from web.converters import page_arg

RECENTLY_PUBLISHED = 20
AUDIT_PER_PAGE = 50


@bp.get("/")
def dashboard() -> str:
    """Show the account's series and episodes by stage; editors see everyone's, review queue first."""
    return render_template("studio/dashboard.html", **dashboard_context(signed_in_user()))


def dashboard_context(user: User) -> dict[str, object]:
    """Return what the dashboard shows this account (also the page a refused language switch answers with)."""
    series_query = select(Series).options(joinedload(Series.artist)).order_by(Series.title)
    episode_query = (
        select(Episode)
        .join(Episode.series)
        .options(joinedload(Episode.series).joinedload(Series.artist))
        .order_by(Episode.updated_at.desc())
    )
    if not user.is_staff:
        series_query = series_query.where(Series.artist_id == user.artist_id)
        episode_query = episode_query.where(Series.artist_id == user.artist_id)
    series_list = db.session.scalars(series_query).unique().all()
    now = utcnow()
    groups: dict[str, list[Episode]] = {
        "in review": [],
        "drafts": [],
        "scheduled": [],
        "published": [],
    }
    unfinished = db.session.scalars(
episode_query.where(~Episode.is_public)).unique().all()
    for episode in unfinished:
        key = stage(episode)
        groups["drafts" if key in ("draft", "returned") else key].append(episode)
    groups["scheduled"].sort(key=lambda episode: episode.published_at or now)
    groups["published"] = list(
        db.session.scalars(
            episode_query.where(Episode.is_public)
            .order_by(None)
            .order_by(Episode.published_at.desc())
            .limit(RECENTLY_PUBLISHED)
        ).unique()
    )
    waiting = pending_revisions(user)
    rows = {key: with_versions_under(episodes) for key, episodes in groups.items()}
    return {"user": user, "series_list": series_list, "groups": groups, "rows": rows, "stage": stage, "waiting_changes": waiting}


def with_versions_under(episodes: list[Episode]) -> list[tuple[Episode, list[Episode]]]:
    """Return the episodes as rows of (episode, its versions in other languages listed under it).

    A version goes under its original when the original is in the same list; otherwise it is a row of
    its own, in the list's order, and the page names its language.
    """
    present = {episode.id for episode in episodes}
    under: dict[int, list[Episode]] = {}
    rows: list[tuple[Episode, list[Episode]]] = []
    for episode in episodes:
        if episode.original_id is not None and episode.original_id in present:
            under.setdefault(episode.original_id, []).append(episode)
        else:
            rows.append((episode, under.setdefault(episode.id, [])))
    return rows


@bp.get("/audit")
@require_staff
def audit_log() -> str:
    """Show who did what to which object, newest first, optionally for one action."""
    action = request.args.get("action", "")
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if action in {a.value for a in AuditAction}:
        query = query.where(AuditEntry.action == AuditAction(action))
    else:
        action = ""
    page = db.paginate(query, page=page_arg(), per_page=AUDIT_PER_PAGE, max_per_page=AUDIT_PER_PAGE)
    return render_template("studio/audit.html", page=page, action=action, actions=list(AuditAction))
