"""The search page: /search?q=… over public series, episodes and artists; and the search-reindex command."""

from __future__ import annotations

import click
from flask import Blueprint, abort, current_app, render_template, request

from comics.discovery.search import SearchQueryError, search
from comics.discovery.search_index import rebuild_search_documents
from extensions import db
from web.converters import page_arg
from web.languages import page_language

bp = Blueprint("search", __name__)


@bp.get("/search")
def search_page() -> tuple[str, int] | str:
    """Show the search form and, for a query, one page of what matches it."""
    query = request.args.get("q", "").strip()
    page = page_arg()
    if not query:
        return render_template("search/results.html", query="", results=None, error=None)
    per_page = int(current_app.config["SEARCH_RESULTS_PER_PAGE"])
    try:
        results = search(query, page=page, per_page=per_page, language=page_language())
    except SearchQueryError as refusal:
        return render_template("search/results.html", query=query[:200], results=None, error=str(refusal)), 400
    if page > results.pages:
        abort(404)
    return render_template("search/results.html", query=query, results=results, error=None)


@click.command("search-reindex")
def search_reindex_command() -> None:
    """Rebuild the search documents of every series, episode and artist from the database."""
    with db.engine.begin() as connection:
        count = rebuild_search_documents(connection)
    click.echo(f"Indexed {count} series, episodes and artists.")
