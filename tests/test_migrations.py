"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from comics.discovery.search_index import include_in_autogenerate
from extensions import db


def schema_differences(database: dict[str, Any], *, round_trip: bool = False) -> list[Any]:
    """Migrate an empty database to head (down to base and up again if asked); return what differs."""
    app = create_app({"SECRET_KEY": "x", **database})
    with app.app_context():
        upgrade()
        if round_trip:
            downgrade(revision="base")
            upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_name": include_in_autogenerate})
            differences: list[Any] = compare_metadata(context, db.metadata)
        db.engine.dispose()
    return differences


def test_migrations_match_the_models(tmp_path: Path) -> None:
    assert schema_differences({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.sqlite'}"}) == []


def test_migrations_downgrade_to_nothing_and_back(tmp_path: Path) -> None:
    database = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'round-trip.sqlite'}"}
    assert schema_differences(database, round_trip=True) == []


def test_migrations_match_the_models_on_postgresql() -> None:
    from tests.engines import TEST_DATABASE_URL, own_database_url

    if not TEST_DATABASE_URL:
        pytest.skip("runs on PostgreSQL only: set TEST_DATABASE_URL (.ci/run's second pass does)")
    assert schema_differences(own_database_url("migrations"), round_trip=True) == []
