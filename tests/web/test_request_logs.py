"""The development server's request log (`flask run`, `make dev`): the same fields as gunicorn's, no address.

gunicorn's own access log is read from a real server in tests/test_gunicorn.py.
"""
from __future__ import annotations

import logging
import re
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser import live_server
from tests.conftest import SiteBuilder, make_test_app
from tests.waiting import HANG_GUARD, wait_until
from web.request_logs import loggable_path, scrub_message

MARKERS = ("secret-search", "ReaderMarkerAgent", "referrer-marker", "SECRETTOKEN123")


def access_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "webtoon.access"]


def test_the_development_server_logs_method_path_status_and_duration_only(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = make_test_app(tmp_path)
    with app.app_context():
        SiteBuilder().episode(SiteBuilder().series(), panels=1)
    caplog.set_level(logging.INFO)
    with live_server(app) as base_url:
        request = urllib.request.Request(
            f"{base_url}/search?q=secret-search",
            headers={"User-Agent": "ReaderMarkerAgent/1.0", "Referer": "https://referrer-marker.example/"},
        )
        with urllib.request.urlopen(request, timeout=HANG_GUARD) as response:
            # Read it all, as a browser does: a client that hangs up early can make Werkzeug skip the close.
            assert response.status == 200 and response.read()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base_url}/account/invitation/SECRETTOKEN123?x=secret-search", timeout=HANG_GUARD)
        assert refused.value.read()
        # A request line the server cannot parse: Werkzeug's error line names the client.
        with socket.create_connection(("127.0.0.1", int(base_url.rsplit(":", 1)[1])), timeout=HANG_GUARD) as raw:
            raw.sendall(b"NONSENSE /?q=secret-search\r\n\r\n")
            raw.recv(1024)
        # A line is written when the server closes the answer, which may be just after the client has it.
        wait_until(lambda: len(access_lines(caplog)) >= 2, "the access lines of both requests")
    lines = [(record.name, record.getMessage()) for record in caplog.records if record.name in ("werkzeug", "webtoon.access")]
    ours = access_lines(caplog)
    assert any(re.fullmatch(r'"GET /search" 200 \d+ms', message) for message in ours), ours
    assert any(re.fullmatch(r'"GET /account/invitation/-" 404 \d+ms', message) for message in ours), ours
    assert any(name == "werkzeug" for name, _ in lines), lines  # its error line is kept, without the address
    for _, message in lines:
        assert "127.0.0.1" not in message and not any(marker in message for marker in MARKERS), message


def test_paths_lose_their_secrets_and_cannot_forge_lines() -> None:
    assert loggable_path("/account/invitation/abc123") == "/account/invitation/-"
    # Every language's invitation page: the log layers see the path before the language layer does.
    assert loggable_path("/ko/account/invitation/abc123") == "/ko/account/invitation/-"
    assert loggable_path("/series/river/\n[forged] line") == "/series/river/\\x0a[forged] line"
    assert scrub_message("Invalid request from ip=192.0.2.1: Invalid HTTP Version") == "Invalid request from ip=-: Invalid HTTP Version"
    assert scrub_message("Error handling request GET /search?q=words") == "Error handling request GET /search"
