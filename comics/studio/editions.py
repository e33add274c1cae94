"""The studio's offline edition page (/studio/editions): editors choose what an edition holds and build it.

The same code as `flask export-offline OUT_DIR --zip` (comics.editions) builds it, in the background
(comics.editions.builds: on the render queue's workers when RENDER_QUEUE is "rq", else at once), and
the editor follows it on its own page (comics.studio.edition_builds), which offers the ZIP when ready.
A refusal (nothing published, no series or language chosen, a series or language that does not exist,
nothing published in the languages chosen, a work folder that cannot be written) shows its reasons
and builds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response  # what redirect() and refuse() are typed to return

from artists.permissions import require_staff, signed_in_user
from comics.audit.log import record
from comics.audit.models import AuditAction
from comics.editions.builds import BuildFailed, EditionChoice, start_build
from comics.editions.records import LANGUAGES, NEUTRAL, EditionRefused, collect_edition
from comics.editions.registers import NORTH, SOUTH
from comics.models import Series
from comics.site_images import media_store
from comics.studio import bp
from comics.studio.forms import slugify
from extensions import db
from settings import site_languages, site_name
from web.errors import wants_json
from web.form_answers import refuse, showing_form

TEMPLATE = "studio/editions.html"
NEUTRAL_NAME = "edition"


def published_series() -> list[Series]:
    """Return the series with at least one published episode, by title."""
    return list(db.session.scalars(Series.public().order_by(Series.title, Series.slug)))


def offered_languages() -> list[str]:
    """Return the site's languages an edition can be made in, in the site's order."""
    return [code for code in site_languages() if code in LANGUAGES]


def edition_name(with_site: bool) -> str:
    """Return the edition's folder and file name: neutral, or the site's name (free-lines-edition)."""
    site = slugify(site_name()) if with_site else ""
    return f"{site}-{NEUTRAL_NAME}" if site else NEUTRAL_NAME


def read_request(published: Sequence[Series]) -> tuple[EditionChoice, list[str]]:
    """Return what the form asks for and every reason to refuse it (none when it can be built)."""
    reasons: list[str] = []
    if not published:
        reasons.append(_("Nothing is published yet: an edition holds published episodes only."))
    asked = list(dict.fromkeys(request.form.getlist("series")))
    known = {series.slug for series in published}
    unknown = [slug for slug in asked if slug not in known]
    for slug in unknown:
        reasons.append(_("There is no series “%(slug)s” with published episodes; reload the page and choose again.", slug=slug))
    if published and not asked:
        reasons.append(_("Choose at least one series."))
    languages = list(dict.fromkeys(request.form.getlist("language")))
    offered = offered_languages()
    for code in languages:
        if code not in offered:
            reasons.append(
                _(
                    "There is no edition in “%(language)s”: choose from %(languages)s.",
                    language=code,
                    languages=", ".join(offered),
                )
            )
    if not languages:
        reasons.append(_("Choose at least one language."))
    chosen = EditionChoice(
        slugs=tuple(series.slug for series in published if series.slug in asked),
        languages=tuple(code for code in LANGUAGES if code in languages),
        with_site=request.form.get("with_site") == "yes",
        videos=request.form.get("videos") == "yes",
        register=SOUTH if request.form.get("register") == SOUTH else NORTH,
    )
    return chosen, reasons


def audit_comment(chosen: EditionChoice) -> str:
    """Return what the audit log keeps: which series and languages, and which parts; never a path."""
    parts = [f"series: {', '.join(chosen.slugs)}", f"languages: {', '.join(chosen.languages)}"]
    parts.append("with the site's name and address" if chosen.with_site else "neutral")
    parts.append("with videos" if chosen.videos else "without videos")
    return "; ".join(parts)


@bp.route("/editions", methods=["GET", "POST"])
@require_staff
def editions() -> Response | tuple[Response | str, int] | str:
    """Show the offline edition form, or start building the edition asked for and send the editor to its page."""
    published = published_series()
    context = {"published": published, "languages": offered_languages()}
    if showing_form():
        return render_template(TEMPLATE, chosen=None, **context)
    chosen, reasons = read_request(published)
    context["chosen"] = chosen
    if reasons:
        return refuse(TEMPLATE, context, reasons)
    try:
        collect_edition(media_store(), chosen.slugs, chosen.languages, NEUTRAL)
    except EditionRefused:
        return refuse(TEMPLATE, context, [_("Nothing is published in the languages chosen in the series chosen.")])
    user = signed_in_user()
    try:
        token = start_build(chosen, edition_name(chosen.with_site), user.id)
    except BuildFailed as failure:
        current_app.logger.error("offline edition not built: %s", failure)
        return refuse(
            TEMPLATE,
            context,
            [_("The server could not write the edition in its work folder; nothing was kept. Tell whoever runs the site.")],
            status=503,
        )
    record(user, AuditAction.EDITION_EXPORT, "edition", user.id, ", ".join(chosen.slugs), comment=audit_comment(chosen))
    db.session.commit()
    target = url_for("studio.edition_build", token=token)
    if wants_json():
        return jsonify(ok=True, redirect=target, progress=url_for("studio.edition_build_progress", token=token))
    return redirect(target, code=303)
