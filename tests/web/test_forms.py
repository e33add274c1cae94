"""Every message a person sees is the project's own, in the page's language (web.forms): no WTForms,
Flask-WTF, Flask-Login or werkzeug default text reaches a page, in English or in Korean (issue 18).

The request tests render each form over https and send what it holds, with one bad value, as a
browser would; the walk over every form checks that no field or validator can bring a default back.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import flask_wtf
import pytest
import wtforms
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, abort
from flask.testing import FlaskClient
from flask_babel import force_locale
from itsdangerous import TimestampSigner
from sqlalchemy import func, select, update
from werkzeug.exceptions import default_exceptions
from werkzeug.test import TestResponse
from wtforms import Form, SelectField
from wtforms.fields.core import UnboundField

import artists
import comics
import web
from artists.models import Artist, Role, User
from comics.giving.studio import give_form
from comics.models import Series
from comics.studio.forms import ConfirmForm, SeriesForm
from extensions import db, login_manager
from tests.conftest import make_test_app
from tests.forms import Form as PageForm
from tests.forms import form_on
from tests.framework_texts import framework_texts, framework_texts_in, messages_in_source, package_sources, translations_asked
from tests.page_text import VisibleText
from tests.studio_support import https_client, make_account, sign_in
from web.form_answers import form_errors
from web.forms import CSRF_REFUSALS, OWN_TRANSLATIONS, OwnWordsMeta, SiteCSRF, csrf_refusal
from web.languages import locale_of

SITE = "https://freelines.example"
PREFIXES = {"en": "", "ko": "/ko"}
TRANSLATIONS = Path(__file__).resolve().parents[2] / "web" / "translations"
PROJECT_PACKAGES = ("artists", "comics", "web")


@cache
def catalogue(language: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS), [locale_of(language).locale])


def said(language: str, message: str, plural: str | None = None, **values: Any) -> str:
    """Return a message of the project as the page in this language says it."""
    words = catalogue(language).ngettext(message, plural, values["n"]) if plural else catalogue(language).gettext(message)
    assert language == "en" or words != message, f"the {language} catalogue does not translate {message!r}"
    return words % values if values else words


def msgid(message: Any) -> str:
    """Return the English of a message made with lazy_gettext: its msgid."""
    with force_locale("en"):
        return str(message)


def shows_own_words(response: TestResponse, language: str, *messages: str) -> None:
    """Assert the answer shows these messages, in the page's language, and no framework's text."""
    page = response.get_data(as_text=True)
    assert framework_texts_in(page) == [], page
    assert f'<html lang="{language}">' in page
    shown = VisibleText.of(page, "")
    for message in messages:
        assert message in shown, f"{message!r} not in {shown!r}"


@pytest.fixture
def site(tmp_path: Path) -> Flask:
    """The site over https with its CSRF checks on, and no app context held around the requests, so each
    request finds its own language (Flask-Babel keeps a request's locale in g)."""
    return make_test_app(tmp_path, SITE_URL=SITE, WTF_CSRF_ENABLED=True)


def studio_client(app: Flask, language: str) -> FlaskClient:
    """Return an admin signed in over https, whose studio speaks the language, with two artists to choose from."""
    with app.app_context():
        db.session.add_all([Artist(slug="mina", display_name="Mina"), Artist(slug="jun", display_name="Jun")])
        make_account("admin@example.org", Role.ADMIN)
    client = https_client(app)
    sign_in(client, "admin@example.org")
    with app.app_context():
        db.session.execute(update(User).values(interface_language=language))
        db.session.commit()
    return client


def page_offering(form: PageForm, name: str, value: str) -> PageForm:
    """Make the page's control hold a value the site does not accept, as the new-series page once held an
    empty artist: the browser sends whatever the page holds."""
    for control in form.controls:
        if control.name == name:
            if control.kind == "select":
                control.options = [(value, True, False)]
            else:
                control.value = value
    return form


# --- a bad value in a form, in each language -----------------------------------------------------------

SERIES_REFUSALS: dict[str, tuple[dict[str, str], tuple[str, str] | None, Callable[[str], str]]] = {
    "an empty required field": ({"title": ""}, None, lambda language: said(language, "Give the series a title.")),
    "a value too long": (
        {"title": "Night Train", "slug": "a" * 81},
        None,
        lambda language: said(language, "Use at most %(max)d character.", "Use at most %(max)d characters.", n=80, max=80),
    ),
    "a choice not offered": (
        {"title": "Night Train"}, ("status", "paused"), lambda language: said(language, "Choose whether the series is ongoing or completed.")
    ),
    "a number that is not one": ({"title": "Night Train"}, ("artist", "mina"), lambda language: said(language, "Choose an artist.")),
    "an empty number": ({"title": "Night Train"}, ("artist", ""), lambda language: said(language, "Choose an artist.")),
    "a number not offered": ({"title": "Night Train"}, ("artist", "99999"), lambda language: said(language, "Choose an artist.")),
}


@pytest.mark.parametrize("language", PREFIXES)
@pytest.mark.parametrize("case", SERIES_REFUSALS)
def test_a_bad_value_in_the_series_form_is_refused_in_the_sites_words(site: Flask, language: str, case: str) -> None:
    typed, offered, expected = SERIES_REFUSALS[case]
    client = studio_client(site, language)
    page = client.get(f"{PREFIXES[language]}/studio/series/new")
    assert page.status_code == 200
    form = form_on(page, "title").fill(typed)
    if offered:
        page_offering(form, *offered)
    response = form.submit(client)
    assert response.status_code == 400
    shows_own_words(response, language, expected(language))
    with site.app_context():
        assert db.session.scalar(select(func.count(Series.id))) == 0


@pytest.mark.parametrize("language", PREFIXES)
def test_a_value_too_long_in_a_subform_is_refused_in_the_sites_words(site: Flask, language: str) -> None:
    """The Give page's fields are subforms (SiteSubform), one set per language: their Meta is the site's too."""
    client = studio_client(site, language)
    page = client.get(f"{PREFIXES[language]}/studio/give")
    response = form_on(page, "en-heading").fill({"en-heading": "h" * 201}).submit(client)
    assert response.status_code == 400
    shows_own_words(response, language, said(language, "Use at most %(max)d character.", "Use at most %(max)d characters.", n=200, max=200))


# --- CSRF: the page's token missing, expired, or the form sent from elsewhere -----------------------------


def without_token(form: PageForm) -> PageForm:
    """A page that rendered no token (one kept from before, or a copy)."""
    form.controls = [control for control in form.controls if control.name != "csrf_token"]
    return form


def from_another_site(form: PageForm) -> PageForm:
    """The same form on another site's page, which sends its address (a cross-site forgery)."""
    form.attributes["action"] = form.action
    form.page_url, form.referrer_policy = "https://elsewhere.example/free-prizes", "unsafe-url"
    return form


def without_referrer(form: PageForm) -> PageForm:
    """A browser (or a privacy extension) that sends no Referer from the page."""
    form.referrer_policy = "no-referrer"
    return form


CSRF_CASES: dict[str, tuple[Callable[[PageForm], PageForm], str]] = {
    "the token missing": (without_token, "The CSRF token is missing."),
    "the form sent from another site": (from_another_site, "The referrer does not match the host."),
    "no referrer over https": (without_referrer, "The referrer header is missing."),
}


@pytest.mark.parametrize("language", PREFIXES)
@pytest.mark.parametrize("case", CSRF_CASES)
def test_a_csrf_refusal_says_why_in_the_sites_words(site: Flask, language: str, case: str) -> None:
    change, reason = CSRF_CASES[case]
    client = studio_client(site, language)
    page = client.get(f"{PREFIXES[language]}/studio/series/new")
    response = change(form_on(page, "title").fill({"title": "Night Train"})).submit(client)
    assert response.status_code == 400
    shows_own_words(response, language, said(language, "Form not accepted"), said(language, msgid(CSRF_REFUSALS[reason])))
    with site.app_context():
        assert db.session.scalar(select(func.count(Series.id))) == 0


@pytest.mark.parametrize("language", PREFIXES)
def test_an_expired_token_is_refused_in_the_sites_words(site: Flask, language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client = studio_client(site, language)
    page = client.get(f"{PREFIXES[language]}/studio/series/new")
    form = form_on(page, "title").fill({"title": "Night Train"})
    # Sent two hours after the page was opened: past WTF_CSRF_TIME_LIMIT (an hour), within the session's life.
    opened = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda signer: opened(signer) + 2 * 3600)
    response = form.submit(client)
    assert response.status_code == 400
    shows_own_words(response, language, said(language, msgid(CSRF_REFUSALS["The CSRF token has expired."])))


@pytest.mark.parametrize("language", PREFIXES)
def test_a_form_sent_without_the_sites_cookie_is_refused_in_the_sites_words(site: Flask, language: str) -> None:
    client = https_client(site)
    page = client.get(f"{PREFIXES[language]}/account/login")
    form = form_on(page, "email").fill({"email": "someone@example.org", "password": "a password"})
    # The browser dropped the session cookie the page came with (cleared, or blocked for this site).
    client.delete_cookie(site.config["SESSION_COOKIE_NAME"], domain="freelines.example")
    response = form.submit(client)
    assert response.status_code == 400
    shows_own_words(response, language, said(language, msgid(CSRF_REFUSALS["The CSRF session token is missing."])))


@pytest.mark.parametrize("language", PREFIXES)
def test_a_forms_own_csrf_check_refuses_in_the_sites_words(app: Flask, language: str) -> None:
    """The check a form makes itself when CSRFProtect has not (a view exempted from it): the same words,
    without the token field's name before them."""
    with app.test_request_context("/", method="POST", data={"csrf_token": "forged"}), force_locale(locale_of(language).locale):
        form = ConfirmForm()
        assert isinstance(form.meta.build_csrf(form), SiteCSRF)
        assert not form.validate()
        assert form_errors(form) == [said(language, msgid(CSRF_REFUSALS["The CSRF token is invalid."]))]


def test_every_csrf_refusal_of_flask_wtf_has_words_of_its_own() -> None:
    """Each reason Flask-WTF's CSRF check can give, read from its source, is answered with its own words."""
    (source,) = (text for text in package_sources(flask_wtf) if "def validate_csrf(" in text)
    reasons = messages_in_source(source) - {"CSRF validation failed."}
    assert len(reasons) >= 7 and reasons <= set(CSRF_REFUSALS), reasons - set(CSRF_REFUSALS)


# --- Flask-Login and werkzeug ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", PREFIXES)
def test_the_sign_in_notice_is_the_sites_own(site: Flask, language: str) -> None:
    client = https_client(site)
    response = client.get(f"{PREFIXES[language]}/account/password", follow_redirects=True)
    assert response.request.url.startswith(f"{SITE}{PREFIXES[language]}/account/login")
    shows_own_words(response, language, said(language, "Sign in to open the studio."))


def test_flask_logins_messages_are_the_sites_own(app: Flask) -> None:
    for message in (login_manager.login_message, login_manager.needs_refresh_message):
        english = str(message)
        assert english in project_messages() and english not in framework_texts()
        with app.test_request_context(), force_locale(locale_of("ko").locale):
            assert str(message) == said("ko", english) != english


@pytest.mark.parametrize("language", PREFIXES)
def test_no_error_page_shows_werkzeugs_words(tmp_path: Path, language: str) -> None:
    """Every error status werkzeug knows, raised by a view, answers with the site's page in the language."""
    app = make_test_app(tmp_path, SITE_URL=SITE)
    app.add_url_rule("/failing/<int:status>", "failing", lambda status: abort(status))
    client = https_client(app)
    for status in sorted(default_exceptions):
        response = client.get(f"{PREFIXES[language]}/failing/{status}")
        assert response.status_code == status
        shows_own_words(response, language)
    wrong = client.get(f"{PREFIXES[language]}/studio/language")
    assert wrong.status_code == 405 and "POST" in wrong.headers["Allow"]
    message = "This address is not a page to open: it is where a form sends its answer. Go back and use the page's button."
    shows_own_words(wrong, language, said(language, message))


# --- the framework's messages, mapped --------------------------------------------------------------------


@cache
def project_messages() -> frozenset[str]:
    """Return the msgids of the project's catalogue."""
    with (TRANSLATIONS / "ko" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return frozenset(text for message in read_po(po) if message.id for text in _parts(message.id))


@cache
def is_own(asked: tuple[str, ...]) -> bool:
    """Tell whether what a framework asks a translation for (a msgid, or singular and plural) comes back
    in the project's words, in English and in Korean, with room for whatever the framework fills in."""
    for language in PREFIXES:
        with force_locale(locale_of(language).locale):
            if len(asked) == 2:
                answers = [OWN_TRANSLATIONS.ngettext(asked[0], asked[1], n) for n in (1, 80)]
            else:
                # Flask-WTF's FileSize writes its numbers in first: "File must be between {} and {} bytes."
                answers = [OWN_TRANSLATIONS.gettext(asked[0].replace("{}", "2000000"))]
            for answer in answers:
                filled = answer.format(extensions="png, jpg") % ("field" if "%s" in answer else FILLED)
                if answer in asked or filled in framework_texts() or framework_texts_in(filled):
                    return False
    return True


# What WTForms fills into its messages (validators.Length, NumberRange, EqualTo, AnyOf, SelectMultipleField…).
FILLED = {"min": 1, "max": 80, "length": 81, "other_label": "Password", "other_name": "password", "values": "a, b", "value": "c"}


def test_every_message_wtforms_and_flask_wtf_ask_to_translate_has_the_sites_words(app: Flask) -> None:
    asked = {message for package in (wtforms, flask_wtf) for source in package_sources(package) for message in translations_asked(source)}
    assert ("This field is required.",) in asked and ("Invalid Choice: could not coerce.",) in asked
    with app.test_request_context():
        missing = sorted(message for message in asked if not is_own(message))
    assert not missing, f"give these the site's words in web.forms.OWN_WORDS: {missing}"


def test_no_message_of_the_site_looks_like_a_frameworks() -> None:
    """The project's own words never match a framework's text, so framework_texts_in finds only theirs."""
    with (TRANSLATIONS / "ko" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        texts = [text for message in read_po(po) if message.id for text in (*_parts(message.id), *_parts(message.string))]
    assert [text for text in texts if framework_texts_in(text)] == []


def _parts(value: object) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (str(value or ""),)


def test_framework_texts_are_found_in_a_page() -> None:
    page = (
        "<p>Artist: Invalid Choice: could not coerce.</p><p>작가: 올바르지 않은 선택값입니다: 변환할 수 없습니다.</p>"
        "<p>Field cannot be longer than\n 80 characters.</p><script>'This field is required.'</script>"
    )
    assert framework_texts_in(page) == [
        "Field cannot be longer than %(max)d characters.", "Invalid Choice: could not coerce.", "올바르지 않은 선택값입니다: 변환할 수 없습니다.",
    ]
    assert "Please log in to access this page." in framework_texts()
    assert "The method is not allowed for the requested URL." in framework_texts()
    assert "이 항목은 필수입니다." in framework_texts()


# --- every form of the site, walked --------------------------------------------------------------------


def project_form_classes() -> list[type[Form]]:
    """Return every form class the site defines (importing all its modules first)."""
    for package in (artists, comics, web):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)

    def below(cls: type[Form]) -> Iterator[type[Form]]:
        for subclass in cls.__subclasses__():
            yield subclass
            yield from below(subclass)

    return sorted({cls for cls in below(Form) if cls.__module__.split(".")[0] in PROJECT_PACKAGES}, key=lambda cls: cls.__qualname__)


def is_projects(thing: object) -> bool:
    module = getattr(thing, "__module__", None) or type(thing).__module__
    return module.split(".")[0] in PROJECT_PACKAGES


def label_given(unbound: UnboundField) -> bool:
    """Tell whether a field was declared with a label (else WTForms makes one from its name, in English)."""
    # The first __init__ up the classes that names its label (DateTimeLocalField's passes *args on).
    inits = (vars(cls)["__init__"] for cls in unbound.field_class.__mro__ if "__init__" in vars(cls))
    signature = next(signature for signature in map(inspect.signature, inits) if "label" in signature.parameters)
    return signature.bind_partial(None, *unbound.args, **unbound.kwargs).arguments.get("label") is not None


def framework_messages(cls: type) -> set[tuple[str, ...]]:
    """Return what a WTForms or Flask-WTF class (a field or a validator) asks a translation for."""
    return {
        message
        for klass in cls.__mro__
        if klass.__module__.split(".")[0] in ("wtforms", "flask_wtf")
        for message in translations_asked(inspect.getsource(klass))
    }


def refusals_of(form: Form) -> Iterator[str]:
    """Yield what is wrong with a form's fields and validators, as the site's words go."""
    name_of = type(form).__qualname__
    if not isinstance(form.meta, OwnWordsMeta):
        yield f"{name_of} is not built on web.forms.SiteForm or SiteSubform"
    if form.meta.csrf and not isinstance(form.meta.build_csrf(form), SiteCSRF):
        yield f"{name_of} checks its CSRF token with another class than web.forms.SiteCSRF"
    for name, unbound in type(form)._unbound_fields or []:
        field = form[name]
        where = f"{name_of}.{name}"
        if not all(is_own(message) for message in framework_messages(type(field))):
            yield f"{where}: its field class has a message without the site's words"
        if isinstance(field, SelectField):
            if field.validate_choice and getattr(field, "invalid_choice_message", None) is None:
                yield f"{where}: give it invalid_choice_message (web.forms.choice_messages), in words about what to choose"
            if field.coerce is not str and getattr(field, "invalid_value_message", None) is None:
                yield f"{where}: give it invalid_value_message (web.forms.choice_messages)"
        refusable = field.validators or isinstance(field, SelectField) or framework_messages(type(field))
        if refusable and not label_given(unbound):
            yield f"{where}: give it a label, which its refusals name (WTForms would make one, in English)"
        for validator in field.validators:
            if is_projects(validator):
                continue
            message = getattr(validator, "message", None)
            if message is not None:
                if str(message) not in project_messages() or str(message) in framework_texts():
                    yield f"{where}: {type(validator).__name__}'s message {str(message)!r} is not one of the site's"
            elif not all(is_own(asked) for asked in framework_messages(type(validator))):
                yield f"{where}: {type(validator).__name__} would use a default without the site's words: give it message="
            other = getattr(validator, "fieldname", None) if type(validator).__name__ == "EqualTo" else None
            if other is not None and other not in form:
                yield f"{where}: EqualTo names {other!r}, which the form does not have"


# What a form needs besides its data, by class: its words are the same whatever is given.
ARGUMENTS: dict[str, dict[str, Any]] = {"AcceptInvitationForm": {"invitation": None}}


def test_every_form_field_and_validator_speaks_in_the_sites_words(app: Flask) -> None:
    classes = project_form_classes()
    assert {"SeriesForm", "LinkForm", "GiveTextForm", "LanguageForm", "LoginForm"} <= {cls.__name__ for cls in classes}
    with app.test_request_context():
        forms = [cls(formdata=None, **ARGUMENTS.get(cls.__name__, {})) for cls in classes] + [give_form(["en", "ko"])]
        problems = [problem for form in forms for problem in refusals_of(form)]
    assert problems == []


def test_the_walk_finds_a_form_that_brings_a_default_back(app: Flask) -> None:
    """A form built on FlaskForm, with a bare DataRequired and a choice field of WTForms' words, is caught."""
    from flask_wtf import FlaskForm
    from wtforms import SelectChoice, StringField  # type: ignore[attr-defined]  # SelectChoice: WTForms 3.3; types-WTForms is for 3.2
    from wtforms.validators import DataRequired

    class Careless(FlaskForm):
        name = StringField(validators=[DataRequired()])
        kind = SelectField("Kind", choices=[SelectChoice("a", "A")])

    class Careful(SeriesForm):
        pass

    with app.test_request_context():
        careless = list(refusals_of(Careless(formdata=None)))
        careful = list(refusals_of(Careful(formdata=None)))
    assert any("not built on web.forms.SiteForm" in problem for problem in careless)
    assert any("Careless.name: give it a label" in problem for problem in careless)
    assert any("Careless.kind: give it invalid_choice_message" in problem for problem in careless)
    assert careful == []


def test_a_wtforms_message_is_said_in_the_pages_language(app: Flask) -> None:
    """Through SiteForm's Meta, a validator with no message of its own speaks the site's words."""
    with app.test_request_context("/", method="POST", data={"title": "t" * 201}), force_locale(locale_of("ko").locale):
        form = SeriesForm(meta={"csrf": False})
        assert not form.validate()
        assert said("ko", "Use at most %(max)d character.", "Use at most %(max)d characters.", n=200, max=200) in form.errors["title"]
        assert csrf_refusal("no such reason") == said("ko", msgid(CSRF_REFUSALS["The CSRF token is invalid."]))
