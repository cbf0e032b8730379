"""The word tables of the characters stage, read from ``ficlens/data/lexicon/characters-*.txt``.

Each table file says what it is for and where its words come from; this module only names
them. Name tables shared with other stages (given names, honorifics, words that are not
names) live in ``ficlens.stages.names``, speech verbs in ``ficlens.stages.speech_verbs``.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path

from ficlens.lexicon import words

# Common nouns that denote a person; "the old man", "her sister" become nominal mentions.
PERSON_NOUNS = words("characters-person-nouns")
# Role nouns a speaking character may be known by, beyond PERSON_NOUNS and the suffixes.
ROLE_NOUNS = words("characters-role-nouns")
# Endings of nouns for a person by trade or kind ("florist", "librarian", "seamstress",
# "auctioneer", "cashier").
PERSON_ENDINGS = ("ist", "ian", "ess", "eer", "ier")
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
# Japanese kin words before an honorific suffix: "Tou-san", "Kaa-chan" name no one.
JAPANESE_KIN = words("characters-japanese-kin")


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """The English common words spaCy's lemmatizer knows (WordNet's nouns, verbs, adjectives
    and adverbs, in the model's lookups): "instinct", "chin", "sleep", "london". Empty when the
    model package has no lookups, which turns the test below off."""
    try:
        from spacy.lookups import Lookups

        from ficlens.nlp import MODEL_PACKAGE

        package = importlib.import_module(MODEL_PACKAGE)
        found = list(Path(package.__path__[0]).glob("*/lemmatizer/lookups/lookups.bin"))
        if not found:
            return frozenset()
        table = Lookups().from_disk(found[0].parent).get_table("lemma_index")
    except (ImportError, OSError, KeyError, ValueError):
        return frozenset()
    return frozenset(w for values in table.values() for w in values if w.isalpha())


# Endings a common word takes that the index lists without: "gentler", "laid" (via the
# lemma), "instincts".
_SUFFIXES = ("est", "er", "st", "r", "es", "s", "ed", "d", "ing", "ly")


def common_word(word: str, lemma: str = "") -> bool:
    """Whether ``word`` (lower case) is an English common word: in the lemma index itself, by
    its lemma, or less a regular ending."""
    known = _english_words()
    if not known:
        return False
    if word in known or (lemma and lemma in known):
        return True
    return any(word.endswith(x) and len(word) - len(x) >= 3 and word[: -len(x)] in known for x in _SUFFIXES)
