"""Slow clients cannot hold readers: nginx reads each upload whole before gunicorn sees it (issue 24).

Through the documented nginx (docs/nginx/webtoon.conf) and `make run`'s gunicorn settings (here 2 workers
× 4 threads: 8 requests at once). 64 uploads trickling a byte a second would hold every thread for
as long as they last if nginx passed bodies on as they came; buffered, they hold only nginx, and
readers are answered as if they were not there. The latency is checked loosely here (a machine shared
with other work must not fail it); the figure, against the same readers without slow uploads, is
measured by bench/bench_slow_clients.py into docs/performance.md.
"""

from __future__ import annotations

import re
import ssl

import pytest

from tests.journeys.slow_clients import open_tls, read_pages, slow_uploads, upload_head
from tests.journeys.stack import HOST, Stack
from tests.journeys.test_nginx_answers import assert_site_headers_once
from tests.waiting import HANG_GUARD, wait_until

pytestmark = [pytest.mark.journey]

SLOW_UPLOADS = 64
# Loosely: ten times the target of 100 ms, so a busy machine does not fail it, and far below the
# 10 s and more that readers waited when slow bodies reached gunicorn (issue 24).
LOOSE_P99_SECONDS = 1.0


def reader_paths(stack: Stack) -> list[str]:
    """The home page, and the series and episode pages it links to."""
    connection = open_tls(stack)
    try:
        connection.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
        page = b""
        while chunk := connection.recv(65536):
            page += chunk
    finally:
        connection.close()
    links = sorted(set(re.findall(rb'href="(/series/[a-z0-9-]+/(?:[0-9]+/)?)"', page)))
    assert links, "the home page links to no series"
    return ["/", *[link.decode() for link in links[:6]]]


def test_readers_are_answered_while_64_uploads_trickle_in(stack: Stack) -> None:
    paths = reader_paths(stack)
    # Every page rendered and held by every worker first: what is measured is readers' waiting.
    read_pages(stack, paths, readers=4, requests_each=4 * len(paths))
    with slow_uploads(stack, SLOW_UPLOADS) as uploads:
        wait_until(lambda: uploads.sent >= 2, "the slow uploads to have sent a few bytes each")
        readings = read_pages(stack, paths, readers=4, requests_each=50)
        # The uploads were still being sent while every reader was answered: nginx held them.
        assert uploads.answered() == []
        assert uploads.failures == []
    stack.check_running()
    assert readings.errors == []
    assert len(readings.seconds) == 200
    assert readings.percentile(0.99) < LOOSE_P99_SECONDS, readings.summary()


def test_a_sender_that_stops_is_dropped(stack: Stack) -> None:
    """A body that stops coming holds nginx for client_body_timeout, then the connection is closed."""
    connection = open_tls(stack)
    try:
        connection.sendall(upload_head(stack, 1000) + b"--")
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except (ConnectionResetError, ssl.SSLError):
            pass  # nginx may reset a timed-out connection (reset_timedout_connection on)
        # Closed without the app having been asked: nothing, or nginx's 408.
        assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200]
    finally:
        connection.close()


def test_a_body_larger_than_the_limit_without_a_length_is_refused_by_nginx(stack: Stack) -> None:
    """A chunked upload declares no length: nginx counts it as it reads, and refuses it past 200 MB."""
    connection = open_tls(stack)
    connection.settimeout(HANG_GUARD)
    head = (
        f"POST /studio/series/1/episodes/new HTTP/1.1\r\nHost: {HOST}\r\n"
        "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    megabyte = b"100000\r\n" + b"x" * 0x100000 + b"\r\n"
    try:
        connection.sendall(head)
        try:
            for _ in range(260):  # 260 MiB, past the 200 MB limit
                connection.sendall(megabyte)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # refused mid-way: nginx stops reading and closes
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except (ConnectionResetError, ssl.SSLError):
            pass
    finally:
        connection.close()
    head_text, _, _ = answer.partition(b"\r\n\r\n")
    status_line, *lines = head_text.decode("latin-1").split("\r\n")
    assert status_line.startswith("HTTP/1.1 413"), answer[:300]
    headers = [(name.strip().lower(), value.strip()) for name, _, value in (line.partition(":") for line in lines)]
    assert_site_headers_once(headers)
