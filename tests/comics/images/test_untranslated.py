"""The pure steps' messages: English where no request knows the language, the page's language where one does."""
from __future__ import annotations

from flask import Flask
from flask_babel import refresh

from comics.images import opening
from comics.images.untranslated import Wording, _
from comics.site_images import in_page_language, refusal_text
from web.languages import LANGUAGE_KEY


def test_a_wording_is_its_english_text_and_keeps_its_template() -> None:
    wording = _("%(archive)s: the archive holds no files", archive="a.cbz")
    assert wording == "a.cbz: the archive holds no files" and isinstance(wording, str)
    assert wording.template == "%(archive)s: the archive holds no files" and wording.values == {"archive": "a.cbz"}


def test_a_refusal_is_shown_in_the_page_language(app: Flask) -> None:
    refusal = opening.RejectedImage("page.psd", opening.describe_refused(b"8BPS" + bytes(20)))
    # The language comes from the URL's prefix (web.languages), as a request through the site sets it;
    # Flask-Babel keeps the locale of the app context, so it is refreshed for each request here.
    with app.test_request_context("/studio/", environ_overrides={LANGUAGE_KEY: "ko"}):
        refresh()
        korean = refusal_text(refusal)
    with app.test_request_context("/studio/"):
        refresh()
        english = refusal_text(refusal)
    assert english == str(refusal) == "page.psd: this looks like a Photoshop document (PSD); upload PNG, JPEG, WebP, GIF or AVIF"
    assert korean.startswith("page.psd: ") and korean != english
    # The values are translated too: the kind of file and the hint are Korean, not English.
    assert "Photoshop document" not in korean and "upload PNG" not in korean


def test_plain_text_passes_through(app: Flask) -> None:
    with app.test_request_context("/ko/"):
        assert in_page_language("plain") == "plain"
        assert isinstance(in_page_language(Wording("x")), str)
