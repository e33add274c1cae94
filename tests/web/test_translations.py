"""The interface's catalogues: every message the code and templates hold is translated, faithfully to
its placeholders, in every language of the site (make translations-update merges new messages)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "web" / "translations"
LANGUAGES = ["ko"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def catalogue(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


def extracted_messages() -> set[str]:
    """Extract the messages as `make translations-update` does, with the same mapping."""
    method_map = []
    section = None
    for line in (TRANSLATIONS / "babel.cfg").read_text().splitlines():
        match = re.fullmatch(r"\[(\w+): (.+)\]", line.strip())
        if match:
            section = match
            method_map.append((match.group(2), match.group(1)))
    assert section is not None
    found = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    ):
        found.update([message] if isinstance(message, str) else [part for part in message if part])
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_extracted_message_is_in_the_catalogue(language: str) -> None:
    known = {message.id if isinstance(message.id, str) else message.id[0] for message in catalogue(language) if message.id}
    plural_forms = {message.id[1] for message in catalogue(language) if isinstance(message.id, tuple)}
    missing = sorted(extracted_messages() - known - plural_forms)
    assert not missing, f"not in the {language} catalogue (run make translations-update, then translate): {missing}"


def untranslated(messages: Catalog) -> list[object]:
    """Return the messages with no translation, or only a fuzzy one, or a plural form missing."""
    return [
        message.id
        for message in messages
        if message.id and (message.fuzzy or not all(message.string if isinstance(message.string, tuple) else [message.string]))
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    missing = untranslated(catalogue(language))
    assert not missing, f"untranslated or fuzzy in {language}: {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language: str) -> None:
    for message in catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        wanted = set(PLACEHOLDER.findall(str(ids[-1])))
        for string in strings:
            assert set(PLACEHOLDER.findall(str(string or ""))) == wanted, f"{language}: {message.id!r} -> {string!r}"


def test_an_empty_or_fuzzy_translation_is_reported(tmp_path: Path) -> None:
    po = tmp_path / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: ko\\n"\n\nmsgid "Series"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Search"\nmsgstr "검색"\n\nmsgid "Studio"\nmsgstr "스튜디오"\n',
        encoding="utf-8",
    )
    with po.open("rb") as file:
        assert untranslated(read_po(file)) == ["Series", "Search"]
