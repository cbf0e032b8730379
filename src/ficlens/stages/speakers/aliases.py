"""Character lookup by the text of a name or description, for speech tags and vocatives.

::

    names = AliasLookup(doc.characters)   # Elizabeth Bennet, Mr. Darcy, The Clerk At The Trial
    names.lookup("Elizabeth")              # ("C0",): an unambiguous part of a name
    names.lookup("the clerk at the trial") # ("C2",): a full alias, articles aside
    names.lookup("Mr. Bennet")             # the men among the Bennets only
    names.alias_owners("the clerk")        # set(): not anyone's alias in full

Full aliases are tried first, then the words of a name (titles and function words of
descriptive aliases aside, tables ``speakers-titles-*`` and ``speakers-function-words``).
"""

from __future__ import annotations

import re

from ficlens import lexicon
from ficlens.model import Character, Gender
from ficlens.stages.speech_verbs import TITLES

_FUNCTION_WORDS = lexicon.words("speakers-function-words")
_MALE_TITLES = lexicon.words("speakers-titles-male")
_FEMALE_TITLES = lexicon.words("speakers-titles-female")


class AliasLookup:
    """Character lookup by alias text: full aliases first, then unambiguous name parts."""

    def __init__(self, characters: list[Character]) -> None:
        self.gender = {c.id: c.gender for c in characters}
        self.full: dict[str, set[str]] = {}
        self.part: dict[str, set[str]] = {}
        for c in characters:
            for alias in (c.name, *c.aliases):
                key = normalise(alias)
                if not key:
                    continue
                self.full.setdefault(key, set()).add(c.id)
                for word in key.split():
                    # Function words of descriptive aliases ("the clerk at the trial") name nobody.
                    if word not in TITLES and word not in _FUNCTION_WORDS and len(word) > 1 and word[0].isalpha():
                        self.part.setdefault(word, set()).add(c.id)

    def alias_owners(self, text: str) -> set[str]:
        """The characters whose name or one of whose aliases the text is in full (articles
        aside); empty when it is nobody's."""
        return self.full.get(normalise(text), set())

    def nickname(self, word: str) -> str | None:
        """The one character a single word of address is a shortening or pet form of: the first
        letters of a word of their name ("Mags" is not, "Marg" is Margaret's), or that word with
        a few letters added ("Tommy" for Tom; "Kolyaaa", a drawn-out "Kolya"); None when it
        fits nobody or more than one."""
        owners = self.nickname_owners(word)
        return next(iter(owners)) if len(owners) == 1 else None

    def nickname_owners(self, word: str) -> set[str]:
        """Every character ``word`` may be a shortening or pet form of (``nickname``)."""
        low = re.sub(r"(.)\1{2,}$", r"\1", word.lower())  # "Kolyaaa" -> "Kolya"
        if len(low) < 3 or not low.isalpha():
            return set()
        owners: set[str] = set()
        for part, ids in self.part.items():
            if len(part) < 3 or part == low:
                continue
            if part.startswith(low) or (low.startswith(part) and len(low) - len(part) <= 3):
                owners |= ids
        return owners

    def lookup(self, text: str) -> tuple[str, ...]:
        """The characters ``text`` may name, sorted; empty when none or when a word of it
        belongs to nobody."""
        key = normalise(text)
        if not key:
            return ()
        if key in self.full:
            return tuple(sorted(self.full[key]))
        words = key.split()
        content = [w for w in words if w not in TITLES]
        if not content:
            return ()
        ids: set[str] | None = None
        for word in content:
            found = self.part.get(word)
            if not found:
                return ()
            ids = set(found) if ids is None else ids & found
        if not ids:
            return ()
        # A title says the gender: "Mr. Bennet" is not Mrs. Bennet.
        wanted = None
        if words[0] in _MALE_TITLES:
            wanted = Gender.MALE
        elif words[0] in _FEMALE_TITLES:
            wanted = Gender.FEMALE
        if wanted is not None:
            kept = {i for i in ids if self.gender.get(i) in (wanted, Gender.UNKNOWN, Gender.NONBINARY)}
            ids = kept or ids
        return tuple(sorted(ids))


def normalise(text: str) -> str:
    """Lower case, full stops and leading articles dropped, edge punctuation stripped:
    "The Beadle." -> "beadle", "Margaret--" -> "margaret"."""
    words = text.lower().replace(".", " ").replace("’", "'").split()
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    # End dashes too: "said Margaret--" is Margaret.
    return " ".join(w.strip(",;:!?\"'-—–") for w in words).strip()
