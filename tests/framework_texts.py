"""The words WTForms, Flask-WTF, Flask-Login and werkzeug would show a person, read from the installed
packages, to fail any page that shows one: every message a person sees is the project's own (issue 18).

framework_texts() reads them afresh from the packages installed (never a copy that could drift from
an upgrade): the messages their code raises or asks a translation for, WTForms' English catalogue and
the Korean of the catalogue WTForms ships, Flask-Login's flashes and werkzeug's error descriptions.
framework_texts_in(html) names those a page shows; a placeholder in one (%(max)d, %s, {extensions})
matches whatever the framework filled in.
"""
from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType

import flask_wtf
import flask_wtf.csrf
import flask_wtf.recaptcha.validators
import werkzeug.exceptions
import wtforms
from babel.messages.pofile import read_po
from flask_login import config as login_config
from wtforms.i18n import messages_path

from tests.page_text import VisibleText

# Calls that raise their first argument as a message for a person.
REFUSAL_CALLS = {"ValidationError", "StopValidation", "_error_response"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def string_of(node: ast.expr) -> str | None:
    """Return a literal string, or an f-string with "{}" for each value it fills in; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join("{}" if isinstance(part, ast.FormattedValue) else string_of(part) or "" for part in node.values)
    return None


def calls_in(source: str) -> Iterator[tuple[str, list[ast.expr]]]:
    """Yield the name and arguments of every call in a piece of source code."""
    for node in ast.walk(ast.parse(textwrap.dedent(source))):
        if isinstance(node, ast.Call):
            yield (node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")), node.args


def translations_asked(source: str) -> set[tuple[str, ...]]:
    """Return the messages a piece of source code asks a translation for: (msgid,) for each gettext call
    with a literal, (singular, plural) for each ngettext call."""
    asked: set[tuple[str, ...]] = set()
    for name, arguments in calls_in(source):
        wanted = {"gettext": 1, "ngettext": 2}.get(name)
        texts = tuple(string_of(argument) for argument in arguments[:wanted]) if wanted else ()
        if texts and len(texts) == wanted and all(texts):
            asked.add(tuple(text for text in texts if text))
    return asked


def messages_in_source(source: str) -> set[str]:
    """Return the messages a piece of source code may give a person: those it asks a translation for,
    and the literal refusals it raises untranslated (a ValidationError, Flask-WTF's CSRF refusals)."""
    found = {text for message in translations_asked(source) for text in message}
    for name, arguments in calls_in(source):
        if name in REFUSAL_CALLS and arguments:
            text = string_of(arguments[0])
            if text:
                found.add(text)
    return found


def package_sources(package: ModuleType) -> Iterator[str]:
    """Yield the source of every module of an installed package."""
    for path in sorted(Path(inspect.getfile(package)).parent.rglob("*.py")):
        yield path.read_text(encoding="utf-8")


def catalogue_texts(path: Path, translated: bool) -> set[str]:
    """Return a gettext catalogue's messages (translated: its translations, else its msgids)."""
    with path.open("rb") as po:
        catalogue = read_po(po)
    texts: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        value = message.string if translated else message.id
        for form in value if isinstance(value, (tuple, list)) else [value]:
            # One of WTForms' Korean messages holds two sentences apart: a page shows either.
            texts.update(part.strip() for part in (form or "").split("\n\n") if part.strip())
    return texts


@cache
def framework_texts() -> frozenset[str]:
    """Return every default text of the frameworks that could reach a page, in English and in the Korean
    WTForms ships (its ko catalogue), read from the installed packages."""
    texts: set[str] = set()
    for package in (wtforms, flask_wtf):
        for source in package_sources(package):
            texts |= messages_in_source(source)
    locales = Path(messages_path())
    texts |= catalogue_texts(locales / "wtforms.pot", translated=False)
    texts |= catalogue_texts(locales / "ko" / "LC_MESSAGES" / "wtforms.po", translated=True)
    texts |= set(flask_wtf.recaptcha.validators.RECAPTCHA_ERROR_CODES.values())
    texts.add(flask_wtf.csrf.CSRFError.description)
    texts |= {login_config.LOGIN_MESSAGE, login_config.REFRESH_MESSAGE}
    for value in vars(werkzeug.exceptions).values():
        if inspect.isclass(value) and issubclass(value, werkzeug.exceptions.HTTPException) and isinstance(value.description, str):
            texts.add(value.description)
    # As a page shows them: werkzeug marks some words up (<code>Content-Length</code>).
    return frozenset(" ".join(re.sub(r"<[^>]+>", "", text).split()) for text in texts)


def pattern_of(text: str) -> re.Pattern[str]:
    """Return a pattern matching the text with anything filled in for its placeholders, across any spacing."""
    pieces = PLACEHOLDER.split(text)
    return re.compile(".+?".join(r"\s+".join(re.escape(word) for word in piece.split()) for piece in pieces))


@cache
def framework_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Return each framework text with its pattern, compiled once."""
    return tuple((text, pattern_of(text)) for text in sorted(framework_texts()))


def framework_texts_in(html: str) -> list[str]:
    """Return the framework texts a page shows (its visible text, scripts and styles left out), sorted."""
    shown = VisibleText.of(html, "")
    return [text for text, pattern in framework_patterns() if pattern.search(shown)]
