"""Addressees: to whom each speaking turn is said, once the speakers are decoded.

::

    A: "Teddy, stop."          -> Teddy (vocative)
    B: "Why should I?"         -> A (the one who spoke before)
    C: "Children, both of you!" -> A and B (a group: everyone speaking around)

The speakers stage hands over one conversation at a time: its turns (with the speaker
candidates' features and scores) and the decoded speaker of each. Every other character in
reach (speaker candidates, speakers of the turns around and of the whole conversation,
characters named in the quote) is an addressee candidate with
features of the exchange (who spoke just before and just after, who was named, how many people
take part; the names are ``features.ADDRESSEE_FEATURES``). A learned scorer (gradient-boosted trees shipped in the
speaker model file, ``addressee`` section) gives each candidate a log-odds of being addressed;
the addressees are all candidates above the model's threshold, or the best one when none is.
Without a model the hand rules of ``rule_addressees`` decide.

The module only sees turns through the attributes below, so it stays independent of the
speaker stage's internals::

    turn.quotes, turn.vocatives, turn.named, turn.addressed, turn.features (candidate ->
    features), turn.scores, turn.paragraph, turn.last_paragraph, turn.tag
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from ficlens.model import Character, Gender
from ficlens.stages.speakers.attention import beat_addressee
from ficlens.stages.speech_verbs import address_agreement

# Speaker-candidate features copied as they are.
_COPIED = ("actor", "para_mention", "prev_actor", "salience", "recency_rank", "mention_share", "narrator")


class BatchScorer(Protocol):
    def score_many(self, rows: list[Mapping[str, float]]) -> list[float]: ...


def cast_facts(characters: Sequence[Character]) -> tuple[dict[str, Gender], str | None]:
    """What the features need of the cast: each character's gender, and the narrator's id."""
    return {c.id: c.gender for c in characters}, next((c.id for c in characters if c.is_narrator), None)


def addressee_features(
    turns: Sequence[Any],
    speakers: Sequence[str | None],
    genders: Mapping[str, Gender],
    narrator: str | None,
) -> list[dict[str, dict[str, float]]]:
    """Per turn of one conversation: addressee candidate -> features (empty without a speaker).
    ``genders`` and ``narrator`` come from ``cast_facts``."""
    n = len(turns)
    spoken = [s for s in speakers if s is not None]
    share = {c: spoken.count(c) / len(spoken) for c in sorted(set(spoken))} if spoken else {}
    out: list[dict[str, dict[str, float]]] = []
    for k, turn in enumerate(turns):
        speaker = speakers[k]
        if speaker is None:
            out.append({})
            continue
        around = {j: speakers[j] for j in range(max(0, k - 3), min(n, k + 4)) if j != k}
        # Everyone who speaks in the conversation can be addressed: a remark to the room
        # has them all as addressees.
        pool = dict.fromkeys(
            [*turn.vocatives, *(s for s in around.values() if s), *sorted(turn.named), *turn.features, *share]
        )
        pool.pop(speaker, None)
        rank = {c: r for r, c in enumerate(sorted(turn.scores, key=lambda c: -turn.scores[c]))}
        window = {s for s in around.values() if s} | {speaker}
        prev_turn = turns[k - 1] if k > 0 else None
        next_turn = turns[k + 1] if k + 1 < n else None
        adjacent_prev = prev_turn is not None and turn.paragraph - prev_turn.last_paragraph <= 1
        adjacent_next = next_turn is not None and next_turn.paragraph - turn.last_paragraph <= 1
        feats_by: dict[str, dict[str, float]] = {}
        for cid in pool:
            f: dict[str, float] = {}
            if cid in turn.vocatives:
                f["vocative"] = 1.0
            elif cid in turn.named:
                f["named"] = 1.0
            for offset, name in ((-1, "prev1"), (-2, "prev2"), (-3, "prev3"), (1, "next1"), (2, "next2"), (3, "next3")):
                if around.get(k + offset) == cid:
                    f[name] = 1.0
            if prev_turn is not None and cid in prev_turn.vocatives:
                f["vocative_prev"] = 1.0
            if next_turn is not None and cid in next_turn.vocatives:
                f["vocative_next"] = 1.0
            # "Teddy, stop." / Teddy: "Why?" -- Teddy answers the one who named him.
            if prev_turn is not None and speaker in prev_turn.vocatives and speakers[k - 1] == cid:
                f["replies_to_vocative"] = 1.0
            if next_turn is not None and speakers[k + 1] == cid and speaker in next_turn.vocatives:
                f["addressed_by_next"] = 1.0
            f["conv_share"] = share.get(cid, 0.0)
            f["conv_speakers"] = min(len(share), 8) / 8.0
            f["window_speakers"] = min(len(window), 6) / 6.0
            f["conv_length"] = min(n, 20) / 20.0
            f["conv_position"] = min(k, 10) / 10.0
            speaker_feats = turn.features.get(cid)
            if speaker_feats is not None:
                f["speaker_candidate"] = 1.0
                f["speaker_score"] = _squash(turn.scores.get(cid, 0.0))
                f["speaker_rank"] = 1.0 / (1.0 + rank[cid]) if cid in rank else 0.0
                for name in _COPIED:
                    if name in speaker_feats:
                        f[name] = speaker_feats[name]
            if cid == narrator:
                f["narrator"] = 1.0
            if speaker == narrator:
                f["speaker_is_narrator"] = 1.0
            g_speaker, g_cand = genders.get(speaker), genders.get(cid)
            if g_speaker is not None and g_speaker == g_cand:
                f["same_gender"] = 1.0
            agreement = address_agreement(g_cand, turn.addressed)
            if agreement is not None:
                f["address_gender"] = agreement
            f["turn_tagged"] = 1.0 if turn.tag is not None else 0.0
            f["pieces"] = float(len(turn.quotes))
            f["adjacent_prev"] = 1.0 if adjacent_prev else 0.0
            f["adjacent_next"] = 1.0 if adjacent_next else 0.0
            feats_by[cid] = f
        out.append(feats_by)
    return out


def choose_addressees(scores: Mapping[str, float], threshold: float) -> tuple[str, ...]:
    """All candidates scoring at least ``threshold`` (log-odds), best first; else the best one."""
    if not scores:
        return ()
    ranked = sorted(scores, key=lambda c: (-scores[c], c))
    chosen = tuple(c for c in ranked if scores[c] >= threshold)
    return chosen or (ranked[0],)


def model_addressees(
    conversations: Sequence[tuple[Sequence[Any], Sequence[str | None]]],
    characters: Sequence[Character],
    scorer: BatchScorer,
    threshold: float,
) -> list[list[tuple[str, ...]]]:
    """Addressees of each turn of each (turns, decoded speakers) conversation, by the learned
    scorer; one batch for the whole document."""
    genders, narrator = cast_facts(characters)
    feats = [addressee_features(turns, speakers, genders, narrator) for turns, speakers in conversations]
    rows = [(c, k, cid) for c, conv in enumerate(feats) for k, by in enumerate(conv) for cid in by]
    values = scorer.score_many([feats[c][k][cid] for c, k, cid in rows]) if rows else []
    scores: list[list[dict[str, float]]] = [[{} for _ in conv] for conv in feats]
    for (c, k, cid), value in zip(rows, values, strict=True):
        scores[c][k][cid] = float(value)
    return [[choose_addressees(by, threshold) for by in conv] for conv in scores]


def rule_addressees(turns: Sequence[Any], speakers: Sequence[str | None], k: int) -> tuple[str, ...]:
    """Hand rules: vocatives inside the quote, else the other party of the exchange."""
    speaker = speakers[k]
    vocatives = tuple(c for c in turns[k].vocatives if c != speaker)
    if vocatives:
        return vocatives
    if k > 0 and speakers[k - 1] not in (None, speaker):
        return (speakers[k - 1],)  # type: ignore[return-value]
    if k + 1 < len(turns) and speakers[k + 1] not in (None, speaker):
        return (speakers[k + 1],)  # type: ignore[return-value]
    # A lone line: the one other character present in this or the previous paragraph.
    present = [
        c for c, f in turns[k].features.items()
        if c != speaker and (f.get("salience", 0) >= 0.5 or "actor" in f or "para_mention" in f)
    ]
    return (present[0],) if len(present) == 1 else ()


def vocative_addressees(turn: Any, speaker: str | None, found: tuple[str, ...]) -> tuple[str, ...]:
    """A line that addresses someone by name is said to them, not to everyone about: when the
    chosen addressees include one the line names as a vocative, the vocatives among them are
    its addressees ("Jesus, Elias." to Elias alone, though a third person stands by). A
    vocative the scorer did not choose is left alone (an echoed name, "Kurama?", or an
    appositive, "your teacher, Finstock," read as one)."""
    named = tuple(c for c in found if c in turn.vocatives and c != speaker)
    return named if named else found


def beat_addressees(turn: Any, speaker: str | None, found: tuple[str, ...], genders: Mapping[str, Gender]) -> tuple[str, ...]:
    """A line said right after its speaker turns to, looks at or faces someone is said to them
    ("She turned to Tom. 'You came?'": Tom, though others stand by), unless the line names
    whom it addresses (a vocative among ``found``)."""
    if len(found) > 1 or any(c in turn.vocatives for c in found):
        return found
    target = beat_addressee(turn.attention, speaker, genders)
    return (target,) if target is not None else found


def recipient_addressees(turn: Any, speaker: str | None, found: tuple[str, ...], genders: Mapping[str, Gender]) -> tuple[str, ...]:
    """A tag that says whom the line is said to decides its addressee ("'You said an hour,'
    she said to her husband": him alone, though another man stands by; "she asked herself":
    nobody). ``turn.recipient`` is the tag's ``Ref`` (or "self"); a pronoun coref left alone
    (or gave the speaker) goes to the one other person of its gender among those chosen, else
    among the turn's candidates."""
    rec = turn.recipient
    if rec is None or speaker is None:
        return found
    if rec == "self":
        return ()
    ids = [c for c in rec.ids if c != speaker]
    if len(ids) == 1:
        return (ids[0],)
    if ids or rec.gender is None:
        return found
    for pool in (found, tuple(turn.features)):
        fits = [c for c in pool if c != speaker and genders.get(c) == rec.gender]
        if len(fits) == 1:
            return (fits[0],)
    return found


def _squash(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))
