"""The Korean an offline edition speaks: the North's words by default, or the South's.

An edition is carried to readers in North Korea. Its Korean README and reader use their words
(화일, 콤퓨터, 등록부, 열람기, 제3편 …, glossary in docs/translating.md), in 하십시오체, so nothing in it
reads as a southern file; `export-offline --register south` writes the South's (파일, 컴퓨터, 폴더,
브라우저, 3화) for readers elsewhere. English is the same in both.
"""

from __future__ import annotations

from comics.editions.records import EditionRefused

NORTH = "north"
SOUTH = "south"
REGISTERS = (NORTH, SOUTH)


def check_register(register: str) -> str:
    """Return register if it is one an edition can be written in; refuse it otherwise."""
    if register not in REGISTERS:
        raise EditionRefused(f"No Korean register {register!r}: choose {' or '.join(REGISTERS)}.")
    return register
