"""Sizes in bytes as a reader reads them ("2.4 MB"), with numbers in the page's locale."""
from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _

KILOBYTE = 1000
MEGABYTE = 1000 * KILOBYTE


def byte_size(size: int) -> str:
    """Return a size in kB below a megabyte, in MB with one decimal from there (decimal units, as phones show)."""
    if size >= MEGABYTE:
        return str(_("%(size)s MB", size=format_decimal(size / MEGABYTE, format="#,##0.0")))
    return str(_("%(size)s kB", size=format_decimal(max(1, round(size / KILOBYTE)), format="#,##0")))
