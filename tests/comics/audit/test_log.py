"""The audit log names people, never their email: artists see editors by display name, and a copy of
the log is no list of who works here."""
from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from artists.accounts.services.invitations import create_invitation
from artists.accounts.services.users import find_user_by_email
from artists.models import ArtistLink, LinkKind, Role
from comics.audit.log import record
from comics.audit.models import AuditAction, AuditEntry
from comics.publishing.workflow import return_to_artist, submit
from extensions import db
from settings import DEFAULT_REVIEW_CHECKLIST
from tests.conftest import SiteBuilder
from tests.studio_support import PASSWORD, make_account, make_artist_account, sign_in

EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[a-z]+")


def test_an_artist_sees_the_editor_who_returned_an_episode_by_name_and_no_email(studio_app: Flask) -> None:
    artist, artist_user = make_artist_account("mina", "Mina")
    episode = SiteBuilder().episode(SiteBuilder().series(artist), panels=1, publish=False)
    editor = make_account("park.editor@example.org", Role.EDITOR)
    editor.display_name = "Editor Park"
    submit(episode, artist_user)
    return_to_artist(episode, editor, "Blur the street sign in panel 1.")
    db.session.commit()
    client = studio_app.test_client()
    sign_in(client, "mina@example.org")
    page = client.get(f"/studio/episodes/{episode.id}/").get_data(as_text=True)
    assert "Sent back by Editor Park" in page and "Blur the street sign in panel 1." in page
    assert not EMAIL.search(page), EMAIL.findall(page)


def test_an_editor_without_a_name_is_an_editor(studio_app: Flask) -> None:
    artist, artist_user = make_artist_account("mina", "Mina")
    episode = SiteBuilder().episode(SiteBuilder().series(artist), panels=1, publish=False)
    editor = make_account("ed@example.org", Role.EDITOR)
    submit(episode, artist_user)
    return_to_artist(episode, editor, "Please check panel 1.")
    db.session.commit()
    client = studio_app.test_client()
    sign_in(client, "mina@example.org")
    page = client.get(f"/studio/episodes/{episode.id}/").get_data(as_text=True)
    assert "Sent back by An editor" in page and "ed@example.org" not in page


def test_the_audit_log_stores_no_email(studio_app: Flask) -> None:
    admin = make_account("admin.kim@example.org", Role.ADMIN)
    artist, _ = make_artist_account("mina", "Mina")
    artist.links.append(ArtistLink(kind=LinkKind.SUPPORT, label="Support me", url="https://ko-fi.com/mina", position=1, is_primary=True))
    series = SiteBuilder().series(artist)
    SiteBuilder().episode(series, panels=1)
    draft = SiteBuilder().episode(series, panels=1, publish=False, title="Second")
    db.session.commit()
    admin_client, mina = studio_app.test_client(), studio_app.test_client()
    sign_in(admin_client, "admin.kim@example.org")
    sign_in(mina, "mina@example.org")
    # An editor invited and accepted, naming themself for the artists.
    assert admin_client.post("/studio/people/invite", data={"email": "new.editor@example.org", "role": "editor", "artist": ""}).status_code == 201
    _, token = create_invitation("second.editor@example.org", Role.EDITOR, admin)
    db.session.commit()
    studio_app.test_client().post(f"/account/invitation/{token}", data={"display_name": "Editor Seo", "password": PASSWORD, "confirm": PASSWORD})
    seo = find_user_by_email("second.editor@example.org")
    assert seo is not None and seo.label == "Editor Seo"
    # Work through the studio: a submission, a return, a profile change for review and its approval.
    assert mina.post(f"/studio/episodes/{draft.id}/submit", data={"comment": ""}).status_code == 303
    assert admin_client.post(f"/studio/episodes/{draft.id}/review", data={"decision": "return", "comment": "Change panel 1."}).status_code == 303
    form = {"display_name": "Mina Lee", "bio_markdown": "", "links-0-id": str(artist.links[0].id), "links-0-kind": "support",
            "links-0-label": "Support me", "links-0-url": "https://ko-fi.com/mina-lee", "links-0-position": "1", "links-0-primary": "y"}
    assert mina.post(f"/studio/artists/{artist.id}/profile", data=form).status_code == 303
    revision_id = db.session.scalar(select(AuditEntry.object_label).where(AuditEntry.action == AuditAction.REVISION_SUBMIT))
    assert revision_id is not None
    revision_number = re.search(r"revision (\d+)", revision_id)
    assert revision_number is not None
    decision = {"decision": "approve", "checklist": list(DEFAULT_REVIEW_CHECKLIST)}
    assert admin_client.post(f"/studio/revisions/{revision_number.group(1)}/decide", data=decision).status_code == 303
    # The admin names themself, turns the new editor's account off and on again.
    assert admin_client.post("/studio/people/name", data={"display_name": "Kim"}).status_code == 303
    assert admin_client.post(f"/studio/people/{seo.id}/deactivate").status_code == 303
    assert admin_client.post(f"/studio/people/{seo.id}/reactivate").status_code == 303
    # Anything that slips through some other path is withheld by record itself.
    record(admin, AuditAction.INVITE, "invitation", 99, "someone.else@example.org as editor")
    db.session.commit()

    rows = db.session.execute(select(AuditEntry.actor, AuditEntry.object_label, AuditEntry.comment)).all()
    assert {AuditAction.INVITE, AuditAction.RETURN, AuditAction.REVISION_APPROVE, AuditAction.DEACTIVATE} <= set(
        db.session.scalars(select(AuditEntry.action))
    )
    for row in rows:
        assert not any(EMAIL.search(text or "") for text in row), row
    actors = {row.actor for row in rows}
    assert {"Mina", "Kim"} <= actors and "An admin" in actors  # the admin before and after naming themself
    log = admin_client.get("/studio/audit").get_data(as_text=True)
    assert "(address withheld)" in log
