"""README.txt in Korean and English, and SHA256SUMS.txt: what is on the stick, how to open it, and proof
that nothing changed on the way.

The README says only what is in the edition and how to open it: no publisher, no address, no date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from comics.editions.records import NEUTRAL, EditionContent, Imprint
from comics.editions.registers import NORTH, SOUTH, check_register
from web.languages import language_name
from web.particles import with_particle

CHECKSUMS = "SHA256SUMS.txt"
README = "README.txt"

# The Korean half of the README in each register (comics/editions/registers.py): the North's words,
# 하십시오체, by default; the South's on request. File names take their particles as read (index.html을).
_INDEX = "index.html"


@dataclass(frozen=True)
class KoreanReadme:
    """The Korean half's words in one register."""

    heading: str
    korean_name: str | None  # Korean's own name where the register's differs from Babel's (한국어)
    episode_count: str
    how: str
    video: str


_KOREAN = {
    NORTH: KoreanReadme(
        heading="이 등록부에 있는 것",
        korean_name="조선어",
        episode_count="{}편",
        how="""\
여는 방법

콤퓨터: 이 등록부를 열고 {index_object} 두 번 누르십시오. 인터네트가 없어도 어느 열람기에서나
  열립니다. 이야기를 고르고, 그림을 아래로 내리며 읽으십시오. 대사는 그림 아래에 있습니다.
손전화: 등록부를 그대로 손전화에 복사한 뒤 화일 관리 프로그람에서 {index_object} 열람기로 여십시오.
  만화 보기 프로그람이 있으면 cbz 등록부의 .cbz 화일을 그 프로그람으로 열어도 됩니다.
텔레비죤: USB기억기를 텔레비죤에 꽂고 사진 보기에서 tv 등록부를 여십시오. 편마다 0001.jpg부터
  차례로 넘기면 됩니다.{video}
확인: {checksums}에 화일마다 SHA-256 값이 있습니다 (sha256sum -c {checksums}).
""",
        video="""
텔레비죤과 동영상 재생기: video 등록부의 .mp4 화일을 재생하십시오. 이름이 같은 .srt 화일이 자막입니다.""",
    ),
    SOUTH: KoreanReadme(
        heading="이 폴더에 있는 것",
        korean_name=None,
        episode_count="{}화",
        how="""\
여는 방법

컴퓨터: 이 폴더를 열고 {index_object} 두 번 누르십시오. 인터넷이 없어도 어느 웹 브라우저에서나
  열립니다. 이야기를 고르고, 그림을 아래로 넘기며 읽으십시오. 대사는 그림 아래에 있습니다.
전화기: 폴더를 통째로 전화기에 복사한 뒤 파일 관리자에서 {index_object} 브라우저로 여십시오.
  만화 보기 앱이 있으면 cbz 폴더의 .cbz 파일을 그 앱으로 열어도 됩니다.
텔레비전: USB를 텔레비전에 꽂고 사진 보기에서 tv 폴더를 여십시오. 회차마다 0001.jpg부터
  차례로 넘기면 됩니다.{video}
확인: {checksums}에 파일마다 SHA-256 값이 있습니다 (sha256sum -c {checksums}).
""",
        video="""
텔레비전과 미디어 플레이어: video 폴더의 .mp4 파일을 재생하십시오. 같은 이름의 .srt 파일이 자막입니다.""",
    ),
}

_HOW_EN = """\
How to open it

Computer: open this folder and double-click index.html. It opens in any web browser, with no
  internet. Choose a story and scroll down to read; the words of each episode follow its pictures.
Phone: copy the whole folder to the phone, then open index.html with its browser from the file
  manager. A comic reader app opens the .cbz files in the cbz folder too.
Television: plug the stick into the TV and open the tv folder in its photo viewer. Each episode's
  pictures go in order from 0001.jpg.{video_en}
Checking: {checksums} lists the SHA-256 of every file (sha256sum -c {checksums}).
"""

_VIDEO_EN = """
Television and media player: play the .mp4 files in the video folder. The .srt file of the same
  name holds the subtitles."""


def shelf_name(language: str, korean: KoreanReadme | None) -> str:
    """Return a language's name in the Korean of a register, or in English (None): Babel's names, as the
    site's (web.languages.language_name: 영어, 일본어), but Korean's own in the North's register (조선어)."""
    if korean is None:
        return language_name(language, in_language="en")
    if language == "ko" and korean.korean_name:
        return korean.korean_name
    return language_name(language, in_language="ko")


def contents_lines(content: EditionContent, korean: KoreanReadme | None) -> list[str]:
    """Return the list of series and episodes, in the Korean of a register, or in English (None)."""
    lines: list[str] = []
    for language, shelf in content.shelves:
        lines.append(f"[{shelf_name(language, korean)}]")
        for series in shelf:
            count = len(series.episodes)
            counted = korean.episode_count.format(count) if korean else f"{count} episode{'s' * (count != 1)}"
            lines.append(f"  {series.title} ({series.pen_name}): {counted}")
    return lines


def readme_text(content: EditionContent, has_video: bool, imprint: Imprint = NEUTRAL, register: str = NORTH) -> bytes:
    """Return README.txt: Korean (in the register asked for) first, then English, with CRLF line ends so
    every system shows lines."""
    korean = _KOREAN[check_register(register)]
    how = korean.how.format(
        index_object=with_particle(_INDEX, "을/를"), checksums=CHECKSUMS, video=korean.video if has_video else ""
    )
    parts = [
        korean.heading,
        "",
        *contents_lines(content, korean),
        "",
        how,
        "-" * 60,
        "",
        "What is on it",
        "",
        *contents_lines(content, None),
        "",
        _HOW_EN.format(checksums=CHECKSUMS, video_en=_VIDEO_EN if has_video else ""),
    ]
    if not imprint.neutral:
        parts += ["-" * 60, "", " · ".join(part for part in (imprint.site_name, imprint.site_url) if part), ""]
    text = "\n".join(parts).rstrip("\n") + "\n"
    # A byte-order mark lets old Windows Notepad tell UTF-8 from the local code page.
    return "\ufeff".encode() + text.replace("\n", "\r\n").encode()


def sha256_of(path: Path) -> str:
    """Return the SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def checksums_text(root: Path, exclude: Iterable[str] = (CHECKSUMS,)) -> bytes:
    """Return SHA256SUMS.txt for every file under root, sorted, in sha256sum's own format."""
    skip = set(exclude)
    paths = sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
    return "".join(f"{sha256_of(root / name)}  {name}\n" for name in paths if name not in skip).encode()
