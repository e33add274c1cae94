"""The production stack, started once for the journeys, and Chromium to walk it.

Run with `make journeys` (pytest -m journey tests/journeys); `make test` leaves them out. They need nginx,
openssl, Chromium, PostgreSQL and Redis: where one is missing they are skipped with the reason, except
under CI=true, where that is a failure.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser import require_chromium
from tests.journeys.stack import Stack, production_stack, services_missing

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    require_chromium()
    missing = services_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the journeys need the production stack: {missing}")
        pytest.skip(f"the journeys need the production stack: {missing}")
    folder: Path = tmp_path_factory.mktemp("stack")
    with production_stack(folder) as running:
        yield running


@pytest.fixture(scope="session")
def browser(stack: Stack) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    from tests.journeys.people import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright, stack)
        yield chromium
        chromium.close()
