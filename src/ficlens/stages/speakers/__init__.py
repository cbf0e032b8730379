"""Speakers: who says each quote, and to whom.

::

    "Well," she said, "I never."   -> Q0, Q1 one turn: she -> coref (or gender), ANAPHORIC
    "Teddy, stop."                 -> addressee Teddy (vocative)
    He turns. "You came back?"     -> he acts in the paragraph: IMPLICIT
    "Yes," said Elizabeth.         -> EXPLICIT

The stage (``stage.py``: ``SpeakerStage``; its settings ``SpeakerConfig`` in ``config.py``) works in five steps, one file
each (or two):

1. **turns** (``turns.py``): quotes grouped into speaking turns (pieces linked by
   ``continues`` and the pieces of one paragraph, unless their tags name different people),
   each with its speech tag (``tags.py``: finding the tag and resolving who it names, through
   ``aliases.py`` for names and descriptions), the actors of its paragraph, and the vocatives,
   names and words of address inside its quotes; ``index.py`` holds the lookups over the
   Document that every step reads;
2. **candidates and features** per (turn, character) (``candidates.py``: who may speak;
   ``features.py``: the features and THE list of feature names): the speech tag, the actor
   of the paragraph, a vocative in the previous turn, the character named inside the quote,
   salience (how recently the narration mentioned them), the tags of the turns around, and
   style (how much the turn's words sound like the lines the story's name tags give them);
   **cues** (``cues.py``) the model does not see add to each candidate's score
   (``Turn.bias``): a character addressed by name or pet name ("Tommy?") does not speak the
   line; a beat that reports someone's voice ("He startles at the sound of her voice.") gives
   the line to its owner and not to the one who hears it; a beat just before an untagged line
   ("She turns.", "Crowley grins.", "Remus' eyes narrowed.") or just after one that opens its
   paragraph to its subject; a line that names its speaker ("I'm Nick.") to them; a name tag
   with a speech verb adds to its speaker; a pronoun tag right after a line that addressed
   someone of its gender by name leans to them; a word of address no name accounts for
   ("cupcake") to the one character whose tagged lines use it;
3. **scoring** (``scoring.py``) by a pluggable ``Scorer``: ``RankerScorer`` (default;
   gradient-boosted trees trained on PDNC, the model file in ``ranker.py``,
   docs/model-card-speakers.md) or ``RuleScorer`` (hand weights);
4. **decoding** (``decoding.py``): a conversation (run of quote paragraphs) is decoded with a
   second-order Viterbi whose transitions penalise a speaker talking in two paragraphs in a
   row and reward A, B, A, B turn-taking, so an untagged line takes its speaker from the
   exchange; with a model file that has a ``second`` section, a **second pass**
   (``second_pass.py``) then rescores every candidate with the first pass's decoding as extra
   features (``STACK_FEATURES``) and each turn takes its best candidate; the second pass runs
   again (``second_pass_rounds``) with the speakers it decoded in place of the first pass's,
   the scores still the first pass's (what the model learnt from); in an exchange of two
   people, an untagged line the second pass gives to the previous line's speaker by a small
   margin goes to the other one (``decoding.alternate``), and a line left only with the
   character it addresses gets no speaker;
5. **addressees** (``addressees.py``) of each turn, once its conversation's speakers are
   known: the model file's addressee ranker, or hand rules.

"I" and "you" inside the quotes are resolved afterwards by a stage of their own
(``ficlens.stages.quote_pronouns``). Everything is one pass over tokens, quotes and mentions
(linear in book length); the Viterbi is bounded by ``max_candidates`` cubed per turn.
"""

from ficlens.stages.speakers.config import SpeakerConfig
from ficlens.stages.speakers.features import (
    ADDRESSEE_FEATURES,
    FEATURES,
    SECOND_FEATURES,
    STACK_FEATURES,
    style_features,
)
from ficlens.stages.speakers.ranker import (
    MODEL_FILE,
    MODEL_FORMAT,
    RankerBundle,
    RankerScorer,
    TreeEnsemble,
    bundle_from_data,
    feature_matrix,
    load_ranker,
)
from ficlens.stages.speakers.scoring import DEFAULT_WEIGHTS, RuleScorer, Scorer, score_turns
from ficlens.stages.speakers.second_pass import first_pass_marginals, stack_features
from ficlens.stages.speakers.stage import SpeakerStage

__all__ = [
    "ADDRESSEE_FEATURES",
    "DEFAULT_WEIGHTS",
    "FEATURES",
    "MODEL_FILE",
    "MODEL_FORMAT",
    "SECOND_FEATURES",
    "STACK_FEATURES",
    "RankerBundle",
    "RankerScorer",
    "RuleScorer",
    "Scorer",
    "SpeakerConfig",
    "SpeakerStage",
    "TreeEnsemble",
    "bundle_from_data",
    "feature_matrix",
    "first_pass_marginals",
    "load_ranker",
    "score_turns",
    "stack_features",
    "style_features",
]
