"""Cues: what a line's words and its beat say about its speaker, added to the ranker's scores.

::

    "Tom," she breathes.                       -> Tom does not speak it (he is addressed)
    He startles at the sound of her voice. "You came?"   -> her line, not his
    She turns. "You came?"                                -> her line
    "Morning, cupcake," Tom says. ... "Cupcake?"          -> Tom again (his word for her)

The learned ranker (``ranker``) was trained on novels, where these cues are rare, and its
features do not see them; they hold in any story, so they are added to every candidate's
score (``Turn.bias``, read by ``scoring.score_turns`` in both passes) rather than learnt:

- a character addressed by name or pet name in the turn (``Turn.vocatives``) does not speak
  it, unless the tag names them (a pronoun tag coref gave them goes by its gender; with
  nobody else to speak it the line is left without a speaker, ``unaddressed``);
- an untagged turn whose paragraph reports someone's voice (``Turn.voices``: "at the sound of
  her voice", "hears him") is that person's, and not the one who hears it (``Turn.reactors``);
- an untagged turn after a beat ("She turns.": all the narration before the line in its
  paragraph, one short sentence with one subject) is the line of the beat's subject (for an
  unresolved pronoun, the candidate of its gender named last);
- an untagged turn with a word of address no name accounts for ("darling", "cupcake") is
  the line of the one character whose tagged lines use that word.

Turn-taking (``decoding``) does the rest: with two people in a scene, the other one speaks.
"""

from __future__ import annotations

from dataclasses import replace

from ficlens.model import Gender
from ficlens.stages.speakers.index import DocumentIndex
from ficlens.stages.speakers.tags import Ref, tag_names
from ficlens.stages.speakers.turns import Turn

# Log-odds added or taken away. A vocative is near certain (people do not address themselves);
# the beat and the pet word are strong but can be misread, so a name tag always wins.
VOCATIVE_PENALTY = 20.0
VOICE_BONUS = 4.0
REACTOR_PENALTY = 4.0
BEAT_BONUS = 2.5
BEAT_MAX_WORDS = 12
ADDRESS_WORD_BONUS = 4.0


def add_cues(index: DocumentIndex, turns: list[Turn]) -> None:
    """Set each turn's ``bias`` (candidate -> score added) from the cues above."""
    owners = _address_word_owners(turns)
    for turn in turns:
        bias: dict[str, float] = {}
        named_by_tag = set(tag_names(turn.tag))
        for cid in turn.vocatives:
            if cid in turn.features and cid not in named_by_tag:
                bias[cid] = bias.get(cid, 0.0) - VOCATIVE_PENALTY
        tag = turn.tag
        if tag is not None and tag.ref.kind == "coref" and tag.ref.ids and set(tag.ref.ids) <= set(turn.vocatives):
            # "'Tom,' she breathes" with "she" resolved to Tom: the pronoun's gender, not coref.
            for cid in _fits(index, replace(tag.ref, ids=()), turn.features) - set(turn.vocatives):
                bias[cid] = bias.get(cid, 0.0) + VOICE_BONUS
        if turn.tag is None:
            for ref in turn.voices:
                for cid in _fits(index, ref, turn.features):
                    bias[cid] = bias.get(cid, 0.0) + VOICE_BONUS
            voiced = {cid for ref in turn.voices for cid in _fits(index, ref, turn.features)}
            for ref in turn.reactors:
                for cid in _fits(index, ref, turn.features) - voiced:
                    bias[cid] = bias.get(cid, 0.0) - REACTOR_PENALTY
            if not turn.voices:
                for cid in _beat(index, turn):
                    bias[cid] = bias.get(cid, 0.0) + BEAT_BONUS
            for word in turn.address_words:
                owner = owners.get(word)
                if owner is not None and owner in turn.features and owner not in turn.vocatives:
                    bias[owner] = bias.get(owner, 0.0) + ADDRESS_WORD_BONUS
        turn.bias = bias


def _beat(index: DocumentIndex, turn: Turn) -> set[str]:
    """Who the beat before an untagged line is about ("She turns. "You came?""): when all the
    narration before the line in its paragraph is one short sentence whose main verb has one
    subject, that subject; for a pronoun coref left alone, the candidate of its gender named
    last. (A longer passage, or a subject in a side clause, "while he tapped his foot", says
    less about who speaks.)"""
    tokens = index.tokens
    p_lo, _ = index.paragraph_tokens.get(turn.paragraph, (0, 0))
    q_lo, _ = index.quote_tokens[turn.quotes[0]]
    if q_lo > p_lo:
        q_lo = max(p_lo, index.out_before[q_lo - 1] + 1)  # the opening mark
    # A quote before this one in the paragraph, or more narration than a beat: no beat (checked
    # before walking the tokens, so a paragraph of many quotes stays linear).
    if index.quoted(p_lo, q_lo) or q_lo - p_lo > 4 * BEAT_MAX_WORDS:
        return set()
    beat = [j for j in range(p_lo, q_lo) if tokens[j].pos != "PUNCT"]
    if not beat or len(beat) > BEAT_MAX_WORDS:
        return set()
    if sum(1 for j in range(p_lo, q_lo) if tokens[j].text in (".", "!", "?", ";")) > 1:
        return set()
    roots = [j for j in beat if tokens[j].dep == "ROOT" and tokens[j].pos in ("VERB", "AUX")]
    subjects = [j for j in beat if tokens[j].dep in ("nsubj", "nsubjpass") and tokens[j].head in roots]
    if len(roots) != 1 or len(subjects) != 1:
        return set()
    start = tokens[subjects[0]].start
    ref = next((r for r in turn.actors if r.span[0] <= start < r.span[1]), None)
    if ref is None:
        return set()
    fits = _fits(index, ref, turn.features)
    if len(fits) > 1 and not ref.ids:
        fits = {max(fits, key=lambda c: turn.features[c].get("recency_rank", 0.0))}
    return fits


def _fits(index: DocumentIndex, ref: Ref, candidates: dict[str, dict[str, float]]) -> set[str]:
    """The candidates a narration reference may be: its characters when it names or coref
    resolved them (and the pronoun's gender agrees), else the candidates of its gender."""
    gender = ref.gender
    if ref.ids:
        kept = {c for c in ref.ids if c in candidates and (gender is None or _gender(index, c) in (gender, Gender.UNKNOWN))}
        if kept or gender is None:
            return kept
    if gender not in (Gender.MALE, Gender.FEMALE):
        return set()
    return {c for c in candidates if _gender(index, c) == gender}


def _gender(index: DocumentIndex, cid: str) -> Gender:
    return index.chars[cid].gender


def _address_word_owners(turns: list[Turn]) -> dict[str, str]:
    """Word of address -> the one character whose tag-named lines use it (a word two
    characters use belongs to neither)."""
    users: dict[str, set[str]] = {}
    for turn in turns:
        names = tag_names(turn.tag)
        if len(names) != 1 or turn.address_solo:
            continue
        for word in turn.address_words:
            users.setdefault(word, set()).add(names[0])
    return {w: next(iter(ids)) for w, ids in users.items() if len(ids) == 1}


def unaddressed(turn: Turn, speaker: str | None) -> str | None:
    """``speaker``, unless the turn addresses them by name and no tag names them: nobody else
    was in reach, and a wrong speaker is worse than none."""
    if speaker is not None and speaker in turn.vocatives and speaker not in tag_names(turn.tag):
        return None
    return speaker
