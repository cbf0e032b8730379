"""The speakers stage's settings (``[speakers]`` in a pipeline TOML), read by every step."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpeakerConfig:
    """Options of the speakers stage (``[speakers]`` in a pipeline TOML)."""

    # Narration tokens after (or before) a quote searched for a speech tag.
    tag_window_tokens: int = 12
    # A character mentioned within this many paragraphs is a candidate speaker.
    salience_paragraphs: int = 30
    # Most recent characters taken as candidates from salience alone.
    salient_candidates: int = 6
    # Candidates kept per turn for decoding (the Viterbi costs this number cubed per turn).
    max_candidates: int = 5
    # Narration paragraphs allowed inside one conversation.
    conversation_gap: int = 1
    # Transition scores of the decoder.
    same_speaker_penalty: float = 1.0
    alternation_bonus: float = 2.0
    # Accept manner verbs as speech tags ("Hi," she smiled), common in fan fiction.
    manner_verbs: bool = True
    # "ranker" (default): the learned ranker (RankerScorer, beat the rules on PDNC CV), whose
    # model file also carries the decoder's transition scores; "rules": hand weights.
    scorer: str = "ranker"
    # Add the cues the ranker does not see to its scores (``cues``): an addressed character
    # does not speak, a beat that reports someone's voice, a character's own pet word.
    cues: bool = True
    # With cues: in a two-person exchange, an untagged line the second pass gives to the
    # previous line's speaker goes to the other one when within this many log-odds of them.
    alternation_margin: float = 1.0
    # Ranker model file; empty: the one shipped in ficlens/data/models.
    model: str = ""
    # Rescore with the model file's second-pass ranker (when it has one), which sees the
    # first pass's decoded speakers as features.
    second_pass: bool = True
    # Times the second-pass ranker runs, each on the speakers the round before decoded (2: PDNC
    # +0.2 points with gold characters, +0.1 end to end; a third round changed nothing).
    second_pass_rounds: int = 2
