"""Audit the locked dependencies with pip-audit: `make audit`, and a step of .ci/run.

    .venv/bin/python .ci/audit.py [LOCK_FILE ...]      # default: requirements-test.lock, a superset of requirements.lock

pip-audit asks PyPI's vulnerability database about every pinned version of the lock, exactly as locked
(--require-hashes --disable-pip: nothing is resolved or installed). The outcome is one of three:
- a known vulnerability: it is listed and the audit fails (exit 1), wherever it runs;
- every package audited and none vulnerable: it says so (exit 0);
- the database could not be reached, or did not answer for some packages: it says so, naming how many
  packages went unaudited, and does not fail (exit 0).
Why not fail then: the build also runs where there is no network on purpose (offline CI, machines
behind a mirror that serves packages but not PyPI's JSON API), and a build that is red for "no
network" teaches everyone to ignore red builds. So a refused network is reported loudly and passes; a
found vulnerability always fails. Audit where pypi.org answers before each release.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# pip-audit beside this interpreter (the project's .venv), unless PIP_AUDIT names another (the tests' fake).
AUDIT_SECONDS = 300
PIP_AUDIT = os.environ.get("PIP_AUDIT") or str(Path(sys.executable).parent / "pip-audit")
# What a refused, timed-out or unresolvable connection looks like in pip-audit's error output.
NETWORK_TROUBLE = ("ConnectionError", "ProxyError", "ConnectTimeout", "ReadTimeout", "Max retries exceeded",
                   "Name or service not known", "Temporary failure in name resolution", "Connection refused",
                   "Network is unreachable", "SSLError")


def audit(lock: str) -> int:
    """Audit one lock file; print what was found; return the exit status."""
    try:
        run = subprocess.run(
            [PIP_AUDIT, "--require-hashes", "--disable-pip", "--progress-spinner", "off", "--format", "json",
             "--requirement", lock, "--timeout", "20"],
            capture_output=True, text=True, check=False, timeout=AUDIT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        # A network that swallows requests without refusing them must not hold the build up.
        print(f"pip-audit: {lock}: NOT AUDITED: no answer from PyPI's vulnerability database in {AUDIT_SECONDS} s")
        return 0
    try:
        dependencies = json.loads(run.stdout)["dependencies"]
    except (ValueError, KeyError):
        if any(sign in run.stderr for sign in NETWORK_TROUBLE):
            last = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
            print(f"pip-audit: {lock}: NOT AUDITED: PyPI's vulnerability database cannot be reached from here ({last[:200]})")
            return 0
        print(run.stderr or run.stdout, file=sys.stderr)
        print(f"pip-audit: {lock}: pip-audit failed (exit {run.returncode})", file=sys.stderr)
        return 1
    vulnerable = [
        (dependency["name"], dependency["version"], vulnerability["id"], ", ".join(vulnerability.get("fix_versions") or []) or "none yet")
        for dependency in dependencies
        for vulnerability in dependency.get("vulns", [])
    ]
    skipped = [dependency["name"] for dependency in dependencies if "skip_reason" in dependency]
    for name, version, identifier, fixes in vulnerable:
        print(f"pip-audit: {lock}: {name} {version} is vulnerable: {identifier} (fixed in: {fixes})")
    if skipped:
        print(
            f"pip-audit: {lock}: {len(skipped)} of {len(dependencies)} packages NOT AUDITED: PyPI's vulnerability "
            f"database did not answer for them from here ({', '.join(skipped[:8])}{', …' if len(skipped) > 8 else ''})"
        )
    if vulnerable:
        return 1
    audited = len(dependencies) - len(skipped)
    if audited:
        print(f"pip-audit: {lock}: no known vulnerability in the {audited} packages audited")
    return 0


def main(locks: list[str]) -> int:
    statuses = [audit(lock) for lock in locks or ["requirements-test.lock"]]
    return max(statuses)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
