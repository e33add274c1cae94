"""The lock files match pyproject.toml: every dependency pinned, with hashes, the same in both (`make lock`)."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.M)


def pins(lock: str) -> dict[str, str]:
    """Return each package's pinned version in a lock, after checking that every pin carries a hash."""
    text = (ROOT / lock).read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    pinned: dict[str, str] = {}
    for block in blocks:
        match = PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{lock}: {match[1]} has no hash"
            pinned[canonicalize_name(match[1])] = match[2]
    return pinned


def declared(*extras: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    return {canonicalize_name(Requirement(requirement).name) for requirement in requirements}


def test_every_dependency_is_locked_with_hashes() -> None:
    runtime, test = pins("requirements.lock"), pins("requirements-test.lock")
    missing = declared() - runtime.keys()
    assert not missing, f"not in requirements.lock: {sorted(missing)}: run `make lock`"
    missing = declared("test") - test.keys()
    assert not missing, f"not in requirements-test.lock: {sorted(missing)}: run `make lock`"
    # The project's build backend, so the install can build it from the lock (--no-build-isolation).
    assert "setuptools" in runtime and "setuptools" in test


def test_the_tests_run_on_the_versions_the_site_runs_on() -> None:
    runtime, test = pins("requirements.lock"), pins("requirements-test.lock")
    different = {name: (version, test.get(name)) for name, version in runtime.items() if test.get(name) != version}
    assert different == {}
