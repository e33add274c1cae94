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


def test_a_key_enrolled_twice_is_kept_once_with_its_later_step(tmp_path: Path) -> None:
    """0006 gives each authenticator-app key its digest and keeps one factor per key and account."""
    from sqlalchemy import text

    from artists.accounts.services.factors import seal, totp_key_digest

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'keys.sqlite'}"})
    secret, other = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
    with app.app_context():
        upgrade(revision="0005")
        factor = (
            "INSERT INTO second_factor (id, user_id, kind, name, created_at, totp_secret_sealed, totp_last_step, sign_count)"
            " VALUES (:id, 1, 'totp', :name, '2026-12-01 00:00:00', :sealed, :step, 0)"
        )
        with db.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO user_account (id, email, password_hash, role, display_name, active, created_at)"
                     " VALUES (1, 'ed@example.org', 'x', 'editor', '', true, '2026-12-01 00:00:00')")
            )
            connection.execute(text(factor), {"id": 1, "name": "Phone", "sealed": seal(secret), "step": 10})
            connection.execute(text(factor), {"id": 2, "name": "Phone again", "sealed": seal(secret), "step": 12})
            connection.execute(text(factor), {"id": 3, "name": "Tablet", "sealed": seal(other), "step": None})
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, totp_last_step, totp_key_digest FROM second_factor ORDER BY id")).all()
        db.engine.dispose()
    assert [tuple(row) for row in rows] == [(1, 12, totp_key_digest(secret)), (3, None, totp_key_digest(other))]
