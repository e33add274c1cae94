"""The one way a secret handed out once is kept: as its SHA-256 digest, never in clear.

Invitation links, session cookies, recovery codes and the proofs of a pending sign-in are all looked up
by this digest, so a leaked database cannot be turned into any of them. Nothing here needs a request.
"""
from __future__ import annotations

import hashlib


def hash_token(token: str) -> str:
    """Return the digest a secret is stored and looked up under: invitation and session tokens, recovery codes."""
    return hashlib.sha256(token.encode()).hexdigest()
