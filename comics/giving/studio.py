"""The admin's page for the Give page's words and donation link, in each language of the site.

Admins alone set it: it is the organisation's own voice and the address gifts go to, so a change is
written to the audit log like any change to public words.
"""
from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import Form, FormField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from artists.links import validate_link_url
from artists.permissions import require_admin, signed_in_user, studio_blueprint
from comics.audit.log import record
from comics.audit.models import AuditAction
from comics.giving.models import GiveText, give_texts
from extensions import db
from settings import site_languages
from web.form_answers import done, form_errors, refuse, showing_form
from web.forms import SiteForm, SiteSubform
from web.languages import language_name

bp = studio_blueprint("giving_studio", __name__)


def donation_address(form: Form, field: StringField) -> None:
    """Accept only a web address (https or http): gifts go to a page, never to a mail client or a script."""
    address = (field.data or "").strip()
    if not address:
        return
    try:
        cleaned = validate_link_url(address)
    except ValueError as problem:
        raise ValidationError(str(problem)) from None
    if not cleaned.startswith(("https://", "http://")):
        raise ValidationError(_("The donation link must be a web address starting with https://."))
    field.data = cleaned


class GiveTextForm(SiteSubform):
    heading = StringField(_l("Heading"), validators=[Optional(), Length(max=200)])
    body_markdown = TextAreaField(_l("What the page says (Markdown)"), validators=[Optional(), Length(max=20_000)])
    donation_url = StringField(_l("Donation link"), validators=[Optional(), Length(max=2000), donation_address])
    donation_label = StringField(_l("The link's words"), validators=[Optional(), Length(max=120)])


def give_form(languages: list[str], data: dict[str, Any] | None = None) -> SiteForm:
    """Return the form with one set of fields per language of the site."""
    fields = {code: FormField(GiveTextForm, label=language_name(code)) for code in languages}
    form_class = type("GiveForm", (SiteForm,), fields)
    form: SiteForm = form_class(data=data) if data is not None else form_class()
    return form


@bp.route("/give", methods=["GET", "POST"])
@require_admin
def edit_give_page() -> Response | tuple[Response | str, int] | str:
    """Show and save the Give page's words and link in each language."""
    languages = site_languages()
    texts = give_texts()
    if showing_form():
        data = {
            code: {name: getattr(texts[code], name) for name in ("heading", "body_markdown", "donation_url", "donation_label")}
            for code in languages
            if code in texts
        }
        return render_template("giving/edit.html", form=give_form(languages, data), languages=languages)
    form = give_form(languages)
    if not form.validate():
        return refuse("giving/edit.html", {"form": form, "languages": languages}, form_errors(form))
    for code in languages:
        values = {name: (value or "").strip() for name, value in getattr(form, code).data.items()}
        row = texts.get(code)
        if not any(values.values()):
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = GiveText(language=code)
            db.session.add(row)
        for name, value in values.items():
            setattr(row, name, value)
    record(signed_in_user(), AuditAction.GIVE_PAGE_CHANGE, "give", 0, _("Give page"))
    db.session.commit()
    return done(url_for("giving_studio.edit_give_page"), _("The Give page is saved."))
