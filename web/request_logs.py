"""Request logs that hold no address: the time, the method, the path without its query, the status and
the duration, and nothing else: no client address, user agent, referrer, cookie or query string.

A seized server's logs must not say who read what, or what anyone searched for. Three servers write
request logs, and each is told the same:
- gunicorn (production): `access_log_format` and `AddressFreeLogger` in gunicorn.conf.py, which
  uses loggable_path and scrub_message from here;
- Werkzeug's development server (`flask run`, `make dev`): its own request line names the client's
  address and the query, so the factory drops that line (drop_werkzeug_request_lines) and logs its own
  (DevelopmentRequestLog, the outermost layer of app.configure_request_pipeline);
- nginx: the `log_format` of docs/deploy.md.

Paths that carry a secret (an invitation's token) are logged without it.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.wsgi import ClosingIterator

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ACCESS_LOGGER = "webtoon.access"
# The rest of such a path is a secret: an invitation link works for whoever holds it.
SECRET_PATH_PREFIXES = ("/account/invitation/",)
# A line break or other control character in a (percent-decoded) path must not forge a log line.
_CONTROL = {code: f"\\x{code:02x}" for code in [*range(0x20), *range(0x7F, 0xA0)]}
# "ip=192.0.2.1" (how gunicorn names the client of a refused request), and a query after a path.
_IP_FIELD = re.compile(r"\bip=\S*?(?=:?(?:\s|$))")
_QUERY = re.compile(r"(/[^\s?'\"]*)\?[^\s'\"]*")
# Werkzeug's prefix of every line it writes about a connection: "192.0.2.1 - - [date] ".
_WERKZEUG_PREFIX = re.compile(r"^\S* - - \[[^\]]*\] ")
_WERKZEUG_REQUEST_LINE = '"%s" %s %s'


def loggable_path(path: str) -> str:
    """Return the path as a request log may hold it: without a secret, with control characters escaped.

    The secret is cut wherever its prefix begins, not only at the start: a log layer sits outside the
    language layer, so it sees /ko/account/invitation/… as well as /account/invitation/….
    """
    for prefix in SECRET_PATH_PREFIXES:
        start = path.find(prefix)
        if start != -1:
            path = path[: start + len(prefix)] + "-"
            break
    return path.translate(_CONTROL)


def scrub_message(message: str) -> str:
    """Remove addresses and query strings from a server's log message (a refused request, an error)."""
    return _QUERY.sub(r"\1", _IP_FIELD.sub("ip=-", message))


class ScrubbedRecords(logging.Filter):
    """A logging filter that rewrites each record's message with scrub_message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub_message(record.getMessage()), None
        return True


class WerkzeugRequestLogFilter(logging.Filter):
    """Drop the development server's request lines (they name the client and the query; ours replace
    them), and take the address and query out of its other lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.rstrip().endswith(_WERKZEUG_REQUEST_LINE):
            return False
        message = record.getMessage()
        record.msg, record.args = scrub_message(_WERKZEUG_PREFIX.sub("", message)), None
        return True


def access_logger() -> logging.Logger:
    """Return the logger of the development server's request lines, at INFO: to standard error, as
    Werkzeug's own lines go, unless logging is configured to write INFO lines somewhere already."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if not _has_handler_for(logger, logging.INFO):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s] %(message)s"))
        logger.addHandler(handler)
    return logger


def _has_handler_for(logger: logging.Logger, level: int) -> bool:
    """Tell whether a record of this level would reach some handler, up the logger's hierarchy."""
    current: logging.Logger | None = logger
    while current is not None:
        if any(handler.level <= level for handler in current.handlers):
            return True
        current = current.parent if current.propagate else None
    return False


def drop_werkzeug_request_lines() -> None:
    """Silence the development server's own request lines (DevelopmentRequestLog writes ours), once."""
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(existing, WerkzeugRequestLogFilter) for existing in werkzeug_log.filters):
        werkzeug_log.addFilter(WerkzeugRequestLogFilter())


class DevelopmentRequestLog:
    """A WSGI layer that logs each request Werkzeug's development server answers, in the fields above.

    It rewrites nothing, of the request or the answer: it notes the status as the answer starts and
    writes the line once the body is sent. Outermost, so it logs the path as the server received it
    (/ko/… included). Under gunicorn it passes every request straight on: gunicorn writes its own log.
    """

    def __init__(self, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app
        self.log = access_logger()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not str(environ.get("SERVER_SOFTWARE", "")).startswith("Werkzeug/"):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        status = ["-"]

        def start_and_note(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = code.split(" ", 1)[0]
            return start_response(code, headers, exc_info)

        def write_line() -> None:
            duration = round((time.perf_counter() - started) * 1000)
            self.log.info('"%s %s" %s %dms', environ.get("REQUEST_METHOD", "-"),
                          loggable_path(str(environ.get("PATH_INFO", ""))), status[0], duration)

        return ClosingIterator(self.wsgi_app(environ, start_and_note), write_line)
