"""How form views answer: a page for the browser without script, JSON for the studio's script.

The same form posts either way (progressive enhancement): the script only adds the progress bar and
the per-file statuses, so both paths share one view and one set of rules.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from flask import flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response  # what redirect() is typed to return; flask's Response is a subclass

from web.errors import wants_json


class FileOutcome(Protocol):
    """What happened to one uploaded file, as the studio's script shows it."""

    def as_dict(self) -> dict[str, object]: ...


def showing_form() -> bool:
    """Tell whether the request asks only to see a form page (GET, or HEAD, which must answer like GET)
    rather than sends the form."""
    return request.method in ("GET", "HEAD")


def done(target: str, message: str, results: Sequence[FileOutcome] = ()) -> Response:
    """Answer a change that was saved: redirect the browser, or tell the script where to go.

    The message is flashed either way: the script goes to the target next, which shows it.
    """
    flash(message, "success")
    if wants_json():
        return jsonify(ok=True, redirect=target, message=message, files=[r.as_dict() for r in results])
    return redirect(target, code=303)


def refuse(
    template: str,
    context: dict[str, Any],
    reasons: Sequence[str],
    results: Sequence[FileOutcome] = (),
    status: int = 400,
) -> tuple[Response | str, int]:
    """Answer a change refused as a whole: nothing was saved, and every reason is shown."""
    if wants_json():
        return jsonify(ok=False, error=" ".join(reasons), errors=list(reasons), files=[r.as_dict() for r in results]), status
    return render_template(template, reasons=reasons, results=results, **context), status


def form_errors(form: Any) -> list[str]:
    """Return a form's error messages as "Field: message" lines (in the page's language)."""
    messages: list[str] = []
    for name, errors in form.errors.items():
        label = getattr(getattr(form, name, None), "label", None)

        def line(message: object, label: Any = label) -> str:
            if label is None or not str(label.text):  # the CSRF token's refusal is a whole sentence (web.forms)
                return str(message)
            return str(_("%(field)s: %(message)s", field=str(label.text), message=str(message)))

        for error in errors:
            if isinstance(error, dict):  # a subform's errors (the links of a profile)
                for sub_errors in error.values():
                    messages.extend(line(message) for message in sub_errors)
            elif isinstance(error, list):
                messages.extend(line(message) for message in error)
            else:
                messages.append(line(error))
    return messages
