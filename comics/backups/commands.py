"""The operators' backup commands: `flask --app app backup [--check]` and `flask --app app restore`."""

from __future__ import annotations

import click
from flask import Flask, current_app

from comics.backups import restic
from comics.backups.restic import BackupError
from comics.backups.snapshots import restore_backup, take_backup


def _app() -> Flask:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types current_app as Flask, not as its proxy
    return app


@click.command("backup")
@click.option("--check", "check_only", is_flag=True, help="Check the repository (restic check) instead of taking a backup.")
def backup_command(check_only: bool) -> None:
    """Snapshot the database, then the media files, into the restic repository named by RESTIC_REPOSITORY."""
    try:
        if check_only:
            report = restic.check()
            click.echo(report.strip().splitlines()[-1] if report.strip() else "The repository is sound.")
            return
        summary = take_backup(_app(), say=click.echo)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Snapshot {summary.snapshot_id[:8]}: the database and {summary.files} media files "
        f"({summary.bytes_processed:,} bytes), of which {summary.bytes_added:,} bytes were new to the repository."
    )
    if summary.missing:
        raise click.ClickException(
            f"{summary.missing} files the database names were missing from the media folder before the backup"
        )


@click.command("restore")
@click.option("--snapshot", "snapshot_id", help="The snapshot to restore (an id or its first digits); the latest by default.")
@click.option("--overwrite", is_flag=True, help="Restore over a database that holds rows and a media folder that holds files.")
def restore_command(snapshot_id: str | None, overwrite: bool) -> None:
    """Bring an empty instance back from the site's latest backup (or --snapshot) in RESTIC_REPOSITORY."""
    app = _app()
    try:
        summary = restore_backup(app, snapshot_id, overwrite=overwrite, say=click.echo)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Restored snapshot {summary.snapshot.id[:8]} of {summary.snapshot.time[:19]}: the database and {summary.files} media files."
    )
    if summary.alembic_revision:
        click.echo("If this code is newer than the backup, bring the database up to it: flask --app app db upgrade")
    if app.config["RENDER_QUEUE"] == "rq":
        click.echo("Images that were waiting for renditions: queue them again with flask --app app render-requeue")
