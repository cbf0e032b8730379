"""Candidates: who may speak each turn, and the call that gives each candidate its features.

::

    "Hello," she said.   (Anna, Tom and Ruth named in the paragraphs before)
    -> pool: the tag's characters, the paragraph's actors and mentions, whoever the previous
       line addressed, the conversation's tagged and addressed people, the most recently
       mentioned characters, the narrator; then features (``features.turn_features``)

One sweep over the narration mentions in text order keeps who was mentioned last (by any
mention and by name alone), so salience and recency cost nothing per turn. When an unresolved
"he"/"she" acts or tags the turn and nobody of that gender is in the pool, the story's most
mentioned character of that gender joins it (short fics name their cast once).
"""

from __future__ import annotations

from collections import OrderedDict

from ficlens.model import MentionKind
from ficlens.stages.speakers.config import SpeakerConfig
from ficlens.stages.speakers.features import (
    conversation_features,
    tag_style_features,
    turn_features,
)
from ficlens.stages.speakers.index import DocumentIndex
from ficlens.stages.speakers.turns import Turn, conversations


def add_candidates(index: DocumentIndex, turns: list[Turn], cfg: SpeakerConfig) -> None:
    """Set each turn's ``features``: candidate -> first-pass features (``features.FEATURES``)."""
    mentions = sorted(
        (m for m in index.doc.mentions if not m.in_quote and m.character_id is not None),
        key=lambda m: m.start,
    )
    paragraph_of_token = index.tokens
    last_seen: OrderedDict[str, int] = OrderedDict()
    last_pos: dict[str, int] = {}  # character -> offset of its last narration mention
    # The same by name mentions only: coref's pronoun resolutions, often wrong, left out.
    last_named: OrderedDict[str, int] = OrderedDict()
    mp = 0
    conversation_pool: dict[int, set[str]] = {}
    for conversation in conversations(turns, cfg.conversation_gap):
        pool: set[str] = set()
        for turn in conversation:
            if turn.tag is not None:
                pool.update(turn.tag.ref.ids)
            pool.update(turn.vocatives)
        for turn in conversation:
            conversation_pool[id(turn)] = pool
    previous: Turn | None = None
    for turn in turns:
        first_start = index.doc.quotes[turn.quotes[0]].start
        while mp < len(mentions) and mentions[mp].start < first_start:
            m = mentions[mp]
            cid = m.character_id
            if cid and not index.in_quote[min(max(m.start_token, 0), len(index.in_quote) - 1)]:
                last_seen[cid] = paragraph_of_token[max(m.start_token, 0)].paragraph
                last_seen.move_to_end(cid)
                last_pos[cid] = m.start
                if m.kind == MentionKind.NAME:
                    last_named[cid] = last_seen[cid]
                    last_named.move_to_end(cid)
            mp += 1
        p = turn.paragraph
        salient: list[str] = []
        for cid in reversed(last_seen):
            if p - last_seen[cid] > cfg.salience_paragraphs or len(salient) >= cfg.salient_candidates:
                break
            salient.append(cid)
        adjacent = previous is not None and previous.scene == turn.scene and p - previous.last_paragraph <= cfg.conversation_gap + 1
        vocative_prev = set(previous.vocatives) if adjacent and previous is not None else set()
        wanted: list[str | None] = []
        if turn.tag is not None:
            wanted.extend(turn.tag.ref.ids)
        wanted.extend(turn.self_named)
        for ref in (*turn.actors, *turn.prev_actors):
            wanted.extend(ref.ids)
        wanted.extend(sorted(turn.para_mentions))
        wanted.extend(sorted(vocative_prev))
        wanted.extend(sorted(conversation_pool.get(id(turn), ())))
        wanted.extend(salient)
        wanted.append(index.narrator)
        pool = [c for c in dict.fromkeys(wanted) if c is not None and c in index.chars]
        # An unresolved "he"/"she" with nobody of that gender around: the story's most
        # mentioned character of that gender (short fics name their cast once).
        refs = [*turn.actors, *([turn.tag.ref] if turn.tag is not None else [])]
        genders = {r.gender for r in refs}
        for gender in genders - {None}:
            top = index.top_by_gender.get(gender)  # type: ignore[arg-type]
            if top is not None and top not in pool and not any(index.chars[c].gender == gender for c in pool):
                pool.append(top)
        turn.features = turn_features(index, turn, pool, last_seen, last_pos, last_named, vocative_prev)
        # Speakers named by a tag count as mentioned now, for later turns' salience.
        if turn.tag is not None:
            for cid in turn.tag.ref.ids:
                last_seen[cid] = turn.last_paragraph
                last_seen.move_to_end(cid)
        previous = turn
    conversation_features(index, turns, cfg.conversation_gap)
    tag_style_features(index, turns)
