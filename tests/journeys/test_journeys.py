"""The people who run and feed the site, once in English and once in Korean, on the production stack.

One story per language, told in order: the operator makes the first admin at the shell, signs in,
enrols an authenticator app and a passkey, keeps the recovery codes and invites an editor and an
artist; the artist accepts, creates their first series, uploads a tall strip and three panels, writes
alt texts and transcripts and submits for review; the editor sends it back once with a note, the artist
fixes it and resubmits, the editor approves; then the artist submits the next episode and changes
their profile, and the editor schedules the episode and approves the profile. In the Korean story
everyone's studio is in Korean (chosen in the studio, as a person would).

Each step looks at what a person would see (heading, message) and fails on whatever tests/journeys/
people.py watches for. A step that fails leaves the rest of its story failing at once, naming it.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pyotp
import pytest

from tests.browser import add_virtual_authenticator
from tests.imagegen import comic_strip, encode, panel_art
from tests.journeys.people import Person
from tests.journeys.stack import Stack
from tests.waiting import wait_until

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.journey, pytest.mark.browser]

PASSWORD = "lanterns over the quiet river"


@dataclass
class Story:
    """What one language's journey has made so far, passed from step to step."""

    language: str
    stack: Stack
    browser: Browser
    folder: Path
    failed: str | None = None
    people: dict[str, Person] = field(default_factory=dict)
    admin_secret: str = ""
    recovery_codes: list[str] = field(default_factory=list)
    invitations: dict[str, str] = field(default_factory=dict)

    @property
    def korean(self) -> bool:
        return self.language == "ko"

    def email(self, role: str) -> str:
        return f"{role}-{self.language}@freelines.test"

    def person(self, role: str) -> Person:
        if role not in self.people:
            self.people[role] = Person(self.browser, self.stack, self.language, role)
        return self.people[role]

    def words(self, english: str, korean: str) -> str:
        """What a person of this story types: their own words in their own language."""
        return korean if self.korean else english


@pytest.fixture(scope="module", params=["en", "ko"])
def story(request: pytest.FixtureRequest, stack: Stack, browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    told = Story(request.param, stack, browser, tmp_path_factory.mktemp(f"story-{request.param}"))
    yield told
    for person in told.people.values():
        person.close()


@pytest.fixture
def step(story: Story, request: pytest.FixtureRequest) -> Iterator[Story]:
    """Run one step of the story, unless an earlier one failed; note a failure for the steps after."""
    if story.failed:
        pytest.fail(f"an earlier step of the {story.language} story failed: {story.failed}")
    failures_before = request.session.testsfailed
    yield story
    if request.session.testsfailed > failures_before:
        story.failed = request.node.name


def sign_in(person: Person, email: str, password: str = PASSWORD) -> None:
    person.go("/account/login")
    person.sees(person._("Sign in to the studio"))
    person.field(person._("Email")).fill(email)
    person.field(person._("Password")).fill(password)
    person.submits(person.button(person._("Sign in")))


def fresh_code(secret: str) -> str:
    """Return the code the authenticator app shows now."""
    return pyotp.TOTP(secret).now()


def choose_studio_language(person: Person) -> None:
    """In the Korean story, choose 한국어 in the studio's own switch, as a Korean editor would once."""
    if person.language != "ko":
        return
    nav = person.page.get_by_role("navigation", name=person._("Studio"))
    if nav.count() == 0:  # the English studio names its navigation in English
        nav = person.page.get_by_role("navigation", name="Studio")
    person.submits(nav.get_by_role("button", name="한국어"))
    person.page.wait_for_url(re.compile(r"/ko/"))
    person.sees(person._("Studio"))


def image_file(folder: Path, name: str, picture: object, format: str = "PNG") -> Path:
    path = folder / name
    path.write_bytes(encode(picture, format))  # type: ignore[arg-type]
    return path


# --- the operator ------------------------------------------------------------------------------------


def test_the_operator_makes_the_first_admin_and_invites_an_editor_and_an_artist(step: Story) -> None:
    story = step
    story.stack.flask("create-user", story.email("admin"), "--role", "admin", "--name", story.words("Operator", "운영자"),
                      "--password-stdin", input_text=PASSWORD + "\n")
    admin = story.person("admin")
    cdp, authenticator = add_virtual_authenticator(admin.page)

    # The password is right; an admin must set up a second factor before the studio opens.
    sign_in(admin, story.email("admin"))
    admin.sees(admin._("Set up a second factor"))
    secret = admin.page.locator(".setup-key").inner_text().replace(" ", "")
    story.admin_secret = secret
    admin.page.locator(".totp-setup").get_by_label(admin._("Name"), exact=True).fill(story.words("My phone", "내 휴대폰"))
    admin.field(admin._("Code the app shows")).fill(fresh_code(secret))
    admin.submits(admin.button(admin._("Add the app")))
    admin.sees(admin._("Your recovery codes"))
    story.recovery_codes = admin.page.locator(".recovery-codes li").all_inner_texts()
    assert len(story.recovery_codes) == 10
    admin.submits(admin.button(admin._("I have saved them: open the studio")))
    admin.sees(admin._("Studio"))
    choose_studio_language(admin)

    # A passkey too: safer than the app, since a look-alike site cannot catch it.
    admin.submits(admin.link(admin._("Security")).first)
    admin.sees(admin._("Security"))
    admin.submits(admin.link(admin._("Add a passkey")))
    admin.field(admin._("Name")).fill(story.words("This laptop", "이 노트북"))
    admin.submits(admin.button(admin._("Add a passkey")))
    admin.page.wait_for_url(re.compile(r"/account/security|/account/recovery"))
    admin.check()
    if admin.page.locator(".recovery-codes li").count():
        story.recovery_codes = admin.page.locator(".recovery-codes li").all_inner_texts()
        admin.submits(admin.link(admin._("I have saved them")))
    admin.sees(admin._("Security"))
    assert admin.page.get_by_role("cell", name=admin._("Passkey"), exact=True).is_visible()
    assert admin.page.get_by_role("cell", name=admin._("Authenticator app"), exact=True).is_visible()
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1

    # Invitations: a link that works once, copied with one button and sent by a channel the admin trusts.
    admin.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=story.stack.base_url)
    for role, role_label in (("editor", admin._("editor")), ("artist", admin._("artist"))):
        admin.submits(admin.link(admin._("People")).first)
        admin.sees(admin._("People"))
        admin.field(admin._("Their email")).fill(story.email(role))
        admin.field(admin._("Role")).select_option(role)
        if role == "artist":
            admin.field(admin._("Artist profile")).select_option("")
        admin.submits(admin.button(admin._("Create invitation link")))
        admin.sees(admin._("Invitation for %(email)s", email=story.email(role)))
        link = admin.page.locator("[data-invitation-link]").input_value()
        assert link.startswith(story.stack.base_url + "/")
        admin.button(admin._("Copy the link")).click()
        admin.page.get_by_role("status").filter(has_text=admin._("The link is copied: paste it into your message to them.")).wait_for()
        assert admin.page.evaluate("navigator.clipboard.readText()") == link
        story.invitations[role] = link
        del role_label


# --- the artist, then the editor, in turns -----------------------------------------------------------


def accept_invitation(story: Story, role: str, name: str) -> Person:
    person = story.person(role)
    person.page.goto(story.invitations[role])
    person.sees(person._("Welcome to %(site)s", site="Free Lines"))
    name_field = person.page.locator("input[name=display_name]")
    if name_field.count():
        name_field.fill(name)
    person.field(person._("Choose a password")).fill(PASSWORD)
    person.field(person._("Type it again")).fill(PASSWORD)
    person.submits(person.button(person._("Create my account")))
    no_log_holds_the_token(story, story.invitations[role].rstrip("/").rsplit("/", 1)[-1])
    return person


def no_log_holds_the_token(story: Story, token: str) -> None:
    """A seized server's logs must not open an account: the invitation's token is written as "-"."""
    logs = {path.name: path.read_text(errors="replace") for path in (story.stack.folder / "logs").glob("*.log")}
    assert "/account/invitation/-" in logs["nginx-access.log"] and "/account/invitation/-" in logs["access.log"]
    assert [name for name, text in logs.items() if token in text] == []


def test_the_artist_accepts_creates_a_series_and_submits_a_first_episode(step: Story) -> None:
    story = step
    artist = accept_invitation(story, "artist", story.words("Haeun Song", "송하은"))
    artist.sees(artist._("Studio"), flash=artist._("Welcome! Your account is ready."))
    choose_studio_language(artist)

    # Their first series: the form they see is the form they send.
    artist.submits(artist.link(artist._("New series")).first)
    artist.sees(artist._("New series"))
    artist.field(artist._("Title")).first.fill(story.words("Crossing Lines", "선을 넘어"))
    artist.field(artist._("Summary")).first.fill(story.words("A family's winter on the river.", "강가에서 보낸 한 가족의 겨울."))
    artist.field(artist._("Language")).fill(story.language)
    artist.submits(artist.button(artist._("Create series")))
    title = story.words("Crossing Lines", "선을 넘어")
    artist.sees(title)

    # Episode 1 as one tall strip, cut into panels at quiet rows.
    artist.submits(artist.link(artist._("New episode")))
    artist.sees(artist._("New episode of %(series)s", series=title))
    artist.field(artist._("Title")).fill(story.words("The Ice", "얼음"))
    strip = image_file(story.folder, "strip.png", comic_strip(width=800, height=3200)[0])
    artist.page.locator("#files").set_input_files(str(strip))
    artist.submits(artist.button(artist._("Upload and save as draft")))
    artist.page.wait_for_url(re.compile(r"/studio/episodes/\d+"))
    artist.check()
    describe_panels(artist, story, "1")
    submit_for_review(artist)


def describe_panels(artist: Person, story: Story, episode: str) -> None:
    """Write each panel's alt text and transcript once its renditions are ready, and save."""
    wait_for_panels_ready(artist)
    for index, alt in enumerate(artist.page.locator("textarea[name^=alt-]").all(), start=1):
        alt.fill(story.words(f"Panel {index} of episode {episode}: a figure on the ice at night.",
                             f"{episode}화 {index}번째 칸: 밤에 얼음 위에 선 사람."))
    closed = artist.page.locator(".panel-row details:not([open]) summary")
    while closed.count():
        closed.first.click()
    for index, transcript in enumerate(artist.page.locator("textarea[name^=transcript-]").all(), start=1):
        transcript.fill(story.words(f"Line {index}: keep walking.", f"{index}번째 대사: 계속 걸어."))
    artist.submits(artist.button(artist._("Save changes")))
    artist.sees(re.compile("."), flash=artist._("Your changes are saved."))


def wait_for_panels_ready(person: Person) -> None:
    """Reload the episode's page until the render worker has made every panel's renditions, as a person would."""

    def ready() -> bool:
        if person.page.locator(".panel-state").count() == 0:
            return True
        person.page.reload()
        return False

    wait_until(ready, "the render worker's renditions of every panel")
    person.check()


def submit_for_review(artist: Person) -> None:
    artist.submits(artist.button(artist._("Submit for review")))
    artist.sees(re.compile("."), flash=artist._("Sent for review. An editor will read it soon."))
    assert artist.page.locator("[data-stage]").filter(has_text=artist._("in review")).count() == 1


def test_the_editor_sends_the_episode_back_with_a_note(step: Story) -> None:
    story = step
    editor = accept_invitation(story, "editor", story.words("Editor Park", "박 편집자"))
    # An editor needs a second factor: the app, here.
    editor.sees(editor._("Set up a second factor"))
    secret = editor.page.locator(".setup-key").inner_text().replace(" ", "")
    editor.page.locator(".totp-setup").get_by_label(editor._("Name"), exact=True).fill("Phone")
    editor.field(editor._("Code the app shows")).fill(fresh_code(secret))
    editor.submits(editor.button(editor._("Add the app")))
    editor.sees(editor._("Your recovery codes"))
    editor.submits(editor.button(editor._("I have saved them: open the studio")))
    editor.sees(editor._("Studio"))
    choose_studio_language(editor)

    open_episode_in_review(editor, story, story.words("The Ice", "얼음"))
    editor.page.get_by_label(editor._("Send back to the artist")).check()
    editor.field(editor._("Comment")).fill(story.words("Panel 2 shows the real name of the village: please remove it.",
                                                       "두 번째 칸에 실제 마을 이름이 보여요. 지워 주세요."))
    editor.submits(editor.button(editor._("Record decision")))
    editor.sees(re.compile("."), flash=editor._("Sent back to the artist with your comment."))


def open_episode_in_review(editor: Person, story: Story, title: str) -> None:
    editor.submits(editor.link(editor._("Dashboard")).first)
    editor.sees(editor._("Studio"))
    editor.submits(editor.page.get_by_role("link", name=title).first)
    editor.page.locator("[data-stage]").filter(has_text=editor._("in review")).first.wait_for()
    editor.check()


def test_the_artist_fixes_and_resubmits(step: Story) -> None:
    story = step
    artist = story.person("artist")
    artist.submits(artist.link(artist._("Dashboard")).first)
    artist.sees(artist._("Studio"))
    artist.submits(artist.page.get_by_role("link", name=story.words("The Ice", "얼음")).first)
    artist.page.locator(".notice-returned").wait_for()
    note = story.words("Panel 2 shows the real name of the village", "두 번째 칸에 실제 마을 이름이 보여요")
    assert note in artist.page.locator(".notice-returned").inner_text()
    replacement = image_file(story.folder, "panel-2-fixed.png", panel_art((800, 900), seed=22))
    artist.page.locator("input[name^=replace-]").nth(1).set_input_files(str(replacement))
    artist.submits(artist.button(artist._("Save changes")))
    artist.sees(re.compile("."), flash=artist._("Your changes are saved."))
    describe_panels(artist, story, "1")
    submit_for_review(artist)


def approve(editor: Person, when: str = "now", publish_at: str | None = None) -> None:
    editor.page.get_by_label(editor._("Approve"), exact=True).check()
    if when == "later":
        editor.page.get_by_label(editor._("At a set time")).check()
        assert publish_at is not None
        editor.field(editor._("Date and time")).fill(publish_at)
    for box in editor.page.locator("[data-review-checklist] input[type=checkbox]").all():
        box.check()
    editor.submits(editor.button(editor._("Record decision")))


def test_the_editor_approves_the_first_episode(step: Story) -> None:
    story = step
    editor = story.person("editor")
    open_episode_in_review(editor, story, story.words("The Ice", "얼음"))
    approve(editor)
    editor.sees(re.compile("."), flash=editor._("Approved and published: readers can see it now."))

    # A reader now finds it, in the story's language.
    reader = story.person("reader")
    reader.go("/")
    reader.sees(re.compile("."))
    reader.submits(reader.page.get_by_role("link", name=re.compile(story.words("The Ice", "얼음"))).first)
    reader.sees(story.words("The Ice", "얼음"))


def test_the_artist_submits_the_next_episode_and_changes_their_profile(step: Story) -> None:
    story = step
    artist = story.person("artist")
    artist.submits(artist.link(artist._("Dashboard")).first)
    artist.submits(artist.page.get_by_role("link", name=story.words("Crossing Lines", "선을 넘어")).first)
    artist.submits(artist.link(artist._("New episode")))
    artist.field(artist._("Title")).fill(story.words("The Far Bank", "건너편 강둑"))
    panels = [image_file(story.folder, f"panel-{n}.png", panel_art((800, 1000), seed=n)) for n in (31, 32, 33)]
    artist.page.locator("#files").set_input_files([str(panel) for panel in panels])
    artist.submits(artist.button(artist._("Upload and save as draft")))
    artist.page.wait_for_url(re.compile(r"/studio/episodes/\d+"))
    artist.check()
    describe_panels(artist, story, "2")
    submit_for_review(artist)

    # Their profile is public now: a change waits for an editor.
    artist.submits(artist.link(artist._("My profile")).first)
    artist.field(artist._("Display name")).first.fill(story.words("Haeun S.", "송하은 작가"))
    artist.field(artist._("About you")).first.fill(story.words("I draw the river I crossed.", "제가 건넌 강을 그려요."))
    avatar = image_file(story.folder, "avatar.png", panel_art((400, 400), seed=7))
    artist.field(artist._("Picture")).set_input_files(str(avatar))
    artist.page.locator("input[name='links-0-label']").fill(story.words("Support my work", "제 작업 후원하기"))
    artist.page.locator("input[name='links-0-url']").fill("https://example.org/support/haeun")
    artist.submits(artist.page.locator("form.studio-form button[type=submit]").last)
    artist.sees(
        artist._("Profile of %(name)s", name=story.words("Haeun Song", "송하은")),
        flash=artist._("Your changes are saved and wait for an editor: readers see the profile as it was until an editor approves them."),
    )


def test_the_editor_schedules_the_next_episode_and_approves_the_profile(step: Story) -> None:
    story = step
    editor = story.person("editor")
    open_episode_in_review(editor, story, story.words("The Far Bank", "건너편 강둑"))
    tomorrow = (datetime.now(ZoneInfo("Asia/Seoul")) + timedelta(days=1)).replace(hour=9, minute=0)
    approve(editor, "later", tomorrow.strftime("%Y-%m-%dT%H:%M"))
    editor.sees(re.compile("."), flash=editor._("Approved and scheduled."))
    assert editor.page.locator("[data-stage]").filter(has_text=editor._("scheduled")).count() == 1

    editor.submits(editor.link(editor._("Changes to review")).first)
    editor.sees(editor._("Changes to review"))
    editor.submits(editor.page.locator("main a[href*='/studio/revisions/']").first)
    editor.sees(editor._("Changes to the profile of %(name)s", name=story.words("Haeun Song", "송하은")))
    # The new picture is painted, and the review's second pair of eyes takes it for a photograph: the items
    # on people and crossings stay closed until the editor has looked and dismissed the flag with a reason.
    flag = editor.page.locator("[data-review-flags] tr[data-flag-state=open]")
    assert flag.count() == 1
    assert flag.get_attribute("data-flag") == "photograph"
    flag.get_by_label(editor._("Why this is no risk")).fill(story.words("A painted portrait, not a photograph.", "사진이 아니라 그린 초상화예요."))
    editor.submits(flag.get_by_role("button", name=editor._("Dismiss this flag")))
    editor.sees(re.compile("."), flash=editor._("Flag dismissed; your reason is in the audit log."))
    assert editor.page.locator("[data-review-flags] tr[data-flag-state=dismissed]").count() == 1
    editor.page.get_by_label(editor._("Approve: readers see the new version")).check()
    for box in editor.page.locator("[data-review-checklist] input[type=checkbox]").all():
        box.check()
    editor.submits(editor.page.locator("form button[type=submit]").filter(has_text=editor._("Record decision")))
    editor.sees(re.compile("."), flash=editor._("Approved: readers see the new version now."))

    # Readers see the new name, about text and link on the profile, from the episode they read.
    reader = story.person("reader")
    reader.go("/")
    reader.submits(reader.page.get_by_role("link", name=re.compile(story.words("The Ice", "얼음"))).first)
    new_name = story.words("Haeun S.", "송하은 작가")
    reader.submits(reader.page.get_by_role("link", name=new_name).first)
    reader.sees(new_name)
    assert story.words("I draw the river I crossed.", "제가 건넌 강을 그려요.") in reader.page.locator("main").inner_text()
    assert reader.page.get_by_role("link", name=story.words("Support my work", "제 작업 후원하기")).first.is_visible()
