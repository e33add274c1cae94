"""The account's forms: signing in, accepting an invitation, changing a password, proving and adding a second factor."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from artists.accounts.services.invitations import invitation_words
from artists.accounts.services.passwords import PASSWORD_MAX_LENGTH, JudgedPassword, WeakPassword, judge_password
from artists.models import Invitation
from web.forms import SiteForm


class LoginForm(SiteForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)]
    )


class NewPasswordForm(SiteForm):
    """A form that chooses a password, judged once (services.passwords.judge_password) against the account's words."""

    def __init__(self, *args: Any, account: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = list(account)
        self.judged: JudgedPassword | None = None

    def account_words(self) -> list[str]:
        """Return the words of the account the password is for (its email and names)."""
        return self.account

    def validate_password(self, field: PasswordField) -> None:
        try:
            self.judged = judge_password(field.data or "", self.account_words())
        except WeakPassword as problem:
            raise ValidationError(str(problem)) from None

    def judged_password(self) -> JudgedPassword:
        """Return the new password as judged by a validate() that passed."""
        if self.judged is None:
            raise RuntimeError("the form was not validated")
        return self.judged


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

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def account_words(self) -> list[str]:
        """Count the name being chosen as the account's too: the invitation's one list of words."""
        return invitation_words(self.invitation, self.display_name.data or "")


class PasswordChangeForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password.")), Length(max=PASSWORD_MAX_LENGTH)]
    )
    password = PasswordField(_l("New password"))
    confirm = PasswordField(
        _l("Type it again"), validators=[EqualTo("password", message=_l("The two passwords are not the same."))]
    )


# --- second factors (artists/accounts/security/) --------------------------------------------------

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
    # The new secret, sealed by the server (services.factors.seal): the form carries it back.
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
