"""The studio's forms: series, episodes, review decisions, profiles and links.

Flask-WTF adds the CSRF token to each; per-panel fields (alt text, transcript, order, replacement)
vary with the episode and are read in comics.studio.episodes, under the same CSRF check.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Form,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from artists.links import validate_link_url
from artists.models import LinkKind
from comics.models import SeriesStatus

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A BCP 47 tag as people write them: "en", "ko", "ko-KR", "zh-Hant".
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
MAX_LINKS = 12


def slug_rule(form: Form, field: StringField) -> None:
    if field.data and not SLUG.fullmatch(field.data):
        raise ValidationError("Use lower-case letters, digits and single hyphens, like the-lantern-road.")


def language_rule(form: Form, field: StringField) -> None:
    if not LANGUAGE_TAG.fullmatch(field.data or ""):
        raise ValidationError("Use a language tag such as en, ko or ko-KR.")


def link_url_rule(form: Form, field: StringField) -> None:
    """Refuse any link but http, https and mailto (artists.links holds the one rule), keeping the cleaned URL."""
    try:
        field.data = validate_link_url(field.data or "")
    except ValueError as problem:
        raise ValidationError(str(problem)) from None


def slugify(text: str) -> str:
    """Return a URL slug made from a title."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:80]


def studio_zone() -> timezone | ZoneInfo:
    """Return the time zone editors schedule in (STUDIO_TIMEZONE)."""
    name = current_app.config.get("STUDIO_TIMEZONE", "UTC")
    return timezone.utc if name == "UTC" else ZoneInfo(name)


def to_utc(local: datetime) -> datetime:
    """Turn a time typed in the studio's zone into the naive UTC the database stores."""
    return local.replace(tzinfo=studio_zone()).astimezone(timezone.utc).replace(tzinfo=None)


def from_utc(moment: datetime | None) -> datetime | None:
    """Turn a stored naive UTC time into the studio's zone, for display."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone(studio_zone())


class SeriesForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Give the series a title."), Length(max=200)])
    slug = StringField(
        "Web address",
        description="The part of the series' URL after /series/. Leave empty to make it from the title.",
        validators=[Optional(), Length(max=80), slug_rule],
    )
    summary = TextAreaField("Summary", validators=[Length(max=5000)])
    language = StringField("Language", default="en", validators=[DataRequired("Give the language."), language_rule])
    status = SelectField(
        "Status", choices=[SelectChoice(s.value, s.value.capitalize()) for s in SeriesStatus], default=SeriesStatus.ONGOING.value
    )
    content_warning = StringField("Content warning", validators=[Length(max=300)])
    cover = FileField("Cover image")
    remove_cover = BooleanField("Remove the cover")
    artist = SelectField("Artist", coerce=int, choices=[])


class EpisodeForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Give the episode a title."), Length(max=200)])
    author_note = TextAreaField(
        "Author's note", description="Shown under the episode. Markdown works.", validators=[Length(max=10_000)]
    )


class CommentForm(FlaskForm):
    comment = TextAreaField("Comment", validators=[Length(max=5000)])


class PublishForm(FlaskForm):
    when = RadioField("When", choices=[SelectChoice("now", "Now"), SelectChoice("later", "At a set time")], default="now")
    publish_at = DateTimeLocalField("Date and time", validators=[Optional()], format="%Y-%m-%dT%H:%M")
    comment = TextAreaField("Comment", validators=[Length(max=5000)])

    def validate_publish_at(self, field: DateTimeLocalField) -> None:
        if self.when.data != "later":
            return
        if field.data is None:
            raise ValidationError("Pick the date and time it should appear.")
        if to_utc(field.data) <= datetime.now(timezone.utc).replace(tzinfo=None):
            raise ValidationError("That time has passed: pick a later one, or choose Now.")

    def publish_time(self) -> datetime | None:
        """Return the chosen time in naive UTC, or None for now."""
        if self.when.data == "later" and self.publish_at.data is not None:
            return to_utc(self.publish_at.data)
        return None


class ReviewForm(PublishForm):
    decision = RadioField(
        "Decision",
        choices=[SelectChoice("approve", "Approve"), SelectChoice("return", "Send back to the artist")],
        validators=[DataRequired("Choose to approve or to send it back.")],
    )

    def validate_comment(self, field: TextAreaField) -> None:
        if self.decision.data == "return" and not (field.data or "").strip():
            raise ValidationError("Say what the artist should change: the comment is what they will read.")


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: the confirmation button of a delete or unpublish."""


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
        if (field.data or "").strip() and not re.fullmatch(r"-?\d{1,4}", field.data.strip()):
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
