"""Forms for signing in, accepting an invitation, changing a password and inviting someone."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (  # type: ignore[attr-defined]  # SelectChoice: new in WTForms 3.3; types-WTForms is for 3.2
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from artists.accounts import EMAIL_PATTERN, PASSWORD_MAX_LENGTH, password_problem
from artists.links import validate_link_url
from artists.models import LinkKind


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


MAX_LINKS = 12


def link_url_rule(form: Form, field: StringField) -> None:
    """Refuse any link but http, https and mailto (artists.links holds the one rule), keeping the cleaned URL."""
    try:
        field.data = validate_link_url(field.data or "")
    except ValueError as problem:
        raise ValidationError(str(problem)) from None


class LinkForm(Form):
    # A subform: the profile form carries the CSRF token for all of them.
    id = HiddenField()
    kind = SelectField("Kind", choices=[SelectChoice(k.value, k.value.capitalize()) for k in LinkKind], default=LinkKind.SUPPORT.value)
    label = StringField("Label", validators=[Length(max=80, message="Keep the label under 80 characters.")])
    url = StringField("Address", validators=[Length(max=2000, message="Keep the address under 2000 characters.")])
    position = StringField("Order")
    primary = BooleanField("Primary")
    remove = BooleanField("Remove")

    def validate_label(self, field: StringField) -> None:
        if self.is_blank() or self.remove.data:
            return
        if not (field.data or "").strip():
            raise ValidationError("Give the link a label, such as “Support me on Patreon”.")

    def validate_url(self, field: StringField) -> None:
        if self.is_blank() or self.remove.data:
            return
        link_url_rule(self, field)

    def validate_position(self, field: StringField) -> None:
        position = (field.data or "").strip()
        if position and not re.fullmatch(r"-?\d{1,4}", position):
            raise ValidationError("The order is a whole number.")

    def is_blank(self) -> bool:
        """Tell whether this is an empty row for a new link, left unused."""
        return not self.id.data and not (self.label.data or "").strip() and not (self.url.data or "").strip()


class ProfileForm(FlaskForm):
    display_name = StringField(
        "Display name", validators=[DataRequired("Give the name readers will see."), Length(max=120)]
    )
    bio_markdown = TextAreaField(
        "About you", description="Markdown works: *italics*, **bold**, [links](https://example.org).", validators=[Length(max=10_000)]
    )
    avatar = FileField("Picture")
    remove_avatar = BooleanField("Remove the picture")
    links = FieldList(FormField(LinkForm), max_entries=MAX_LINKS + 3)

    def validate_links(self, field: FieldList) -> None:
        kept = [entry.form for entry in field.entries if not entry.form.is_blank() and not entry.form.remove.data]
        if len(kept) > MAX_LINKS:
            raise ValidationError(f"Keep at most {MAX_LINKS} links.")
        if sum(1 for link in kept if link.primary.data) > 1:
            raise ValidationError("Mark at most one link as primary: it is the big button readers see.")
