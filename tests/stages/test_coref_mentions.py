"""Coref mentions: person noun phrases as coreference gold marks them, with whole extents."""

from __future__ import annotations

import pytest

from ficlens.model import Document, MentionKind
from ficlens.stages.characters import CharacterConfig, CharacterStage
from ficlens.stages.coref import CorefConfig, CorefStage
from ficlens.stages.segment import SegmentConfig, SegmentStage


@pytest.fixture(scope="module")
def analyse(nlp):
    segment = SegmentStage(SegmentConfig(), nlp)

    def run(text: str, nominals: bool = True) -> Document:
        doc = CharacterStage(CharacterConfig())(segment(Document(text=text)))
        return CorefStage(CorefConfig(nominals=nominals))(doc)

    return run


def _extents(doc: Document, kind: MentionKind) -> list[str]:
    return [doc.text[m.np_start : m.np_end] for m in doc.mentions if m.kind == kind and m.np_start >= 0]


@pytest.mark.slow
def test_person_nouns_become_unlinked_nominals_with_whole_extents(analyse):
    doc = analyse("The surgeons who had come from London waited. Nobody spoke to the chairs.")
    nominals = [m for m in doc.mentions if m.kind == MentionKind.NOMINAL]
    assert "The surgeons who had come from London" in _extents(doc, MentionKind.NOMINAL)
    assert "Nobody" in _extents(doc, MentionKind.NOMINAL)
    assert all(m.character_id is None and m.end_token_excl - m.start_token == 1 for m in nominals)
    assert not any("chairs" in m.text for m in nominals)  # not a person noun
    off = analyse("The surgeons who had come from London waited.", nominals=False)
    assert not [m for m in off.mentions if m.kind == MentionKind.NOMINAL and "surgeons" in m.text]


@pytest.mark.slow
def test_a_name_extent_stops_at_a_comma_and_a_conjunct(analyse):
    doc = analyse("Annie Grey, who was only five, ran off. Tom Hardy and Mary Smith stayed home.")
    names = _extents(doc, MentionKind.NAME)
    assert "Annie Grey" in names and "Tom Hardy" in names and "Mary Smith" in names
    assert not any("," in n or " and " in n for n in names)
