"""Features of a (turn, candidate) pair, and THE list of feature names.

::

    "Yes," said Elizabeth.   Elizabeth: {"tag_name": 1.0, "salience": 0.5, "recency_rank": 1.0, ...}
                             Darcy:     {"tag_other": 1.0, "salience": 0.25, ...}

``FEATURES`` are the first pass's (the columns of the model file's first ranker, in order),
``STACK_FEATURES`` what the second pass adds (computed in ``second_pass``), ``SECOND_FEATURES``
the second ranker's columns, ``ADDRESSEE_FEATURES`` the addressee ranker's (computed in
``addressees``). Training (``ficlens.train.speaker_ranker``) and the stage read these lists; a
name outside them is an error (``check_known``; ``ranker.feature_matrix`` checks every row).

The first-pass features come in three steps over the turns: what the turn's own tag,
paragraph and quotes say about each candidate, with salience and recency
(``turn_features``); what the turns around in the conversation say (``conversation_features``:
tags around, the next line's vocatives, words of address, the conversation's tagged people);
and style (``tag_style_features``): how much the turn's words sound like the lines the
story's name tags give the candidate.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from ficlens.model import Gender
from ficlens.stages.speakers.index import DocumentIndex
from ficlens.stages.speakers.tags import tag_names
from ficlens.stages.speakers.turns import Turn, conversations
from ficlens.stages.speech_verbs import address_agreement

# First pass: the order is the model file's column order (``features`` of its first ranker).
FEATURES: tuple[str, ...] = (
    "tag_name", "tag_alias", "tag_coref", "tag_narrator", "tag_gender", "tag_gender_recent", "tag_gender_mismatch",
    "tag_other", "actor", "actor_first", "actor_gender", "actor_gender_mismatch", "actor_gender_recent",
    "prev_actor", "prev_actor_gender", "para_mention", "vocative_prev", "vocative_next", "named_in_quote",
    "named_prev_quote", "salience", "recency_rank", "mention_share", "narrator", "tag_prev1", "tag_prev2",
    "tag_next1", "tag_next2", "turn_tagged", "turn_tag_resolved", "narration_tokens", "conv_position",
    "conv_length", "pieces", "pool_size", "conv_tagged", "conv_gender_only", "tag_gender_rank", "tag_word_gender",
    "tag_word_gender_mismatch", "coref_tag_prev1", "coref_tag_prev2", "coref_tag_next1", "coref_tag_next2",
    "conv_coref_tagged", "named_recency_rank", "named_salience", "style", "style_rank", "style_margin",
    "address_prev", "address_next",
)
# Second pass: what the first pass decoded around each turn (``second_pass.stack_features``).
STACK_FEATURES: tuple[str, ...] = (
    "p1_score", "p1_gap", "p1_decoded", "p1_prev1", "p1_prev2", "p1_next1", "p1_next2", "p1_share",
    "p1_gender_last", "p1_gender_only", "p1_speakers", "p1_prev2_gap", "p1_style", "p1_style_rank",
    "p1_style_margin", "p1_marginal", "p1_marginal_prev1", "p1_marginal_prev2", "p1_marginal_next1",
    "p1_marginal_next2",
)
SECOND_FEATURES: tuple[str, ...] = FEATURES + STACK_FEATURES
# Addressees (``addressees.addressee_features``), per (turn, addressee candidate).
ADDRESSEE_FEATURES: tuple[str, ...] = (
    "vocative", "named", "prev1", "prev2", "prev3", "next1", "next2", "next3",
    "vocative_prev", "vocative_next", "replies_to_vocative", "addressed_by_next",
    "conv_share", "conv_speakers", "window_speakers", "conv_length", "conv_position",
    "speaker_candidate", "speaker_score", "speaker_rank", "actor", "para_mention", "prev_actor",
    "salience", "recency_rank", "mention_share", "narrator", "speaker_is_narrator",
    "same_gender", "turn_tagged", "pieces", "adjacent_prev", "adjacent_next", "address_gender",
)
KNOWN_FEATURES: frozenset[str] = frozenset(SECOND_FEATURES) | frozenset(ADDRESSEE_FEATURES)

# Style profiles: Dirichlet smoothing towards the story's quoted words, and the fewest
# tagged words a character needs before its profile counts.
STYLE_SMOOTHING = 200.0
STYLE_MIN_WORDS = 100


def check_known(names: Iterable[str], where: str) -> None:
    """Raise ValueError when a name is not one of the lists above (a misspelt feature would
    otherwise be a column of zeros, or a weight that never applies)."""
    unknown = sorted(set(names) - KNOWN_FEATURES)
    if unknown:
        raise ValueError(f"{where}: unknown feature name(s) {unknown} (ficlens.stages.speakers.features)")


def turn_features(
    index: DocumentIndex,
    turn: Turn,
    pool: list[str],
    last_seen: Mapping[str, int],
    last_pos: Mapping[str, int],
    last_named: Mapping[str, int],
    vocative_prev: set[str],
) -> dict[str, dict[str, float]]:
    """The features of each candidate in ``pool`` from the turn itself and the narration before
    it: ``last_seen`` / ``last_named``: character -> paragraph of its last narration mention
    (any / by name), most recent last; ``last_pos``: -> offset of that mention;
    ``vocative_prev``: the characters the previous turn addressed by name."""
    feats_by: dict[str, dict[str, float]] = {}
    for cid in pool:
        feats_by[cid] = _candidate_features(index, turn, cid, last_seen, vocative_prev)
    # Without coref, "she said" most often means the last woman the narration named.
    for refs, name in (([turn.tag.ref] if turn.tag else [], "tag_gender_recent"), (turn.actors, "actor_gender_recent")):
        for ref in refs:
            if ref.ids or ref.gender is None:
                continue
            same = [c for c in pool if index.chars[c].gender == ref.gender and c in last_pos]
            if same:
                feats_by[max(same, key=lambda c: last_pos[c])][name] = 1.0
    # Rank of each candidate by recency of mention (0 = the last one named).
    recency = {cid: r for r, cid in enumerate(reversed(last_seen))}
    named_recency = {cid: r for r, cid in enumerate(reversed(last_named))}
    for cid, f in feats_by.items():
        r = recency.get(cid)
        if r is not None:
            f["recency_rank"] = 1.0 / (1.0 + r)
        r = named_recency.get(cid)
        if r is not None:
            f["named_recency_rank"] = 1.0 / (1.0 + r)
            f["named_salience"] = 1.0 / (1.0 + max(0, turn.paragraph - last_named[cid]))
        f["mention_share"] = index.mention_share.get(cid, 0.0)
        f["pool_size"] = float(len(pool))
    return feats_by


def _candidate_features(
    index: DocumentIndex, turn: Turn, cid: str, last_seen: Mapping[str, int], vocative_prev: set[str]
) -> dict[str, float]:
    """One candidate's features from the turn's tag, its paragraph's actors and mentions, the
    narration paragraph before, vocatives and names, salience and the narrator."""
    f: dict[str, float] = {}
    gender = index.chars[cid].gender
    tag = turn.tag
    if tag is not None:
        ref = tag.ref
        if ref.ids:
            if cid in ref.ids:
                name = {"name": "tag_name", "alias": "tag_alias", "narrator": "tag_narrator"}.get(ref.kind, "tag_coref")
                f[name] = tag.strength / len(ref.ids) ** 0.5
            else:
                f["tag_other"] = tag.strength
        elif ref.gender is not None:
            if gender == ref.gender:
                f["tag_gender"] = tag.strength
            elif gender in (Gender.MALE, Gender.FEMALE):
                f["tag_gender_mismatch"] = tag.strength
        if ref.gender is not None:
            # Resolved or not, the pronoun's gender: coref is wrong often enough to check.
            if gender == ref.gender:
                f["tag_word_gender"] = 1.0
            elif gender in (Gender.MALE, Gender.FEMALE):
                f["tag_word_gender_mismatch"] = 1.0
    other_gender = False
    for ref in turn.actors:
        if cid in ref.ids:
            f["actor"] = 1.0
        elif not ref.ids and ref.gender is not None:
            if ref.gender == gender:
                f["actor_gender"] = 1.0
            elif gender in (Gender.MALE, Gender.FEMALE):
                other_gender = True
    if other_gender and "actor" not in f and "actor_gender" not in f:
        # Only people of the other gender act in the paragraph.
        f["actor_gender_mismatch"] = 1.0
    for ref in turn.prev_actors:
        if cid in ref.ids:
            f["prev_actor"] = 1.0
        elif not ref.ids and ref.gender is not None and ref.gender == gender:
            f["prev_actor_gender"] = 1.0
    if cid in turn.para_mentions and "actor" not in f:
        f["para_mention"] = 1.0
    if cid in vocative_prev:
        f["vocative_prev"] = 1.0
    if cid in turn.named or cid in turn.vocatives:
        f["named_in_quote"] = 1.0
    seen = last_seen.get(cid)
    if seen is not None:
        f["salience"] = 1.0 / (1.0 + max(0, turn.paragraph - seen))
    if cid == index.narrator:
        f["narrator"] = 1.0
    return f


def conversation_features(index: DocumentIndex, turns: list[Turn], gap: int) -> None:
    """Features from the neighbouring turns of the conversation: who the tags around name,
    who the next line addresses, who the previous line names (turn-taking without decoding)."""
    for conversation in conversations(turns, gap):
        n = len(conversation)
        # Tags that name someone, and tags coref resolved (kept apart: a wrong coref
        # resolution would otherwise make a bystander look like a party to the exchange).
        tagged = [set(tag_names(t.tag)) for t in conversation]
        coref_tagged = [
            set(t.tag.ref.ids) if t.tag is not None and t.tag.ref.kind == "coref" else set() for t in conversation
        ]
        tag_counts = _counts(tagged)
        coref_counts = _counts(coref_tagged)
        # Who takes part: characters a tag names, or a quote addresses by name.
        participants = set(tag_counts).union(*(t.vocatives for t in conversation))
        for k, turn in enumerate(conversation):
            p_lo, p_hi = index.paragraph_tokens.get(turn.paragraph, (0, 0))
            narration = (p_hi - p_lo) - index.quoted(p_lo, p_hi)
            # "he said" with one man among the participants: him.
            tag_genders = [r.gender for r in ([turn.tag.ref] if turn.tag is not None else []) if r.kind != "name" and r.gender]
            only: set[str] = set()
            for gender in tag_genders:
                same = [c for c in participants if c in index.chars and index.chars[c].gender == gender]
                if len(same) == 1:
                    only.add(same[0])
            # Rank among the candidates of the tag's gender by recency of mention.
            gender_rank: dict[str, float] = {}
            for gender in tag_genders:
                same = sorted(
                    (c for c in turn.features if index.chars[c].gender == gender),
                    key=lambda c: -turn.features[c].get("recency_rank", 0.0),
                )
                gender_rank.update({c: 1.0 / (1.0 + r) for r, c in enumerate(same)})
            has_tag = turn.tag.strength if turn.tag is not None else 0.0
            resolved = 1.0 if turn.tag is not None and turn.tag.ref.ids else 0.0
            first_actor = turn.actors[0].ids if turn.actors else ()
            for cid, f in turn.features.items():
                for offset, name in ((-1, "tag_prev1"), (-2, "tag_prev2"), (1, "tag_next1"), (2, "tag_next2")):
                    if 0 <= k + offset < n:
                        if cid in tagged[k + offset]:
                            f[name] = 1.0
                        elif cid in coref_tagged[k + offset]:
                            f["coref_" + name] = 1.0
                if k + 1 < n and cid in conversation[k + 1].vocatives:
                    f["vocative_next"] = 1.0
                # "Yes, sir." answers a man and is answered by one.
                for offset, name in ((-1, "address_prev"), (1, "address_next")):
                    if 0 <= k + offset < n:
                        agreement = address_agreement(index.chars[cid].gender, conversation[k + offset].addressed)
                        if agreement is not None:
                            f[name] = agreement
                if k > 0 and cid in conversation[k - 1].named:
                    f["named_prev_quote"] = 1.0
                if cid in first_actor:
                    f["actor_first"] = 1.0
                others = tag_counts.get(cid, 0) - (1 if cid in tagged[k] else 0)
                if others:
                    f["conv_tagged"] = min(others, 10) / 10.0
                others = coref_counts.get(cid, 0) - (1 if cid in coref_tagged[k] else 0)
                if others:
                    f["conv_coref_tagged"] = min(others, 10) / 10.0
                if cid in only:
                    f["conv_gender_only"] = 1.0
                if cid in gender_rank:
                    f["tag_gender_rank"] = gender_rank[cid]
                f["turn_tagged"] = has_tag
                f["turn_tag_resolved"] = resolved
                f["narration_tokens"] = min(narration, 60) / 60.0
                f["conv_position"] = min(k, 10) / 10.0
                f["conv_length"] = min(n, 20) / 20.0
                f["pieces"] = float(len(turn.quotes))


def tag_style_features(index: DocumentIndex, turns: list[Turn]) -> None:
    """How much a turn's words sound like each candidate, by the turns whose tag names them
    (``style_features``). Characters have habits ("darling", "my dear", "I say") that
    turn-taking cannot see."""
    for turn in turns:
        turn.words = _turn_words(index, turn)
    owners = [ids[0] if len(ids) == 1 else None for ids in (tag_names(t.tag) for t in turns)]
    style_features(turns, owners, [t.features for t in turns], "style")


def _turn_words(index: DocumentIndex, turn: Turn) -> list[str]:
    """The quotes' tokens, lowercased (punctuation included: "--" and "!" are habits too;
    adding bigrams measured worse)."""
    tokens = index.tokens
    out: list[str] = []
    for qi in turn.quotes:
        lo, hi = index.quote_tokens[qi]
        out.extend(tokens[j].text.lower() for j in range(lo, hi) if not tokens[j].text.isspace())
    return out


def style_features(
    turns: Sequence[Turn], owners: Sequence[str | None], features: Sequence[dict[str, dict[str, float]]], prefix: str
) -> None:
    """Score each turn's words against a unigram profile of each candidate, built from the
    turns ``owners`` gives them (leaving the turn itself out), as the mean log-likelihood ratio
    against all the story's quoted words (Dirichlet-smoothed). Sets ``{prefix}``,
    ``{prefix}_rank`` and ``{prefix}_margin`` (to the best other profiled candidate) in
    ``features``, for candidates whose profile holds at least STYLE_MIN_WORDS words."""
    background: Counter[str] = Counter()
    profiles: dict[str, Counter[str]] = {}
    for turn, cid in zip(turns, owners, strict=True):
        background.update(turn.words)
        if cid is not None:
            profiles.setdefault(cid, Counter()).update(turn.words)
    sizes = {cid: counts.total() for cid, counts in profiles.items()}
    total, vocab = background.total(), len(background)
    # Each word's add-one background probability, once (not per turn and candidate).
    prob = {w: (n + 1) / (total + vocab) for w, n in background.items()}
    alpha = STYLE_SMOOTHING
    for turn, own, feats in zip(turns, owners, features, strict=True):
        if not turn.words:
            continue
        mine = Counter(turn.words)
        style: dict[str, float] = {}
        for cid in feats:
            counts = profiles.get(cid)
            if counts is None:
                continue
            left_out = cid == own  # the turn's own words do not vouch for it
            size = sizes[cid] - (len(turn.words) if left_out else 0)
            if size < STYLE_MIN_WORDS:
                continue
            llr = 0.0
            for w, k in mine.items():
                bg = prob[w]
                c = counts[w] - (k if left_out else 0)
                llr += k * math.log((c + alpha * bg) / (size + alpha) / bg)
            style[cid] = llr / len(turn.words)
        ranked = sorted(style, key=lambda c: -style[c])
        for r, cid in enumerate(ranked):
            f = feats[cid]
            f[prefix] = style[cid]
            f[prefix + "_rank"] = 1.0 / (1.0 + r)
            if len(ranked) > 1:
                f[prefix + "_margin"] = style[cid] - style[ranked[1 if r == 0 else 0]]


def _counts(id_sets: list[set[str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ids in id_sets:
        for cid in ids:
            counts[cid] = counts.get(cid, 0) + 1
    return counts
