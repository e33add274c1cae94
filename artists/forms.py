"""Forms for signing in, accepting an invitation, changing a password and inviting someone."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (  # type: ignore[attr-defined]  # SelectChoice: new in WTForms 3.3; types-WTForms is for 3.2
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from artists.accounts import EMAIL_PATTERN, PASSWORD_MAX_LENGTH, account_words, password_problem
from artists.links import validate_link_url
from artists.models import LinkKind
from web.forms import SiteForm, SiteSubform, choice_messages


def email_address(form: SiteForm, field: StringField) -> None:
    """Refuse anything that is not shaped like an email address."""
    if not EMAIL_PATTERN.fullmatch((field.data or "").strip()):
        raise ValidationError(_l("Enter an email address such as name@example.org."))


class LoginForm(SiteForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)]
    )


class NewPasswordForm(SiteForm):
    """A form that chooses a password: judged by artists.accounts.password_problem against the account's words."""

    def __init__(self, *args: Any, account: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = list(account)

    def account_words(self) -> list[str]:
        """Return the words of the account the password is for (its email and names)."""
        return self.account

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", self.account_words())
        if problem:
            raise ValidationError(problem)


class AcceptInvitationForm(NewPasswordForm):
    display_name = StringField(
        _l("Name readers will see"),
        description=_l("A pen name is fine. You can change it later."),
        validators=[Length(max=120, message=_l("Keep the name under 120 characters."))],
    )
    password = PasswordField(_l("Choose a password"))
    confirm = PasswordField(
        _l("Type it again"), validators=[EqualTo("password", message=_l("The two passwords are not the same."))]
    )

    def account_words(self) -> list[str]:
        """Count the name being chosen as the account's too."""
        return [*self.account, *account_words("", self.display_name.data or "")]


class PasswordChangeForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password.")), Length(max=PASSWORD_MAX_LENGTH)]
    )
    password = PasswordField(_l("New password"))
    confirm = PasswordField(
        _l("Type it again"), validators=[EqualTo("password", message=_l("The two passwords are not the same."))]
    )


class InvitationForm(SiteForm):
    email = EmailField(_l("Their email"), validators=[DataRequired(_l("Enter their email address.")), email_address, Length(max=254)])
    role = SelectField(_l("Role"), choices=[], **choice_messages(_l("Choose a role.")))
    # "" means a new artist profile, made from the name they choose when they accept.
    artist = SelectField(_l("Artist profile"), choices=[], validate_choice=True, **choice_messages(_l("Choose an artist profile.")))


MAX_LINKS = 12
# How the profile form names each kind of link.
LINK_KIND_LABELS = {
    LinkKind.SUPPORT: _l("Support"),
    LinkKind.SOCIAL: _l("Social"),
    LinkKind.WEBSITE: _l("Website"),
    LinkKind.SHOP: _l("Shop"),
}


def link_url_rule(form: SiteSubform, field: StringField) -> None:
    """Refuse any link but http, https and mailto (artists.links holds the one rule), keeping the cleaned URL."""
    try:
        field.data = validate_link_url(field.data or "")
    except ValueError as problem:
        raise ValidationError(str(problem)) from None


class LinkForm(SiteSubform):
    # A subform: the profile form carries the CSRF token for all of them.
    id = HiddenField()
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k.value, LINK_KIND_LABELS.get(k, k.value.capitalize())) for k in LinkKind],
        default=LinkKind.SUPPORT.value,
        **choice_messages(_l("Choose the kind of link.")),
    )
    label = StringField(_l("Label"), validators=[Length(max=80, message=_l("Keep the label under 80 characters."))])
    url = StringField(_l("Address"), validators=[Length(max=2000, message=_l("Keep the address under 2000 characters."))])
    position = StringField(_l("Order"))
    primary = BooleanField(_l("Primary"))
    remove = BooleanField(_l("Remove"))

    def validate_label(self, field: StringField) -> None:
        if self.is_blank() or self.remove.data:
            return
        if not (field.data or "").strip():
            raise ValidationError(_l("Give the link a label, such as “Support me on Patreon”."))

    def validate_url(self, field: StringField) -> None:
        if self.is_blank() or self.remove.data:
            return
        link_url_rule(self, field)

    def validate_position(self, field: StringField) -> None:
        position = (field.data or "").strip()
        if position and not re.fullmatch(r"-?\d{1,4}", position):
            raise ValidationError(_l("The order is a whole number."))

    def is_blank(self) -> bool:
        """Tell whether this is an empty row for a new link, left unused."""
        return not self.id.data and not (self.label.data or "").strip() and not (self.url.data or "").strip()


class ProfileForm(SiteForm):
    display_name = StringField(
        _l("Display name"), validators=[DataRequired(_l("Give the name readers will see.")), Length(max=120)]
    )
    bio_markdown = TextAreaField(
        _l("About you"), description=_l("Markdown works: *italics*, **bold**, [links](https://example.org)."), validators=[Length(max=10_000)]
    )
    avatar = FileField(_l("Picture"))
    remove_avatar = BooleanField(_l("Remove the picture"))
    links = FieldList(FormField(LinkForm), _l("Links"), max_entries=MAX_LINKS + 3)

    def validate_links(self, field: FieldList) -> None:
        kept = [entry.form for entry in field.entries if not entry.form.is_blank() and not entry.form.remove.data]
        if len(kept) > MAX_LINKS:
            raise ValidationError(_l("Keep at most %(count)s links.", count=MAX_LINKS))
        if sum(1 for link in kept if link.primary.data) > 1:
            raise ValidationError(_l("Mark at most one link as primary: it is the big button readers see."))


# --- second factors (artists.security) -------------------------------------------------------------

# What a passkey's answer may weigh; a real one is one or two kilobytes.
PASSKEY_ANSWER_MAX = 20_000


class SecondFactorForm(SiteForm):
    """A code from an authenticator app or a recovery code, or a passkey's answer: whichever was sent."""

    code = StringField(
        _l("Code"),
        validators=[Optional(), Length(max=64, message=_l("That is longer than any code."))],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"},
    )
    credential = HiddenField(_l("Passkey"), validators=[Length(max=PASSKEY_ANSWER_MAX)])


class TotpSetupForm(SiteForm):
    name = StringField(
        _l("Name"), description=_l("To tell it apart later, such as “Phone”."), validators=[Length(max=60, message=_l("Keep the name under 60 characters."))]
    )
    code = StringField(
        _l("Code the app shows"),
        validators=[DataRequired(_l("Type the 6-digit code the app shows now.")), Length(max=16)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    # The new secret, sealed by the server (artists.second_factors.seal): the form carries it back.
    secret = HiddenField(
        _l("Key"), validators=[DataRequired(_l("The page sent no key. A new key is shown below: add it to your app again.")), Length(max=400)]
    )


class PasskeySetupForm(SiteForm):
    name = StringField(
        _l("Name"), description=_l("To tell it apart later, such as “Laptop”."), validators=[Length(max=60, message=_l("Keep the name under 60 characters."))]
    )
    credential = HiddenField(
        _l("Passkey"), validators=[DataRequired(_l("Your browser made no passkey. Try again.")), Length(max=PASSKEY_ANSWER_MAX)]
    )


class DisplayNameForm(SiteForm):
    """An editor's or admin's name as artists see it (User.label), in place of their email."""

    display_name = StringField(
        _l("Your name as artists see it"),
        description=_l("Shown beside your comments and decisions instead of your email. Empty: “An editor”."),
        validators=[Length(max=120, message=_l("Keep the name under 120 characters."))],
    )
