"""Characters: name mentions, alias clusters, honorific gender, cast seeding."""

from __future__ import annotations

import re

import pytest

from ficlens.model import Document, Gender, MentionKind, Quote
from ficlens.stages.characters import CharacterConfig, CharacterStage
from ficlens.stages.names import diminutive_of, split_name, split_relationship, strip_disambiguator
from ficlens.stages.segment import SegmentConfig, SegmentStage


def _quotes(text: str) -> list[Quote]:
    # The quotes stage is another module; straight double quotes are enough here.
    return [
        Quote(id=f"Q{i}", start=m.start(1), end=m.end(1), text=m.group(1), paragraph=0, mark="double")
        for i, m in enumerate(re.finditer(r'"([^"]*)"', text))
    ]


@pytest.fixture(scope="module")
def analyse(nlp):
    segment = SegmentStage(SegmentConfig(), nlp)

    def run(text: str, metadata: dict | None = None, cast: list | None = None) -> Document:
        doc = segment(Document(text=text, metadata=metadata or {}))
        doc.quotes = _quotes(text)
        return CharacterStage(CharacterConfig(), cast=cast)(doc)

    return run


def _by_alias(doc: Document, alias: str):
    hits = [c for c in doc.characters if alias in c.aliases]
    assert len(hits) == 1, (alias, [(c.name, c.aliases) for c in doc.characters])
    return hits[0]


def test_empty_document():
    doc = CharacterStage(CharacterConfig())(Document(text=""))
    assert doc.characters == [] and doc.mentions == []


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Miss Elizabeth Bennet", ("miss", ("Elizabeth", "Bennet"))),  # honorific + full name
        ("Mr. Darcy", ("mr", ("Darcy",))),  # dotted honorific
        ("Castiel", (None, ("Castiel",))),  # a single name
    ],
)
def test_split_name(text, parts):
    got = split_name(text)
    assert (got.honorific, got.words) == parts


def test_nicknames_are_directional():
    assert diminutive_of("Lizzy", "Elizabeth")
    assert not diminutive_of("Louisa", "Eliza")  # the table chains Louisa -> Eliza -> Elizabeth


def test_ao3_tags():
    assert strip_disambiguator("Castiel (Supernatural)") == "Castiel"
    assert split_relationship("Harry Potter/Draco Malfoy") == ["Harry Potter", "Draco Malfoy"]
    assert split_relationship("Aziraphale & Crowley (Good Omens)") == ["Aziraphale", "Crowley"]


BENNETS = (
    "Mr. Bennet sat in the library. Mrs. Bennet came in and spoke to him.\n\n"
    '"My dear Mr. Bennet," said Mrs. Bennet, "Jane Bennet is to dine out."\n\n'
    "Elizabeth Bennet laughed. Jane smiled at her sister.\n\n"
    '"Lizzy, do come here," said Jane.\n\n'
    "Elizabeth went to her. Mr. Bennet watched Elizabeth with pride. Mrs. Bennet sighed.\n\n"
    '"Lizzy is my favourite," said Mr. Bennet.'
)


@pytest.mark.slow
def test_bennet_family_stays_apart(analyse):
    doc = analyse(BENNETS)
    mr, mrs = _by_alias(doc, "Mr. Bennet"), _by_alias(doc, "Mrs. Bennet")
    jane, lizzy = _by_alias(doc, "Jane"), _by_alias(doc, "Lizzy")
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


@pytest.mark.slow
def test_cast_seeding_merges_disambiguated_tag(analyse):
    text = "Castiel looked up at the sky.\n\nDean Winchester handed Castiel a beer. Castiel frowned."
    doc = analyse(text, metadata={"characters": ["Castiel (Supernatural)"], "relationships": ["Castiel/Dean Winchester"]})
    cas = [c for c in doc.characters if c.name == "Castiel"]
    assert len(cas) == 1 and cas[0].from_cast and cas[0].mentions == 3
    dean = [c for c in doc.characters if c.name == "Dean Winchester"]
    assert len(dean) == 1 and dean[0].from_cast


class _Member:
    def __init__(self, name: str, aliases: tuple[str, ...], gender: str) -> None:
        self.name, self.aliases, self.gender = name, aliases, gender


@pytest.mark.slow
def test_cast_aliases_and_gender(analyse):
    text = "Aziraphale poured the tea. The angel smiled. Crowley slouched in.\n\nAziraphale sighed."
    doc = analyse(text, cast=[_Member("Aziraphale", ("the angel",), "male"), _Member("Crowley", (), "unknown")])
    azi = next(c for c in doc.characters if c.name == "Aziraphale")
    assert azi.from_cast and azi.gender == Gender.MALE and azi.mentions == 2


@pytest.mark.slow
def test_reader_placeholder(analyse):
    text = "You open the door. Y/N, he says, you came.\n\nHe smiles at (y/n)."
    doc = analyse(text)
    reader = [c for c in doc.characters if c.is_reader]
    assert len(reader) == 1 and reader[0].mentions == 2


@pytest.mark.slow
def test_places_are_not_characters(analyse):
    text = (
        "Anna Grey lived at Netherfield. She walked to Meryton every day.\n\n"
        "At Netherfield the rooms were cold. In Meryton Anna bought ribbons. Anna went home to Netherfield."
    )
    doc = analyse(text)
    assert "Netherfield" not in {a for c in doc.characters for a in c.aliases}
    assert any(c.name == "Anna Grey" for c in doc.characters)


@pytest.mark.slow
def test_nominal_mentions(analyse):
    doc = analyse("The old man sat down. Her sister laughed.")
    nominals = [m.text for m in doc.mentions if m.kind == MentionKind.NOMINAL]
    assert nominals == ["The old man", "Her sister"]
