"""The studio's forms: series, episodes, review decisions, profiles and links.

Flask-WTF adds the CSRF token to each; per-panel fields (alt text, transcript, order, replacement)
vary with the episode and are read in comics.studio.episodes, under the same CSRF check.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timezone
from zoneinfo import ZoneInfo

from anyascii import anyascii
from flask import current_app
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (  # type: ignore[attr-defined]  # SelectChoice: new in WTForms 3.3; types-WTForms is for 3.2
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    Form,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from comics.models import SeriesStatus
from comics.publishing.checklist import checklist_refusal, unconfirmed
from web.forms import SiteForm, choice_messages

STATUS_NAMES = {SeriesStatus.ONGOING: _l("Ongoing"), SeriesStatus.COMPLETED: _l("Completed")}
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A BCP 47 tag as people write them: "en", "ko", "ko-KR", "zh-Hant".
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def slug_rule(form: Form, field: StringField) -> None:
    if field.data and not SLUG.fullmatch(field.data):
        raise ValidationError(_l("Use lower-case letters, digits and single hyphens, like the-lantern-road."))


def language_rule(form: Form, field: StringField) -> None:
    if not LANGUAGE_TAG.fullmatch(field.data or ""):
        raise ValidationError(_l("Use a language tag such as en, ko or ko-KR."))


def slugify(text: str) -> str:
    """Return a URL slug made from a title in any script, romanised: 선을 넘어 gives seoneul-neomeo."""
    return "-".join(re.findall(r"[a-z0-9]+", anyascii(text).lower()))[:80].strip("-")


def studio_zone() -> timezone | ZoneInfo:
    """Return the time zone editors schedule in (STUDIO_TIMEZONE)."""
    name = current_app.config["STUDIO_TIMEZONE"]
    return UTC if name == "UTC" else ZoneInfo(name)


def to_utc(local: datetime) -> datetime:
    """Turn a time typed in the studio's zone into the naive UTC the database stores."""
    return local.replace(tzinfo=studio_zone()).astimezone(UTC).replace(tzinfo=None)


def from_utc(moment: datetime | None) -> datetime | None:
    """Turn a stored naive UTC time into the studio's zone, for display."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(studio_zone())


def studio_time(moment: datetime | None) -> str:
    """Show a stored UTC time in the studio's time zone, as the page's language writes dates.

    English keeps the studio's compact form ("2030-05-01 09:00 KST"); other languages get their
    locale's medium date and time ("2030. 5. 1. 오전 9:00:00 KST"). The zone's abbreviation follows
    either way, as people schedule in STUDIO_TIMEZONE.
    """
    local = from_utc(moment)
    if local is None:
        return ""
    locale = get_locale()
    if locale is None or locale.language == "en":
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
    return f"{format_datetime(local, 'medium', rebase=False)} {local.tzname()}"


class SeriesForm(SiteForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the series a title.")), Length(max=200)])
    slug = StringField(
        _l("Web address"),
        description=_l("The part of the series' URL after /series/. Leave empty to make it from the title."),
        validators=[Optional(), Length(max=80), slug_rule],
    )
    summary = TextAreaField(_l("Summary"), validators=[Length(max=5000)])
    language = StringField(_l("Language"), default="en", validators=[DataRequired(_l("Give the language.")), language_rule])
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s.value, STATUS_NAMES[s]) for s in SeriesStatus],
        default=SeriesStatus.ONGOING.value,
        **choice_messages(_l("Choose whether the series is ongoing or completed.")),
    )
    content_warning = StringField(_l("Content warning"), validators=[Length(max=300)])
    cover = FileField(_l("Cover image"))
    remove_cover = BooleanField(_l("Remove the cover"))
    artist = SelectField(_l("Artist"), coerce=int, choices=[], **choice_messages(_l("Choose an artist.")))


class EpisodeForm(SiteForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the episode a title.")), Length(max=200)])
    author_note = TextAreaField(
        _l("Author's note"), description=_l("Shown under the episode. Markdown works."), validators=[Length(max=10_000)]
    )


class VersionForm(EpisodeForm):
    """An episode's version in another language: its title and note in that language, and its translator."""

    translator = StringField(
        _l("Translator"), description=_l("Shown as the translator's credit. A pen name is fine."), validators=[Length(max=200)]
    )


class CommentForm(SiteForm):
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])


def checklist_field() -> SelectMultipleField:
    """Return the review checklist's field: one checkbox per REVIEW_CHECKLIST item, drawn by the
    checklist macro (templates/studio/_forms.html); the items are the values, so a ticked box names
    the very sentence the editor confirmed."""
    return SelectMultipleField(_l("Checklist"), choices=[], validate_choice=False)


class PublishForm(SiteForm):
    when = RadioField(
        _l("When"),
        choices=[SelectChoice("now", _l("Now")), SelectChoice("later", _l("At a set time"))],
        default="now",
        **choice_messages(_l("Choose now or a set time.")),
    )
    publish_at = DateTimeLocalField(_l("Date and time"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])
    checklist = checklist_field()

    def validate_checklist(self, field: SelectMultipleField) -> None:
        missing = unconfirmed(field.data or [])
        if missing:
            raise ValidationError(checklist_refusal(missing, "publishing"))

    def validate_publish_at(self, field: DateTimeLocalField) -> None:
        if self.when.data != "later":
            return
        if field.data is None:
            raise ValidationError(_l("Pick the date and time it should appear."))
        if to_utc(field.data) <= datetime.now(UTC).replace(tzinfo=None):
            raise ValidationError(_l("That time has passed: pick a later one, or choose Now."))

    def publish_time(self) -> datetime | None:
        """Return the chosen time in naive UTC, or None for now."""
        if self.when.data == "later" and self.publish_at.data is not None:
            return to_utc(self.publish_at.data)
        return None


class DecisionRules:
    """What an editor's decision must carry: every checklist item to approve, a comment to send back."""

    decision: RadioField

    def validate_comment(self, field: TextAreaField) -> None:
        if self.decision.data == "return" and not (field.data or "").strip():
            raise ValidationError(_l("Say what the artist should change: the comment is what they will read."))

    def validate_checklist(self, field: SelectMultipleField) -> None:
        missing = unconfirmed(field.data or [])
        if self.decision.data == "approve" and missing:
            raise ValidationError(checklist_refusal(missing))


class ReviewForm(DecisionRules, PublishForm):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("approve", _l("Approve")), SelectChoice("return", _l("Send back to the artist"))],
        validators=[DataRequired(_l("Choose to approve or to send it back."))],
        **choice_messages(_l("Choose to approve or to send it back.")),
    )


class RevisionDecisionForm(DecisionRules, SiteForm):
    """An editor's decision on a changed profile or series: approve (every checklist item) or return."""

    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("approve", _l("Approve: readers see the new version")), SelectChoice("return", _l("Send back to the artist"))],
        validators=[DataRequired(_l("Choose to approve or to send it back."))],
        **choice_messages(_l("Choose to approve or to send it back.")),
    )
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])
    checklist = checklist_field()


class DismissFlagForm(SiteForm):
    """An editor's dismissal of one review flag (comics.publishing.flags): which, and why it is no risk."""

    key = HiddenField(_l("Flag"), validators=[DataRequired(_l("Reload the page: the form did not say which flag."))])
    reason = TextAreaField(
        _l("Why this is no risk"),
        validators=[DataRequired(_l("Say why this flag is no risk: the reason is kept in the audit log.")), Length(max=1000)],
    )


class BlurForm(SiteForm):
    """A region of a panel to blur, in percent of its width and height from its top left corner."""

    left = DecimalField(_l("From the left (%)"), places=None, validators=[InputRequired(_l("Give each number of the region.")), NumberRange(0, 100)])
    top = DecimalField(_l("From the top (%)"), places=None, validators=[InputRequired(_l("Give each number of the region.")), NumberRange(0, 100)])
    width = DecimalField(_l("Width (%)"), places=None, validators=[InputRequired(_l("Give each number of the region.")), NumberRange(0.1, 100)])
    height = DecimalField(_l("Height (%)"), places=None, validators=[InputRequired(_l("Give each number of the region.")), NumberRange(0.1, 100)])

    def validate_width(self, field: DecimalField) -> None:
        if self.left.data is not None and field.data is not None and self.left.data + field.data > 100:
            raise ValidationError(_l("The region must lie inside the panel: from the left plus the width is at most 100."))

    def validate_height(self, field: DecimalField) -> None:
        if self.top.data is not None and field.data is not None and self.top.data + field.data > 100:
            raise ValidationError(_l("The region must lie inside the panel: from the top plus the height is at most 100."))


class ConfirmForm(SiteForm):
    """A form with nothing but its CSRF token: the confirmation button of a delete or unpublish."""
