"""Decoding: each conversation's speakers from the turns' scores and turn-taking.

::

    turn:        "Did you sleep?" asked Anna.   "Not much."   "Why not?"   "The storm."
    best score:  Anna                           Anna          Anna         Tom
    decoded:     Anna                           Tom           Anna         Tom

A conversation is cut into chains (runs of turns that have candidates, ``chains``); each chain
is decoded with a second-order Viterbi (``viterbi``) whose states are (previous speaker,
current speaker) pairs and whose transitions (``transition``) penalise one voice speaking
twice running and reward A, B, A turn-taking, both weaker across a narration paragraph.
``marginals`` runs forward-backward over the same model: each turn's posterior over its
candidates, read by the second pass (``second_pass``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ficlens.stages.speakers.config import SpeakerConfig
from ficlens.stages.speakers.turns import Turn


def decode(turns: list[Turn], cfg: SpeakerConfig) -> list[str | None]:
    """Second-order Viterbi over the turns' candidates (turn-taking transitions); None for a
    turn without candidates."""
    result: list[str | None] = [None] * len(turns)
    for start, chain in chains(turns):
        for k, speaker in enumerate(viterbi(chain, cfg)):
            result[start + k] = speaker
    return result


def chains(turns: list[Turn]) -> list[tuple[int, list[Turn]]]:
    """The runs of turns that have candidates, with their start: a turn without candidates
    cuts a conversation into pieces decoded independently."""
    out: list[tuple[int, list[Turn]]] = []
    start = 0
    while start < len(turns):
        if not turns[start].candidates:
            start += 1
            continue
        end = start
        while end < len(turns) and turns[end].candidates:
            end += 1
        out.append((start, turns[start:end]))
        start = end
    return out


def transition(cfg: SpeakerConfig, z: str | None, a: str, b: str, adjacent: bool) -> float:
    """Turn-taking score of speaker ``b`` after ``a`` (and ``z`` before ``a``): the same voice
    twice running is rare, an A, B, A exchange common."""
    if a == b:
        return -cfg.same_speaker_penalty if adjacent else -cfg.same_speaker_penalty * 0.25
    if z is not None and z == b:
        return cfg.alternation_bonus if adjacent else cfg.alternation_bonus * 0.5
    return 0.0


def _adjacent(turns: list[Turn], t: int) -> bool:
    return turns[t].paragraph - turns[t - 1].last_paragraph <= 1


def _logsumexp(values: Sequence[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


def marginals(turns: list[Turn], cfg: SpeakerConfig) -> list[dict[str, float]]:
    """Each turn's posterior over its kept candidates under the model ``viterbi`` maximises
    (forward-backward: sums where Viterbi takes the best): how sure the whole exchange makes
    the first pass of each line, not only which path won."""
    n = len(turns)
    alphas: list[dict[tuple[int, int], float]] = [
        {(-1, b): turns[0].scores[c] for b, c in enumerate(turns[0].candidates)}
    ]
    for t in range(1, n):
        prev_c, cur = turns[t - 1].candidates, turns[t]
        prev2_c = turns[t - 2].candidates if t >= 2 else []
        adjacent = _adjacent(turns, t)
        terms: dict[tuple[int, int], list[float]] = {}
        for (z, a), score in alphas[-1].items():
            cz = prev2_c[z] if z >= 0 else None
            for b, cb in enumerate(cur.candidates):
                terms.setdefault((a, b), []).append(score + transition(cfg, cz, prev_c[a], cb, adjacent))
        alphas.append({(a, b): _logsumexp(v) + cur.scores[cur.candidates[b]] for (a, b), v in terms.items()})
    # Built from the last turn back, then put in turn order.
    betas: list[dict[tuple[int, int], float]] = [dict.fromkeys(alphas[-1], 0.0)]
    for t in range(n - 1, 0, -1):
        prev_c, cur, after = turns[t - 1].candidates, turns[t], betas[-1]
        prev2_c = turns[t - 2].candidates if t >= 2 else []
        adjacent = _adjacent(turns, t)
        beta: dict[tuple[int, int], float] = {}
        for z, a in alphas[t - 1]:
            cz = prev2_c[z] if z >= 0 else None
            beta[(z, a)] = _logsumexp(
                [
                    transition(cfg, cz, prev_c[a], cb, adjacent) + cur.scores[cb] + after[(a, b)]
                    for b, cb in enumerate(cur.candidates)
                ]
            )
        betas.append(beta)
    betas.reverse()
    total = _logsumexp(list(alphas[-1].values()))
    out: list[dict[str, float]] = []
    for turn, alpha, beta in zip(turns, alphas, betas, strict=True):
        mass: dict[str, float] = {}
        for (a, b), value in alpha.items():
            cid = turn.candidates[b]
            mass[cid] = mass.get(cid, 0.0) + math.exp(value + beta[(a, b)] - total)
        out.append(mass)
    return out


def viterbi(turns: list[Turn], cfg: SpeakerConfig) -> list[str]:
    """Best speaker sequence; states are (previous speaker, current speaker) pairs."""
    first = turns[0]
    # layer: (a_index, b_index) -> score ; a_index -1 means "no previous turn"
    layer: dict[tuple[int, int], float] = {(-1, b): first.scores[c] for b, c in enumerate(first.candidates)}
    back: list[dict[tuple[int, int], int]] = [{}]
    for t in range(1, len(turns)):
        prev_c = turns[t - 1].candidates
        prev2_c = turns[t - 2].candidates if t >= 2 else []
        cur = turns[t]
        adjacent = _adjacent(turns, t)
        new: dict[tuple[int, int], float] = {}
        pointers: dict[tuple[int, int], int] = {}
        for b, cb in enumerate(cur.candidates):
            emit = cur.scores[cb]
            for (z, a), score in layer.items():
                cz = prev2_c[z] if z >= 0 else None
                value = score + transition(cfg, cz, prev_c[a], cb, adjacent) + emit
                key = (a, b)
                if key not in new or value > new[key]:
                    new[key] = value
                    pointers[key] = z
        layer = new
        back.append(pointers)
    (a, b), _ = max(layer.items(), key=lambda item: item[1])
    path = [b]
    for t in range(len(turns) - 1, 0, -1):
        z = back[t][(a, b)]
        path.append(a)
        a, b = z, a
    path.reverse()
    return [turns[t].candidates[i] for t, i in enumerate(path)]



def alternate(turns: list[Turn], speakers: list[str | None], margin: float) -> list[str | None]:
    """Two people, untagged lines: they take turns. In a conversation whose decoded speakers are
    two people (or one, and the best scored other), an untagged line with no beat and no cue (``Turn.bias``) right after a line of
    the same speaker goes to the other one when its score is within ``margin`` of the
    speaker's (the second pass picks each turn's best alone, and in a short exchange a weak
    preference can give one voice two lines running)."""
    people = {s for s in speakers if s is not None}
    if len(people) == 1:
        # One voice decoded throughout: the other is whoever scores best beside them.
        (only,) = people
        totals: dict[str, float] = {}
        for turn in turns:
            for cid, score in turn.scores.items():
                if cid != only:
                    totals[cid] = totals.get(cid, 0.0) + score
        if totals:
            people.add(max(totals, key=lambda c: totals[c]))
    if len(people) != 2:
        return speakers
    out = list(speakers)
    for k in range(1, len(turns)):
        turn, current = turns[k], out[k]
        if current is None or current != out[k - 1] or not _adjacent(turns, k):
            continue
        if turn.tag is not None or turn.actors or turn.bias or len(turn.quotes) > 1:
            continue
        other = next(iter(people - {current}))
        if other in turn.scores and turn.scores[current] - turn.scores[other] < margin:
            out[k] = other
    return out
