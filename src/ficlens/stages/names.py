"""Name helpers shared by the characters and coref stages.

Honorifics, nicknames (from the ``nicknames`` package's offline table) and weak
first-name gender hints::

    split_name("Miss Elizabeth Bennet") -> NameParts(honorific="miss", words=("Elizabeth", "Bennet"))
    nickname_compatible("Lizzy", "Elizabeth") -> True
    honorific_gender("mrs") -> Gender.FEMALE

The tables are data files: ``data/lexicon/names-honorifics.txt``, ``names-not-names.txt``,
``names-female.txt`` and ``names-male.txt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ficlens.lexicon import entries, words
from ficlens.model import Gender

# Canonical honorific -> gender it implies (UNKNOWN when it says nothing).
HONORIFICS: dict[str, Gender] = {
    word: Gender(gender) for word, gender in (entry.split() for entry in entries("names-honorifics"))
}

# Honorifics that usually take a first name ("Lady Catherine", "Sir William", "Aunt Polly").
FIRST_NAME_HONORIFICS = frozenset(
    {"lady", "sir", "dame", "aunt", "auntie", "uncle", "king", "queen", "prince", "princess", "sister", "brother"}
)

# Words that look like names (capitalised, PROPN) but are not people on their own.
NOT_NAMES = words("names-not-names")

# Months that are also given names ("May Welland", "June"): in NOT_NAMES, so they never
# stretch a name ("in June Kitty"), but a lone "May" is a name where the grammar says so (the
# characters stage asks for a speech tag or a vocative; spaCy often calls "said May" a DATE),
# never from "in May".
MONTH_NAMES = frozenset({"april", "may", "june", "august"})

_TRAILING_DOT = re.compile(r"\.$")


@dataclass(frozen=True, slots=True)
class NameParts:
    honorific: str | None  # canonical, lower case, no dot
    words: tuple[str, ...]  # the name words, as written


def canonical_honorific(word: str) -> str | None:
    """'Mrs.' -> 'mrs'; None when the word is not an honorific."""
    key = _TRAILING_DOT.sub("", word.strip()).lower()
    return key if key in HONORIFICS else None


def split_name(text: str) -> NameParts:
    """Split a proper mention into a leading honorific and its name words."""
    words = [w for w in re.split(r"\s+", text.strip()) if w]
    honorific = None
    while words and canonical_honorific(words[0]) is not None and len(words) > 1:
        honorific = honorific or canonical_honorific(words[0])
        words = words[1:]
    return NameParts(honorific, tuple(words))


def honorific_gender(honorific: str | None) -> Gender:
    return HONORIFICS.get(honorific or "", Gender.UNKNOWN)


@lru_cache(maxsize=1)
def _nicknamer():  # type: ignore[no-untyped-def]
    # The package ships its CSV inside the wheel, so nothing downloads.
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=65536)
def name_variants(word: str) -> frozenset[str]:
    """The word and every name the nickname table links it to, lower case."""
    nn = _nicknamer()
    low = word.lower()
    return frozenset({low} | nn.nicknames_of(low) | nn.canonicals_of(low))


def diminutive_of(word: str, full: str) -> bool:
    """True when ``word`` is ``full`` or one of its listed nicknames ("Lizzy" of "Elizabeth").

    One direction only: nickname links chain (Louisa -> Eliza -> Elizabeth), so a lone
    word must be a nickname of a name the cluster already holds, not the other way round.
    """
    lw, lf = word.lower(), full.lower()
    if lw == lf or lw in _nicknamer().nicknames_of(lf):
        return True
    # "Kit" of "Kitty", "Hat" of "Hattie": a name cut shorter still. Not the other way: a pet
    # form of a name is often someone else ("Johnnie" beside "Sir John", "Jacky" beside a
    # "Jack").
    return len(lw) < len(lf) and pet_form(lw, lf)


def nickname_compatible(a: str, b: str) -> bool:
    """True when two first names may name one person (same, or a listed nickname)."""
    la, lb = a.lower(), b.lower()
    if la == lb:
        return True
    return lb in name_variants(la) or la in name_variants(lb)


# A long vowel in a romanised Japanese name is written doubled or not, by the romanisation
# and the writer: "Raidou"/"Raido", "Hyuuga"/"Hyuga", "Yuuki"/"Yuki", "Kyouko"/"Kyoko" ("ou"
# before a consonant or at the end; "Louis" keeps its "ou").
_LONG_VOWEL = re.compile(r"(?<=[^aeiou])ou(?![aeiou])|uu")


def long_vowel_folded(word: str) -> str:
    """``word`` (lower case) with a romanised long vowel written short: "raidou" -> "raido",
    "hyuuga" -> "hyuga". Two spellings of one name fold to the same string."""
    return _LONG_VOWEL.sub(lambda m: m.group(0)[0], word)


_PET_SUFFIXES = ("y", "ie", "ey")


def pet_form(a: str, b: str) -> bool:
    """True when one name is the other with a pet ending, its last consonant doubled or not:
    "Kit"/"Kitty", "Bert"/"Bertie", "Reg"/"Reggie" (lower case). The nickname table lists
    many such pairs but not all ("Kitty" is missing), and the ending is one step, so unlike
    the table's links it does not chain. The stem needs three letters ("Jo"/"Joey" is left
    to the table)."""
    short, long = sorted((a, b), key=len)
    if len(short) < 3 or not long.startswith(short) or not short.isalpha():
        return False
    rest = long[len(short) :]
    if rest[:1] == short[-1] and short[-1] not in "aeiouy":
        rest = rest[1:]
    return rest in _PET_SUFFIXES


@lru_cache(maxsize=1)
def known_given_names() -> frozenset[str]:
    nn = _nicknamer()
    names: set[str] = set(nn.nickname_lookup) | set(nn.canonical_lookup)
    return frozenset(names | _FEMALE_NAMES | _MALE_NAMES)


def is_given_name(word: str) -> bool:
    return word.lower() in known_given_names()


# A compact table of common given names for a weak gender hint. Pronoun and honorific
# evidence always outweighs it (see coref); it only decides when nothing else does.
_FEMALE_NAMES = words("names-female")
_MALE_NAMES = words("names-male")


def first_name_gender(word: str) -> Gender:
    """A weak hint from the first name; UNKNOWN when the table does not know it."""
    low = word.lower()
    if low in _FEMALE_NAMES:
        return Gender.FEMALE
    if low in _MALE_NAMES:
        return Gender.MALE
    return Gender.UNKNOWN


def strip_disambiguator(tag: str) -> str:
    """'Castiel (Supernatural)' -> 'Castiel'; AO3 adds the fandom in parentheses."""
    return re.sub(r"\s*\([^)]*\)\s*", " ", tag).strip()


def split_relationship(tag: str) -> list[str]:
    """'Harry Potter/Draco Malfoy' -> ['Harry Potter', 'Draco Malfoy'] (also '&')."""
    return [p for p in (strip_disambiguator(x) for x in re.split(r"\s*[/&]\s*", tag)) if p]
