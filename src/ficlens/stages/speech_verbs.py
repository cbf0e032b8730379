"""Vocabulary the speakers stage reads: speech-tag verbs, pronouns, vocative openers.

Lemmas, so ``said``/``says``/``saying`` and ``asked``/``asks`` all match (spaCy lemmatises
the tag verb). Fan fiction often tags speech with a manner verb (``"Hi," she smiled``);
those are in ``MANNER_LEMMAS``, scored a little below true speech verbs.
"""

from __future__ import annotations

from collections.abc import Collection

from ficlens.model import Gender, Token

SPEECH_LEMMAS: frozenset[str] = frozenset(
    """
    say ask reply cry whisper shout answer exclaim murmur add continue return observe remark
    begin call mutter sigh snap resume rejoin retort repeat inquire enquire interrupt insist
    suggest explain declare agree protest urge plead groan growl hiss yell scream stammer
    falter demand respond admit announce assure beg breathe grumble mumble venture persist
    conclude warn tease joke chuckle tell cut interpose interject object query question
    roar bellow shriek squeak squeal wail moan sob whimper gasp pant croak rasp drawl
    mock sneer scoff purr coo chirp bark yelp muse wonder reason argue counter correct
    confess confirm promise greet laugh giggle snort huff grunt mouth
    recite quote pray order command instruct prompt press note comment reflect whine
    complain lament think address assent proclaim ejaculate avow
    speak echo concede entreat implore beseech assert bawl corroborate advise contradict
    enunciate subjoin blurt confide apologise apologize expostulate remonstrate vociferate
    stutter lisp chaff hazard volunteer thunder boom hoot chatter quaver coax wheedle taunt
    jeer scold chide rebuke reprove upbraid inform acknowledge concur opine pronounce intone
    cackle titter snarl caution counsel soothe console intervene
    """.split()
)

# Verbs that tag speech only in the inverted position right after a quote
# ("...," flashed Helen / pursued Henry / offered Mr. Wilcox), too common elsewhere.
ADJACENT_SPEECH_LEMMAS: frozenset[str] = frozenset(
    "pursue flash offer support explode report yawn interpret supplement finish end chorus pipe".split()
)

# Verbs that tag speech in informal writing without meaning "to say".
MANNER_LEMMAS: frozenset[str] = frozenset(
    "smile grin nod shrug smirk frown beam wink scowl blush pout glare huff".split()
)

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

PRONOUN_GENDER: dict[str, Gender] = {
    "he": Gender.MALE,
    "him": Gender.MALE,
    "his": Gender.MALE,
    "she": Gender.FEMALE,
    "her": Gender.FEMALE,
    "hers": Gender.FEMALE,
}

# Nouns whose referent's gender is known: "her mother replied", "said the old man".
NOUN_GENDER: dict[str, Gender] = {
    **dict.fromkeys(
        "mother wife sister aunt daughter niece lady woman girl widow mistress queen princess "
        "grandmother mama mamma mum mom madam hostess duchess countess maid".split(),
        Gender.FEMALE,
    ),
    **dict.fromkeys(
        "father husband brother uncle son nephew gentleman man boy king prince grandfather "
        "papa dad lord duke count host master sir fellow".split(),
        Gender.MALE,
    ),
}

# Tag subjects that name nobody but say someone spoke: "said the other", "cried a voice".
UNNAMED_SPEAKERS: frozenset[str] = frozenset(
    "other another stranger voice companion friend visitor newcomer figure speaker".split()
)

FIRST_PERSON: frozenset[str] = frozenset({"i", "me", "my", "mine", "myself"})
SECOND_PERSON: frozenset[str] = frozenset({"you", "your", "yours", "yourself"})

# Words that may open a quote before a vocative: "Oh, Teddy, ..." / "My dear Jane, ...".
VOCATIVE_OPENERS: frozenset[str] = frozenset(
    "oh o ah well why dear my yes no nay hey hi hello now come good morning evening night "
    "thank thanks please sorry look listen".split()
)

# Words that address someone by rank, kin or manner, with the gender they say ("Yes, sir." /
# "Good-bye, my dear fellow." / "Mamma!"). In PDNC the next speaker after such a line is of
# that gender 86% (women) and 92% (men) of the time, against 43% / 56% for any line.
ADDRESS_GENDER: dict[str, Gender] = {
    **dict.fromkeys(
        "sir lord lordship gentlemen boy fellow chap man son papa father uncle brother master".split(),
        Gender.MALE,
    ),
    **dict.fromkeys(
        "madam ma'am ma’am madame ladyship lady ladies girl mademoiselle miss daughter mamma mama "
        "mother aunt sister mum".split(),
        Gender.FEMALE,
    ),
}
# Words that may stand between a comma and such a word: "my dear fellow", "your ladyship".
ADDRESS_MODIFIERS: frozenset[str] = frozenset(
    "my dear dearest your good young old poor little kind sweet honoured noble gracious worthy beloved".split()
)


def address_agreement(gender: Gender | None, addressed: Collection[Gender]) -> float | None:
    """+1.0 when words of address (``ADDRESS_GENDER``) say one gender and it is ``gender``, -1.0
    when they say the other; None when they say none or both, or ``gender`` is neither."""
    if len(addressed) != 1 or gender not in (Gender.MALE, Gender.FEMALE):
        return None
    return 1.0 if gender in addressed else -1.0


# Honorifics kept in a name span but never a name by themselves.
TITLES: frozenset[str] = frozenset(
    "mr mr. mrs mrs. miss ms ms. dr dr. sir lady lord madam madame mme mme. mlle monsieur "
    "captain capt capt. colonel col col. general major professor prof prof. aunt uncle "
    "father mother brother sister saint st st. rev rev. reverend master mistress dame".split()
)


def speech_subject(tokens: list[Token], s: int, e: int) -> bool:
    """Tokens ``s`` .. ``e`` (exclusive) hold the subject of a speech verb ("said Anna", "she
    replied")."""
    for i in range(s, e):
        tok = tokens[i]
        if tok.dep in ("nsubj", "nsubjpass") and tokens[tok.head].lemma.lower() in SPEECH_LEMMAS:
            return True
    return False
