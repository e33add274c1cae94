"""Every Korean message with a particle after a value chooses it by the value (web/particle_messages.py):
no `은(는)`-style pair is left in the catalogue, and each message reads right in Python and in templates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from flask import Flask, render_template_string
from flask_babel import gettext, lazy_gettext, ngettext
from markupsafe import Markup

from tests.conftest import make_test_app
from tests.web.test_translations import catalogue
from web.languages import LANGUAGE_KEY
from web.particles import MARKER, PAIRS, particle

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

# A particle written as both forms with brackets, as translations did before the markers: 은(는), (으)로.
PAIR_IN_BRACKETS = re.compile(
    r"(?:[\uac00-\ud7a3”’\"]|%\(\w+\)[sd]|</\w+>)\((?:은|는|이|가|을|를|과|와|아|야)\)|\((?:으|이)\)[\uac00-\ud7a3]"
)
# A fixed particle right after a value (only closing quotes or tags between): it must be a marker.
FIXED_AFTER_VALUE = re.compile(
    r"%\((\w+)\)[sd](?:[”’\"]|</\w+>)*(은|는|을|를|과|와|으로|로|이에요|예요|이에|였|이었)(?![\uac00-\ud7a3]*화)"
)
# A value that fits every placeholder kind (a title, a name, a number, a language) and how it ends.
ENDINGS = {
    "vowel": "바다",
    "consonant": "강",
    "rieul": "등불길",
    "latin_vowel": "Free Lines",
    "latin_consonant": "Kim",
    "latin_rieul": "Haneul",
    "digit_vowel": "2",
    "digit_consonant": "3",
    "digit_rieul": "7",
}


def korean_messages() -> list[Message]:
    return [message for message in catalogue("ko") if message.id]


def strings_of(message: Message) -> list[str]:
    return [str(s) for s in (message.string if isinstance(message.string, (tuple, list)) else (message.string,))]


def with_markers() -> list[Message]:
    return [message for message in korean_messages() if any(MARKER.search(s) for s in strings_of(message))]


def test_no_korean_message_keeps_a_bracketed_pair() -> None:
    pairs = [s for message in korean_messages() for s in strings_of(message) if PAIR_IN_BRACKETS.search(s)]
    assert not pairs, f"write these particles as markers, e.g. {{을/를}} (docs/translating.md): {pairs}"


def test_no_value_is_followed_by_a_fixed_particle() -> None:
    fixed = [s for message in korean_messages() for s in strings_of(message) if FIXED_AFTER_VALUE.search(s)]
    assert not fixed, f"a particle after a value must be a marker, e.g. %(title)s{{을/를}}: {fixed}"


def test_every_marker_names_a_known_pair() -> None:
    for message in with_markers():
        for string in strings_of(message):
            for marker in MARKER.finditer(string):
                assert frozenset(marker.groups()) in PAIRS, f"{marker.group()} in {string!r}"


def deferred_messages() -> set[str]:
    """Messages a template fills with placeholders for a script to fill later: a marker there would be
    chosen by the placeholder's name, so these must have none."""
    call = re.compile(r"""_\(\s*(['"])((?:(?!\1).)+)\1((?:\s*,\s*\w+\s*=\s*(['"])(?:\{\w+\}|%\(\w+\)s)\4)+)\s*\)""")
    found: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        found.update(match.group(2) for match in call.finditer(path.read_text(encoding="utf-8")))
    return found


def test_messages_filled_by_scripts_have_no_markers() -> None:
    deferred = deferred_messages()
    assert "%(size)s kB" in deferred  # templates/comics/saved.html, filled by offline.js
    marked = [message.id for message in with_markers() if message.id in deferred]
    assert not marked, f"filled by a script, so write them without a particle after the value: {marked}"


def expected_form(pair: tuple[str, ...], ending: str) -> str:
    """The form a Korean reader expects after a value ending so (written out here, not computed)."""
    after_consonant, after_vowel = PAIRS[frozenset(pair)]
    if ending.endswith("vowel"):
        return after_vowel
    if ending.endswith("rieul") and after_consonant.startswith("으로"):
        return after_vowel
    return after_consonant


def marked_ids() -> list[str]:
    return [str(message.id if isinstance(message.id, str) else message.id[0]) for message in with_markers()]


@pytest.fixture(scope="module")
def particle_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One app for the whole module: these tests only translate, and read no table."""
    tmp_path = tmp_path_factory.mktemp("particles")
    return make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.sqlite'}")


@pytest.fixture
def korean_request(particle_app: Flask) -> Iterator[None]:
    with particle_app.test_request_context("/", environ_overrides={LANGUAGE_KEY: "ko"}):
        yield


def values_for(msgid: str, value: str) -> dict[str, object]:
    return dict.fromkeys(re.findall(r"%\((\w+)\)", msgid), value)


def check_reading(msgid: str, korean: str, text: str, value: str, ending: str) -> None:
    """Assert each marker of the Korean message came out as the form that fits the value before it."""
    # The message's text between its markers, filled with the value, must appear in the result with the
    # expected form where each marker was.
    expected = ""
    done = 0
    for marker in MARKER.finditer(korean):
        before = korean[done : marker.start()]
        after_value = re.search(r"%\(\w+\)[sd](?:[”’\"]|</\w+>)*$", before)
        form = expected_form(marker.groups(), ending) if after_value else particle(before, "/".join(marker.groups()))
        expected += before + form
        done = marker.end()
    expected += korean[done:]
    assert text == Markup(expected) % values_for(msgid, value) or text == expected % values_for(msgid, value), (
        msgid,
        ending,
        text,
    )


@pytest.mark.parametrize("msgid", marked_ids())
def test_each_marked_message_reads_right_in_python(korean_request: None, msgid: str) -> None:
    message = catalogue("ko")[msgid]
    korean = strings_of(message)[0]
    for ending, value in ENDINGS.items():
        values = values_for(msgid, value)
        if isinstance(message.id, tuple):
            text = ngettext(message.id[0], message.id[1], 1, **values)
        else:
            text = gettext(msgid, **values)
            assert str(lazy_gettext(msgid, **values)) == text
        check_reading(msgid, korean, text, value, ending)
        assert MARKER.search(text) is None


@pytest.mark.parametrize("msgid", marked_ids())
def test_each_marked_message_reads_right_in_a_template(korean_request: None, msgid: str) -> None:
    message = catalogue("ko")[msgid]
    for ending, value in ENDINGS.items():
        values = values_for(msgid, value)
        if isinstance(message.id, tuple):
            singular, plural = message.id[0], message.id[1]
            text = render_template_string("{{ ngettext(s, p, 1, **values) }}", s=singular, p=plural, values=values)
        else:
            text = render_template_string("{{ _(msgid, **values) }}", msgid=msgid, values=values)
        check_reading(msgid, strings_of(message)[0], Markup(text).unescape(), value, ending)
        assert MARKER.search(text) is None


def test_the_korean_footer_says_free_lines_neun(particle_app: Flask) -> None:
    # The footer is a {% trans %} block: the template's own gettext fills the marker too.
    particle_app.config["SITE_NAME"] = "Free Lines"
    page = particle_app.test_client().get("/ko/").get_data(as_text=True)
    assert "Free Lines는 북한을 떠나온 작가들의 웹툰을 연재해요." in page
    assert "Free Lines{" not in page and "(는)" not in page


def test_templates_have_a_with_particle_filter(korean_request: None) -> None:
    template = "{{ a | with_particle('으로/로') }} {{ b | with_particle('을/를') }} {{ c | with_particle('이/가') }}"
    assert render_template_string(template, a="강", b="PDF", c="Tom's") == "강으로 PDF를 Tom&#39;s가"


def test_english_messages_are_unchanged(particle_app: Flask) -> None:
    with particle_app.test_request_context("/"):
        assert gettext("Saved “%(title)s” as a draft with %(panels)s panels.", title="강", panels=3).startswith("Saved “강”")
