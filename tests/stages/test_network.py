"""Network: scene co-occurrence and speaker -> addressee conversation edges."""

from __future__ import annotations

import re

import pytest

from ficlens.model import (
    Character,
    Document,
    Interaction,
    Mention,
    MentionKind,
    Paragraph,
    Quote,
    Scene,
    Sentence,
)
from ficlens.stages.network import NetworkConfig, NetworkStage, to_networkx
from ficlens.stages.segment import SegmentConfig, SegmentStage


def crafted(scenes: list[list[str]]) -> Document:
    """One paragraph and one sentence per scene; ``scenes`` lists the names mentioned."""
    doc = Document(text="")
    chars = sorted({n for s in scenes for n in s})
    ids = {n: f"C{k}" for k, n in enumerate(chars)}
    doc.characters = [Character(id=ids[n], name=n) for n in chars]
    pos = 0
    for k, names in enumerate(scenes):
        body = " ".join(names) + "."
        doc.text += body + "\n\n"
        doc.scenes.append(Scene(k, 0, k, pos, pos + len(body)))
        doc.paragraphs.append(Paragraph(k, pos, pos + len(body), 0, k))
        doc.sentences.append(Sentence(k, pos, pos + len(body), 0, 0, k))
        at = pos
        for n in names:
            doc.mentions.append(Mention(at, at + len(n), 0, 0, n, MentionKind.NAME, ids[n], sentence=k))
            at += len(n) + 1
        pos += len(body) + 2
    return doc


def stage(doc: Document, **config) -> list[Interaction]:
    return NetworkStage(NetworkConfig(**config))(doc).interactions


def test_empty_document():
    assert stage(Document(text="")) == []


def test_cooccurrence_counts_scenes():
    # Ann and Ben share scenes 0 and 2; Cal is only with Ben in scene 1; Dee is alone.
    doc = crafted([["Ann", "Ben", "Ann"], ["Ben", "Cal"], ["Ben", "Ann"], ["Dee"]])
    assert stage(doc) == [
        Interaction("C0", "C1", "cooccurrence", 2.0, (0, 2)),
        Interaction("C1", "C2", "cooccurrence", 1.0, (1,)),
    ]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        # every mention counts
        ({}, [("C0", "C1", 2.0), ("C1", "C2", 1.0)]),
        # only characters mentioned twice in a scene are present: Ann twice in scene 0 only
        ({"min_scene_mentions": 2}, []),
        # pairs must share two scenes
        ({"min_cooccurrence_scenes": 2}, [("C0", "C1", 2.0)]),
    ],
)
def test_cooccurrence_config(config, expected):
    doc = crafted([["Ann", "Ben", "Ann"], ["Ben", "Cal"], ["Ben", "Ann"]])
    got = [(i.source, i.target, i.weight) for i in stage(doc, **config) if i.kind == "cooccurrence"]
    assert got == expected


def test_mentions_in_quotes_do_not_make_presence():
    doc = crafted([["Ann", "Ben"]])
    doc.mentions = [m if m.text != "Ben" else Mention(m.start, m.end, 0, 0, m.text, m.kind, m.character_id, in_quote=True, sentence=0) for m in doc.mentions]
    assert stage(doc) == []


def test_conversation_weights_and_direction():
    doc = crafted([["Ann", "Ben"], ["Ann", "Ben", "Cal"]])
    q = lambda k, par, speaker, to, cont=None: Quote(  # noqa: E731
        id=f"Q{k}", start=doc.paragraphs[par].start, end=doc.paragraphs[par].start + 1, text="x",
        paragraph=par, mark="double", speaker_id=speaker, addressee_ids=to, continues=cont,
    )
    doc.quotes = [
        q(0, 0, "C0", ("C1",)),  # Ann -> Ben
        q(1, 0, "C0", ("C1",), "Q0"),  # the same utterance continued after a tag: not counted again
        q(2, 0, "C1", ("C0",)),  # Ben -> Ann
        q(3, 1, "C0", ("C1", "C2")),  # Ann -> Ben and Cal
        q(4, 1, None, ("C0",)),  # unattributed: no edge
        q(5, 1, "C2", ("C2",)),  # talking to oneself: no edge
    ]
    talk = [(i.source, i.target, i.weight, i.scenes) for i in stage(doc) if i.kind == "conversation"]
    assert talk == [
        ("C0", "C1", 2.0, (0, 1)),
        ("C0", "C2", 1.0, (1,)),
        ("C1", "C0", 1.0, (0,)),
    ]


def test_quote_participants_are_present():
    # Cal is never named in narration but speaks to Ann in scene 0.
    doc = crafted([["Ann"]])
    doc.characters.append(Character(id="C9", name="Cal"))
    doc.quotes = [Quote(id="Q0", start=0, end=1, text="x", paragraph=0, mark="double", speaker_id="C9", addressee_ids=("C0",))]
    kinds = {(i.kind, i.source, i.target) for i in stage(doc)}
    assert kinds == {("cooccurrence", "C0", "C9"), ("conversation", "C9", "C0")}


def test_to_networkx():
    doc = crafted([["Ann", "Ben"], ["Ann", "Ben", "Cal"]])
    doc.quotes = [Quote(id="Q0", start=0, end=1, text="x", paragraph=0, mark="double", speaker_id="C1", addressee_ids=("C0",))]
    doc = NetworkStage(NetworkConfig())(doc)
    graph = to_networkx(doc)
    assert sorted(graph.nodes) == ["C0", "C1", "C2"] and graph.nodes["C2"]["name"] == "Cal"
    assert graph["C0"]["C1"]["weight"] == 2.0 and not graph.is_directed()
    talk = to_networkx(doc, "conversation")
    assert talk.is_directed() and list(talk.edges) == [("C1", "C0")]
    with pytest.raises(ValueError):
        to_networkx(doc, "romance")


@pytest.mark.slow
def test_network_on_segmented_story(nlp):
    text = (
        "Ann met Ben at the gate. \"You are late,\" Ann said.\n\n"
        "* * *\n\n"
        "Ben walked home alone. \"Where is Ann?\" his mother asked.\n\n"
        "* * *\n\n"
        "Ann and Ben ate dinner together."
    )
    doc = SegmentStage(SegmentConfig(), nlp)(Document(text=text))
    doc.characters = [Character(id="C0", name="Ann"), Character(id="C1", name="Ben")]
    quotes = [m for m in re.finditer(r"\"([^\"]*)\"", text)]
    par_of = lambda pos: next(p.id for p in doc.paragraphs if p.start <= pos < p.end)  # noqa: E731
    doc.quotes = [
        Quote(id="Q0", start=quotes[0].start(1), end=quotes[0].end(1), text=quotes[0].group(1),
              paragraph=par_of(quotes[0].start()), mark="double", speaker_id="C0", addressee_ids=("C1",)),
        Quote(id="Q1", start=quotes[1].start(1), end=quotes[1].end(1), text=quotes[1].group(1),
              paragraph=par_of(quotes[1].start()), mark="double"),
    ]
    spans = [(q.start, q.end) for q in doc.quotes]
    for t in doc.tokens:
        if t.text in ("Ann", "Ben"):
            doc.mentions.append(Mention(t.start, t.end, t.i, t.i + 1, t.text, MentionKind.NAME,
                                        "C0" if t.text == "Ann" else "C1",
                                        in_quote=any(s <= t.start < e for s, e in spans), sentence=t.sentence))
    inter = NetworkStage(NetworkConfig())(doc).interactions
    # Scene 1 names Ann only inside a quote, so the pair shares scenes 0 and 2.
    assert inter == [
        Interaction("C0", "C1", "cooccurrence", 2.0, (0, 2)),
        Interaction("C0", "C1", "conversation", 1.0, (0,)),
    ]
