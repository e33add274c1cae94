"""The whole studio path in a real Chromium: upload with a progress bar, reorder, submit, approve, read."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from artists.models import Role
from settings import DEFAULT_REVIEW_CHECKLIST
from tests.browser import chromium_page, live_server, new_page, policy_violations
from tests.conftest import SiteBuilder, make_test_app, panel_png
from tests.studio_support import PASSWORD, make_account, make_artist_account, totp_code

if TYPE_CHECKING:
    from playwright.sync_api import FilePayload, Page
    from playwright.sync_api import Response as PlaywrightResponse

pytestmark = pytest.mark.browser

# Test-side instrumentation: note the progress box and bar at each change of theirs (shown, hidden, a new
# value or text) into sessionStorage, which survives the navigation that follows a finished upload. Every
# change is seen, however quick the upload or slow the machine: a timer taking samples could miss one.
WATCH_PROGRESS = """() => {
    const box = document.querySelector('[data-progress]');
    const bar = document.querySelector('#upload-progress-bar');
    const samples = [];
    new MutationObserver(() => {
        samples.push({visible: !box.hidden && box.offsetParent !== null, value: bar.value});
        sessionStorage.setItem('progress-samples', JSON.stringify(samples));
    }).observe(box, {attributes: true, childList: true, characterData: true, subtree: true});
}"""


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: url.endswith(("/studio/", "/account/verify")))
    if page.url.endswith("/account/verify"):
        # Staff: the code of the authenticator app make_account gave them (tests/studio_support.py).
        page.get_by_label("Code").fill(totp_code())
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/studio/")


def panel_alts(page: Page) -> list[str]:
    alts: list[str] = page.eval_on_selector_all("[data-panel-id] textarea[name^='alt-']", "areas => areas.map(a => a.value)")
    return alts


def status_of(response: PlaywrightResponse | None) -> int | None:
    """Return the status of the page a goto reached (None if it reached none)."""
    return response.status if response is not None else None


def test_artist_uploads_reorders_and_submits_editor_approves_reader_reads(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        mina, _ = make_artist_account("mina", "Mina")
        make_account("editor@example.org", Role.EDITOR)
        series = SiteBuilder().series(mina)
        series_id = series.id
    files: list[FilePayload] = [
        {"name": f"{n}.png", "mimeType": "image/png", "buffer": panel_png(480, 900, colour, label=str(n))}
        for n, colour in [(1, "#3b6ea5"), (2, "#a53b3b"), (3, "#3ba55a")]
    ]

    with live_server(app) as base_url, chromium_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        reader = new_page(page)

        # The artist signs in and uploads three panels, giving each its alt text.
        # Artists work at a desk: a laptop-sized window, where neighbouring panels are both in view.
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, base_url, "mina@example.org")
        page.goto(f"{base_url}/studio/series/{series_id}/episodes/new")
        page.get_by_label("Title").fill("The crossing")
        assert page.locator("[data-drop-zone]").is_visible()
        page.set_input_files("#files", files)
        rows = page.locator("[data-file-index]")
        assert rows.count() == 3
        for index, alt in enumerate(["First panel", "Second panel", "Third panel"]):
            rows.nth(index).locator("textarea").first.fill(alt)
        page.evaluate(WATCH_PROGRESS)
        page.get_by_role("button", name="Upload and save as draft").click()
        page.wait_for_url(f"{base_url}/studio/episodes/*/")
        samples = json.loads(page.evaluate("() => sessionStorage.getItem('progress-samples')") or "[]")
        assert any(sample["visible"] for sample in samples), samples[:5]
        assert max(sample["value"] for sample in samples) == 100
        assert panel_alts(page) == ["First panel", "Second panel", "Third panel"]
        episode_url = page.url

        # Before approval, readers get 404 for the page and for a panel's image.
        thumb = page.locator("[data-panel-id] img").first.get_attribute("src")
        assert thumb and thumb.startswith("/studio/media/")
        public_image = f"{base_url}{thumb.replace('/studio/media/', '/media/')}"
        assert status_of(reader.goto(f"{base_url}/series/river/1/")) == 404
        assert reader.request.get(public_image).status == 404

        # Reorder: the second panel is dragged above the first, then the first moves down with its button.
        page.locator("[data-panel-id]").nth(1).drag_to(
            page.locator("[data-panel-id]").nth(0), source_position={"x": 4, "y": 4}, target_position={"x": 4, "y": 4}
        )
        assert panel_alts(page) == ["Second panel", "First panel", "Third panel"]
        page.get_by_role("button", name="Move panel down").nth(1).click()
        assert panel_alts(page) == ["Second panel", "Third panel", "First panel"]
        page.get_by_role("button", name="Save changes").click()
        page.wait_for_selector("text=Your changes are saved.")
        assert panel_alts(page) == ["Second panel", "Third panel", "First panel"]

        # Submit for review.
        page.get_by_role("button", name="Submit for review").click()
        page.wait_for_selector("text=Sent for review")
        assert page.locator("[data-stage]").text_content() == "in review"
        assert status_of(reader.goto(f"{base_url}/series/river/1/")) == 404
        assert reader.request.get(public_image).status == 404

        # An editor approves it for now.
        editor = new_page(page)
        sign_in(editor, base_url, "editor@example.org")
        editor.get_by_role("link", name="River · Episode 1: The crossing").first.click()
        assert editor.url == episode_url
        editor.get_by_label("Approve").check()
        editor.get_by_label("Now").check()
        # Not without the checklist: refused, naming what is left, and nothing changes.
        editor.get_by_label(DEFAULT_REVIEW_CHECKLIST[0]).check()
        editor.get_by_role("button", name="Record decision").click()
        editor.wait_for_selector("text=Confirm every item of the checklist before approving")
        assert status_of(reader.goto(f"{base_url}/series/river/1/")) == 404
        for item in DEFAULT_REVIEW_CHECKLIST:
            editor.get_by_label(item).check()
        editor.get_by_label("Approve").check()
        editor.get_by_label("Now").check()
        editor.get_by_role("button", name="Record decision").click()
        editor.wait_for_selector("text=Approved and published")

        # The reader sees the episode, in the new order, and its images.
        response = reader.goto(f"{base_url}/series/river/1/")
        assert response is not None and response.status == 200
        alts = reader.eval_on_selector_all(".strip img", "images => images.map(img => img.alt)")
        assert alts == ["Second panel", "Third panel", "First panel"]
        assert reader.request.get(public_image).status == 200
        assert errors == []
        # The drop zone, the progress bar, the reordering and every page did it all under the CSP.
        assert policy_violations(page) == []


def test_each_refused_file_shows_its_reason_and_nothing_is_saved(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        mina, _ = make_artist_account("mina", "Mina")
        series = SiteBuilder().series(mina)
        series_id = series.id
    files: list[FilePayload] = [
        {"name": "good.png", "mimeType": "image/png", "buffer": panel_png(300, 400)},
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 not a picture"},
    ]
    with live_server(app) as base_url, chromium_page() as page:
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, base_url, "mina@example.org")
        page.goto(f"{base_url}/studio/series/{series_id}/episodes/new")
        page.get_by_label("Title").fill("Mixed bag")
        page.set_input_files("#files", files)
        page.get_by_role("button", name="Upload and save as draft").click()
        refused = page.locator("[data-file-status='refused']")
        refused.wait_for()
        assert "PDF" in refused.inner_text()
        assert "not saved" in page.locator("[data-file-status='unsaved']").inner_text()
        assert page.locator("[data-script-problems]").is_visible()
        assert page.url == f"{base_url}/studio/series/{series_id}/episodes/new"
        assert policy_violations(page) == []
    with app.app_context():
        from tests.studio_support import counts

        assert counts()["episodes"] == 0
