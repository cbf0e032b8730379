"""Matching a cast to the text: seeds, misspelt names, descriptions the cast gives.

A user's cast (``--cast``: names, aliases, genders) and AO3's character and relationship tags
seed one cluster each (``cast_seeds``), and every name the text writes for them joins it,
even spelt a little differently ("Nawab Bahadur" for the cast's "Nawab Badahur":
``misspelt_seed_keys``). A character the text knows by a description the cast gives as an
alias ("the Collector" for Mr. Turton) is that member (``join_cast_descriptions``).
Clustering, roles and address links never join two cast members: the user said who is who.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from ficlens.model import Gender
from ficlens.stages.characters.forms import Cluster, Form, Key
from ficlens.stages.names import split_relationship, strip_disambiguator


def cast_seeds(cast: Iterable[Any], metadata: Mapping[str, Any]) -> list[tuple[str, tuple[str, ...], Gender]]:
    """(name, aliases, gender) from the cast (objects with ``name``, optional ``aliases`` and
    ``gender``) and the AO3 character/relationship tags in ``metadata``; a name given twice is
    one seed with the aliases of both."""
    seeds: list[tuple[str, tuple[str, ...], Gender]] = []
    seen: dict[str, int] = {}

    def add(name: str, aliases: tuple[str, ...], gender: Gender) -> None:
        name = strip_disambiguator(name)
        if not name:
            return
        all_aliases = tuple(dict.fromkeys([name, *(strip_disambiguator(a) for a in aliases if a)]))
        low = name.lower()
        if low in seen:
            i = seen[low]
            old = seeds[i]
            seeds[i] = (old[0], tuple(dict.fromkeys(old[1] + all_aliases)), old[2])
            return
        seen[low] = len(seeds)
        seeds.append((name, all_aliases, gender))

    for member in cast:
        gender = getattr(member, "gender", "unknown")
        try:
            g = Gender(str(gender).lower())
        except ValueError:
            g = Gender.UNKNOWN
        add(str(member.name), tuple(getattr(member, "aliases", ()) or ()), g)
    for tag in _as_list(metadata.get("characters")):
        if not _ABBREVIATED.search(tag):
            add(tag, (), Gender.UNKNOWN)
    for tag in _as_list(metadata.get("relationships")):
        for name in split_relationship(tag):
            if not _ABBREVIATED.search(name):
                add(name, (), Gender.UNKNOWN)
    return seeds


# A site's character list that cuts the surname to an initial ("Harry P.", as fanfiction.net
# gives it) names no form the story writes; as a seed it would stand beside the story's
# "Harry Potter" as a second, empty character.
_ABBREVIATED = re.compile(r"\s[A-Z]\.$")


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def join_cast_descriptions(clusters: list[Cluster]) -> list[Cluster]:
    """A cluster found in the text under a name the cast gives one member ("the Collector",
    when the cast lists Mr. Turton with the alias "The Collector") is that member: the user
    said who is who. Compared by the cluster's most frequent written form, when it starts
    with "the"."""
    members = cast_names(clusters)
    gone: set[int] = set()
    for c in clusters:
        if c.cast_name is not None or c.is_reader:
            continue
        surfaces: Counter[str] = Counter()
        for f in c.forms:
            surfaces.update(f.surfaces)
        written = surfaces.most_common(1)[0][0] if surfaces else ""
        # Only descriptions: a name the clustering kept apart from a cast alias stays apart.
        member = members.get(_without_article(written)) if written.lower().startswith("the ") else None
        if member is None:
            continue
        for f in c.forms:
            member.add(f)
        gone.add(id(c))
    return [c for c in clusters if id(c) not in gone]


def cast_names(clusters: list[Cluster]) -> dict[str, Cluster]:
    """Each name and alias of the cast, lower-cased and without "the"/"a", -> the one member
    it names ("croupier" -> "The Croupier"); a name two members share names neither."""
    owners: dict[str, dict[int, Cluster]] = defaultdict(dict)
    for c in clusters:
        if c.cast_name is not None:
            for name in (c.cast_name, *c.cast_aliases):
                owners[_without_article(name)][id(c)] = c
    return {name: next(iter(by.values())) for name, by in owners.items() if len(by) == 1}


def misspelt_seed_keys(
    forms: Mapping[Key, Form],
    seed_keys: Mapping[Key, int],
    lower_words: set[str],
) -> dict[Key, int]:
    """Names the text writes that a cast spells a little differently ("Nawab Bahadur" for the
    cast's "Nawab Badahur", "May Welland" for "May Wellend"): the same title and words but one
    long word off by a letter or two swapped. Only proper names on both sides (not the cast's
    "The Waiter" for a "Walter", nor a word the text also writes in lower case, nor a place),
    never a plural ("the Musgroves"), and only when one cast member is that close."""
    found: dict[Key, int] = {}
    # (a list: "The Waiter" and another member's "Waiter" are two owners of one name)
    names = [((hon, tuple(_without_article(" ".join(words)).split())), i) for (hon, words), i in seed_keys.items()]
    for key, form in forms.items():
        if key in seed_keys or not key[1] or form.places + form.place_labels > len(form.spans) / 2:
            continue
        owners = {
            i
            for (hon, words), i in names
            if hon == key[0] and len(words) == len(key[1])
            and sum(a != b for a, b in zip(words, key[1], strict=True)) == 1
            and all(a == b or (a not in lower_words and b not in lower_words and _misspelt(a, b)) for a, b in zip(words, key[1], strict=True))
        }
        if len(owners) == 1:
            found[key] = owners.pop()
    return found


def _misspelt(a: str, b: str) -> bool:
    """Two spellings of one long name: a letter added, dropped or changed (six letters or more),
    or two letters swapped inside it (five or more); first letters agree, and a plural ("s",
    "es") is not a spelling."""
    if a[:1] != b[:1] or min(len(a), len(b)) < 5:
        return False
    short, long = sorted((a, b), key=len)
    if long in (short + "s", short + "es"):
        return False
    if len(a) == len(b) and sorted(a) == sorted(b) and a[-1] == b[-1]:
        return True
    if len(short) < 6 or len(long) - len(short) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    i = next((k for k, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    return short[i:] == long[i + 1 :]


def _without_article(name: str) -> str:
    words = name.lower().split()
    return " ".join(words[1:] if len(words) > 1 and words[0] in ("the", "a", "an") else words)
