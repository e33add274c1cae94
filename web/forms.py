"""The base of every form: what WTForms and Flask-WTF would say to a person, said in the project's words.

WTForms asks a form's Meta for the translations of its own messages: validators' defaults, a choice it
cannot read, a number or date it cannot parse. SiteForm and SiteSubform answer with OWN_WORDS, the
project's wording in the page's language, so no framework text reaches a page, even from a validator
given no message= of its own (tests/web/test_forms.py walks every form to keep it so).
Flask-WTF's CSRF refusals are plain English, never translated: csrf_refusal() says each reason in the
project's words, for a form's own check here and for the 400 page (web.errors) alike.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF  # Flask-WTF's own form check, which SiteCSRF only rewords
from wtforms import Form
from wtforms.form import BaseForm
from wtforms.meta import DefaultMeta
from wtforms.validators import ValidationError

from web.byte_sizes import byte_size

# --- CSRF -------------------------------------------------------------------------------------------

CSRF_OUT_OF_DATE = _l(
    "This form was out of date or not sent from this site, so nothing was changed. Reload the page and try again."
)
CSRF_TOKEN_MISSING = _l("This form arrived without its security code, so nothing was changed. Reload the page and send it again.")
CSRF_EXPIRED = _l("This page was open too long, so nothing was changed. Reload the page and send the form again.")
# Each reason Flask-WTF gives (flask_wtf.csrf: validate_csrf and CSRFProtect.protect), exactly.
CSRF_REFUSALS = {
    "The CSRF token is missing.": CSRF_TOKEN_MISSING,
    "The CSRF session token is missing.": _l(
        "Your browser did not send this site's cookie with the form, so nothing was changed. "
        "Allow cookies for this site, reload the page and try again."
    ),
    "The CSRF token has expired.": CSRF_EXPIRED,
    "The CSRF token is invalid.": CSRF_OUT_OF_DATE,
    "The CSRF tokens do not match.": _l(
        "This form belongs to an earlier visit (you may have signed in or out since), so nothing was changed. "
        "Reload the page and try again."
    ),
    "The referrer header is missing.": _l(
        "Your browser did not say which page sent this form, so nothing was changed. Reload the page and try "
        "again; if it happens again, a privacy setting or extension may be hiding it from this site."
    ),
    "The referrer does not match the host.": _l(
        "This form was sent from another site, so nothing was changed. Open the page on this site and send it from there."
    ),
}


def csrf_refusal(reason: str) -> str:
    """Return what to tell a person whose form Flask-WTF refused for this reason, in the page's language."""
    return str(CSRF_REFUSALS.get(reason, CSRF_OUT_OF_DATE))


class SiteCSRF(_FlaskFormCSRF):
    """Flask-WTF's check of a form's own token (the one CSRFProtect has not already made), refusing in
    the project's words, with a token field whose label is empty: a refusal is a whole sentence."""

    def setup_form(self, form: Form) -> list[tuple[str, Any]]:
        self.meta = form.meta
        return [(form.meta.csrf_field_name, self.field_class(label="", csrf_impl=self))]

    def validate_csrf_token(self, form: Form, field: Any) -> None:
        try:
            super().validate_csrf_token(form, field)
        except ValidationError as refusal:
            raise ValidationError(csrf_refusal(str(refusal.args[0]))) from None


# --- WTForms' and Flask-WTF's messages ---------------------------------------------------------------

CHOOSE_AN_OPTION = _l("Choose one of the options offered.")
CHOOSE_AMONG_THE_OPTIONS = _l("Choose only among the options offered.")
# The framework's msgids, exactly, each with the project's words. The framework fills in its
# placeholders afterwards (%(min)d, %(other_label)s, {extensions}…): a translation keeps the ones it uses.
OWN_WORDS = {
    # wtforms.validators
    "Invalid field name '%s'.": _l("This form cannot be checked: it has no field “%s”. Please tell an editor."),
    "Field must be equal to %(other_name)s.": _l("Type the same as in “%(other_label)s”."),
    "Field must be between %(min)d and %(max)d characters long.": _l("Use between %(min)d and %(max)d characters."),
    "Number must be at least %(min)s.": _l("Give a number of at least %(min)s."),
    "Number must be at most %(max)s.": _l("Give a number of at most %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Give a number from %(min)s to %(max)s."),
    "Date must be at least %(min)s.": _l("Pick a date on or after %(min)s."),
    "Date must be at most %(max)s.": _l("Pick a date on or before %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Pick a date from %(min)s to %(max)s."),
    "This field is required.": _l("Fill this in."),
    "Invalid input.": _l("This is not written the way it should be: check it and try again."),
    "Invalid email address.": _l("Enter an email address such as name@example.org."),
    "Invalid IP address.": _l("Enter an IP address such as 192.0.2.1."),
    "Invalid Mac address.": _l("Enter a MAC address such as 00:1A:2B:3C:4D:5E."),
    "Invalid URL.": _l("Enter a web address such as https://example.org."),
    "Invalid UUID.": _l("Paste the whole code, exactly as you were given it."),
    "Invalid value, must be one of: %(values)s.": _l("Choose one of these: %(values)s."),
    "Invalid value, can't be any of: %(values)s.": _l("Choose something other than these: %(values)s."),
    "This field cannot be edited.": _l("This cannot be changed here."),
    "This field is disabled and cannot have a value.": _l("This is switched off here: leave it empty."),
    # wtforms.csrf (WTForms' own CSRF, which SiteForm does not use)
    "Invalid CSRF Token.": CSRF_OUT_OF_DATE,
    "CSRF token missing.": CSRF_TOKEN_MISSING,
    "CSRF failed.": CSRF_OUT_OF_DATE,
    "CSRF token expired.": CSRF_EXPIRED,
    # wtforms.fields: choices, dates and numbers
    "Invalid Choice: could not coerce.": CHOOSE_AN_OPTION,
    "Choices cannot be None.": CHOOSE_AN_OPTION,
    "Not a valid choice.": CHOOSE_AN_OPTION,
    "Invalid choice(s): one or more data inputs could not be coerced.": CHOOSE_AMONG_THE_OPTIONS,
    "Not a valid datetime value.": _l("Pick a date and a time."),
    "Not a valid date value.": _l("Pick a date."),
    "Not a valid time value.": _l("Pick a time."),
    "Not a valid week value.": _l("Pick a week."),
    "Not a valid integer value.": _l("Write a whole number, such as 3."),
    "Not a valid decimal value.": _l("Write a number, such as 2.5."),
    "Not a valid float value.": _l("Write a number, such as 2.5."),
    # flask_wtf.file
    "File does not have an approved extension: {extensions}": _l("Choose a file whose name ends in one of: {extensions}."),
    "File does not have an approved extension.": _l("Choose a kind of file this page accepts."),
}
# Those WTForms asks for with a plural: the count picks the form, as it would in WTForms' own catalogue.
OWN_PLURAL_WORDS: dict[str, Callable[[int], str]] = {
    "Field must be at least %(min)d character long.": lambda n: get_translations().ngettext(
        "Use at least %(min)d character.", "Use at least %(min)d characters.", n
    ),
    "Field cannot be longer than %(max)d character.": lambda n: get_translations().ngettext(
        "Use at most %(max)d character.", "Use at most %(max)d characters.", n
    ),
    "Field must be exactly %(max)d character long.": lambda n: get_translations().ngettext(
        "Use exactly %(max)d character.", "Use exactly %(max)d characters.", n
    ),
    "'%(value)s' is not a valid choice for this field.": lambda n: str(CHOOSE_AMONG_THE_OPTIONS),
}
# Flask-WTF's FileSize writes its numbers into the message before asking for its translation.
FILE_SIZE = re.compile(r"File must be between (\d+) and (\d+) bytes\.")


def file_size_refusal(smallest: int, largest: int) -> str:
    """Return the project's words for a file outside FileSize's bounds, with sizes as people read them."""
    if smallest <= 0:
        return str(_("Choose a file of at most %(largest)s.", largest=byte_size(largest)))
    return str(_("Choose a file between %(smallest)s and %(largest)s.", smallest=byte_size(smallest), largest=byte_size(largest)))


class OwnWords:
    """What WTForms asks for its messages: the project's words, in the page's language.

    Any other string it asks for (a field's label made from its name, when it was given none) comes back
    as it was: every field that can be refused is given a label of its own.
    """

    def gettext(self, string: str) -> str:
        words = OWN_WORDS.get(string)
        if words is not None:
            return str(words)
        size = FILE_SIZE.fullmatch(string)
        if size:
            return file_size_refusal(int(size.group(1)), int(size.group(2)))
        return string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        words = OWN_PLURAL_WORDS.get(singular)
        if words is not None:
            return words(n)
        return singular if n == 1 else plural


OWN_TRANSLATIONS = OwnWords()


class OwnWordsMeta(DefaultMeta):
    """The Meta of every form of the site (WTForms combines it with Flask-WTF's)."""

    def get_translations(self, form: BaseForm) -> OwnWords:
        return OWN_TRANSLATIONS


class SiteForm(FlaskForm):
    """The base of every form of the site: Flask-WTF's CSRF token and request data, the project's words."""

    class Meta(OwnWordsMeta):
        csrf_class = SiteCSRF


class SiteSubform(Form):
    """The base of a form inside another (a FormField): no token of its own, the same words."""

    Meta = OwnWordsMeta


def choice_messages(message: str) -> dict[str, Any]:
    """Return the arguments that make a choice field refuse in one message of its own, whether the value
    sent cannot be read (a letter for a number) or is not among the choices: to a person, the same mistake.

    WTForms 3.3's invalid_value_message and invalid_choice_message, which types-WTForms (for 3.2) lacks.
    """
    return {"invalid_value_message": message, "invalid_choice_message": message}
