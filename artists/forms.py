"""Forms for signing in, accepting an invitation, changing a password and inviting someone."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from artists.accounts import EMAIL_PATTERN, PASSWORD_MAX_LENGTH, password_problem


def new_password_rules(form: FlaskForm, field: PasswordField) -> None:
    """Refuse a new password that is too short or too long, saying why."""
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def email_address(form: FlaskForm, field: StringField) -> None:
    """Refuse anything that is not shaped like an email address."""
    if not EMAIL_PATTERN.fullmatch((field.data or "").strip()):
        raise ValidationError("Enter an email address such as name@example.org.")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address."), Length(max=254)])
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password."), Length(max=PASSWORD_MAX_LENGTH)]
    )


class AcceptInvitationForm(FlaskForm):
    display_name = StringField(
        "Name readers will see",
        description="A pen name is fine. You can change it later.",
        validators=[Length(max=120, message="Keep the name under 120 characters.")],
    )
    password = PasswordField("Choose a password", validators=[new_password_rules])
    confirm = PasswordField(
        "Type it again", validators=[EqualTo("password", message="The two passwords are not the same.")]
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password."), Length(max=PASSWORD_MAX_LENGTH)]
    )
    password = PasswordField("New password", validators=[new_password_rules])
    confirm = PasswordField(
        "Type it again", validators=[EqualTo("password", message="The two passwords are not the same.")]
    )


class InvitationForm(FlaskForm):
    email = EmailField("Their email", validators=[DataRequired("Enter their email address."), email_address, Length(max=254)])
    role = SelectField("Role", choices=[])
    # "" means a new artist profile, made from the name they choose when they accept.
    artist = SelectField("Artist profile", choices=[], validate_choice=True)
