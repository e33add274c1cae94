"""The studio's language: each account chooses it (User.interface_language), and every studio page follows."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from artists.models import Role, User
from extensions import db
from tests.conftest import make_test_app
from tests.studio_support import make_artist_account, problems, sign_in

CSRF_VALUE = re.compile(r'name="csrf_token" value="([^"]+)"')


def chosen_language(email: str) -> str | None:
    db.session.expire_all()
    user = db.session.scalar(db.select(User).where(User.email == email))
    assert user is not None
    chosen: str | None = user.interface_language
    return chosen


@pytest.fixture
def korean_studio(tmp_path: Path) -> Iterator[Flask]:
    """The studio app, with no app context held around the requests: Flask-Babel keeps a request's
    locale in g, which a context held by the test would share between requests of different languages."""
    yield make_test_app(tmp_path, WTF_CSRF_ENABLED=False)


def test_choosing_korean_moves_the_studio_to_korean(korean_studio: Flask) -> None:
    with korean_studio.app_context():
        make_artist_account("mina")
    client = korean_studio.test_client()
    sign_in(client, "mina@example.org")

    response = client.post("/studio/language", data={"language": "ko"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/ko/studio/")
    with korean_studio.app_context():
        assert chosen_language("mina@example.org") == "ko"

    # Any later studio page in English is sent to the same page in Korean.
    later = client.get("/studio/")
    assert later.status_code == 303 and later.headers["Location"].endswith("/ko/studio/")
    page = client.get("/ko/studio/").get_data(as_text=True)
    assert '<html lang="ko">' in page
    assert "<h1>스튜디오</h1>" in page and "대시보드" in page
    # The notice of the change is in the language chosen.
    assert "이제 스튜디오가 한국어로 표시돼요." in page
    # The switch back is on every studio page, English named in English.
    assert 'name="language" value="en"' in page and ">English</button>" in page

    back = client.post("/ko/studio/language", data={"language": "en"})
    assert back.status_code == 303 and back.headers["Location"].endswith("/studio/")
    assert not back.headers["Location"].endswith("/ko/studio/")
    with korean_studio.app_context():
        assert chosen_language("mina@example.org") == "en"
    english = client.get("/studio/")
    assert english.status_code == 200 and "<h1>Studio</h1>" in english.get_data(as_text=True)


@pytest.mark.parametrize("language", ["fr", "", "KO", "ko/../en"])
def test_an_unknown_language_is_refused_and_changes_nothing(studio_app: Flask, language: str) -> None:
    make_artist_account("mina")
    client = studio_app.test_client()
    sign_in(client, "mina@example.org")

    response = client.post("/studio/language", data={"language": language})
    assert response.status_code == 400
    assert "Choose one of the site's languages" in problems(response)
    assert chosen_language("mina@example.org") is None
    assert client.get("/studio/").status_code == 200


def test_anonymous_visitors_cannot_choose(studio_app: Flask) -> None:
    response = studio_app.test_client().post("/studio/language", data={"language": "ko"})
    assert response.status_code == 401


def test_the_choice_needs_the_forms_token(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_artist_account("mina")
        client = app.test_client()
        sign_in(client, "mina@example.org")
        assert client.post("/studio/language", data={"language": "ko"}).status_code == 400
        assert chosen_language("mina@example.org") is None

        match = CSRF_VALUE.search(client.get("/studio/").get_data(as_text=True))
        assert match is not None
        token = match.group(1)
        response = client.post("/studio/language", data={"language": "ko", "csrf_token": token})
        assert response.status_code == 303
        assert chosen_language("mina@example.org") == "ko"


def test_an_editor_chooses_as_well(studio_app: Flask) -> None:
    from tests.studio_support import make_account

    make_account("editor@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "editor@example.org")
    assert client.post("/studio/language", data={"language": "ko"}).status_code == 303
    assert chosen_language("editor@example.org") == "ko"
