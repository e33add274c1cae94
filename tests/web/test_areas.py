"""What each area (blueprint) declares of its pages, collected by the factory (web.areas)."""
from __future__ import annotations

from flask import Blueprint, Flask

from web.areas import AREAS_KEY, AreaNeeds, area_needs, collect_areas, declare_area, in_area


def test_the_areas_say_themselves_which_pages_are_a_persons_own_and_which_post_forms_back(app: Flask) -> None:
    areas = app.extensions[AREAS_KEY]
    assert areas["personal"] == {"studio", "artist_studio", "giving_studio", "security"}
    assert areas["forms_post_back"] == {"studio", "artist_studio", "giving_studio", "security", "auth"}


def test_a_blueprint_that_declares_nothing_needs_nothing() -> None:
    assert area_needs(Blueprint("plain", __name__)) == AreaNeeds()


def test_a_request_is_in_the_areas_its_blueprint_declared() -> None:
    app = Flask(__name__)
    own = declare_area(Blueprint("own", __name__, url_prefix="/own"), personal=True)
    nested = Blueprint("inner", __name__, url_prefix="/inner")
    own.register_blueprint(nested)
    plain = Blueprint("plain", __name__)
    for blueprint in (own, plain):
        blueprint.add_url_rule("/", "page", lambda: "")
    nested.add_url_rule("/", "page", lambda: "")
    app.register_blueprint(own)
    app.register_blueprint(plain)
    collect_areas(app, [own, plain])
    with app.test_request_context("/own/"):
        app.preprocess_request()
        assert in_area("personal") and not in_area("forms_post_back")
    with app.test_request_context("/own/inner/"):
        assert in_area("personal")  # a blueprint inside an area is in it too
    with app.test_request_context("/"):
        assert not in_area("personal")
