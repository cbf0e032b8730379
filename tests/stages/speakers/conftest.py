"""Fixtures of the speakers tests: Documents built from a text and a cast, and the stage with
each scorer.

``build(text, cast)`` runs the real segment stage (spaCy parse); quotes (straight double
quotes), characters and mentions (names by alias, pronouns unresolved) are made by hand, so
these tests do not depend on the quotes, characters and coref stages.

``speakers`` is the stage once with the hand rules (``RuleScorer``) and once as every user
gets it (``SpeakerStage()``: the shipped ranker and its second pass). A case the ranker
answers differently is marked ``rules_only`` (a comment says what the ranker does): it runs
with the rules and is skipped, with that reason, for the ranker.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

import pytest

from ficlens.model import Character, Document, Gender, Mention, MentionKind, Quote
from ficlens.stages.segment import SegmentConfig, SegmentStage
from ficlens.stages.speakers import SpeakerConfig, SpeakerStage

_PRONOUNS = {"i", "me", "my", "mine", "myself", "you", "your", "he", "him", "his", "she", "her"}

# A cast as (name, gender) pairs, ids C0, C1, ... in order; or Character records.
CastSpec = Sequence[tuple[str, Gender] | Character]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rules_only: the shipped ranker answers this case differently")


def make_cast(cast: CastSpec) -> list[Character]:
    return [
        c if isinstance(c, Character) else Character(id=f"C{i}", name=c[0], gender=c[1])
        for i, c in enumerate(cast)
    ]


@pytest.fixture(scope="session")
def segment(nlp):
    return SegmentStage(SegmentConfig(), nlp)


@pytest.fixture(scope="session")
def build(segment) -> Callable[..., Document]:
    def build(text: str, cast: CastSpec, continues: dict[int, int] | None = None) -> Document:
        """Segment ``text``; quotes from straight double quotes (``continues``: quote k ->
        the quote it continues); name and pronoun mentions by alias."""
        characters = make_cast(cast)
        doc = segment(Document(text=text))
        para_starts = [p.start for p in doc.paragraphs]
        quotes = []
        for k, m in enumerate(re.finditer(r'"([^"]*)"', text)):
            paragraph = doc.paragraphs[bisect_right(para_starts, m.start()) - 1].id
            parent = (continues or {}).get(k)
            quotes.append(
                Quote(
                    id=f"Q{k}", start=m.start(1), end=m.end(1), text=m.group(1), paragraph=paragraph,
                    mark="double", open_start=m.start(), continues=f"Q{parent}" if parent is not None else None,
                )
            )
        doc.quotes = quotes
        doc.characters = characters

        def inside(pos: int) -> bool:
            return any(q.start <= pos < q.end for q in quotes)

        starts = [t.start for t in doc.tokens]
        mentions = []
        for c in characters:
            for alias in {c.name, *c.aliases}:
                for m in re.finditer(rf"\b{re.escape(alias)}\b", text):
                    lo = bisect_left(starts, m.start())
                    hi = bisect_left(starts, m.end())
                    mentions.append(
                        Mention(m.start(), m.end(), lo, hi, alias, MentionKind.NAME, c.id, inside(m.start()))
                    )
        taken = {t for m in mentions for t in range(m.start_token, m.end_token_excl)}
        for t in doc.tokens:
            if t.text.lower() in _PRONOUNS and t.i not in taken:
                mentions.append(Mention(t.start, t.end, t.i, t.i + 1, t.text, MentionKind.PRONOUN, None, inside(t.start)))
        doc.mentions = sorted(mentions, key=lambda m: m.start)
        return doc

    return build


@pytest.fixture(scope="session")
def stages() -> dict[str, SpeakerStage]:
    return {"rules": SpeakerStage(SpeakerConfig(scorer="rules")), "ranker": SpeakerStage()}


@pytest.fixture
def rules(stages) -> SpeakerStage:
    """The stage with the hand rules only."""
    return stages["rules"]


@pytest.fixture(params=["rules", "ranker"])
def speakers(request, stages) -> SpeakerStage:
    """The stage with the hand rules, then as shipped (the ranker)."""
    if request.param == "ranker" and request.node.get_closest_marker("rules_only"):
        pytest.skip("rules only: the shipped ranker answers this case differently (see its comment)")
    return stages[request.param]
