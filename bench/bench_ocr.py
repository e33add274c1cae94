"""Measure how much of the demo's lettering Tesseract reads back, in English and in Korean.

    python bench/bench_ocr.py            # every lettered panel of "The Lantern Road", both languages (~25 min on 2 busy cores)
    python bench/bench_ocr.py --quick    # only the site's reading and Tesseract's default (~10 min)

The demo draws its panels in code from a script that holds the true words of every caption, balloon,
sound effect and title (comics/demo/script.py, script_ko.py), so each reading is compared with the
words drawn. Two figures per language, over all lettered panels together:

- the character error rate (CER): the edit distance between what was read and what was lettered,
  over the lettered characters, both with spaces taken out (Korean spacing is free) and case folded;
  reading order counts, so a caption read before the balloon above it costs here;
- the characters recovered: the share of lettered characters found in the reading, order aside.

Each is measured for the reading the site does (comics.images.reading: a page of blocks, then sparse
text, at 1200 px) and for each pass alone and at the panels' drawn width, with the time each takes as a
ratio of Tesseract's default (one pass of psm 3 on the panel as drawn), in the same run. The items read worst are listed, to say what the reading misses. Results
are printed and written to bench/results/ocr.md (ignored by git); docs/review.md quotes them.
"""

from __future__ import annotations

import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a script run from a checkout: the app's packages

import pytesseract  # type: ignore[import-untyped]  # noqa: E402
from PIL import Image  # noqa: E402

from comics.demo import art, script_ko  # noqa: E402
from comics.demo.script import EPISODE_SCRIPTS, Caption, Lettering, Sfx, Speech, Title  # noqa: E402
from comics.images.reading import DEFAULT_LANGUAGES, DEFAULT_PASSES, READING_WIDTH, read_lettering  # noqa: E402

# (passes, reading width): the site's (comics.images.reading's defaults) first, Tesseract's default page
# segmentation at the panel's own width last, as the baseline of the time ratio.
MODES = {
    "psm 3 then 11, at 1200 px (the site's)": (DEFAULT_PASSES, READING_WIDTH),
    "psm 11, at 1200 px": (("--psm 11",), READING_WIDTH),
    "psm 3, at 1200 px": (("--psm 3",), READING_WIDTH),
    "psm 11, at 800 px": (("--psm 11",), 800),
    "psm 3, at 800 px (Tesseract's default, as drawn)": (("--psm 3",), 800),
}


@dataclass
class Panel:
    language: str
    name: str
    image: Image.Image
    items: list[tuple[str, str]]  # (kind, words lettered)

    @property
    def truth(self) -> str:
        return "\n".join(words for _kind, words in self.items)


def lettered_words(item: Lettering) -> tuple[str, str]:
    """Return what kind of lettering an item is, and the words drawn for it."""
    if isinstance(item, Title):
        return "title", f"{item.kicker} {item.text}".strip()
    if isinstance(item, Speech):
        return ("thought" if item.thought else "balloon"), item.text
    if isinstance(item, Sfx):
        return "sound effect", item.text
    if isinstance(item, Caption):
        return item.style, item.text
    raise TypeError(item)


def panels() -> list[Panel]:
    """Draw every lettered panel of the demo, in English and in Korean, 800 px wide as the demo loads them."""
    found = []
    for script in EPISODE_SCRIPTS:
        korean = script_ko.in_korean(script)
        for index, panel in enumerate(script.panels):
            if not panel.letters:
                continue
            for language, letters in (("en", panel.letters), ("ko", korean.panels[index].letters)):
                image = art.draw_panel(script.number, index, letters=letters, language=language)
                found.append(
                    Panel(
                        language, f"episode {script.number}, panel {index + 1}", image, [lettered_words(item) for item in letters]
                    )
                )
    return found


def plain(text: str) -> str:
    """Return text as compared: NFKC, case folded, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def edit_distance(a: str, b: str) -> int:
    """Return the Levenshtein distance between two strings."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def recovered(truth: str, reading: str) -> int:
    """Return how many of the truth's characters the reading holds, order aside."""
    return sum((Counter(plain(truth)) & Counter(plain(reading))).values())


def main() -> None:
    if "--quick" in sys.argv:
        for mode in list(MODES)[1:-1]:
            del MODES[mode]
    drawn = panels()
    lines = [
        f"# Tesseract on the demo's lettering ({len(drawn)} panels, {pytesseract.get_tesseract_version()}, {DEFAULT_LANGUAGES})",
        "",
    ]
    lines += [
        "| language | passes and width | CER | characters recovered | time (ratio to the last) |",
        "| --- | --- | --- | --- | --- |",
    ]
    readings: dict[tuple[str, str], list[str]] = {}
    seconds: dict[tuple[str, str], float] = {}
    for mode, (passes, width) in MODES.items():
        for panel in drawn:
            start = time.perf_counter()
            text = read_lettering(panel.image, passes=passes, width=width)
            seconds[(panel.language, mode)] = seconds.get((panel.language, mode), 0.0) + time.perf_counter() - start
            readings.setdefault((panel.language, mode), []).append(text)
    baseline = list(MODES)[-1]
    for language in ("en", "ko"):
        ours = [panel for panel in drawn if panel.language == language]
        for mode in MODES:
            texts = readings[(language, mode)]
            total = sum(len(plain(panel.truth)) for panel in ours)
            errors = sum(edit_distance(plain(text), plain(panel.truth)) for panel, text in zip(ours, texts, strict=True))
            found = sum(recovered(panel.truth, text) for panel, text in zip(ours, texts, strict=True))
            ratio = seconds[(language, mode)] / seconds[(language, baseline)]
            lines.append(
                f"| {language} | {mode} | {errors / total:.1%} | {found / total:.1%} | {ratio:.2f} "
                f"({seconds[(language, mode)] / len(ours):.2f} s a panel) |"
            )
    lines += ["", "## What the site's reading misses most (items with less than half their characters read)", ""]
    mode = list(MODES)[0]
    for language in ("en", "ko"):
        ours = [panel for panel in drawn if panel.language == language]
        missed: Counter[str] = Counter()
        counted: Counter[str] = Counter()
        examples: dict[str, str] = {}
        for panel, text in zip(ours, readings[(language, mode)], strict=True):
            for kind, words in panel.items:
                counted[kind] += 1
                if recovered(words, text) < len(plain(words)) / 2:
                    missed[kind] += 1
                    examples.setdefault(kind, f"{panel.name}: “{words}”")
        for kind in counted:
            lines.append(
                f"- {language}, {kind}: {missed[kind]} of {counted[kind]} missed"
                + (f" (e.g. {examples[kind]})" if kind in examples else "")
            )
    report = "\n".join(lines) + "\n"
    print(report)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "ocr.md").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
