"""Whom the narration of a turn's paragraph says someone turns to: the beat targets.

::

    She turned to Tom. "You came?"          -> (she, Tom)
    Ann glanced at her brother. "Well?"      -> (Ann, her brother)
    He faced Mary and said, "Enough."        -> (he, Mary)

A line said right after its speaker turns to, looks at or faces someone is said to them. Each
pair is (who turns, whom to) as two character references; the addressee step keeps a target
only when the one who turns is the line's decoded speaker (``beat_addressee``).
"""

from __future__ import annotations

from typing import Any

from ficlens.stages.speakers.index import DocumentIndex
from ficlens.stages.speakers.tags import Ref, TagFinder
from ficlens.stages.speech_verbs import NOMINAL_SUBJECT_DEPS

# Verbs of attention that point through a preposition: "turn to", "look at", "smile at",
# "nod towards". Speech verbs with "to" are the tag's recipient (``cues.tag_recipient``).
PREP_LEMMAS = frozenset(
    {"turn", "look", "glance", "stare", "smile", "grin", "nod", "wink", "gaze", "peer", "frown",
     "scowl", "glare", "beam", "lean", "motion", "gesture", "point", "wave", "bow", "squint", "blink",
     "shrug", "laugh", "step", "move", "swing", "spin", "walk", "come", "go", "hurry", "run"}
)
PREPS = frozenset({"to", "at", "toward", "towards"})
# Verbs whose direct object is the one attended to: "she faced Tom", "he eyed Mary".
OBJECT_LEMMAS = frozenset(
    {"face", "address", "eye", "regard", "approach", "nudge", "poke", "elbow", "tap", "hug",
     "kiss", "study", "greet", "interrupt", "beckon", "accost", "confront", "join"}
)
# Movement verbs point at a place as often as a person ("walked to the door"): only a
# character reference with ids counts, which a place never resolves to.


def attention_pairs(index: DocumentIndex, tags: TagFinder, paragraph: int) -> list[tuple[Ref, Ref]]:
    """(who attends, to whom) for each verb of attention in the narration of ``paragraph``,
    in text order; both resolved by ``tags.resolve`` (the target must name a character)."""
    tokens = index.tokens
    lo, hi = index.paragraph_tokens.get(paragraph, (0, 0))
    out: list[tuple[Ref, Ref]] = []
    for v in range(lo, hi):
        tok = tokens[v]
        if index.in_quote[v] or tok.pos not in ("VERB", "AUX"):
            continue
        lemma = tok.lemma.lower()
        if lemma not in PREP_LEMMAS and lemma not in OBJECT_LEMMAS:
            continue
        target = None
        subject = None
        for k in range(max(lo, v - 12), min(hi, v + 10)):
            t = tokens[k]
            if t.head != v or k == v or index.in_quote[k]:
                continue
            if t.dep in NOMINAL_SUBJECT_DEPS and subject is None:
                subject = k
            elif target is None and lemma in PREP_LEMMAS and t.dep == "prep" and t.lemma.lower() in PREPS:
                target = next((j for j in range(k + 1, min(hi, k + 6)) if tokens[j].head == k and tokens[j].dep == "pobj"), None)
            elif target is None and lemma in OBJECT_LEMMAS and t.dep == "dobj":
                target = k
        if subject is None and tok.dep == "conj" and tok.head != v:
            # "She sighed and turned to Tom": the subject of the first verb.
            head = tok.head
            subject = next((k for k in range(max(lo, head - 12), head) if tokens[k].head == head and tokens[k].dep in NOMINAL_SUBJECT_DEPS), None)
        if target is None or subject is None or index.in_quote[target]:
            continue
        who, whom = tags.resolve(subject), tags.resolve(target)
        if who is None or whom is None or not whom.ids:
            continue
        out.append((who, whom))
    return out


def beat_addressee(pairs: list[tuple[Ref, Ref]], speaker: str | None, genders: dict[str, Any]) -> str | None:
    """The one character the speaker turns to in the paragraph's beats, if the beats agree:
    the attending reference must be the speaker (by id, or an unresolved pronoun of their
    gender), the target one character other than the speaker."""
    if speaker is None:
        return None
    found: set[str] = set()
    for who, whom in pairs:
        if who.ids:
            if speaker not in who.ids or len(who.ids) != 1:
                continue
        elif who.gender is None or genders.get(speaker) != who.gender:
            continue
        ids = [c for c in whom.ids if c != speaker]
        if len(ids) == 1 and len(whom.ids) == 1:
            found.add(ids[0])
    return next(iter(found)) if len(found) == 1 else None
