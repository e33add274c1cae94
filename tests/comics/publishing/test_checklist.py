"""The review checklist: shown where editors approve; an approval or publication with any item unticked
is refused and changes nothing; the audit entry keeps the items confirmed."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from artists.models import Role
from comics.audit.models import AuditAction, AuditEntry
from comics.models import Episode, EpisodeStatus
from comics.publishing.workflow import WorkflowError, approve, submit
from extensions import db
from settings import DEFAULT_REVIEW_CHECKLIST
from tests.conftest import SiteBuilder, make_test_app
from tests.studio_support import make_account, make_artist_account, problems, sign_in

CHECKLIST = list(DEFAULT_REVIEW_CHECKLIST)


class Review:
    """Mina's first episode, in review; an editor signed in."""

    def __init__(self, app: Flask) -> None:
        self.artist, self.artist_user = make_artist_account("mina", "Mina")
        self.series = SiteBuilder().series(self.artist)
        self.episode = SiteBuilder().episode(self.series, panels=1, publish=False, title="First")
        self.editor_user = make_account("ed@example.org", Role.EDITOR)
        submit(self.episode, self.artist_user)
        db.session.commit()
        self.editor = app.test_client()
        sign_in(self.editor, "ed@example.org")

    def decide(self, checklist: list[str], **data: str):
        return self.editor.post(
            f"/studio/episodes/{self.episode.id}/review", data={"decision": "approve", "when": "now", "checklist": checklist, **data}
        )


@pytest.fixture
def review(studio_app: Flask) -> Review:
    return Review(studio_app)


def entries(action: AuditAction) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_review_page_shows_every_item_and_what_goes_public_with_the_episode(review: Review) -> None:
    page = review.editor.get(f"/studio/episodes/{review.episode.id}/").get_data(as_text=True)
    for item in CHECKLIST:
        assert 'name="checklist"' in page and f'value="{item}"' in page
    # Mina's first episode: her series and profile become public with it, so they are named here.
    assert "readers see for the first time" in page and "the profile of" in page


@pytest.mark.parametrize("missing", CHECKLIST)
def test_an_episode_approval_with_an_unticked_item_is_refused_and_changes_nothing(review: Review, studio_app: Flask, missing: str) -> None:
    response = review.decide([item for item in CHECKLIST if item != missing], comment="Looks good.")
    assert response.status_code == 400
    assert "Confirm every item of the checklist before approving" in problems(response) and missing in problems(response)
    # The boxes the editor ticked stay ticked.
    page = response.get_data(as_text=True)
    assert page.count(" checked>") >= len(CHECKLIST) - 1
    db.session.expire_all()
    episode = db.session.get_one(Episode, review.episode.id)
    assert episode.status == EpisodeStatus.SUBMITTED and not episode.is_public
    assert entries(AuditAction.APPROVE) == [] and entries(AuditAction.PUBLISH) == []
    assert studio_app.test_client().get("/series/river/1/").status_code == 404


def test_an_approval_with_every_item_records_them(review: Review) -> None:
    assert review.decide(CHECKLIST).status_code == 303
    db.session.expire_all()
    assert db.session.get_one(Episode, review.episode.id).is_public
    [approval] = entries(AuditAction.APPROVE)
    assert approval.checklist == CHECKLIST
    assert "Confirmed: No places, routes or dates that could identify a crossing" in review.editor.get("/studio/audit").get_data(as_text=True)


def test_sending_back_needs_no_checklist(review: Review) -> None:
    response = review.editor.post(f"/studio/episodes/{review.episode.id}/review", data={"decision": "return", "comment": "Blur the sign."})
    assert response.status_code == 303
    assert db.session.get_one(Episode, review.episode.id).status == EpisodeStatus.RETURNED


def test_the_workflow_itself_refuses_an_approval_without_the_checklist(review: Review) -> None:
    with pytest.raises(WorkflowError, match="Confirm every item"):
        approve(review.episode, review.editor_user, confirmed=CHECKLIST[:-1])
    db.session.rollback()
    assert db.session.get_one(Episode, review.episode.id).status == EpisodeStatus.SUBMITTED


def test_artists_publishing_their_own_work_confirm_the_checklist_too(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, ARTISTS_MAY_PUBLISH=True)
    with app.app_context():
        artist, _ = make_artist_account("mina", "Mina")
        episode = SiteBuilder().episode(SiteBuilder().series(artist), panels=1, publish=False)
        client: FlaskClient = app.test_client()
        sign_in(client, "mina@example.org")
        page = client.get(f"/studio/episodes/{episode.id}/").get_data(as_text=True)
        assert "Before publishing, confirm each item" in page
        refused = client.post(f"/studio/episodes/{episode.id}/publish", data={"when": "now", "checklist": CHECKLIST[1:]})
        assert refused.status_code == 400 and CHECKLIST[0] in problems(refused)
        db.session.expire_all()
        assert not db.session.get_one(Episode, episode.id).is_public
        assert client.post(f"/studio/episodes/{episode.id}/publish", data={"when": "now", "checklist": CHECKLIST}).status_code == 303
        [published] = entries(AuditAction.PUBLISH)
        assert published.checklist == CHECKLIST


def test_the_checklist_is_a_setting(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, REVIEW_CHECKLIST=["Consent of everyone drawn"])
    with app.app_context():
        review = Review(app)
        assert review.decide([]).status_code == 400
        assert review.decide(CHECKLIST).status_code == 400  # the defaults are not this site's items
        assert review.decide(["Consent of everyone drawn"]).status_code == 303
        assert entries(AuditAction.APPROVE)[0].checklist == ["Consent of everyone drawn"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Facts checked", "must be a list of sentences"),
        (["Facts checked", ""], "must be a list of sentences"),
        (["Facts checked", 3], "must be a list of sentences"),
        (["Facts checked", "Facts checked"], "names an item twice"),
        (["x" * 301], "at most 300 characters"),
    ],
)
def test_a_bad_checklist_stops_the_app_at_startup(tmp_path: Path, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_test_app(tmp_path, REVIEW_CHECKLIST=value)
