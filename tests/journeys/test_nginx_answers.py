"""nginx's own answers, through the documented configuration: each carries the site's security headers.

The app sets them on everything it answers (web/security_headers.py); these are the answers nginx gives
before the app is reached, sent here as raw bytes over TLS, as a scanner or a broken client would.
"""
from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit

import pytest

from tests.journeys.stack import HOST, Stack
from tests.waiting import HANG_GUARD
from web.security_headers import security_headers

pytestmark = [pytest.mark.journey]

SITE_HEADERS = security_headers(hsts=True)  # an https site, as the stack is


def raw_request(stack: Stack, request: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    """Send bytes to nginx over TLS as freelines.test, trusting the stack's certificate; return the answer."""
    context = ssl.create_default_context(cafile=str(stack.certificate.cert))
    port = urlsplit(stack.base_url).port
    assert port is not None
    with socket.create_connection(("127.0.0.1", port), timeout=HANG_GUARD) as plain, context.wrap_socket(
        plain, server_hostname=HOST
    ) as tls:
        tls.sendall(request)
        answer = b""
        while chunk := tls.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = [(name.strip().lower(), value.strip()) for name, _, value in (line.partition(":") for line in lines)]
    return int(status_line.split()[1]), headers, body


def assert_site_headers_once(headers: list[tuple[str, str]]) -> None:
    for name, value in SITE_HEADERS:
        assert [each for key, each in headers if key == name.lower()] == [value], name


REFUSED = [
    (b"GET /\x01 HTTP/1.1\r\nHost: freelines.test\r\n\r\n", 400),
    (b"POST /studio/ HTTP/1.1\r\nHost: freelines.test\r\nContent-Length: 300000000\r\nConnection: close\r\n\r\n", 413),
    (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: freelines.test\r\nConnection: close\r\n\r\n", 414),
    # nginx answers headers too large with 400 ("Request Header Or Cookie Too Large").
    (b"GET / HTTP/1.1\r\nHost: freelines.test\r\nX-Padding: " + b"b" * 5000 + b"\r\nConnection: close\r\n\r\n", 400),
]


@pytest.mark.parametrize(("request_bytes", "status"), REFUSED, ids=["malformed", "body-too-large", "address-too-long", "headers-too-large"])
def test_nginx_refuses_with_the_sites_headers(stack: Stack, request_bytes: bytes, status: int) -> None:
    answered, headers, body = raw_request(stack, request_bytes)
    assert answered == status
    assert_site_headers_once(headers)
    assert b"nginx/" not in body and not any(value.startswith("nginx/") for name, value in headers if name == "server")


def test_the_apps_answers_pass_through_with_each_header_once(stack: Stack) -> None:
    """The headers nginx sets for its own answers are not added again to what the app sends."""
    for path in (b"/", b"/account/login", b"/no-such-page"):
        answered, headers, _ = raw_request(stack, b"GET " + path + b" HTTP/1.1\r\nHost: freelines.test\r\nConnection: close\r\n\r\n")
        assert answered in (200, 404)
        referrer = "same-origin" if path == b"/account/login" else "no-referrer"
        assert [value for name, value in headers if name == "referrer-policy"] == [referrer]
        assert_site_headers_once([(name, value) for name, value in headers if name != "referrer-policy"] + [("referrer-policy", "no-referrer")])
