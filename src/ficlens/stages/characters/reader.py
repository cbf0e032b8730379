"""The Reader: the second-person "you" of fan fiction, one character made in one place.

The characters stage finds the reader's placeholder names ("Y/N", "(y/n)", "[Y/N]") and makes
a Reader cluster of them (``reader_cluster``); the coref stage adds a Reader when the
narration says "you" and no placeholder made one. Both build the character with
``reader_character``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ficlens.model import Character, Document, Gender, Token
from ficlens.stages.characters.forms import Cluster, Form

# The name the Reader character goes by.
READER_NAME = "Reader"

# Placeholders fan fiction uses for the reader's name.
READER_PLACEHOLDER = re.compile(r"[(\[]\s*[yY]\s*/\s*[nN]\s*[)\]]|\b[yY]/[nN]\b")


def reader_cluster(doc: Document, tokens: list[Token]) -> Cluster | None:
    """Y/N, (y/n), [Y/N] placeholders name the reader."""
    if not tokens or "/" not in doc.text:  # every placeholder has a slash; the scan is slow
        return None
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    form = Form((None, ("y/n",)))
    for match in READER_PLACEHOLDER.finditer(doc.text):
        s = bisect_right(ends, match.start())
        e = bisect_left(starts, match.end())
        if s < e:
            form.spans.append((s, e))
            form.surfaces[match.group(0)] += 1
    if not form.spans:
        return None
    cluster = Cluster(is_reader=True)
    cluster.forms.append(form)
    return cluster


def reader_character(
    cid: str,
    aliases: tuple[str, ...] = (),
    gender: Gender = Gender.UNKNOWN,
    gender_confidence: float = 0.0,
    mentions: int = 0,
) -> Character:
    """The Reader character with id ``cid``: named ``READER_NAME``, ``is_reader``, never from
    the cast."""
    return Character(
        id=cid,
        name=READER_NAME,
        aliases=aliases,
        gender=gender,
        gender_confidence=gender_confidence,
        mentions=mentions,
        is_reader=True,
    )
