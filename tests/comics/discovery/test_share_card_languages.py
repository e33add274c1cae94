"""Share cards and previews follow the page's language: a Korean page shares a card lettered in Korean."""
from __future__ import annotations

import json
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from comics.discovery.models import ShareCard
from comics.models import SeriesTranslation
from extensions import db
from tests.comics.test_reader_languages import add_version
from tests.conftest import SiteBuilder


def card(client: FlaskClient, path: str) -> bytes:
    with client.get(path) as response:
        assert response.status_code == 200 and response.mimetype == "image/jpeg", path
        return bytes(response.data)


def test_a_series_has_a_card_per_language(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    with app.app_context():
        series = site.series()
        site.episode(series, panels=1)
        series.translations.append(SeriesTranslation(language="ko", title="등불 길", summary=""))
        db.session.commit()
    english, korean = card(client, "/series/river/share.jpg"), card(client, "/ko/series/river/share.jpg")
    assert english != korean
    # Asked again, each language's card is the stored one, not drawn anew over the other.
    assert card(client, "/series/river/share.jpg") == english and card(client, "/ko/series/river/share.jpg") == korean
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ShareCard)) == 2


def test_a_korean_version_shares_its_own_card_and_metadata(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    with app.app_context():
        add_version(site.episode(site.series(), panels=2, title="The first night"))
    assert card(client, "/series/river/1/share.jpg") != card(client, "/ko/series/river/1/share.jpg")
    page = client.get("/ko/series/river/1/").get_data(as_text=True)
    assert '<meta property="og:locale" content="ko_KR">' in page
    assert '<meta property="og:locale:alternate" content="en_US">' in page
    assert 'content="http://localhost/ko/series/river/1/share.jpg' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))  # type: ignore[union-attr]
    assert data["inLanguage"] == "ko" and data["name"] == "첫 번째 밤"
    assert data["translator"] == {"@type": "Person", "name": "김하늘"}
    assert data["translationOfWork"]["url"] == "http://localhost/series/river/1/"
    english = client.get("/series/river/1/").get_data(as_text=True)
    assert '<meta property="og:locale" content="en_US">' in english and "translationOfWork" not in english
