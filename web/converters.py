"""URL converters shared by every blueprint: numbers in paths that no database column can overflow."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter


class RowNumberConverter(IntegerConverter):
    """Match a positive whole number that fits every database's integer column, so a huge one is a 404.

    Up to nine digits: PostgreSQL's INTEGER stops at 2,147,483,647, and a larger number sent to it
    would fail the query (a 500) instead of finding nothing.
    """

    regex = r"[1-9]\d{0,8}"


def register_converters(app: Flask) -> None:
    """Name the converters routes use: an episode's number in its series, a link's id."""
    app.url_map.converters["episode_number"] = RowNumberConverter
    app.url_map.converters["link_id"] = RowNumberConverter
