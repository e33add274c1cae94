"""flask --app app export-offline OUT_DIR: an offline edition of the published episodes, for carrying."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click

from comics.editions.export import EditionOptions, check_destination, write_edition, write_edition_zip
from comics.editions.records import LANGUAGES, EditionRefused, Imprint, collect_edition
from comics.editions.registers import NORTH, REGISTERS
from comics.site_images import media_store
from settings import site_name, site_url


def site_imprint() -> Imprint:
    """Return the site's name and address, for an edition meant for readers outside."""
    return Imprint(site_name=site_name(), site_url=site_url() or "")


@contextmanager
def stopped_cleanly_by_sigterm() -> Iterator[None]:
    """Turn a SIGTERM (systemd stopping a job, `kill`) into SystemExit while the block runs, so the
    export's own clean-up removes its build folder or partial archive, as it does for Ctrl-C."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.command("export-offline")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--series", "slugs", multiple=True, metavar="SLUG", help="A series to include (repeatable); all published ones by default.")
@click.option("--language", "languages", multiple=True, type=click.Choice(LANGUAGES), help="A language to include (repeatable); both by default.")
@click.option("--zip", "make_zip", is_flag=True, help="Also write the edition as one archive, OUT_DIR.zip.")
@click.option("--with-site", is_flag=True, help="Name the site and its address (for editions meant for outside). Neutral by default.")
@click.option("--no-slides", is_flag=True, help="Leave out the TV slides.")
@click.option("--no-video", is_flag=True, help="Leave out the videos and subtitles.")
@click.option(
    "--register",
    type=click.Choice(REGISTERS),
    default=NORTH,
    show_default=True,
    help="The Korean README's and reader's words: the North's (화일, 콤퓨터, 제3편), or the South's (파일, 컴퓨터, 3화).",
)
def export_offline_command(
    out_dir: Path,
    slugs: tuple[str, ...],
    languages: tuple[str, ...],
    make_zip: bool,
    with_site: bool,
    no_slides: bool,
    no_video: bool,
    register: str,
) -> None:
    """Write an offline edition of the published episodes into OUT_DIR (new or empty)."""
    imprint = site_imprint() if with_site else Imprint()
    options = EditionOptions(
        slugs=slugs,
        languages=languages or LANGUAGES,
        imprint=imprint,
        slides=not no_slides,
        videos=not no_video,
        register=register,
    )
    archive = out_dir.with_name(out_dir.name + ".zip")
    try:
        check_destination(out_dir)
        if make_zip and archive.exists():
            raise EditionRefused(f"{archive} exists already: move it away or choose another folder name.")
        content = collect_edition(media_store(), options.slugs, options.languages, imprint)
        with stopped_cleanly_by_sigterm():
            report = write_edition(content, out_dir, options, progress=lambda message: click.echo(message, err=True))
    except EditionRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    if make_zip:
        click.echo(f"Writing {archive}", err=True)
        with stopped_cleanly_by_sigterm():
            write_edition_zip(out_dir, archive)
    for problem in report.skipped[:1]:
        click.echo(f"Not made: {problem}.", err=True)
    click.echo(f"Wrote {report.episodes} episodes, {report.files} files, {report.bytes / 1e6:.1f} MB into {out_dir}.")
