"""`make audit` (.ci/audit.py): a found vulnerability fails; a database out of reach is said, and passes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_audit(tmp_path: Path, stdout: str, stderr: str = "", status: int = 0) -> subprocess.CompletedProcess[str]:
    """Run .ci/audit.py against a fake pip-audit that answers with this output and status."""
    fake = tmp_path / "pip-audit"
    fake.write_text(
        f"#!{sys.executable}\nimport sys\nsys.stdout.write({stdout!r})\nsys.stderr.write({stderr!r})\nsys.exit({status})\n"
    )
    fake.chmod(0o755)
    return subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "audit.py"), "requirements-test.lock"],
        cwd=ROOT, env={**os.environ, "PIP_AUDIT": str(fake)}, capture_output=True, text=True, check=False,
    )


def report(*dependencies: Mapping[str, object]) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_a_known_vulnerability_fails(tmp_path: Path) -> None:
    vulnerable = {"name": "jinja2", "version": "2.10", "vulns": [{"id": "PYSEC-2019-217", "fix_versions": ["2.10.1"]}]}
    result = run_audit(tmp_path, report(vulnerable, {"name": "flask", "version": "3.1.3", "vulns": []}), status=1)
    assert result.returncode == 1
    assert "jinja2 2.10 is vulnerable: PYSEC-2019-217 (fixed in: 2.10.1)" in result.stdout


def test_a_clean_audit_passes(tmp_path: Path) -> None:
    result = run_audit(tmp_path, report({"name": "flask", "version": "3.1.3", "vulns": []}))
    assert result.returncode == 0
    assert "no known vulnerability in the 1 packages audited" in result.stdout


@pytest.mark.parametrize(
    ("stdout", "stderr", "status"),
    [
        (report({"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (3.1.3)"}), "", 0),
        ("", "requests.exceptions.ConnectionError: Max retries exceeded with url: /pypi/flask/3.1.3/json", 1),
    ],
)
def test_a_database_out_of_reach_is_said_and_passes(tmp_path: Path, stdout: str, stderr: str, status: int) -> None:
    result = run_audit(tmp_path, stdout, stderr, status)
    assert result.returncode == 0
    assert "NOT AUDITED" in result.stdout


def test_any_other_failure_of_pip_audit_fails(tmp_path: Path) -> None:
    result = run_audit(tmp_path, "", "error: requirements-test.lock: no such file", 1)
    assert result.returncode == 1
