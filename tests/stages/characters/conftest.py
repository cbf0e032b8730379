"""Fixtures of the characters stage tests: run the stage on a text, find a character by alias."""

from __future__ import annotations

import pytest

from ficlens.model import Character, Document
from ficlens.stages.characters import CharacterConfig, CharacterStage
from ficlens.stages.segment import SegmentConfig, SegmentStage


@pytest.fixture(scope="module")
def analyse(nlp, straight_quotes):
    """Segment ``text`` with spaCy, take its straight-quoted quotes, run the characters stage."""
    segment = SegmentStage(SegmentConfig(), nlp)

    def run(text: str, metadata: dict | None = None, cast: list | None = None) -> Document:
        doc = segment(Document(text=text, metadata=metadata or {}))
        doc.quotes = straight_quotes(text)
        return CharacterStage(CharacterConfig(), cast=cast)(doc)

    return run


@pytest.fixture(scope="session")
def by_alias():
    """The one character of a document with ``alias`` among its aliases (fails on none or several)."""

    def find(doc: Document, alias: str) -> Character:
        hits = [c for c in doc.characters if alias in c.aliases]
        assert len(hits) == 1, (alias, [(c.name, c.aliases) for c in doc.characters])
        return hits[0]

    return find
