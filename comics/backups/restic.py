"""The restic program: found, checked and run with argument lists, never a shell.

restic reads its repository and password from the standard variables (RESTIC_REPOSITORY or
RESTIC_REPOSITORY_FILE; RESTIC_PASSWORD_FILE or RESTIC_PASSWORD_COMMAND) in the environment it
inherits: the password never appears on a command line, in this process's memory or in a log.
No Flask here: the commands and tests drive it on any folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TAG = "free-lines"  # every snapshot this site takes carries it; restore looks only at those


class BackupError(Exception):
    """A backup, restore or check that cannot be done, with the reason an operator can act on."""


@dataclass(frozen=True)
class Snapshot:
    """One of the site's snapshots in the repository."""

    id: str
    time: str
    hostname: str
    paths: tuple[str, ...]


def restic_program() -> str:
    """Return the path of restic, or say how to install it."""
    program = shutil.which("restic")
    if program is None:
        raise BackupError("restic is not installed, or not on PATH: install it (Debian: apt-get install restic)")
    return program


def check_environment(environ: Mapping[str, str] | None = None) -> None:
    """Refuse before anything runs when the repository or its password is not named, or the file is unreadable."""
    environ = os.environ if environ is None else environ
    if not (environ.get("RESTIC_REPOSITORY") or environ.get("RESTIC_REPOSITORY_FILE")):
        raise BackupError(
            "RESTIC_REPOSITORY is not set: name the restic repository to use "
            "(a folder, sftp:user@host:/path or s3:host/bucket; see docs/deploy.md, 'Backups')"
        )
    password_file = environ.get("RESTIC_PASSWORD_FILE")
    if not password_file:
        if environ.get("RESTIC_PASSWORD_COMMAND"):
            return
        raise BackupError(
            "RESTIC_PASSWORD_FILE is not set: name the file that holds the repository's password, "
            "kept apart from the repository (see docs/deploy.md, 'Backups')"
        )
    path = Path(password_file)
    if not path.is_file():
        raise BackupError(f"RESTIC_PASSWORD_FILE names {path}, which is not a file")
    if not os.access(path, os.R_OK):
        raise BackupError(f"RESTIC_PASSWORD_FILE names {path}, which this user ({_user()}) may not read")
    if path.stat().st_size == 0:
        raise BackupError(f"RESTIC_PASSWORD_FILE names {path}, which is empty")


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return str(os.geteuid())


def shown_location(location: str) -> str:
    """Return a repository's location fit for a message: a password inside it (rest:https://user:pw@…) hidden."""
    return re.sub(r"(://[^/:@]*):[^/@]*@", r"\1:***@", location)


def _explain(stderr: str, doing: str) -> str:
    """Turn restic's complaint into a sentence that says what to do."""
    text = stderr.strip()
    if "wrong password" in text:
        return f"{doing}: the password in RESTIC_PASSWORD_FILE does not open the repository (wrong password or no key found)"
    if "Is there a repository at the following location?" in text or "repository does not exist" in text:
        location = shown_location(os.environ.get("RESTIC_REPOSITORY", "RESTIC_REPOSITORY"))
        return f"{doing}: there is no restic repository at {location}; create one with `restic init` (docs/deploy.md, 'Backups')"
    if "unable to create lock" in text or "repository is already locked" in text:
        return f"{doing}: the repository is locked by another restic; wait for it, or `restic unlock` if it died"
    last = text.splitlines()[-1] if text else "no message"
    return f"{doing}: restic failed: {shown_location(last)}"


def run_restic(arguments: Sequence[str], doing: str, *, cwd: Path | None = None, ok: Sequence[int] = (0,)) -> str:
    """Run restic with these arguments and return what it printed; raise BackupError saying what failed."""
    command = [restic_program(), *arguments]
    try:
        completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as error:
        raise BackupError(f"{doing}: restic could not be started: {error.strerror}") from None
    if completed.returncode not in ok:
        if completed.returncode == 3 and "backup" in arguments[:1]:
            raise BackupError(
                f"{doing}: restic could not read some files, so the snapshot is incomplete: {completed.stderr.strip()}"
            )
        raise BackupError(_explain(completed.stderr, doing))
    return completed.stdout


def open_repository() -> None:
    """Check that restic is there and opens the repository with the password, changing nothing."""
    restic_program()
    check_environment()
    run_restic(["cat", "config", "--quiet"], "cannot open the backup repository")


def backup(paths: Sequence[str], cwd: Path, excludes: Sequence[str], parent: str | None) -> dict[str, Any]:
    """Take one snapshot of these paths (relative ones taken from cwd) and return restic's summary."""
    arguments = ["backup", "--json", "--quiet", "--tag", TAG]
    for pattern in excludes:
        arguments += ["--exclude", pattern]
    if parent:
        arguments += ["--parent", parent]
    output = run_restic([*arguments, "--", *paths], "the backup failed", cwd=cwd)
    for line in reversed(output.splitlines()):
        with contextlib.suppress(ValueError):
            message = json.loads(line)
            if message.get("message_type") == "summary":
                return dict(message)
    raise BackupError("the backup failed: restic printed no summary, so no snapshot can be trusted")


def snapshots() -> list[Snapshot]:
    """Return the site's snapshots in the repository, oldest first."""
    output = run_restic(["snapshots", "--json", "--tag", TAG], "cannot list the backups")
    listed = json.loads(output or "[]") or []
    found = [
        Snapshot(id=entry["id"], time=entry["time"], hostname=entry.get("hostname", ""), paths=tuple(entry.get("paths", ())))
        for entry in listed
    ]
    return sorted(found, key=lambda snapshot: snapshot.time)


def find_snapshot(wanted: str | None) -> Snapshot:
    """Return the snapshot with this id (or id prefix), or the latest one; refuse when there is none."""
    found = snapshots()
    if not found:
        raise BackupError("the repository holds no backup of this site (no snapshot tagged free-lines)")
    if wanted is None:
        return found[-1]
    matching = [snapshot for snapshot in found if snapshot.id.startswith(wanted.lower())]
    if len(matching) != 1:
        problem = "no" if not matching else "more than one"
        raise BackupError(
            f"{problem} snapshot of this site has an id starting with {wanted!r}: `restic snapshots --tag {TAG}` lists them"
        )
    return matching[0]


def restore(snapshot: Snapshot, target: Path) -> None:
    """Write a snapshot's files under target (absolute paths of the snapshot become target/…)."""
    run_restic(["restore", snapshot.id, "--target", str(target), "--quiet"], f"cannot restore snapshot {snapshot.id[:8]}")


def check() -> str:
    """Run `restic check` on the repository; return its report or raise BackupError with it."""
    open_repository()
    return run_restic(["check"], "the repository check found a problem")
