"""The studio's offline edition page (/studio/editions): editors build an edition and download it as a ZIP.

The same code as `flask export-offline OUT_DIR --zip` (comics.editions) builds the edition into a
private temporary folder, zips it, and the folder is removed before the answer is sent: the open ZIP
is sent from its handle, already unlinked, so no file stays behind even if the download is broken off.
A refusal (nothing published, no series or language chosen, a series or language that does not exist,
a work folder that cannot be written) shows its reasons and builds nothing.

Building runs in the request: seconds without videos, tens of seconds (or more) per episode with them,
within gunicorn's timeout for a small catalogue (docs/editions.md). The page says how long to expect and
its script shows the time passing; a per-episode progress bar would need the build in a worker (RQ, as
the render queue does) with the page polling a job id, which is not built.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template, request, send_file
from flask_babel import gettext as _
from werkzeug.wrappers import Response  # what send_file() is typed to return; flask's Response is a subclass

from artists.permissions import require_staff, signed_in_user
from comics.editions.commands import site_imprint
from comics.editions.content import LANGUAGES, NEUTRAL, EditionRefused, collect_edition
from comics.editions.export import EditionOptions, write_edition, write_edition_zip
from comics.images.media_store import media_store
from comics.models import Series
from comics.publishing.audit import record
from comics.publishing.models import AuditAction
from comics.studio import bp
from comics.studio.forms import slugify
from extensions import db
from web.form_answers import refuse, showing_form

TEMPLATE = "studio/editions.html"
NEUTRAL_NAME = "edition"


@dataclass(frozen=True)
class EditionRequest:
    """What the form asked for, checked: series slugs (by title), languages (edition order), options."""

    slugs: tuple[str, ...]
    languages: tuple[str, ...]
    with_site: bool
    videos: bool


class BuildFailed(Exception):
    """The server could not build the edition (its work folder); nothing was left behind."""


def published_series() -> list[Series]:
    """Return the series with at least one published episode, by title."""
    return list(db.session.scalars(Series.public().order_by(Series.title, Series.slug)))


def offered_languages() -> list[str]:
    """Return the site's languages an edition can be made in, in the site's order."""
    return [code for code in current_app.config["LANGUAGES"] if code in LANGUAGES]


def work_folder() -> Path:
    """Return where editions are built before they are sent (EDITIONS_WORK_DIR, else the system's temp)."""
    return Path(current_app.config.get("EDITIONS_WORK_DIR") or tempfile.gettempdir())


def edition_name(with_site: bool) -> str:
    """Return the edition's folder and file name: neutral, or the site's name (free-lines-edition)."""
    site = slugify(current_app.config.get("SITE_NAME") or "") if with_site else ""
    return f"{site}-{NEUTRAL_NAME}" if site else NEUTRAL_NAME


def read_request(published: Sequence[Series]) -> tuple[EditionRequest, list[str]]:
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
    chosen = EditionRequest(
        slugs=tuple(series.slug for series in published if series.slug in asked),
        languages=tuple(code for code in LANGUAGES if code in languages),
        with_site=request.form.get("with_site") == "yes",
        videos=request.form.get("videos") == "yes",
    )
    return chosen, reasons


def build_zip(chosen: EditionRequest) -> tuple[Path, str]:
    """Build the edition and its ZIP in a new private work folder; return the folder and the ZIP's name.

    Raises EditionRefused when the catalogue holds nothing for the choice, BuildFailed when the work
    folder cannot be written; either way the work folder is gone.
    """
    imprint = site_imprint() if chosen.with_site else NEUTRAL
    name = edition_name(chosen.with_site)
    options = EditionOptions(slugs=chosen.slugs, languages=chosen.languages, imprint=imprint, slides=True, videos=chosen.videos)
    content = collect_edition(media_store(), chosen.slugs, chosen.languages, imprint)
    try:
        work = Path(tempfile.mkdtemp(prefix="edition-", dir=work_folder()))
    except OSError as error:
        raise BuildFailed(error.strerror or str(error)) from None
    try:
        write_edition(content, work / name, options)
        write_edition_zip(work / name, work / f"{name}.zip")
    except EditionRefused as refusal:
        shutil.rmtree(work, ignore_errors=True)
        raise BuildFailed(str(refusal)) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return work, f"{name}.zip"


def send_and_forget(work: Path, filename: str) -> Response:
    """Send the ZIP as a download after removing the work folder: the open handle keeps its bytes
    readable until the answer is sent and closed (POSIX), and nothing is left on disk meanwhile."""
    try:
        stream = (work / filename).open("rb")
        size = os.fstat(stream.fileno()).st_size
    finally:
        shutil.rmtree(work, ignore_errors=True)
    response = send_file(
        stream, mimetype="application/zip", as_attachment=True, download_name=filename, max_age=0, conditional=False
    )
    response.content_length = size
    response.headers["Cache-Control"] = "no-store"
    return response


def audit_comment(chosen: EditionRequest) -> str:
    """Return what the audit log keeps: which series and languages, and which parts; never a path."""
    parts = [f"series: {', '.join(chosen.slugs)}", f"languages: {', '.join(chosen.languages)}"]
    parts.append("with the site's name and address" if chosen.with_site else "neutral")
    parts.append("with videos" if chosen.videos else "without videos")
    return "; ".join(parts)


@bp.route("/editions", methods=["GET", "POST"])
@require_staff
def editions() -> Response | tuple[Response | str, int] | str:
    """Show the offline edition form, or build the edition asked for and send it as a ZIP."""
    published = published_series()
    context = {"published": published, "languages": offered_languages()}
    if showing_form():
        return render_template(TEMPLATE, chosen=None, **context)
    chosen, reasons = read_request(published)
    context["chosen"] = chosen
    if reasons:
        return refuse(TEMPLATE, context, reasons)
    try:
        work, filename = build_zip(chosen)
    except EditionRefused:
        return refuse(TEMPLATE, context, [_("Nothing is published in the languages chosen in the series chosen.")])
    except BuildFailed as failure:
        current_app.logger.error("offline edition not built: %s", failure)
        return refuse(
            TEMPLATE,
            context,
            [_("The server could not write the edition in its work folder; nothing was kept. Tell whoever runs the site.")],
            status=503,
        )
    user = signed_in_user()
    record(user, AuditAction.EDITION_EXPORT, "edition", user.id, ", ".join(chosen.slugs), comment=audit_comment(chosen))
    db.session.commit()
    return send_and_forget(work, filename)
