"""The real engines under test: this run's own PostgreSQL databases and Redis keys, when asked for.

Set TEST_DATABASE_URL to a maintenance database (postgresql+psycopg://postgres@127.0.0.1:5432/test): the
run creates its own uniquely named databases beside it and drops them at the end, so runs on one server
never collide. Set TEST_REDIS_URL (redis://127.0.0.1:6379/0) to run the page cache, the rate limiter
and the render queue on Redis, each under keys prefixed with this run's id.
"""
from __future__ import annotations

import itertools
import os
import secrets
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from extensions import db
from tests.waiting import HANG_GUARD

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
RUN_ID = secrets.token_hex(4)
REDIS_PREFIX = f"webtoon-test-{RUN_ID}"

_app_numbers = itertools.count()
_databases: dict[str, str] = {}


def _maintenance_url() -> URL:
    assert TEST_DATABASE_URL is not None
    return make_url(TEST_DATABASE_URL)


def create_database(suffix: str) -> str:
    """Create (once) this run's database with this suffix and return its URL."""
    if suffix not in _databases:
        name = f"webtoon_test_{RUN_ID}_{suffix}"
        admin = create_engine(_maintenance_url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        _databases[suffix] = _maintenance_url().set(database=name).render_as_string(hide_password=False)
    return _databases[suffix]


def own_database_url(suffix: str) -> dict[str, Any]:
    """Return the settings that give an app a database of its own on PostgreSQL (nothing on SQLite)."""
    if not TEST_DATABASE_URL:
        return {}
    return {"SQLALCHEMY_DATABASE_URI": create_database(suffix), "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool}}


def engine_settings() -> dict[str, Any]:
    """Return the settings that point an app at this run's PostgreSQL database and Redis keys."""
    settings: dict[str, Any] = {}
    if TEST_DATABASE_URL:
        settings["SQLALCHEMY_DATABASE_URI"] = create_database("main")
        # No pool: every connection closes when its transaction ends, so none outlives its test.
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": NullPool}
    if TEST_REDIS_URL:
        # Each app its own prefix, so one test's pages, counters or jobs never meet another's.
        prefix = f"{REDIS_PREFIX}-{next(_app_numbers)}"
        settings.update(
            CACHE_TYPE="RedisCache",
            CACHE_REDIS_URL=TEST_REDIS_URL,
            CACHE_KEY_PREFIX=f"{prefix}-cache-",
            RATELIMIT_STORAGE_URI=TEST_REDIS_URL,
            RATELIMIT_KEY_PREFIX=f"{prefix}-limits",
            RQ_REDIS_URL=TEST_REDIS_URL,
            RQ_QUEUE_NAME=f"{prefix}-renditions",
        )
    return settings


def reset_database() -> None:
    """Empty every table of the shared PostgreSQL test database (SQLite files are new per test)."""
    if db.engine.dialect.name != "postgresql":
        return
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        # A lock held by a forgotten transaction fails the test loudly instead of hanging the run.
        connection.execute(text(f"SET LOCAL lock_timeout = '{HANG_GUARD:.0f}s'"))
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def drop_run_resources() -> None:
    """Drop this run's databases and delete its Redis keys."""
    if _databases:
        admin = create_engine(_maintenance_url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as connection:
            for url in _databases.values():
                connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        admin.dispose()
        _databases.clear()
    if TEST_REDIS_URL:
        import redis

        client = redis.Redis.from_url(TEST_REDIS_URL)
        # The RQ registries name the queue inside their keys, so match the prefix anywhere.
        for key in client.scan_iter(match=f"*{REDIS_PREFIX}*", count=1000):
            client.delete(key)
        client.close()


def redis_url_or_skip() -> str:
    """Return a Redis URL to test against, or skip the test saying how to get one."""
    url = TEST_REDIS_URL or "redis://127.0.0.1:6379/0"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if TEST_REDIS_URL:
            pytest.fail(f"TEST_REDIS_URL is set but no Redis answers at {url}")
        pytest.skip(f"needs a Redis server at {url} (set TEST_REDIS_URL or start redis-server)")
    return url

