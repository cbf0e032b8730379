"""Description tags and described speakers (issue 22): "the woman said" says the speaker's
sex; a character known only by a description speaks only where the narration has it.

The stories here are written for these tests and are CC0 (public domain): copy them freely.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

import pytest

from ficlens.model import Character, Document, Gender, Mention, MentionKind

pytestmark = pytest.mark.slow


def _speakers(doc: Document) -> list[str | None]:
    names = {c.id: c.name for c in doc.characters}
    return [names.get(q.speaker_id) if q.speaker_id else None for q in doc.quotes]


def _nominal(doc: Document, phrase: str, cid: str) -> Document:
    """Every narration ``phrase`` a nominal mention of ``cid``, as a coref stage might (wrongly)
    make it."""
    starts = [t.start for t in doc.tokens]
    for m in re.finditer(phrase, doc.text):
        lo, hi = bisect_left(starts, m.start()), bisect_left(starts, m.end())
        doc.mentions.append(Mention(m.start(), m.end(), lo, hi, phrase, MentionKind.NOMINAL, cid, False))
    doc.mentions.sort(key=lambda m: m.start)
    return doc


def test_a_description_of_one_sex_never_goes_to_the_other(build, speakers):
    # Coref took "the woman" for Tom, the one man named; her sex says she is not Tom.
    # Before: Tom spoke all three lines with the ranker.
    text = (
        "Tom went up the path to the house. Tom knocked twice, and the door opened at once.\n\n"
        '"You are early," the woman said.\n\n'
        '"The bus was fast," Tom said.\n\n'
        '"Come in, then," the woman said.'
    )
    doc = speakers(_nominal(build(text, (("Amy", Gender.FEMALE), ("Tom", Gender.MALE))), "the woman", "C1"))
    got = _speakers(doc)
    assert got[0] != "Tom" and got[2] != "Tom"
    assert got[1] == "Tom"


def test_a_described_character_that_has_left_speaks_no_later_line(build, stages):
    # The commander calls and the call ends; hours later Nadia and Declan talk, and coref has
    # given the later "she" to the commander. Nothing in the narration brings the commander
    # back, so the lines are Nadia's and Declan's. Before: the commander said "Here I am" and
    # "Good. It was horrible." (the shipped ranker).
    cast = (
        ("Nadia", Gender.FEMALE),
        ("Declan", Gender.MALE),
        Character(id="C2", name="the commander", found_by="role"),
    )
    text = (
        "The commander called in the second hour.\n\n"
        '"I have read the log," the commander said. "Is it him?"\n\n'
        '"It is him," Nadia said.\n\n'
        + "The hours went by. Nadia waited in the corridor.\n\n" * 6
        + "When the door opened she went in. Declan was sitting up in the bed.\n\n"
        '"There you are."\n\n'
        '"Here I am," she said.\n\n'
        '"They took my beard."\n\n'
        '"Good. It was horrible," she said.\n\n'
        '"It was not."'
    )
    doc = build(text, cast)
    cut = text.index("When the door")
    doc.mentions = [replace(m, character_id="C2") if m.text == "she" and m.start > cut else m for m in doc.mentions]
    got = _speakers(stages["ranker"](doc))
    assert got[:3] == ["the commander", "the commander", "Nadia"]
    assert "the commander" not in got[3:]
