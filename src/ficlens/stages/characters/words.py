"""The word tables of the characters stage, read from ``ficlens/data/lexicon/characters-*.txt``.

Each table file says what it is for and where its words come from; this module only names
them. Name tables shared with other stages (given names, honorifics, words that are not
names) live in ``ficlens.stages.names``, speech verbs in ``ficlens.stages.speech_verbs``.
"""

from __future__ import annotations

from ficlens.lexicon import words

# Common nouns that denote a person; "the old man", "her sister" become nominal mentions.
PERSON_NOUNS = words("characters-person-nouns")
# Role nouns a speaking character may be known by, beyond PERSON_NOUNS and the suffixes.
ROLE_NOUNS = words("characters-role-nouns")
# Verbs whose subject is almost always a person: "Tobin noticed", "Teddy sits".
ANIMATE_LEMMAS = words("characters-animate-lemmas")
# Nouns a person's name owns: "Marcus's voice", "Anna's mother".
PERSON_PARTS = words("characters-person-parts")
# Last words that make a multiword name a place: "Carrick Head", "Baker Street".
PLACE_NOUNS = words("characters-place-nouns")
# Kinds of place a name may be called: "the village of Raveloe", "Raveloe was a village".
PLACE_KINDS = words("characters-place-kinds")
# Place nouns that are also common surnames: after a given name they are a person.
SURNAME_PLACE_NOUNS = words("characters-surname-place-nouns")
# Lower-case name particles inside a full name: "Therese de Vitre", "Ludwig van Beethoven".
PARTICLES = words("characters-name-particles")
# Ranks that take a seat rather than a surname: "the Duchess of Harley", "the Duke of York".
SEAT_RANKS = words("characters-seat-ranks")
# Endearments and pet words: "Got a plan, Angel?" is no name unless the narration uses it.
ENDEARMENTS = words("characters-endearments")
