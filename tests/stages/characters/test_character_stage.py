"""The characters stage (``characters/stage.py``): ids, canonical names, genders, mentions."""

from __future__ import annotations

import pytest

from ficlens.model import Document, Gender, MentionKind
from ficlens.stages.characters import CharacterConfig, CharacterStage


def test_empty_document():
    doc = CharacterStage(CharacterConfig())(Document(text=""))
    assert doc.characters == [] and doc.mentions == []


BENNETS = (
    "Mr. Bennet sat in the library. Mrs. Bennet came in and spoke to him.\n\n"
    '"My dear Mr. Bennet," said Mrs. Bennet, "Jane Bennet is to dine out."\n\n'
    "Elizabeth Bennet laughed. Jane smiled at her sister.\n\n"
    '"Lizzy, do come here," said Jane.\n\n'
    "Elizabeth went to her. Mr. Bennet watched Elizabeth with pride. Mrs. Bennet sighed.\n\n"
    '"Lizzy is my favourite," said Mr. Bennet.'
)


@pytest.mark.slow
def test_bennet_family_stays_apart(analyse, by_alias):
    doc = analyse(BENNETS)
    mr, mrs = by_alias(doc, "Mr. Bennet"), by_alias(doc, "Mrs. Bennet")
    jane, lizzy = by_alias(doc, "Jane"), by_alias(doc, "Lizzy")
    assert len({mr.id, mrs.id, jane.id, lizzy.id}) == 4
    assert "Elizabeth" in lizzy.aliases and "Elizabeth Bennet" in lizzy.aliases  # nickname + full name
    assert "Jane Bennet" in jane.aliases
    assert lizzy.name == "Elizabeth Bennet"  # the most complete form is canonical
    assert (mr.gender, mrs.gender) == (Gender.MALE, Gender.FEMALE)  # from the honorifics
    assert mr.gender_confidence > 0.5
    # Every name mention carries its character; ids follow first appearance.
    names = [m for m in doc.mentions if m.kind == MentionKind.NAME]
    assert all(m.character_id for m in names)
    assert [c.id for c in doc.characters][:2] == ["C0", "C1"] and doc.characters[0].id == mr.id
    assert mr.mentions == sum(1 for m in names if m.character_id == mr.id)
    vocative = next(m for m in names if m.text == "Lizzy")
    assert vocative.in_quote and vocative.character_id == lizzy.id
