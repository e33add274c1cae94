"""Sign-in limits that count each client behind a proxy, and slow guessing without locking an owner out.

Three limits guard the sign-in form, only failed attempts count against them, and a known browser
skips the third:

- per address and email, and per address (LOGIN_RATE_LIMITS, LOGIN_RATE_LIMITS_PER_IP, kept by
  Flask-Limiter): the address is the client's own once TRUSTED_PROXIES says how many proxies stand in
  front (the proxy fix of app.configure_request_pipeline), so one client hammering is stopped without
  stopping anyone else;
- per email, a growing delay: after n failures in a row, the next attempt for that email waits
  2^(n-1) seconds, at most MAX_DELAY_SECONDS (1, 2, 4 … 60 s). An attempt during the wait is refused
  unread, with the seconds left; the first one after it takes the turn (one atomic increment, before
  its password is checked) and is judged as usual, and a success starts the count again. Attempts
  sent in parallel are refused unread while one holds the turn: N of them at once get one password
  checked, and N in a row wait N delays, however many workers and threads serve them. This bounds guessing on one account from any number of addresses to about one a minute,
  while its owner waits seconds, never hours;
- a browser that has fully signed in to an account before carries a known-device cookie, bound to
  that account by an HMAC, and waits on a delay of its own instead of the account's. An attacker who
  keeps an editor's delay running cannot keep the editor out of their usual browser (OWASP's "device
  cookies"); someone holding a stolen device cookie still meets its own growing delay.

Failures are forgotten FAILURE_MEMORY_SECONDS after the first. The delay and the per-address counts
are kept in the limiter's storage (RATELIMIT_STORAGE_URI), which several workers must share:
settings.check_server_settings refuses a public site's several workers on memory://. Every key is an
HMAC of the email or address under the secret key, so that storage holds no address and no email
(and each key expires with its window or delay). An unknown email meets the same delay as a known
one: no answer tells which accounts exist.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import UTC

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from werkzeug.wrappers import Response

from artists.accounts.services.users import find_user_by_email, normalise_email
from artists.models import User
from comics import clock
from extensions import limiter

FIRST_DELAY_SECONDS = 1
MAX_DELAY_SECONDS = 60
FAILURE_MEMORY_SECONDS = 3600
# How long a turn stays taken if the attempt holding it never reports (its worker died mid-request).
TURN_SECONDS = 60
DEVICE_COOKIE = "sign-in-device"
DEVICE_COOKIE_DAYS = 90


def keyed_digest(purpose: str, value: str) -> str:
    """Return an HMAC of value under the secret key: stored or compared in place of an address or email."""
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(key, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()[:40]


# --- the per-address limits' keys (Flask-Limiter) -----------------------------------------------


def address_key() -> str:
    """Key the per-address limit by the client's address, hashed."""
    return keyed_digest("address", get_remote_address())


def address_and_email_key() -> str:
    """Key the per-email limit by address and email together, hashed, so no one can lock an owner out."""
    return keyed_digest("address-email", f"{get_remote_address()}|{normalise_email(request.form.get('email', ''))}")


# --- the growing delay ---------------------------------------------------------------------------


def _storage() -> Storage | None:
    """Return the limiter's storage, or None when the sign-in limits are turned off."""
    return limiter.storage if current_app.config.get("RATELIMIT_ENABLED", True) else None


def _key(kind: str, subject: str) -> str:
    return f"{current_app.config.get('RATELIMIT_KEY_PREFIX', '')}/sign-in-{kind}/{subject}"


def _now_ms() -> int:
    """Return the site clock (comics.clock, which tests move) in milliseconds since the epoch."""
    return int(clock.utcnow().replace(tzinfo=UTC).timestamp() * 1000)


def delay_subject(email: str) -> str:
    """Return whose delay an attempt for this email waits on: this browser's own, if it has signed in as
    that account before, else the email's."""
    token = request.cookies.get(device_cookie_name(), "")
    nonce, _, mac = token.partition(".")
    if nonce and mac:
        user = find_user_by_email(email)
        if user is not None and hmac.compare_digest(mac, _device_mac(user, nonce)):
            return keyed_digest("device", nonce)
    return keyed_digest("email", normalise_email(email))


@dataclass(frozen=True)
class Turn:
    """One attempt's place in its subject's sequence: held while its password is checked, or refused with a wait."""

    subject: str
    failures: int
    wait_ends: int = 0
    wait: int = 0


def _delay(failures: int) -> int:
    """Return the wait after the failures-th failure in a row: 1, 2, 4 … MAX_DELAY_SECONDS."""
    return min(FIRST_DELAY_SECONDS << min(failures - 1, 16), MAX_DELAY_SECONDS)


def take_turn(subject: str) -> Turn:
    """Take the subject's next turn to have a password checked, or say how long to wait (Turn.wait).

    The turn after the n-th failure (or the first) is one key in the limiter's storage, named by n and
    the moment its wait ends, so no two turns ever share one; the first attempt to increment it holds
    it, atomically on Redis as in memory. Every other attempt that finds the wait over at the same
    moment is refused unread, so N parallel attempts get one password checked, not N.
    """
    storage = _storage()
    if storage is None:
        return Turn(subject, 0)
    failures = storage.get(_key("failures", subject))
    wait_ends = storage.get(_key("wait", f"{subject}/{failures}")) if failures else 0
    # Bounded, so no glitch can ever make a wait longer than the cap.
    wait = min(max(0, math.ceil((wait_ends - _now_ms()) / 1000)), MAX_DELAY_SECONDS)
    if wait:
        return Turn(subject, failures, wait_ends, wait)
    if storage.incr(_key("turn", f"{subject}/{failures}/{wait_ends}"), TURN_SECONDS) != 1:
        # Another attempt holds this turn; should it fail, the next waits this long.
        return Turn(subject, failures, wait_ends, _delay(failures + 1))
    return Turn(subject, failures, wait_ends)


def note_failure(turn: Turn) -> int:
    """Count the failure of the attempt that held turn and return the seconds the next one must wait."""
    storage = _storage()
    if storage is None:
        return 0
    failures = turn.failures + 1
    delay = _delay(failures)
    wait_key = _key("wait", f"{turn.subject}/{failures}")
    storage.clear(wait_key)  # a number used before the count last started again
    storage.incr(wait_key, FAILURE_MEMORY_SECONDS, amount=_now_ms() + delay * 1000)
    # Counted only once its wait is stored: an attempt that reads the new count always finds the wait.
    # Only the holder of the turn moves the count on, so it becomes exactly failures.
    storage.incr(_key("failures", turn.subject), FAILURE_MEMORY_SECONDS)
    return delay


def note_success(turn: Turn) -> None:
    """Start the subject's count of failures again after a correct password, with a first turn free to take."""
    storage = _storage()
    if storage is not None:
        storage.clear(_key("failures", turn.subject))
        storage.clear(_key("turn", f"{turn.subject}/0/0"))


# --- known devices -------------------------------------------------------------------------------


def device_cookie_name() -> str:
    """Return the known-device cookie's name: __Host- prefixed whenever the session cookie is Secure."""
    return ("__Host-" if current_app.config["SESSION_COOKIE_SECURE"] else "") + DEVICE_COOKIE


def _device_mac(user: User, nonce: str) -> str:
    return keyed_digest("device-of", f"{user.id}/{nonce}")


def remember_device(response: Response, user: User) -> None:
    """Mark this browser as one that signed in to the account, so the account's delay never holds it up.

    The cookie holds a random nonce and an HMAC: nothing that names the account or the person.
    """
    nonce = secrets.token_urlsafe(16)
    response.set_cookie(
        device_cookie_name(),
        f"{nonce}.{_device_mac(user, nonce)}",
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        path="/",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )
