"""README.txt in Korean and English, and SHA256SUMS.txt: what is on the stick, how to open it, and proof
that nothing changed on the way.

The README says only what is in the edition and how to open it: no publisher, no address, no date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from comics.editions.content import NEUTRAL, EditionContent, Imprint

CHECKSUMS = "SHA256SUMS.txt"
README = "README.txt"

_LANGUAGE_NAMES = {"ko": ("한국어", "Korean"), "en": ("영어", "English")}

_HOW_KO = """\
여는 방법

컴퓨터: 이 폴더를 열고 index.html 을 두 번 누르십시오. 인터넷이 없어도 어느 웹 브라우저에서나
  열립니다. 이야기를 고르고, 그림을 아래로 넘기며 읽으십시오. 대사는 그림 아래에 있습니다.
전화기: 폴더를 통째로 전화기에 복사한 뒤 파일 관리자에서 index.html 을 브라우저로 여십시오.
  만화 보기 앱이 있으면 cbz 폴더의 .cbz 파일을 그 앱으로 열어도 됩니다.
텔레비전: USB를 텔레비전에 꽂고 사진 보기에서 tv 폴더를 여십시오. 회차마다 0001.jpg 부터
  차례로 넘기면 됩니다.{video_ko}
확인: {checksums} 에 파일마다 SHA-256 값이 있습니다 (sha256sum -c {checksums}).
"""

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

_VIDEO_KO = """
텔레비전과 미디어 플레이어: video 폴더의 .mp4 를 재생하십시오. 같은 이름의 .srt 파일이 자막입니다."""
_VIDEO_EN = """
Television and media player: play the .mp4 files in the video folder. The .srt file of the same
  name holds the subtitles."""


def contents_lines(content: EditionContent, korean: bool) -> list[str]:
    """Return the list of series and episodes, in the language of the section being written."""
    lines: list[str] = []
    for language, shelf in content.shelves:
        name = _LANGUAGE_NAMES.get(language, (language, language))[0 if korean else 1]
        lines.append(f"[{name}]")
        for series in shelf:
            count = len(series.episodes)
            lines.append(f"  {series.title} ({series.pen_name}): " + (f"{count}화" if korean else f"{count} episode{'s' * (count != 1)}"))
    return lines


def readme_text(content: EditionContent, has_video: bool, imprint: Imprint = NEUTRAL) -> bytes:
    """Return README.txt: Korean first, then English, with CRLF line ends so every system shows lines."""
    parts = [
        "이 폴더에 있는 것",
        "",
        *contents_lines(content, korean=True),
        "",
        _HOW_KO.format(checksums=CHECKSUMS, video_ko=_VIDEO_KO if has_video else ""),
        "-" * 60,
        "",
        "What is on it",
        "",
        *contents_lines(content, korean=False),
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
