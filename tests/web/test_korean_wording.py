"""The Korean wording a native reader flagged (issue 21, point 5), and its like across the catalogue and
the demo: 작품/회차 rather than 시리즈/에피소드, 해요체, units written onto their number (336kB)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from comics.demo.script_ko import EPISODES, LINES, SERIES
from tests.web.test_particle_messages import korean_request, particle_app, strings_of  # noqa: F401
from tests.web.test_translations import catalogue
from web.byte_sizes import byte_size


def korean(msgid: str) -> str:
    message = catalogue("ko")[msgid]
    assert message is not None, msgid
    return strings_of(message)[0]


@pytest.mark.parametrize(
    ("msgid", "wanted"),
    [
        ("The newest episodes of every series.", "모든 작품의 최신 회차예요."),
        ("All series", "모든 작품"),
        ("Every series, each with all its episodes.", "모든 작품과 각 작품의 전체 회차예요."),
        ("Give to %(site)s, which publishes these stories", "%(site)s 후원하기"),
        (
            "Webtoons by artists who escaped North Korea, in their own words and pictures.",
            "북한을 떠나온 작가들이 직접 쓰고 그린 웹툰.",
        ),
        ("Translator", "번역가"),
        ("People", "구성원"),
        ("Back to People", "구성원 목록으로 돌아가기"),
        ("Audit log", "활동 기록"),
        ("Audit log pages", "활동 기록 페이지"),
        ("Offline edition", "오프라인판"),
        ("Signed in as %(name)s (%(role)s)", "%(name)s 님(%(role)s)으로 로그인함"),
        ("Kept only in this browser, on this device.", "이 브라우저에만 저장돼요."),
    ],
)
def test_the_flagged_wording(msgid: str, wanted: str) -> None:
    assert korean(msgid) == wanted


def all_korean() -> list[str]:
    return [s for message in catalogue("ko") if message.id for s in strings_of(message)]


def test_series_and_episodes_are_jakpum_and_hoecha() -> None:
    assert not [s for s in all_korean() if "시리즈" in s or "에피소드" in s]


def test_the_site_speaks_haeyo_che() -> None:
    # 합니다체 (…입니다, …합니다, …습니까) is for the offline edition's README, not the site.
    assert not [s for s in all_korean() if re.search(r"(니다|니까)[.?!]?(\s|$)", s)]


@pytest.mark.parametrize("word", ["오프라인 판", "감사 기록", "사람들", "이용자의 잘못", "빈 줄에서 잘라", "자신의 말과 그림"])
def test_the_flagged_words_are_gone_everywhere(word: str) -> None:
    assert not [s for s in all_korean() if word in s]


def test_korean_sizes_are_written_onto_their_number() -> None:
    assert not [s for s in all_korean() if re.search(r"(%\(\w+\)s|\d) (kB|MB|GB)\b", s)]


def test_the_data_cost_reads_as_one_sentence(korean_request: None) -> None:  # noqa: F811
    from flask_babel import gettext

    text = gettext(
        "This episode is about %(full)s to read, or %(saver)s with the data saver.",
        full=byte_size(336_000),
        saver=byte_size(185_000),
    )
    assert text == "이 회차를 보는 데 약 336kB가 들어요(데이터 절약 모드 185kB)."


def test_english_sizes_keep_their_space(particle_app: Flask) -> None:  # noqa: F811
    with particle_app.test_request_context("/"):
        assert byte_size(336_000) == "336 kB" and byte_size(2_400_000) == "2.4 MB"


@pytest.mark.parametrize(
    ("english", "wanted"),
    [
        ("Separation from family.", "가족과 헤어지는 장면이 나와요."),
        ("It's so wide...", "참 넓다…"),
        ("The oar dipped, and dipped, and dipped.", "노가 물을 가르고, 또 가르고, 또 갈랐다."),
        ("I had never gone faster than my own feet.", "내 발로 가는 것보다 빨리 가 본 건 처음이었다."),
    ],
)
def test_the_demo_reads_naturally(english: str, wanted: str) -> None:
    assert {**SERIES, **EPISODES, **LINES}[english] == wanted


def test_the_demo_summary_is_a_story_of_hope() -> None:
    summary = next(text for text in SERIES.values() if "미래" in text)
    assert summary.endswith("희망을 담은 이야기.")


@pytest.mark.parametrize(
    ("role", "prefix", "wanted"),
    [
        ("ARTIST", "", "You are invited as <strong>an artist</strong>"),
        ("EDITOR", "", "You are invited as <strong>an editor</strong>"),
        ("ADMIN", "", "You are invited as <strong>an admin</strong>"),
        ("ARTIST", "/ko", "<strong>작가</strong>로 초대받았어요."),
        ("EDITOR", "/ko", "<strong>편집자</strong>로 초대받았어요."),
    ],
)
def test_the_invitation_names_the_role_with_its_article(studio_app: Flask, role: str, prefix: str, wanted: str) -> None:
    from artists.accounts.services.invitations import create_invitation
    from artists.models import Role
    from extensions import db
    from tests.studio_support import make_account

    editor = make_account("admin@example.org", Role.ADMIN)
    _, token = create_invitation("new@example.org", Role[role], editor)
    db.session.commit()
    # One request per test: the fixture's app context (and Flask-Babel's locale in g) outlives a request.
    assert wanted in studio_app.test_client().get(f"{prefix}/account/invitation/{token}").get_data(as_text=True)


def test_an_oversized_upload_is_told_in_each_languages_units(particle_app: Flask, tmp_path: Path) -> None:  # noqa: F811
    from comics.images.opening import ImageLimits, RejectedImage, read_upload
    from comics.site_images import in_page_language
    from web.languages import LANGUAGE_KEY

    path = tmp_path / "huge.png"
    path.write_bytes(b"x" * 2_500_000)
    with pytest.raises(RejectedImage) as refused:
        read_upload(path, "huge.png", ImageLimits(max_bytes=1_200_000))
    assert refused.value.reason == "the file is 2.5 MB; the limit is 1.2 MB"
    with particle_app.test_request_context("/", environ_overrides={LANGUAGE_KEY: "ko"}):
        assert in_page_language(refused.value.reason) == "파일 크기가 2.5MB예요. 한도는 1.2MB예요"
