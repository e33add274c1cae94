"""Numbers in URLs that no database column can overflow: the converters of every blueprint's paths,
and the same rule for numbers in query strings (a page of a list, an id to filter by)."""
from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter


class RowNumberConverter(IntegerConverter):
    """Match a positive whole number that fits every database's integer column, so a huge one is a 404.

    Up to nine digits: PostgreSQL's INTEGER stops at 2,147,483,647, and a larger number sent to it
    would fail the query (a 500) instead of finding nothing.
    """

    regex = r"[1-9]\d{0,8}"


_ROW_NUMBER = re.compile(RowNumberConverter.regex)


def register_converters(app: Flask) -> None:
    """Name the converters routes use: an episode's number in its series, a link's id, any row's id,
    a page of a list."""
    app.url_map.converters["episode_number"] = RowNumberConverter
    app.url_map.converters["link_id"] = RowNumberConverter
    app.url_map.converters["row_id"] = RowNumberConverter
    app.url_map.converters["page_number"] = RowNumberConverter


def number_arg(name: str) -> int | None:
    """Return the query string's number of this name, None when absent or empty; answer 404 for anything
    but a number the converters above would match (so ?page=461168601842738792 finds nothing, not a 500)."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not _ROW_NUMBER.fullmatch(raw):
        abort(404)
    return int(raw)


def page_arg() -> int:
    """Return the page of a list the query string asks for (?page=), the first by default."""
    return number_arg("page") or 1
