"""Which artist link URLs the site accepts, shows and redirects to: one rule for the studio and /go.

No Flask import: the studio's forms call validate_link_url when an artist saves a link, and the public
side calls is_allowed_link_url again before rendering or redirecting, so a row written by some other
path (an old import, a hand-edited database) still never sends a reader to ``javascript:`` or ``data:``.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https", "mailto")
MAX_URL_LENGTH = 2000  # ArtistLink.url is String(2000)


def validate_link_url(url: str) -> str:
    """Return the URL cleaned up for storage, or raise ValueError with a message the artist can act on.

    Only absolute http, https and mailto URLs pass. The scheme is lower-cased; nothing else is rewritten.
    """
    if not isinstance(url, str):
        raise ValueError("Enter the link's address.")
    cleaned = url.strip()
    if not cleaned:
        raise ValueError("Enter the link's address.")
    if len(cleaned) > MAX_URL_LENGTH:
        raise ValueError(f"The address is too long: at most {MAX_URL_LENGTH} characters.")
    # Browsers strip tabs and newlines inside URLs and treat backslashes as slashes, so what a check
    # sees and what a browser follows could differ: refuse them rather than guess.
    if any(char.isspace() or unicodedata.category(char) in ("Cc", "Cf") for char in cleaned) or "\\" in cleaned:
        raise ValueError("The address may not contain spaces, backslashes or control characters.")
    scheme, separator, rest = cleaned.partition(":")
    if not separator or not scheme:
        raise ValueError("Start the address with https:// (or mailto: for an email address).")
    scheme = scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise ValueError(
            f"Links must start with http://, https:// or mailto:, not {scheme[:20]}:."
        )
    cleaned = f"{scheme}:{rest}"
    if scheme == "mailto":
        _check_mailto(rest)
    else:
        _check_web(cleaned)
    return cleaned


def _check_web(url: str) -> None:
    """Raise ValueError unless an http(s) URL names a host and carries no user name or password."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number in range)
    except ValueError:
        raise ValueError("That address is not a valid web address.") from None
    if not url[len(parts.scheme) + 1 :].startswith("//") or not parts.hostname:
        raise ValueError("Write the whole address, for example https://ko-fi.com/yourname.")
    if parts.username is not None or parts.password is not None:
        # https://paypal.com@evil.example/ reads as PayPal but goes to evil.example.
        raise ValueError("The address may not contain a user name or password (an @ before the host).")
    if "." not in parts.hostname and parts.hostname != "localhost":
        raise ValueError("The address needs a full host name, such as ko-fi.com.")


def _check_mailto(rest: str) -> None:
    """Raise ValueError unless a mailto: URL has one plausible address."""
    address = rest.partition("?")[0]
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or "," in address or "/" in address:
        raise ValueError("Write an email link as mailto:name@example.org.")


def is_allowed_link_url(url: str | None) -> bool:
    """Tell whether a stored URL may be shown or redirected to."""
    if not url:
        return False
    try:
        validate_link_url(url)
    except ValueError:
        return False
    return True


def display_host(url: str) -> str:
    """Return what a reader should see of where a link goes: its host, or the email address."""
    scheme, _, rest = url.partition(":")
    if scheme.lower() == "mailto":
        return rest.partition("?")[0]
    host = urlsplit(url).hostname or ""
    host = host.removeprefix("www.")
    try:
        # Show an internationalised domain the way its owner writes it, not as punycode.
        return host.encode("ascii").decode("idna") if host.startswith("xn--") or ".xn--" in host else host
    except UnicodeError:
        return host


def opens_in_new_tab(url: str) -> bool:
    """Tell whether a link should open in a new tab: web pages do, email links open the mail app."""
    return url.partition(":")[0].lower() in ("http", "https")
