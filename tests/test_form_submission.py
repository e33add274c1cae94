"""tests/forms.py sends what a browser sends: the rules it follows, checked on a page of every kind of control."""
from __future__ import annotations

import io

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from tests.forms import form_on, referer_under, submit

PAGE = """<!doctype html><title>t</title>
<form method="post" action="/ko/sent" enctype="multipart/form-data">
  <input type="hidden" name="csrf_token" value="tok&amp;en">
  <input name="title" value="Old">
  <textarea name="summary">
Two
lines</textarea>
  <select name="status"><option value="ongoing">Ongoing</option><option value="completed">Completed</option></select>
  <select name="artist"><option value="7" selected>Mina</option></select>
  <label><input type="checkbox" name="remove_cover"> Remove</label>
  <label><input type="checkbox" name="agree" value="yes" checked> Agree</label>
  <input name="locked" value="x" disabled>
  <fieldset disabled><input name="also_locked" value="y"></fieldset>
  <input type="file" name="cover">
  <button type="button" name="helper" value="no">Choose files</button>
  <button type="submit" name="decision" value="save">Save</button>
  <button type="submit" name="decision" value="delete">Delete</button>
</form>
<form method="post" action="/logout"><button>Sign out</button></form>"""


@pytest.fixture
def client() -> FlaskClient:
    app = Flask(__name__)

    @app.get("/page")
    def page() -> tuple[str, int, dict[str, str]]:
        return PAGE, 200, {"Referrer-Policy": "same-origin"}

    @app.post("/ko/sent")
    def sent() -> dict[str, object]:
        files = {name: [(f.filename, f.read().decode()) for f in request.files.getlist(name)] for name in request.files}
        return {"form": list(request.form.items(multi=True)), "files": files, "referer": request.referrer}

    return app.test_client()


def test_the_form_sends_what_the_page_holds_and_what_was_typed(client: FlaskClient) -> None:
    page = client.get("/page")
    answer = submit(client, page, "title", {"title": "New", "remove_cover": True,
                                            "cover": (io.BytesIO(b"png"), "cover.png")}).get_json()
    assert answer["form"] == [
        ["csrf_token", "tok&en"], ["title", "New"], ["summary", "Two\nlines"], ["status", "ongoing"],
        ["artist", "7"], ["remove_cover", "on"], ["agree", "yes"], ["decision", "save"],
    ]
    assert answer["files"] == {"cover": [["cover.png", "png"]]}
    assert answer["referer"] == "http://localhost/page"


def test_an_untouched_file_input_sends_an_empty_part_and_a_button_can_be_chosen(client: FlaskClient) -> None:
    answer = submit(client, client.get("/page"), "title", {"agree": False}, button="Delete").get_json()
    assert answer["files"] == {"cover": [["", ""]]}
    assert ["decision", "delete"] in answer["form"] and ["agree", "yes"] not in answer["form"]


def test_a_person_cannot_fill_what_they_cannot_reach(client: FlaskClient) -> None:
    form = form_on(client.get("/page"), "title")
    with pytest.raises(ValueError, match="hidden"):
        form.fill({"csrf_token": "forged"})
    with pytest.raises(ValueError, match="offers"):
        form.fill({"status": "cancelled"})
    with pytest.raises(KeyError):
        form.fill({"locked": "z"})  # disabled: never sent, never typed into
    with pytest.raises(KeyError):
        form.fill({"no_such_field": "z"})


@pytest.mark.parametrize(
    ("policy", "target", "sent"),
    [
        ("no-referrer", "https://site.example/account/login", None),
        ("same-origin", "https://site.example/account/login", "https://site.example/ko/account/login?next=%2F"),
        ("same-origin", "https://elsewhere.example/", None),
        ("", "https://elsewhere.example/", "https://site.example/"),
        ("", "http://site.example/", None),
        ("unknown-policy, same-origin", "https://site.example/x", "https://site.example/ko/account/login?next=%2F"),
    ],
)
def test_the_referer_follows_the_pages_policy(policy: str, target: str, sent: str | None) -> None:
    assert referer_under(policy, "https://site.example/ko/account/login?next=%2F#top", target) == sent
