"""The migrations build exactly the schema the models describe."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app import create_app
from extensions import db


def test_migrations_match_the_models(tmp_path: Path) -> None:
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.sqlite'}"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert differences == []


def test_migrations_match_the_models_on_postgresql(tmp_path: Path) -> None:
    from tests.engines import TEST_DATABASE_URL, own_database_url

    if not TEST_DATABASE_URL:
        pytest.skip("runs on PostgreSQL only: set TEST_DATABASE_URL (.ci/run's second pass does)")
    app = create_app({"SECRET_KEY": "x", **own_database_url("migrations")})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert differences == []
