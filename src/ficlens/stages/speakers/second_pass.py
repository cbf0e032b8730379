"""The second pass: features from what the first pass decoded around each turn.

::

    first pass decoded:   Anna   Tom   Anna   ?      ("he said")
    second-pass features of the last turn: Tom {"p1_prev2": 1, "p1_gender_last": 1,
        "p1_marginal": 0.7, ...}, Anna {"p1_prev1": 1, "p1_share": 0.67, ...}

With a model file that has a ``second`` section the stage rescores every candidate with
``STACK_FEATURES`` (``features``) added to its first-pass features: its own first-pass score
and posterior (``decoding.marginals``) and its neighbours', whether it was decoded for the
turns around, its share of the conversation, the last first-pass speaker of the tag's gender,
and style by all the lines the first pass decoded (``features.style_features``). The stage
then runs the second pass again on the speakers it decoded (``second_pass_rounds``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ficlens.stages.speakers import decoding
from ficlens.stages.speakers.config import SpeakerConfig
from ficlens.stages.speakers.features import style_features
from ficlens.stages.speakers.turns import Turn


def first_pass_marginals(conversations: Sequence[list[Turn]], cfg: SpeakerConfig) -> list[list[dict[str, float]]]:
    """Each conversation's turns' posteriors over their first-pass candidates (``decoding.marginals``
    over each chain; empty for a turn without candidates)."""
    out: list[list[dict[str, float]]] = []
    for conversation in conversations:
        marginals: list[dict[str, float]] = [{} for _ in conversation]
        for start, chain in decoding.chains(conversation):
            marginals[start : start + len(chain)] = decoding.marginals(chain, cfg)
        out.append(marginals)
    return out


def stack_features(
    decoded: Sequence[tuple[list[Turn], Sequence[str | None]]],
    cfg: SpeakerConfig,
    marginals: Sequence[Sequence[Mapping[str, float]]] | None = None,
) -> None:
    """Second-pass features of each turn's candidates from the first pass's scores and decoded
    speakers (all the story's conversations): the candidate's own score and gap to the best,
    its posterior under the turn-taking model ``cfg``'s decoder uses (``decoding.marginals``),
    whether it was decoded here and one or two turns either side, its share of the
    conversation, whether it is the last decoded speaker (before the previous turn) or the only
    one of the tag pronoun's gender, how many people the first pass heard, how sure it was two
    turns back, and how much the turn sounds like the candidate's decoded lines (``p1_style``:
    nearly three times the words the tags alone give). Sets ``turn.stacked``. ``marginals``:
    ``first_pass_marginals`` of the conversations, when the caller already has them."""
    if marginals is None:
        marginals = first_pass_marginals([conversation for conversation, _ in decoded], cfg)
    for (conversation, speakers), posteriors in zip(decoded, marginals, strict=True):
        _stack_conversation(conversation, speakers, posteriors)
    turns = [t for conversation, _ in decoded for t in conversation]
    owners = [s for _, speakers in decoded for s in speakers]
    style_features(turns, owners, [t.stacked for t in turns], "p1_style")


def _stack_conversation(
    conversation: list[Turn], speakers: Sequence[str | None], marginals: Sequence[Mapping[str, float]]
) -> None:
    n = len(conversation)
    share: dict[str, int] = {}
    for s in speakers:
        if s is not None:
            share[s] = share.get(s, 0) + 1
    # The model learnt from first-pass scores without the cues' bias (``cues``): its score
    # features read them so; the cues still act through the decoding and the posteriors.
    raw = [{c: v - t.bias.get(c, 0.0) for c, v in t.scores.items()} for t in conversation]
    for k, turn in enumerate(conversation):
        best = max(raw[k].values(), default=0.0)
        previous = speakers[k - 1] if k > 0 else None
        # "he said": the first pass's last speaker of that gender, the previous one aside.
        gendered = turn.tag is not None and turn.tag.ref.kind != "name" and turn.tag.ref.gender is not None
        fits = {c for c, f in turn.features.items() if f.get("tag_word_gender")} if gendered else set()
        last_of_gender = next((s for s in reversed(speakers[:k]) if s in fits and s != previous), None)
        heard = [c for c in share if c in fits]
        only_of_gender = heard[0] if len(heard) == 1 else None
        prev2_gap = 0.0
        if k >= 2 and speakers[k - 2] is not None:
            top = sorted(raw[k - 2].values(), reverse=True)
            prev2_gap = min(top[0] - top[1], 5.0) if len(top) > 1 else 5.0
        stacked: dict[str, dict[str, float]] = {}
        for cid, feats in turn.features.items():
            f = dict(feats)
            score = raw[k][cid]
            f["p1_score"] = score
            f["p1_marginal"] = marginals[k].get(cid, 0.0)
            # How sure the exchange is that they spoke around: a soft A, B, A.
            for offset, name in ((-1, "p1_marginal_prev1"), (-2, "p1_marginal_prev2"), (1, "p1_marginal_next1"), (2, "p1_marginal_next2")):
                if 0 <= k + offset < n:
                    f[name] = marginals[k + offset].get(cid, 0.0)
            f["p1_gap"] = best - score
            for offset, name in ((0, "p1_decoded"), (-1, "p1_prev1"), (-2, "p1_prev2"), (1, "p1_next1"), (2, "p1_next2")):
                if 0 <= k + offset < n and speakers[k + offset] == cid:
                    f[name] = 1.0
            f["p1_share"] = (share.get(cid, 0) - (speakers[k] == cid)) / max(1, n - 1)
            if cid == last_of_gender:
                f["p1_gender_last"] = 1.0
            if cid == only_of_gender:
                f["p1_gender_only"] = 1.0
            f["p1_speakers"] = min(len(share), 6) / 6.0
            if k >= 2 and speakers[k - 2] == cid:
                f["p1_prev2_gap"] = prev2_gap
            stacked[cid] = f
        turn.stacked = stacked
