"""Clustering accepted name forms into characters, BookNLP-style.

Full names first ("Elizabeth Bennet", "Sir William Lucas"), then honorific forms ("Mr.
Darcy", "Miss Elizabeth"), then single words: a first name, nickname or name cut short
("Kit" of "Kitty") of one cluster, else a surname, else a new character. A word that is one
name's first word and another's last goes where the text writes it in full more often
("Newland" is Newland Archer's, not young van der Luyden Newland's); a surname two brothers
share goes to the one named last before it (``_nearest_named``). People sharing a surname
stay apart: "Mr. X" never joins a female cluster, and "Mrs. X" joins a cluster called
"Mrs." or the one full name with that surname whose gender fits ("Edna Pontellier"), or
among several the one woman's when the text has no "Miss X" (``_full_name_owner``). Cast
seeds are clusters from the start: their names and aliases find the forms that name them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable

from ficlens.model import Gender
from ficlens.stages.characters.cast import Seed
from ficlens.stages.characters.forms import Cluster, Form, Key, gender_ok, key_of
from ficlens.stages.names import (
    FIRST_NAME_HONORIFICS,
    diminutive_of,
    first_name_gender,
    honorific_gender,
    is_given_name,
    long_vowel_folded,
    name_variants,
    nickname_compatible,
)

# Honorifics that may take a first name the text already uses ("Miss Elizabeth").
_FIRST_NAME_OK = frozenset({"miss", "mr", "mrs", "ms", "master", "mister", "mlle", "mdlle", "mademoiselle"})


def cluster_forms(
    forms: dict[Key, Form],
    seeds: list[Seed],
    seed_keys: dict[Key, int],
) -> list[Cluster]:
    """The clusters of the accepted ``forms``: one per cast seed first (``seed_keys``: a
    seed's name keys -> its index), then full names, honorific forms and single words."""
    clusters: list[Cluster] = []
    by_key: dict[Key, Cluster] = {}
    index = _Index()
    for seed in seeds:
        c = Cluster(cast_name=seed.name, cast_aliases=seed.aliases, cast_gender=seed.gender, found_by=seed.found_by)
        for alias in seed.aliases:
            form = Form(key_of(alias))
            c.add(form)
            index.note(c, form)
        c.forms = []  # alias names inform matching; mentions come from the text only
        clusters.append(c)
    for key, i in seed_keys.items():
        by_key[key] = clusters[i]

    def first_match(word: str, gender: Gender) -> list[Cluster]:
        variants = name_variants(word)
        return [
            c
            for c in index.holding(("firsts", "singles", "spouse_firsts"), variants)
            if (
                any(nickname_compatible(word, f) for f in (variants & c.firsts) | (variants & c.singles))
                or (gender == Gender.FEMALE and any(nickname_compatible(word, f) for f in variants & c.spouse_firsts))
            )
            and gender_ok(c.gender_hint(), gender)
        ]

    def new_cluster() -> Cluster:
        c = Cluster()
        clusters.append(c)
        return c

    def join(c: Cluster, form: Form) -> None:
        c.add(form)
        index.note(c, form)
        by_key[form.key] = c

    ordered = sorted(forms.values(), key=lambda f: (-len(f.key[1]) if len(f.key[1]) >= 2 else -1, -len(f.spans), f.key[1]))
    # 1. Full names: "Elizabeth Bennet", "Sir William Lucas".
    for form in ordered:
        hon, words = form.key
        if form.key in by_key:
            join(by_key[form.key], form)
            continue
        if len(words) < 2:
            continue
        g = honorific_gender(hon)
        if g == Gender.UNKNOWN:
            g = first_name_gender(words[0])
        match = [
            c
            for c in index.holding(("lasts",), (words[-1],))
            if (
                any(nickname_compatible(words[0], f) for f in name_variants(words[0]) & c.firsts)
                or any(_initial_of(words[0], f) or _initial_of(f, words[0]) for f in c.firsts)
                or (g == Gender.FEMALE and any(nickname_compatible(words[0], f) for f in name_variants(words[0]) & c.spouse_firsts))
            )
            and gender_ok(c.gender_hint(), g)
            # "Tom Bertram" is not "Sir Thomas Bertram": beside a title, only the same first
            # name joins (a son often bears his titled father's name in a short form).
            and (words[0] in c.firsts or not ({hon, *c.honorifics} & FIRST_NAME_HONORIFICS))
        ]
        if not match and hon is None and len(words) == 2:
            # Family name first ("Uchiha Sasuke") is the person written "Sasuke Uchiha".
            match = [c for c in index.holding(("lasts",), (words[0],)) if words[1] in c.firsts and gender_ok(c.gender_hint(), g)]
        if not match:
            match = [c for c in index.holding(("singles",), (words[0],)) if c.cast_name and not c.lasts]
        join(_most(match) if match else new_cluster(), form)
    rest = [f for f in ordered if f.key not in by_key]
    # 2. Honorific + one word: "Mr. Darcy", "Lady Catherine", "Miss Bennet".
    for form in (f for f in rest if f.key[0] is not None):
        hon, words = form.key
        word = words[0]
        g = honorific_gender(hon)
        # Military and professional titles take a surname ("Colonel Fitzwilliam"); Miss/Mr
        # may take a first name the text already uses ("Miss Elizabeth").
        as_first = hon in FIRST_NAME_HONORIFICS or (hon in _FIRST_NAME_OK and bool(index.holding(("firsts",), (word,))))
        if index.holding(("lasts",), (word,)) and hon not in FIRST_NAME_HONORIFICS:
            as_first = False
        match: list[Cluster] = []
        if as_first:
            match = first_match(word, g)
            if hon in FIRST_NAME_HONORIFICS:
                # "Sir Thomas" is not "Tom Bertram": a title takes the name itself.
                match = [c for c in match if word in c.firsts or word in c.singles]
            # "Sir William" joins "Sir William Lucas" rather than a more frequent "William Collins".
            match = [c for c in match if hon in c.honorifics] or match
        else:
            same = [c for c in index.holding(("lasts",), (word,)) if gender_ok(c.gender_hint(), g)]
            if hon == "mrs":
                same = [c for c in same if "mrs" in c.honorifics]
            elif hon in ("miss", "ms"):
                # Only a known woman: "Edna Pontellier" (no hint) must not swallow "Mr. Pontellier".
                same = [c for c in same if not ({"mrs", "mr"} & set(c.honorifics)) and c.gender_hint() == g]
            elif hon in ("mr", "mister"):
                # A known man, or one known only by a title that does not say the gender
                # ("Inspector Ratcliffe" is "Mr. Ratcliffe"); not a full name without a hint.
                same = [
                    c for c in same
                    if not ({"mrs", "miss", "ms"} & set(c.honorifics))
                    and (c.gender_hint() == g or (c.honorifics and not c.firsts and c.gender_hint() == Gender.UNKNOWN))
                ]
            spelled_out: list[Cluster] = []
            if hon in ("mr", "mister", "miss") and form.narrated >= 0.2 * len(form.spans):
                # "Mr. John Knightley", written out often, is so called to tell him from
                # "Mr. Knightley", the head of the family (and "Miss Elizabeth" from "Miss Bennet").
                # Only when the narration too says "Mr. Knightley": a form heard only in
                # dialogue is how people address the full-named man ("Mr. Gray" to Dorian Gray).
                spelled_out = [
                    c for c in same if sum(len(f.spans) for f in c.forms if f.key[0] == hon and len(f.key[1]) >= 2) >= 3
                ]
                same = [c for c in same if c not in spelled_out]
            elif g != Gender.FEMALE:
                # "Admiral Croft" is not "Mrs Croft": a rank does not join a wife.
                same = [c for c in same if not ({"mrs", "miss", "ms"} & set(c.honorifics))]
            match = same if len(same) == 1 else []
            if not match and hon in _CONFLICTING and not spelled_out:
                # (not the full name just told apart: "Mr. Emerson" is not "Mr. George Emerson")
                match = _full_name_owner(index.holding(("lasts",), (word,)), forms, hon, word, g)
        join(_most(match) if match else new_cluster(), form)
    # 3. Single words: a first name or nickname, else a surname, else a new character.
    for form in (f for f in rest if f.key[0] is None):
        word = form.key[1][0]
        in_first = index.holding(("firsts", "singles"), (word,))
        # A nickname only when no one has it as a name: "Jock" is Jock Grant-Menzies, not John.
        fuller = name_variants(word) | {word + end for end in _PET_ENDINGS} | {word + word[-1:] + end for end in _PET_ENDINGS}
        in_first = in_first or [
            c for c in index.holding(("firsts", "singles"), fuller) if any(diminutive_of(word, f) for f in (fuller & c.firsts) | (fuller & c.singles))
        ]
        if (
            len(in_first) >= 2
            and not is_given_name(word)
            and all(word in c.firsts and any((None, (last,)) in forms for last in c.lasts) for c in in_first)
        ):
            # The family name several people write first ("Uchiha" of Uchiha Itachi, Uchiha
            # Shisui and Uchiha Sasuke, each called by the last word alone): a clan, no one.
            continue
        in_last = index.holding(("lasts",), (word,))
        match = in_first
        if in_last and in_first and not is_given_name(word) and _usage(in_first, word, 0) > _usage(in_last, word, -1):
            # Both a first name and a surname ("Newland" of Newland Archer and of young van der
            # Luyden Newland): the way the text mostly writes it in full decides.
            in_last = []
        if in_last and (not in_first or not is_given_name(word)):
            loose = [c for c in in_last if not (set(c.honorifics) and set(c.honorifics) <= {"mrs", "miss", "ms"})]
            # A bare surname is, by long convention, most often a man's ("Pontellier"): not
            # the wife's when only "Mrs. Braddocks" holds it (then a new character, her husband).
            male = [c for c in loose if c.gender_hint() == Gender.MALE]
            match = male or loose or in_first
            bearers = [c for c in match if c.firsts and c.gender_hint() != Gender.FEMALE]
            if len(bearers) > 1 and not in_first:
                # Brothers, or father and son, each with his first name: not the one most
                # often named, but the one named last before each bare surname.
                match = [_nearest_named(bearers, form, forms)]
        if not match:
            # One Japanese name romanised two ways ("Raidou" and "Raido", "Hyuuga" and
            # "Hyuga"), when only one character's name folds so.
            spelt = index.folded(word)
            match = spelt if len(spelt) == 1 else []
        if not match and len(word) >= 3 and not is_given_name(word):
            # A name's first syllables ("Naru" of "Naruto", "Kaka" of "Kakashi"), when only
            # one character's name starts so.
            starts = index.starting(word)
            match = starts if len(starts) == 1 else []
        join(_most(match) if match else new_cluster(), form)
    return clusters


def _initial_of(initial: str, name: str) -> bool:
    """"n." or "n" is the initial of "nadia": a log's "N. CASTELLANOS" is Nadia Castellanos."""
    letter = initial.rstrip(".")
    return len(letter) == 1 and len(name.rstrip(".")) > 1 and name.startswith(letter)


# Pet endings a name cut short may lack: "Kit" of "Kitty" (``names.pet_form``).
_PET_ENDINGS = ("y", "ie", "ey")


class _Index:
    """Which clusters hold a word as a first name, surname, single name or husband's first
    name, kept up to date as forms join: each form looks up its few candidates instead of
    scanning every cluster, so a cast of 200,000 names costs linear time. Candidates come
    back in the order the clusters were made, as a scan would find them."""

    FIELDS = ("firsts", "lasts", "singles", "spouse_firsts")

    def __init__(self) -> None:
        self.order: dict[int, int] = {}
        self.by: dict[str, dict[str, dict[int, Cluster]]] = {f: defaultdict(dict) for f in self.FIELDS}
        self.prefixes: dict[str, dict[int, Cluster]] = defaultdict(dict)  # "naru" -> Naruto's
        self.folds: dict[str, dict[int, Cluster]] = defaultdict(dict)  # "raido" -> Raidou's

    def note(self, c: Cluster, form: Form) -> None:
        """Index the words ``form`` gave ``c`` (after ``c.add(form)``)."""
        self.order.setdefault(id(c), len(self.order))
        words = form.key[1]
        for word in {words[0], words[-1]} if words else ():
            for field in self.FIELDS:
                if word in getattr(c, field):
                    self.by[field][word][id(c)] = c
            if word in c.firsts or word in c.singles:
                self.folds[long_vowel_folded(word)][id(c)] = c
                for k in range(3, len(word) - 1):
                    self.prefixes[word[:k]][id(c)] = c

    def starting(self, prefix: str) -> list[Cluster]:
        """The clusters with a first or single name that starts with ``prefix`` and is two
        letters or more longer."""
        return sorted(self.prefixes.get(prefix, {}).values(), key=lambda c: self.order[id(c)])

    def folded(self, word: str) -> list[Cluster]:
        """The clusters with a first or single name spelt otherwise than ``word`` that folds
        to the same long-vowel-free string (``names.long_vowel_folded``)."""
        found = self.folds.get(long_vowel_folded(word), {})
        return sorted((c for c in found.values() if word not in c.firsts | c.singles), key=lambda c: self.order[id(c)])

    def holding(self, fields: tuple[str, ...], words: Iterable[str]) -> list[Cluster]:
        found: dict[int, Cluster] = {}
        for field in fields:
            table = self.by[field]
            for word in words:
                found.update(table.get(word, {}))
        return sorted(found.values(), key=lambda c: self.order[id(c)])


# How far back (tokens) a bare surname looks for the last-named bearer of the name.
_SURNAME_LOOKBACK = 1000


def _nearest_named(
    clusters: list[Cluster], form: Form, forms: dict[Key, Form]
) -> Cluster:
    """Of several men with one surname, the one a bare surname means ("Oakley" for Maurice
    Oakley, not his brother Frank): each "Oakley" votes for the bearer named last before it,
    within ``_SURNAME_LOOKBACK`` tokens, by any name of his (first names included); the most
    votes win, then ``_most``."""
    named: list[tuple[int, int]] = []  # (token, cluster index)
    for i, c in enumerate(clusters):
        spans = [s for f in c.forms for s, _ in f.spans]
        spans += [s for first in c.firsts if (None, (first,)) in forms for s, _ in forms[(None, (first,))].spans]
        named.extend((s, i) for s in spans)
    named.sort()
    starts = [s for s, _ in named]
    votes: Counter[int] = Counter()
    for s, _ in form.spans:
        k = bisect_left(starts, s) - 1
        if k >= 0 and s - starts[k] <= _SURNAME_LOOKBACK:
            votes[named[k][1]] += 1
    top = max(votes.values(), default=0)
    return _most([c for i, c in enumerate(clusters) if votes[i] == top])


def _usage(clusters: list[Cluster], word: str, position: int) -> int:
    """Occurrences of the clusters' longer names that hold ``word`` at ``position`` (0: first
    name, -1: surname, "Colonel Fitzwilliam" included)."""
    return sum(
        len(f.spans)
        for c in clusters
        for f in c.forms
        if f.key[1][position] == word and (len(f.key[1]) >= 2 or (position == -1 and f.key[0]))
    )


# Honorifics that cannot name the same person as the key ("Mrs. X" is not "Mr. X").
_CONFLICTING = {
    "mrs": {"mr", "mister", "miss"},
    "miss": {"mr", "mister", "mrs"},
    "ms": {"mr", "mister"},
    "mr": {"mrs", "miss", "ms"},
    "mister": {"mrs", "miss", "ms"},
}


def _full_name_owner(
    bearers: list[Cluster], forms: dict[Key, Form], hon: str, word: str, g: Gender
) -> list[Cluster]:
    """"Mrs. Pontellier" is "Edna Pontellier" when she is the only full-name character with
    that surname and her gender fits. When the text also has a "Mr. Pontellier", the full
    name's gender must be known to say which of the two it is."""
    full = [c for c in bearers if c.firsts]
    if len(full) > 1 and hon == "mrs" and ("miss", (word,)) not in forms:
        # "Mrs. Cavendish" among John, Lawrence and Mary Cavendish: the one woman, unless the
        # text has a "Miss" of the name (Fanny Price, "Miss Price", is not "Mrs. Price").
        women = [
            c for c in full
            if c.gender_hint() == Gender.FEMALE and "miss" not in c.honorifics
            and not any(("miss", (first,)) in forms for first in c.firsts)
        ]
        if len(women) == 1 and all(c.gender_hint() == Gender.MALE for c in full if c is not women[0]):
            full = women
    if len(full) != 1:
        return []  # "Mrs. Bennet" with Jane Bennet and Elizabeth Bennet: no way to tell
    if set(full[0].honorifics) & _CONFLICTING[hon] or not gender_ok(full[0].gender_hint(), g):
        return []
    rival = any((h, (word,)) in forms for h in _CONFLICTING[hon])
    if rival and full[0].gender_hint() != g:
        return []
    return full


def _most(clusters: list[Cluster]) -> Cluster:
    return max(clusters, key=lambda c: (c.count, c.cast_name is not None))
