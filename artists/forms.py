"""The studio's artist forms: inviting someone, a profile and its links, a staff member's display name."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (  # type: ignore[attr-defined]  # SelectChoice: new in WTForms 3.3; types-WTForms is for 3.2
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from artists.accounts.services.users import EMAIL_PATTERN
from artists.links import validate_link_url
from artists.models import LinkKind
from web.forms import SiteForm, SiteSubform, choice_messages


def email_address(form: SiteForm, field: StringField) -> None:
    """Refuse anything that is not shaped like an email address."""
    if not EMAIL_PATTERN.fullmatch((field.data or "").strip()):
        raise ValidationError(_l("Enter an email address such as name@example.org."))


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


class DisplayNameForm(SiteForm):
    """An editor's or admin's name as artists see it (User.label), in place of their email."""

    display_name = StringField(
        _l("Your name as artists see it"),
        description=_l("Shown beside your comments and decisions instead of your email. Empty: “An editor”."),
        validators=[Length(max=120, message=_l("Keep the name under 120 characters."))],
    )
