"""Vocabulary the speakers stage reads: speech-tag verbs, pronouns, vocative openers.

Lemmas, so ``said``/``says``/``saying`` and ``asked``/``asks`` all match (spaCy lemmatises
the tag verb). Fan fiction often tags speech with a manner verb (``"Hi," she smiled``);
those are in ``MANNER_LEMMAS``, scored a little below true speech verbs.

The word lists are data files, ``data/lexicon/speech-*.txt``; the small grammatical sets
(pronouns, dependency labels) and the verb maps stay here.
"""

from __future__ import annotations

from collections.abc import Collection

from ficlens.lexicon import entries, words
from ficlens.model import Gender, Token

# Speech-tag verbs: "said Anna", "she replied".
SPEECH_LEMMAS: frozenset[str] = words("speech-verbs")

# Verbs that tag speech only in the inverted position right after a quote
# ("...," flashed Helen / pursued Henry / offered Mr. Wilcox), too common elsewhere.
ADJACENT_SPEECH_LEMMAS: frozenset[str] = words("speech-adjacent-verbs")

# Verbs that tag speech in informal writing without meaning "to say".
MANNER_LEMMAS: frozenset[str] = words("speech-manner-verbs")

# Irregular past forms, for tag verbs the tagger missed ("said--" read as a noun).
IRREGULAR_SPEECH: dict[str, str] = {
    "said": "say", "says": "say", "told": "tell", "spoke": "speak", "began": "begin", "thought": "think",
}

# Verb + particle that tag speech: "Kitty put in", "he went on", "she broke in".
PHRASAL_SPEECH: dict[str, frozenset[str]] = {
    "put": frozenset({"in"}), "go": frozenset({"on"}), "break": frozenset({"in", "out"}),
    "cut": frozenset({"in"}), "chime": frozenset({"in"}), "burst": frozenset({"out", "forth"}),
    "speak": frozenset({"up", "out"}), "join": frozenset({"in"}), "sum": frozenset({"up"}),
    "chip": frozenset({"in"}), "pipe": frozenset({"up", "in"}), "blurt": frozenset({"out"}),
    "sing": frozenset({"out"}), "call": frozenset({"out"}),
}

SUBJECT_DEPS: frozenset[str] = frozenset({"nsubj", "nsubjpass", "csubj"})
# A noun or pronoun as subject (not a clause): who does the verb.
NOMINAL_SUBJECT_DEPS: frozenset[str] = frozenset({"nsubj", "nsubjpass"})

PRONOUN_GENDER: dict[str, Gender] = {
    "he": Gender.MALE,
    "him": Gender.MALE,
    "his": Gender.MALE,
    "she": Gender.FEMALE,
    "her": Gender.FEMALE,
    "hers": Gender.FEMALE,
}

# Every third-person singular pronoun form, reflexives included (coref and its learned ranker).
THIRD_PERSON: dict[str, Gender] = {
    **PRONOUN_GENDER,
    "himself": Gender.MALE,
    "herself": Gender.FEMALE,
}

# Nouns whose referent's gender is known: "her mother replied", "said the old man".
NOUN_GENDER: dict[str, Gender] = {
    **dict.fromkeys(entries("speech-female-nouns"), Gender.FEMALE),
    **dict.fromkeys(entries("speech-male-nouns"), Gender.MALE),
}

# Tag subjects that name nobody but say someone spoke: "said the other", "cried a voice".
UNNAMED_SPEAKERS: frozenset[str] = words("speech-unnamed-speakers")

FIRST_PERSON: frozenset[str] = frozenset({"i", "me", "my", "mine", "myself"})
SECOND_PERSON: frozenset[str] = frozenset({"you", "your", "yours", "yourself"})

# Words that may open a quote before a vocative: "Oh, Teddy, ..." / "My dear Jane, ...".
VOCATIVE_OPENERS: frozenset[str] = words("speech-vocative-openers")

# Honorifics joined to a name by a hyphen ("Shi-nii", "Sasuke-kun"), in fan fiction of
# Japanese fandoms.
HONORIFIC_SUFFIXES: frozenset[str] = words("speech-honorific-suffixes")

# Nouns for what someone says ("at the sound of her voice", "at his words"): whose they are
# says who speaks, and the one who hears them does not.
VOICE_NOUNS: frozenset[str] = words("speech-voice-nouns")

# Fillers, interjections and answers that stand where a word of address would ("Okay, go.")
# but address nobody.
NOT_ADDRESS: frozenset[str] = words("speech-not-address")

# Words that address someone by rank, kin or manner, with the gender they say ("Yes, sir." /
# "Good-bye, my dear fellow." / "Mamma!"). In PDNC the next speaker after such a line is of
# that gender 86% (women) and 92% (men) of the time, against 43% / 56% for any line.
ADDRESS_GENDER: dict[str, Gender] = {
    **dict.fromkeys(entries("speech-address-male"), Gender.MALE),
    **dict.fromkeys(entries("speech-address-female"), Gender.FEMALE),
}

# Words that may stand between a comma and such a word: "my dear fellow", "your ladyship".
ADDRESS_MODIFIERS: frozenset[str] = words("speech-address-modifiers")


def address_agreement(gender: Gender | None, addressed: Collection[Gender]) -> float | None:
    """+1.0 when words of address (``ADDRESS_GENDER``) say one gender and it is ``gender``, -1.0
    when they say the other; None when they say none or both, or ``gender`` is neither."""
    if len(addressed) != 1 or gender not in (Gender.MALE, Gender.FEMALE):
        return None
    return 1.0 if gender in addressed else -1.0


# Honorifics kept in a name span but never a name by themselves.
TITLES: frozenset[str] = words("speech-titles")


def speech_subject(tokens: list[Token], s: int, e: int) -> bool:
    """Tokens ``s`` .. ``e`` (exclusive) hold the subject of a speech verb ("said Anna", "she
    replied")."""
    for i in range(s, e):
        tok = tokens[i]
        if tok.dep in ("nsubj", "nsubjpass") and tokens[tok.head].lemma.lower() in SPEECH_LEMMAS:
            return True
    return False
