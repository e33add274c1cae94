"""Sign-in limits: the growing delay per email, known browsers, hashed keys, proxies and shared storage."""
from __future__ import annotations

import html
import http.cookiejar
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits.storage import MemoryStorage
from werkzeug.test import TestResponse

from artists.models import Role
from extensions import limiter
from settings import check_server_settings, proxy_warning
from tests.conftest import MovableClock, make_test_app
from tests.engines import TEST_REDIS_URL
from tests.studio_support import PASSWORD, make_account, make_artist_account, sign_in
from tests.test_gunicorn import ROOT, free_port, server_environment, wait_for
from tests.waiting import HANG_GUARD, stop

WRONG = "not the password at all"


def limits_app(tmp_path: Path, **overrides: object) -> Flask:
    """An app whose per-address limits are far away, so each test meets only the limit it is about."""
    settings: dict[str, object] = {"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMITS": "500 per hour", "LOGIN_RATE_LIMITS_PER_IP": "500 per hour"}
    app = make_test_app(tmp_path, **(settings | overrides))
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR)
    return app


def attempt(client: FlaskClient, email: str = "ed@example.org", password: str = WRONG) -> TestResponse:
    return client.post("/account/login", data={"email": email, "password": password})


def client_at(app: Flask, address: str) -> FlaskClient:
    # An address of its own in each test: under Redis, the per-address counters outlive one test's app.
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_each_failure_makes_the_next_attempt_for_that_email_wait_longer(tmp_path: Path, site_clock: MovableClock) -> None:
    app = limits_app(tmp_path)
    client = client_at(app, "192.0.2.90")
    for wait in (1, 2, 4, 8):
        assert attempt(client).status_code == 401
        # Within the wait even the right password is refused unread, with the time left.
        refused = attempt(client, password=PASSWORD)
        assert refused.status_code == 429
        # The real wait, not the end of Flask-Limiter's window (an hour here).
        assert refused.headers["Retry-After"] == str(wait)
        assert f"Try again in {wait} second{'' if wait == 1 else 's'}." in refused.get_data(as_text=True)
        site_clock.move(seconds=wait - 0.5)
        assert attempt(client, password=PASSWORD).status_code == 429
        site_clock.move(seconds=0.5)
    # After the wait the owner signs in, and that starts the count again.
    assert attempt(client, password=PASSWORD).status_code == 303
    client.post("/account/logout")
    assert attempt(app.test_client()).status_code == 401
    assert "Try again in 1 second." in attempt(app.test_client()).get_data(as_text=True)


def test_retry_after_is_the_wait_the_page_states_not_the_limiters_window(tmp_path: Path, site_clock: MovableClock) -> None:
    # The default LOGIN_RATE_LIMITS: a window of 15 minutes, which Flask-Limiter would announce as 900 s.
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False)
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR)
    client = client_at(app, "192.0.2.91")
    failed = attempt(client)
    assert failed.status_code == 401 and failed.headers["Retry-After"] == "1"
    refused = attempt(client, password=PASSWORD)
    assert refused.status_code == 429 and "Try again in 1 second." in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] == "1"
    site_clock.move(seconds=1)
    assert attempt(client).headers["Retry-After"] == "2"
    assert "Retry-After" not in client_at(app, "192.0.2.92").get("/account/login").headers


def test_the_delay_stops_growing_at_a_minute(tmp_path: Path, site_clock: MovableClock) -> None:
    app = limits_app(tmp_path)
    client = client_at(app, "192.0.2.91")
    for _ in range(10):
        assert attempt(client).status_code == 401
        site_clock.move(minutes=1)
    assert attempt(client).status_code == 401
    assert "Try again in 60 seconds." in attempt(client).get_data(as_text=True)


def test_an_unknown_email_waits_exactly_like_a_known_one(tmp_path: Path, site_clock: MovableClock) -> None:
    app = limits_app(tmp_path)

    def answers(email: str, address: str) -> list[tuple[int, str]]:
        client = client_at(app, address)
        seen = []
        for step in ("fail", "wait", "move", "fail", "wait"):
            if step == "move":
                site_clock.move(seconds=1)
                continue
            response = attempt(client, email)
            seen.append((response.status_code, response.get_data(as_text=True).replace(email, "EMAIL")))
        return seen

    known, unknown = answers("ed@example.org", "192.0.2.92"), answers("nobody@example.org", "192.0.2.93")
    assert [status for status, _ in known] == [401, 429, 401, 429]
    assert known == unknown


def test_the_owners_usual_browser_is_not_held_by_an_attackers_failures(tmp_path: Path, site_clock: MovableClock) -> None:
    app = limits_app(tmp_path)
    owner = client_at(app, "198.51.100.94")
    with app.app_context():
        sign_in(owner, "ed@example.org")
    owner.post("/account/logout")
    assert owner.get_cookie("sign-in-device") is not None  # kept after signing out: it opens nothing
    attacker = client_at(app, "203.0.113.94")
    assert attempt(attacker).status_code == 401
    assert attempt(attacker).status_code == 429
    # The attacker keeps the email's delay running; the owner's browser waits on its own, untouched.
    assert attempt(owner, password=PASSWORD).status_code == 303
    # A browser the owner never used waits like anyone else's.
    assert attempt(client_at(app, "198.51.100.95"), password=PASSWORD).status_code == 429


def test_failures_from_a_known_browser_wait_on_its_own_delay(tmp_path: Path, site_clock: MovableClock) -> None:
    app = limits_app(tmp_path)
    browser = client_at(app, "198.51.100.96")
    with app.app_context():
        sign_in(browser, "ed@example.org")
    browser.post("/account/logout")
    assert attempt(browser).status_code == 401
    assert attempt(browser, password=PASSWORD).status_code == 429
    site_clock.move(seconds=1)
    assert attempt(browser, password=PASSWORD).status_code == 303


@pytest.mark.parametrize("cookie", ["of another account", "forged"])
def test_a_device_cookie_opens_no_way_round_another_accounts_delay(tmp_path: Path, site_clock: MovableClock, cookie: str) -> None:
    app = limits_app(tmp_path)
    browser = client_at(app, "198.51.100.97")
    if cookie == "forged":
        browser.set_cookie("sign-in-device", "bm9uY2U.0123456789abcdef0123456789abcdef01234567")
    else:
        with app.app_context():
            make_artist_account("mina")
            sign_in(browser, "mina@example.org")
        browser.post("/account/logout")
    assert attempt(client_at(app, "203.0.113.97")).status_code == 401
    assert attempt(browser, password=PASSWORD).status_code == 429


def test_the_limits_storage_holds_no_address_and_no_email(tmp_path: Path, site_clock: MovableClock) -> None:
    app = limits_app(tmp_path)
    address = "203.0.113.98"
    attempt(client_at(app, address))
    attempt(client_at(app, address), email="someone.real@example.net")
    storage = limiter.storage
    if isinstance(storage, MemoryStorage):
        keys = [str(key) for key in storage.storage]
    else:
        import redis

        from tests.engines import REDIS_PREFIX, TEST_REDIS_URL

        assert TEST_REDIS_URL is not None
        connection = redis.Redis.from_url(TEST_REDIS_URL)
        keys = [key.decode() for key in connection.scan_iter(match=f"*{REDIS_PREFIX}*", count=1000)]
        connection.close()
    assert any("sign-in-failures" in key for key in keys)
    for key in keys:
        assert address not in key and "example.org" not in key and "someone.real" not in key, key


# --- behind a proxy ------------------------------------------------------------------------------


def forwarded_attempts(app: Flask, proxy: str, clients: list[str]) -> list[int]:
    """Fail once for a new email from each forwarded client address, all through the same proxy."""
    client = client_at(app, proxy)
    return [
        client.post(
            "/account/login", data={"email": f"user{n}@example.org", "password": WRONG}, headers={"X-Forwarded-For": forwarded}
        ).status_code
        for n, forwarded in enumerate(clients)
    ]


def test_behind_a_trusted_proxy_each_client_is_limited_on_its_own(tmp_path: Path) -> None:
    app = limits_app(tmp_path, TRUSTED_PROXIES=1, LOGIN_RATE_LIMITS_PER_IP="2 per hour")
    statuses = forwarded_attempts(app, "127.0.0.71", ["203.0.113.71", "203.0.113.71", "203.0.113.71", "203.0.113.72"])
    # The third failure from one client is refused; another client behind the same proxy is not.
    assert statuses == [401, 401, 429, 401]


def test_without_trusted_proxies_forwarded_headers_are_not_believed(tmp_path: Path) -> None:
    app = limits_app(tmp_path, LOGIN_RATE_LIMITS_PER_IP="2 per hour")
    # Anyone could send X-Forwarded-For: believed, it would let one client pass for many.
    statuses = forwarded_attempts(app, "127.0.0.73", ["203.0.113.73", "203.0.113.74", "203.0.113.75"])
    assert statuses == [401, 401, 429]


def test_trusted_proxies_must_be_a_small_whole_number(tmp_path: Path) -> None:
    for value in (-1, "1", 11):
        with pytest.raises(ValueError, match="TRUSTED_PROXIES must be a whole number from 0 to 10"):
            make_test_app(tmp_path, TRUSTED_PROXIES=value)


# --- several workers ------------------------------------------------------------------------------

PUBLIC = {"SITE_URL": "https://freelines.example", "RATELIMIT_ENABLED": True}


def test_a_public_site_refuses_several_workers_counting_in_their_own_memory() -> None:
    with pytest.raises(ValueError) as refusal:
        check_server_settings(PUBLIC | {"RATELIMIT_STORAGE_URI": "memory://"}, workers=5)
    assert re.search(r"RATELIMIT_STORAGE_URI is memory:// but gunicorn would start 5 workers", str(refusal.value))
    assert "docs/deploy.md" in str(refusal.value)


@pytest.mark.parametrize(
    ("settings", "workers"),
    [
        (PUBLIC | {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/1"}, 5),  # shared storage
        (PUBLIC | {"RATELIMIT_STORAGE_URI": "memory://"}, 1),  # one worker: one memory
        ({"SITE_URL": None, "RATELIMIT_STORAGE_URI": "memory://"}, 5),  # `make run`: not a public site
        (PUBLIC | {"RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": False}, 5),  # no limits to share
    ],
)
def test_shared_storage_one_worker_or_a_private_run_may_start(settings: dict[str, object], workers: int) -> None:
    check_server_settings(settings, workers)


def test_a_public_site_behind_a_local_proxy_that_believes_none_is_warned() -> None:
    warning = proxy_warning(PUBLIC | {"TRUSTED_PROXIES": 0}, ["unix:/run/webtoon/gunicorn.sock"])
    assert warning is not None and "FLASK_TRUSTED_PROXIES=1" in warning
    assert proxy_warning(PUBLIC | {"TRUSTED_PROXIES": 1}, ["127.0.0.1:8000"]) is None
    assert proxy_warning(PUBLIC | {"TRUSTED_PROXIES": 0}, ["0.0.0.0:443"]) is None  # reached directly
    assert proxy_warning({"SITE_URL": None, "TRUSTED_PROXIES": 0}, ["127.0.0.1:8000"]) is None


# --- parallel attempts, on the production server --------------------------------------------------


def login_form_session(base: str) -> tuple[urllib.request.OpenerDirector, str]:
    """Open the sign-in form as a browser would: its own cookie jar, and the CSRF token the form holds."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base}/account/login", timeout=HANG_GUARD) as response:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.read().decode())
    assert token is not None
    return opener, html.unescape(token.group(1))


def post_login(opener: urllib.request.OpenerDirector, base: str, token: str) -> tuple[int, str]:
    data = urllib.parse.urlencode({"csrf_token": token, "email": "ed@example.org", "password": WRONG}).encode()
    try:
        with opener.open(f"{base}/account/login", data=data, timeout=HANG_GUARD) as response:
            return response.status, ""
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Retry-After", "")


def parallel_attempts(base: str, count: int) -> list[tuple[int, str]]:
    """Send count wrong passwords for one email at the same moment, each from its own browser."""
    sessions = [login_form_session(base) for _ in range(count)]
    start = threading.Barrier(count)

    def send(opener: urllib.request.OpenerDirector, token: str) -> tuple[int, str]:
        start.wait(timeout=HANG_GUARD)
        return post_login(opener, base, token)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return sorted(pool.map(lambda session: send(*session), sessions))


def test_parallel_attempts_for_one_email_get_one_password_checked_per_wait(app: Flask, tmp_path: Path) -> None:
    """Eight at once on gunicorn's threads: one is checked, seven refused unread; the next eight wait the next delay."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert gunicorn
    make_account("ed@example.org", Role.EDITOR)
    env = server_environment(app, tmp_path) | {"FLASK_LOGIN_RATE_LIMITS": "500 per hour", "FLASK_LOGIN_RATE_LIMITS_PER_IP": "500 per hour"}
    # Several workers share the delay only through Redis; on memory:// one worker, its threads in parallel.
    workers = "1"
    if TEST_REDIS_URL:
        env |= {"FLASK_RATELIMIT_STORAGE_URI": TEST_REDIS_URL, "FLASK_RATELIMIT_KEY_PREFIX": app.config["RATELIMIT_KEY_PREFIX"]}
        workers = "2"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", workers, "--threads", "8"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_for(f"{base}/account/login", process)
        first = parallel_attempts(base, 8)
        assert first == [(401, "1")] + [(429, "1")] * 7
        time.sleep(1.2)
        second = parallel_attempts(base, 8)
        assert second == [(401, "2")] + [(429, "2")] * 7
        # And within that wait, nothing is checked at all.
        assert parallel_attempts(base, 4) == [(429, "2")] * 4
    finally:
        stop(process)
