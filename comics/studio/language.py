"""The studio's language: each account chooses the language its studio speaks (User.interface_language).

The choice is kept on the account, so every studio page follows it on any device
(web.languages.follow_interface_language); a language the site does not offer is refused, changing nothing.
"""
from __future__ import annotations

from flask import request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response  # what redirect() is typed to return; flask's Response is a subclass

from artists.permissions import signed_in_user
from comics.studio import bp
from comics.studio.dashboard import dashboard_context
from extensions import db
from settings import site_languages
from web.form_answers import done, refuse
from web.forms import SiteForm
from web.languages import language_name, locale_of, url_for_language


class LanguageForm(SiteForm):
    """The language switch of every studio page: its CSRF token, and the language in a button's value."""


@bp.post("/language")
def choose_language() -> Response | tuple[Response | str, int]:
    """Keep the account's chosen studio language and go to the studio's front page in it."""
    user = signed_in_user()
    language = request.form.get("language", "").strip()
    languages = site_languages()
    form = LanguageForm()
    if not form.validate() or language not in languages:
        names = ", ".join(language_name(code) for code in languages)
        reason = _("Choose one of the site's languages: %(languages)s.", languages=names)
        return refuse("studio/dashboard.html", dashboard_context(user), [reason])
    user.interface_language = language
    db.session.commit()
    # The notice is read on the next page, which is in the chosen language: say it in that language.
    with force_locale(locale_of(language).locale):
        message = _("Your studio is now in %(language)s.", language=language_name(language, in_language=language))
    return done(url_for_language(language, "studio.dashboard"), message)
