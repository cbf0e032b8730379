"""The frame a content word stands in: is the story stating it as a fact, or only supposing,
threatening, fearing, denying, generalising or comparing?

::

    frame_at("i would kill myself if i had to", 8, in_quote=False)   # "hypothetical"
    frame_at("everyone dies eventually.", 9, in_quote=False)          # "generic"
    frame_at("he didn't kill her.", 11, in_quote=False)               # "negated"
    frame_at("he killed her.", 3, in_quote=False)                     # None: a fact

Text only (no parse), scoped to the word's own clause, so that training, evaluation and the
stage compute the same features from the same text (``signals_model.sentence_features``). It
reads any word, not only the lexicon's: "kill" is a broad word of several kinds, and a negation
or a modal before it says as much as before a lexicon trigger.
"""

from __future__ import annotations

import re

from ficlens.stages.signals_lexicon import _FEARED, _NEARLY, _negated, clause_before, states_again

FRAMES = ("negated", "attempted", "feared", "threatened", "figurative", "hypothetical", "generic")

# A modal governing the word: "would kill", "could have died", "might not survive", "I'd kill".
# Only auxiliary-like words may stand between ("would never have", "could easily be").
_BETWEEN = r"(?:(?:have|not|never|just|really|rather|easily|probably|surely|be|been|get|simply|ever|so|all|both|actually|literally|gladly|happily)\s+){0,3}"
_MODAL = re.compile(rf"\b(?:would|could|might|should|may|shall|wouldn't|couldn't|shouldn't|'d)\s+{_BETWEEN}$")
# "could see the blood", "would often hit her", "would beat her every night": a perception or a
# habit in the past states a fact.
_MODAL_FACT = re.compile(r"\b(?:could|would|'d)\s+(?:\w+\s+){0,2}?(?:see|feel|hear|smell|taste|tell|only|barely|hardly|still|often|always|sometimes|usually)\b")
_HABIT = re.compile(r"\b(?:every (?:night|day|time|week|morning|evening)|whenever|always|often|used to)\b")
# "'d" before a past participle is "had": "she'd died", "he'd been shot".
_PARTICIPLE = re.compile(r"^(?:\w+ed|been|shot|cut|hit|beaten|bled|slit|hung|done|taken|had|gone|lost|broken|thrown|stabbed|died)\b")
_CONDITION = re.compile(r"\b(?:if|unless|what if|suppose|supposing|in case|whether|imagin\w*|pretend\w*|wish\w*|dream\w*|nightmare|fantas\w*)\b")
# A condition after the word, in its clause: "I would kill myself if I had to", "she dies if he goes".
_CONDITION_AFTER = re.compile(r"^[^;:.!?—–]{0,60}?\b(?:if|unless)\b")
_FIGURE = re.compile(r"\b(?:as if|as though|like a|like an|like the|felt like|feel like|feels like|looked like|look like|looks like|seemed|as good as)\b")
_THREAT = re.compile(r"\b(?:i'll|i will|i'm going to|i'm gonna|gonna|you'll|or else|unless you|we'll|they'll)\b")
_THREATEN = re.compile(r"\bthreat\w*\b")
# A generic subject with a present-tense verb: "everyone dies eventually", "people kill for less".
_GENERIC = re.compile(
    r"(?:^|[,;:]\s*|\b(?:that|because|and|but)\s+)(?:everyone|everybody|people|we all|all of us|nobody|no one|anyone|anybody|"
    r"one|men|women|humans?|mankind|all men|some people|most people|those who|kids|children|soldiers)\s+(?:\w+\s+){0,2}$"
)
_PAST_WORD = re.compile(r"^(?:\w+ed|died|dead|was|were|had|did|killed|shot|bled|slit|hung|cut|hit|beat|beaten|lost|gone|took|went)\b")
# Tried, not done: "tried to kill himself", "a suicide attempt", "survived the attack".
_ATTEMPT_BEFORE = re.compile(r"\b(?:tried|tries|try|trying|attempt\w*|survived|surviving|survivor)\b")
_ATTEMPT_AFTER = re.compile(r"^\w+(?:al)?\s+(?:attempts?|survivor)\b")


def frame_at(lowered: str, position: int, in_quote: bool) -> str | None:
    """The frame of the word at ``position`` in a lower-cased sentence (one of ``FRAMES``), or
    None when the sentence states it as a fact. "Again" and "still" just after keep the fact
    ("scared he would start cutting again": he has cut before)."""
    before = lowered[max(0, position - 80) : position]
    clause = clause_before(before)
    after = lowered[position:]
    if _negated(before[-40:]):
        return "negated"
    if states_again(after):
        return None
    if _ATTEMPT_BEFORE.search(clause) or _ATTEMPT_AFTER.search(after):
        return "attempted"
    if _FEARED.search(clause):
        return "feared"
    if _THREATEN.search(lowered[:position]) or (in_quote and _THREAT.search(clause)):
        return "threatened"
    if _FIGURE.search(clause):
        return "figurative"
    modal = _MODAL.search(clause)
    if modal and modal.group(0).startswith("'d") and _PARTICIPLE.match(after):
        modal = None
    if modal and (_MODAL_FACT.search(clause[modal.start() :]) or _HABIT.search(lowered)):
        modal = None
    if modal or _CONDITION.search(clause) or _NEARLY.search(before) or _CONDITION_AFTER.search(after.split(" ", 1)[-1]):
        return "hypothetical"
    if lowered.rstrip(" \"'”’)").endswith("?"):
        return "hypothetical"  # a question asserts nothing
    if _GENERIC.search(clause) and not _PAST_WORD.match(after) and not re.search(r"\b(?:was|were|had|did)\b", clause):
        return "generic"
    return None


# The death of someone in the story, not death talk: a person (a name, a pronoun, a relative) as
# the one who dies ("Marcus bled out", "her mother died", "he was killed"), the object of a
# killing ("killed him", "murdered Anna"), or the owner of a death ("Jamie's death", "after
# Ben died", "the death of his wife"). Read on the original case, names by their capital.
_NOT_NAMES = (
    "Everyone|Everybody|Nobody|Someone|Somebody|Anyone|Anybody|People|Everything|Nothing|It|That|This|There|"
    "What|Who|Which|When|Then|One|All|Some|Many|Most|No|Not|If|And|But|So|The|A|An|I"
)
_PERSON = (
    rf"(?:(?!(?:{_NOT_NAMES})\b)[A-Z][a-z]+|[Hh]e|[Ss]he|[Tt]hey|[Hh]im|[Hh]er|[Tt]hem|"
    r"(?:[Hh]is|[Hh]er|[Mm]y|[Tt]heir|[Oo]ur|[Yy]our|[Tt]he) (?:\w+ )?(?:mother|father|mum|mom|dad|brother|sister|son|daughter|"
    r"wife|husband|baby|child|friend|partner|lover|boyfriend|girlfriend|uncle|aunt|grandmother|grandfather|boy|girl|man|woman))"
)
DEATH_OF_PERSON = re.compile(
    rf"\b{_PERSON}\s+(?:\w+ly\s+)?(?:had\s+|has\s+|was\s+|is\s+|were\s+|did(?:n't| not)\s+|never\s+|will\s+|"
    r"(?:would|could|might|may)(?:n't| not)?\s+(?:have\s+)?)?(?:just\s+|finally\s+|already\s+)?"
    r"(?:died|dies|die|dying|be dead|been killed|bled out|passed away|passed on|was dead|is dead|dead|killed|murdered|drowned|flatlined|didn'?t make it|"
    r"was shot dead|hanged|perished|succumbed|was gone|lying dead|lay dead|found dead|ended up dead|was buried)\b"
    rf"|\b(?:killed|murdered|drowned|strangled|executed|shot dead)\s+{_PERSON}\b"
    rf"|\b{_PERSON}'s\s+(?:\w+\s+)?(?:death|murder|funeral|body|corpse|grave)\b"
    r"|\b(?:[Hh]is|[Hh]er|[Tt]heir|[Mm]y|[Yy]our|[Oo]ur) (?:own |untimely |sudden )?(?:death|murder|funeral|coffin|grave|corpse|dead body)\b"
    rf"|\b(?:the )?(?:death|murder|funeral|body|corpse|grave) of\s+{_PERSON}\b"
    rf"|\b(?:after|since|when|before)\s+{_PERSON}\s+(?:had\s+)?(?:died|was killed|passed)\b"
)


def death_of_person(sentence: str, lowered: str, in_quote: bool) -> str | None:
    """How a sentence states the death of a person: ``fact``, a frame of ``FRAMES`` (the first
    such death, "she could have died": ``hypothetical``), or None (no person dies in it)."""
    seen = None
    for m in DEATH_OF_PERSON.finditer(sentence):
        f = frame_at(lowered, m.end() - 1, in_quote)
        if f is None:
            return "fact"
        seen = seen or f
    return seen
