"""Slow uploads and readers through the stack's nginx: shared by tests/journeys/test_slow_clients.py and
bench/bench_slow_clients.py.

A slow upload is a POST to the studio's upload address whose body trickles in a byte at a time, as a
bad link or a deliberate attacker sends it; nginx must hold it, not gunicorn, whose threads are few
(the stack runs 2 workers × 4 threads). Readers are keep-alive HTTPS connections asking for pages one
after the other, each request timed.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.journeys.stack import HOST, Stack
from tests.waiting import HANG_GUARD

UPLOAD_PATH = "/studio/series/1/episodes/new"
BOUNDARY = "slow-upload-boundary"


def tls_context(stack: Stack) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(stack.certificate.cert))


def port_of(stack: Stack) -> int:
    port = urlsplit(stack.base_url).port
    assert port is not None
    return port


def open_tls(stack: Stack) -> ssl.SSLSocket:
    """Open a TLS connection to the stack's nginx as freelines.test."""
    plain = socket.create_connection(("127.0.0.1", port_of(stack)), timeout=HANG_GUARD)
    return tls_context(stack).wrap_socket(plain, server_hostname=HOST)


def upload_head(stack: Stack, length: int) -> bytes:
    """The head of an upload request announcing a body of `length` bytes."""
    return (
        f"POST {UPLOAD_PATH} HTTP/1.1\r\nHost: {HOST}:{port_of(stack)}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


@dataclass
class SlowUploads:
    """Uploads that each send one byte a second (all of them in turn), until stopped."""

    connections: list[ssl.SSLSocket]
    sent: int = 0
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def trickle(self) -> None:
        body = f"--{BOUNDARY}\r\n".encode() * 10_000
        while not self._stop.is_set():
            started = time.monotonic()
            for connection in self.connections:
                try:
                    connection.sendall(body[self.sent % len(body) : self.sent % len(body) + 1])
                except OSError as error:
                    self.failures.append(repr(error))
            self.sent += 1
            # A byte a second on each connection: sleep what is left of the second.
            self._stop.wait(max(0.0, 1.0 - (time.monotonic() - started)))

    def answered(self) -> list[int]:
        """Return the indexes of the uploads that got any answer (or were closed) so far."""
        done = []
        for index, connection in enumerate(self.connections):
            connection.setblocking(False)
            try:
                connection.recv(1)  # data (an answer) or b"" (closed): either way no longer held
                done.append(index)
            except (ssl.SSLWantReadError, BlockingIOError):
                pass
            except OSError:
                done.append(index)
            finally:
                connection.setblocking(True)
        return done


@contextmanager
def slow_uploads(stack: Stack, count: int) -> Iterator[SlowUploads]:
    """Start `count` uploads of 100 kB that send a byte a second; close them all at the end."""
    connections = []
    try:
        for _ in range(count):
            connection = open_tls(stack)
            connections.append(connection)
            connection.sendall(upload_head(stack, 100_000))
        uploads = SlowUploads(connections)
        sender = threading.Thread(target=uploads.trickle, name="slow-uploads", daemon=True)
        sender.start()
        try:
            yield uploads
        finally:
            uploads._stop.set()
            sender.join(timeout=HANG_GUARD)
    finally:
        for connection in connections:
            with suppress(OSError):
                connection.close()


class _Connection(http.client.HTTPSConnection):
    """A keep-alive HTTPS connection to 127.0.0.1 that checks the certificate as freelines.test."""

    def __init__(self, stack: Stack) -> None:
        super().__init__("127.0.0.1", port_of(stack), timeout=HANG_GUARD, context=tls_context(stack))
        self._stack = stack

    def connect(self) -> None:
        self.sock = open_tls(self._stack)


@dataclass
class Readings:
    """Each reader request's time in seconds, and the answers that were not 200."""

    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def summary(self) -> str:
        return (
            f"{len(self.seconds)} requests, p50 {statistics.median(self.seconds) * 1000:.1f} ms, "
            f"p99 {self.percentile(0.99) * 1000:.1f} ms, slowest {max(self.seconds) * 1000:.1f} ms, "
            f"{len(self.errors)} errors"
        )


def read_pages(stack: Stack, paths: list[str], *, readers: int, requests_each: int) -> Readings:
    """Let `readers` keep-alive connections each ask for `requests_each` pages in turn; time each."""
    readings = Readings()
    lock = threading.Lock()

    def reader(number: int) -> None:
        connection = _Connection(stack)
        try:
            for index in range(requests_each):
                path = paths[(number + index) % len(paths)]
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers={"Host": f"{HOST}:{port_of(stack)}", "Accept-Encoding": "br, gzip"})
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    with lock:
                        readings.errors.append(f"{path}: {error!r}")
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    readings.seconds.append(elapsed)
                    if status != 200:
                        readings.errors.append(f"{path}: {status}")
        finally:
            connection.close()

    threads = [threading.Thread(target=reader, args=(number,), name=f"reader-{number}") for number in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=HANG_GUARD * 2)
    return readings
