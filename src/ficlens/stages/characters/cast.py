"""Matching a cast to the text: seeds, misspelt names, descriptions the cast gives.

A user's cast (``--cast``: names, aliases, genders) and AO3's character and relationship tags
seed one cluster each (``cast_seeds``), and every name the text writes for them joins it,
even spelt a little differently ("Nawab Bahadur" for the cast's "Nawab Badahur":
``misspelt_seed_keys``). A character the text knows by a description the cast gives as an
alias ("the Collector" for Mr. Turton) is that member (``join_cast_descriptions``), but a
lower-case description that is another character's epithet ("the painter" for Basil, where
the cast also lists "The Painter") stays a plain noun phrase (``settle_descriptions``).
A character beside the cast that two members could own ("the Duchess" beside two cast
duchesses) is, at each occurrence, the one its scene names (``settle_lookalikes_by_scene``);
what is left is recorded on it (``Character.lookalike_of``) and written as a warning by
``lookalike_warnings`` (by mentions, then by lines once the speakers stage counted them).
Clustering, roles and address links never join two cast members: the user said who is who.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from ficlens.lexicon import words
from ficlens.model import Character, Document, Gender, Token
from ficlens.stages.characters.address import dialogue_turns
from ficlens.stages.characters.forms import WIFE_TITLES, Cluster, Form, Key, gender_ok, key_of
from ficlens.stages.characters.words import PERSON_NOUNS, ROLE_NOUNS
from ficlens.stages.names import (
    first_name_gender,
    honorific_gender,
    name_variants,
    split_relationship,
    strip_disambiguator,
)


class Seed(NamedTuple):
    """One character the user or the work's tags name: a cluster from the start."""

    name: str
    aliases: tuple[str, ...]  # the name first, then the other forms
    gender: Gender
    found_by: str = "cast"  # "cast" (--cast) or "tag" (an AO3 character/relationship tag)


def cast_seeds(cast: Iterable[Any], metadata: Mapping[str, Any]) -> list[Seed]:
    """Seeds from the cast (objects with ``name``, optional ``aliases`` and ``gender``) and the
    AO3 character/relationship tags in ``metadata`` (``tag_names``); a name given twice is one
    seed with the aliases of both (the cast's word on gender and provenance first)."""
    seeds: list[Seed] = []
    seen: dict[str, int] = {}

    def add(name: str, aliases: tuple[str, ...], gender: Gender, found_by: str) -> None:
        name = strip_disambiguator(name)
        if not name:
            return
        all_aliases = tuple(dict.fromkeys([name, *(a for a in (strip_disambiguator(a) for a in aliases) if a)]))
        low = name.lower()
        if low in seen:
            i = seen[low]
            old = seeds[i]
            seeds[i] = old._replace(aliases=tuple(dict.fromkeys(old.aliases + all_aliases)))
            return
        seen[low] = len(seeds)
        seeds.append(Seed(name, all_aliases, gender, found_by))

    for member in cast:
        gender = getattr(member, "gender", "unknown")
        try:
            g = Gender(str(gender).lower())
        except ValueError:
            g = Gender.UNKNOWN
        add(str(member.name), tuple(getattr(member, "aliases", ()) or ()), g, "cast")
    for tag in _as_list(metadata.get("characters")):
        names = tag_names(tag)
        if names:
            add(names[0], names[1:], Gender.UNKNOWN, "tag")
    for tag in _as_list(metadata.get("relationships")):
        for person in split_relationship(tag):
            names = tag_names(person)
            if names:
                add(names[0], names[1:], Gender.UNKNOWN, "tag")
    return seeds


def tag_names(tag: str) -> tuple[str, ...]:
    """The names one AO3 character tag gives one person, or none when it names no one.

        "Zetsu (Naruto)"              -> ("Zetsu",)
        "Kyuubi | Nine-tails | Kurama" -> ("Kyuubi", "Nine-tails", "Kurama")
        'Michael "Robby" Robinavitch' -> ("Michael Robinavitch", "Robby")
        "Original Female Character", "OFC", "Male Inquisitor (Dragon Age)", "Team Seven",
        "Harry P."                    -> ()

    A tag that says "an original character", a gender and a role, a group or a site's cut
    name ("Harry P.") would seed a character the text never names; the story's own name for
    that person is found in the text like any other."""
    names = [n for part in tag.split("|") for n in _nicknamed(strip_disambiguator(part))]
    names = [n for n in names if n and not _ABBREVIATED.search(n)]
    names = [n for n in names if not any(w in _GENERIC_TAG_WORDS for w in _TAG_WORD.findall(n.lower()))]
    # A possessive is someone's relation ("Sasuke's Mother"), not a name.
    return tuple(n for n in names if not re.search(r"['\u2019]s\b", n))


def _nicknamed(name: str) -> tuple[str, ...]:
    """A name with a nickname in quotes inside it, as character tags write one: the name
    without it, then the nickname (``Michael "Robby" Robinavitch`` -> "Michael Robinavitch",
    "Robby"). The story says "Robby" or "Michael", never the three words together."""
    nicks = [(m.group(1) or m.group(2)).strip() for m in _QUOTED.finditer(name)]
    bare = " ".join(_QUOTED.sub(" ", name).split())
    if not nicks:
        return (" ".join(name.split()),)
    return tuple(n for n in (bare, *nicks) if n)


# A nickname in straight or curly double quotes, or in single quotes set off by spaces
# (not the apostrophe of "O'Brien").
_QUOTED = re.compile(r"[\"\u201c\u201d]([^\"\u201c\u201d]+)[\"\u201c\u201d]|(?<!\S)['\u2018]([^'\u2018\u2019]+)['\u2019](?!\S)")


_GENERIC_TAG_WORDS = words("characters-tag-generic-words")
_TAG_WORD = re.compile(r"[^\s()]+")


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


def seed_keys_of(seeds: list[Seed]) -> dict[Key, int]:
    """Each name form of a seed -> the seed's index: its names and aliases as given, then the
    forms a story writes for them, where only one seed has them: without an article ("The
    Stranger" -> "Stranger") and, for a two-word name, in the other order (the tag "Uzumaki
    Naruto", family name first, for the story's "Naruto Uzumaki")."""
    keys: dict[Key, int] = {}
    for i, seed in enumerate(seeds):
        for alias in seed.aliases:
            keys[key_of(alias)] = i
    derived: dict[Key, set[int]] = defaultdict(set)
    for i, seed in enumerate(seeds):
        for alias in seed.aliases:
            hon, words_ = key_of(alias)
            if len(words_) >= 2 and words_[0] in _ARTICLES:
                derived[(hon, words_[1:])].add(i)
            if hon is None and len(words_) == 2 and words_[0] not in _ARTICLES:
                derived[(None, (words_[1], words_[0]))].add(i)
    for key, owners in derived.items():
        if key not in keys and len(owners) == 1:
            keys[key] = next(iter(owners))
    return keys


_ARTICLES = frozenset({"the", "a", "an"})


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
    """Each description among the names and aliases of the cast, lower-cased and without
    "the"/"a", -> the one member it names ("croupier" -> "The Croupier"); a name two members
    share names neither. A description is a name the cast gives with an article, or a noun
    for a person ("Waiter", "Driver"); a proper name ("Victoria") is none: the story's "the
    victoria" is a carriage."""
    owners: dict[str, dict[int, Cluster]] = defaultdict(dict)
    for c in clusters:
        if c.cast_name is not None:
            for name in (c.cast_name, *c.cast_aliases):
                bare = _without_article(name)
                if bare != name.lower() or bare in PERSON_NOUNS or bare in ROLE_NOUNS:
                    owners[bare][id(c)] = c
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
    # The text's names by title, the other words, and each spelling key of the one word that
    # may differ; each seed name then looks up its own keys, so the work grows with the cast
    # once, not with the cast times the text.
    near: dict[tuple[Any, ...], list[tuple[str, Key]]] = defaultdict(list)
    for key, form in forms.items():
        if key in seed_keys or not key[1] or form.places + form.place_labels > len(form.spans) / 2:
            continue
        hon, names = key
        for p, word in enumerate(names):
            if len(word) >= 5 and word not in lower_words:
                for sk in _spelling_keys(word):
                    near[(hon, names[:p], names[p + 1 :], sk)].append((word, key))
    owners: dict[Key, set[int]] = defaultdict(set)
    if near:
        for (hon, seed_words), i in seed_keys.items():
            names = tuple(_without_article(" ".join(seed_words)).split())
            for p, word in enumerate(names):
                if len(word) < 5 or word in lower_words:
                    continue
                for sk in _spelling_keys(word):
                    for other, key in near.get((hon, names[:p], names[p + 1 :], sk), ()):
                        if other != word and _misspelt(word, other):
                            owners[key].add(i)
    return {key: next(iter(ids)) for key, ids in owners.items() if len(ids) == 1}


def _spelling_keys(word: str) -> set[str]:
    """Keys two spellings ``_misspelt`` allows share: the word with one letter dropped (a
    letter changed, added or dropped), and its letters sorted with the last one kept (two
    swapped)."""
    return {word, *(word[:k] + word[k + 1 :] for k in range(len(word))), "\0" + "".join(sorted(word)) + word[-1:]}


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


def join_split_members(clusters: list[Cluster], natural: list[Cluster]) -> list[Cluster]:
    """A cast never splits a character the run without a cast keeps whole: ``natural`` is
    the clustering of the same forms with no seeds, and a character found beside the cast
    whose forms ``natural`` puts with forms of one cast member only (and no other) joins that
    member ("Lizzy" beside the cast's "Elizabeth Bennet" when the text ties them), gender
    permitting. Forms ``natural`` puts with two members join neither: the user said who is who."""
    natural_of = {id(f): n for n in natural for f in n.forms}
    owner = {id(f): c for c in clusters for f in c.forms}
    gone: set[int] = set()
    for c in clusters:
        if c.cast_name is not None or c.is_reader or not c.forms:
            continue
        members: dict[int, Cluster] = {}
        for f in c.forms:
            n = natural_of.get(id(f))
            for g in n.forms if n is not None else ():
                m = owner.get(id(g))
                if m is not None and m.cast_name is not None:
                    members[id(m)] = m
        if len(members) != 1:
            continue
        member = next(iter(members.values()))
        if not gender_ok(member.gender_hint(), c.gender_hint()):
            continue
        for f in c.forms:
            member.add(f)
            owner[id(f)] = member
        gone.add(id(c))
    return [c for c in clusters if id(c) not in gone]


def join_name_variants(clusters: list[Cluster], owners: Mapping[str, Mapping[int, Cluster]]) -> list[Cluster]:
    """A character found beside the cast whose every name is a cast member's name written
    another way joins that member, when only one member has those words: without or with an
    article ("Stranger" for "The Stranger"), a part of a hyphenated name or the parts in
    another order ("Bold Anne" for "Anne-the-Bold"), a pet form or nickname ("Annie" for
    "Anne"), case and possessive aside (the form keys are lower case, without "'s").
    A title that says another gender, or one the member's names contradict ("Mrs." for a
    "Mr."), keeps it apart. ``owners``: ``cast_words`` of the clusters."""
    gone: set[int] = set()
    for c in clusters:
        if c.cast_name is not None or c.is_reader or not c.forms:
            continue
        # A title of the other sex rules a member out before the count: "Mrs. Elton's" is
        # Mrs. Elton's name, though Mr. Elton has the word too.
        found = [m for m in _owners_of(c, owners) if not _titles_clash(c, m)]
        if len(found) != 1:
            continue
        member = found[0]
        if not gender_ok(member.gender_hint(), c.gender_hint()):
            continue
        for f in c.forms:
            member.add(f)
        gone.add(id(c))
    return [c for c in clusters if id(c) not in gone]


def settle_lookalikes_by_scene(clusters: list[Cluster], owners: Mapping[str, Mapping[int, Cluster]]) -> list[Cluster]:
    """A character found beside the cast whose names two or more members could own ("the
    Duchess" beside the cast's Duchess of Monmouth and Duchess of Harley, "Bates" beside
    Miss Bates and Mrs. Bates) is, at each occurrence, the one of them the scene is about:
    an occurrence goes to the member named by its own names within ``_SCENE`` tokens, when
    exactly one of them is (gender and titles permitting, as for ``join_name_variants``).
    What no scene settles stays with the character, which the output names as a lookalike;
    a character left with no occurrence is gone. ``owners``: ``cast_words`` of the clusters."""
    titled = _with_ranks(clusters, owners)
    gone: set[int] = set()
    starts: dict[int, list[int]] = {}
    for c in clusters:
        if c.cast_name is not None or c.is_reader or not c.forms:
            continue
        found = [m for m in _owners_of(c, titled) if not _titles_clash(c, m) and gender_ok(m.gender_hint(), c.gender_hint())]
        if len(found) < 2:
            continue
        for m in found:
            if id(m) not in starts:
                starts[id(m)] = sorted(s for f in m.forms for s, _ in f.spans)
        moved: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(dict)
        for fi, f in enumerate(c.forms):
            for mid, spans in _scene_moves(f.spans, found, lambda m: starts[id(m)]).items():
                moved[mid][fi] = spans
        if not moved:
            continue
        taken = {sp for by_form in moved.values() for spans in by_form.values() for sp in spans}
        for m in found:
            for fi, spans in moved.get(id(m), {}).items():
                m.add(replace(c.forms[fi], spans=spans, surfaces=Counter(c.forms[fi].surfaces)))
        for f in c.forms:
            f.spans = [sp for sp in f.spans if sp not in taken]
        c.forms = [f for f in c.forms if f.spans]
        if not c.forms:
            gone.add(id(c))
    return [c for c in clusters if id(c) not in gone]


def settle_shared_first_names(clusters: list[Cluster]) -> list[Cluster]:
    """A bare first name the cast gives one member that is also the first name of another
    member's full name ("John" for John Beaver beside the member "John Andrew") is, at each
    occurrence, the one of them the scene names by its other forms: an occurrence goes to
    another member when that member is named within ``_SCENE`` tokens and the name's owner
    is not. What no scene settles stays with the owner: the user gave it that name. Members
    of another gender are left out ("Hamidullah" beside "Hamidullah Begum", his wife)."""
    members = [c for c in clusters if c.cast_name is not None]
    by_first: dict[str, list[Cluster]] = defaultdict(list)
    for m in members:
        firsts = {
            k[1][0] for k in (key_of(a) for a in (m.cast_name or "", *m.cast_aliases)) if k[0] is None and len(k[1]) >= 2
        }
        for w in firsts:
            by_first[w].append(m)
    if not by_first:
        return clusters
    starts: dict[tuple[int, str], list[int]] = {}

    def named(m: Cluster, word: str) -> list[int]:
        # A member's occurrences by its names other than the bare shared word.
        if (id(m), word) not in starts:
            starts[(id(m), word)] = sorted(s for f in m.forms if f.key != (None, (word,)) for s, _ in f.spans)
        return starts[(id(m), word)]

    for owner in members:
        for f in list(owner.forms):
            hon, ws = f.key
            if hon is not None or len(ws) != 1:
                continue
            others = [
                m for m in by_first.get(ws[0], ()) if m is not owner and gender_ok(m.gender_hint(), owner.gender_hint())
            ]
            if not others:
                continue
            moved = _scene_moves(f.spans, [owner, *others], lambda m, word=ws[0]: named(m, word), stay=owner)
            if not moved:
                continue
            for m in others:
                if id(m) in moved:
                    m.add(replace(f, spans=moved[id(m)], surfaces=Counter(f.surfaces)))
            taken = {sp for spans in moved.values() for sp in spans}
            f.spans = [sp for sp in f.spans if sp not in taken]
            if not f.spans:
                owner.forms.remove(f)
    return clusters


def _scene_moves(
    spans: list[tuple[int, int]],
    members: list[Cluster],
    starts_of: Callable[[Cluster], list[int]],
    stay: Cluster | None = None,
) -> dict[int, list[tuple[int, int]]]:
    """id(member) -> the spans whose scene names exactly that one of ``members`` (by the
    sorted token starts ``starts_of`` gives, within ``_SCENE`` tokens), in order; a span
    whose one member is ``stay`` stays where it is."""
    moved: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for span in spans:
        near = [m for m in members if _near(starts_of(m), span[0], _SCENE)]
        if len(near) == 1 and near[0] is not stay:
            moved[id(near[0])].append(span)
    return moved


def _with_ranks(clusters: list[Cluster], owners: Mapping[str, Mapping[int, Cluster]]) -> dict[str, dict[int, Cluster]]:
    """``owners`` with each member's rank as a name word of it ("the Duchess" for Duchess of
    Monmouth); the plain titles ("the lady", "Mr.") are none."""
    titled: dict[str, dict[int, Cluster]] = {w: dict(by) for w, by in owners.items()}
    for m in clusters:
        if m.cast_name is not None:
            for h in {*m.honorifics, *(key_of(a)[0] for a in (m.cast_name, *m.cast_aliases))}:
                if h and h not in _PLAIN_TITLES:
                    titled.setdefault(h, {})[id(m)] = m
    return titled


_PLAIN_TITLES = frozenset(
    {"mr", "mrs", "miss", "ms", "mister", "lady", "lord", "sir", "madame", "mme", "monsieur", "mademoiselle",
     "mlle", "master", "mistress", "dame", "herr", "frau", "signor", "signora", "signorina"}
)  # fmt: skip


def cast_lookalikes(
    clusters: list[Cluster], owners: Mapping[str, Mapping[int, Cluster]]
) -> list[tuple[Cluster, list[Cluster]]]:
    """The characters beside the cast whose names are a cast member's written another way
    (as ``join_name_variants`` reads them) but which did not join one, because two members
    share those words or the gender or a title says otherwise: each with the members it may
    be, so that the output can tell the user ("'Stranger' may be the cast's 'The Stranger'")."""
    out = []
    # A rank two members share and no scene settled ("the Duchess" beside two cast
    # duchesses: ``settle_lookalikes_by_scene``) is said too.
    titled = _with_ranks(clusters, owners)
    for c in clusters:
        if c.cast_name is None and not c.is_reader and c.forms:
            # A title of the other sex is another person ("Mr. Cole" beside the cast's
            # "Mrs. Cole"), not a name written another way.
            found = [m for m in _owners_of(c, titled) if not _titles_clash(c, m)]
            if found:
                out.append((c, found))
    return out


def lookalike_warnings(characters: Sequence[Character], counted: str = "mentions") -> list[str]:
    """The warning for each character that may be a cast member (``Character.lookalike_of``,
    set by the characters stage): "'Stranger' (89 lines) may be the cast's 'The Stranger'".
    ``counted``: "mentions" (what the characters stage knows) or "lines" (what the user loses
    to the stray character, once the speakers stage has counted them)."""
    out = []
    for c, head, tail in _lookalike_parts(characters):
        n = c.quotes if counted == "lines" else c.mentions
        out.append(f"{head}{n} {counted[:-1] if n == 1 else counted}{tail}")
    return out


def recount_lookalike_warnings(warnings: list[str], characters: Sequence[Character]) -> list[str]:
    """``warnings`` with each lookalike warning the characters stage wrote (by mentions) put
    by lines instead, counted on ``characters`` once speakers are known. The old text is
    found from the character's own record, whatever mention count it gave (coreference
    counts more mentions after it was written)."""
    out = list(warnings)
    for (_, head, tail), now in zip(_lookalike_parts(characters), lookalike_warnings(characters, "lines"), strict=True):
        was = re.compile(re.escape(head) + r"\d+ mentions?" + re.escape(tail))
        k = next((k for k, w in enumerate(out) if was.fullmatch(w)), None)
        if k is None:
            out.append(now)
        else:
            out[k] = now
    return out


def _lookalike_parts(characters: Sequence[Character]) -> Iterator[tuple[Character, str, str]]:
    """Per lookalike character, its warning's text before and after the count."""
    names = {c.id: c.name for c in characters}
    for c in characters:
        members = [names[m] for m in c.lookalike_of if m in names]
        if members:
            yield c, f"{c.name!r} (", ") may be the cast's " + " or ".join(repr(m) for m in members)


def cast_words(clusters: list[Cluster]) -> dict[str, dict[int, Cluster]]:
    """Each name word of each cast member (hyphenated names in parts, no articles or titles)
    and each nickname of it -> the members that have it. One pass over the cast. A man's
    first name after a wife's title is her husband's, not hers ("Charles" of the alias
    "Mrs. Charles")."""
    owners: dict[str, dict[int, Cluster]] = defaultdict(dict)
    for c in clusters:
        if c.cast_name is None:
            continue
        for alias in (c.cast_name, *c.cast_aliases):
            key = key_of(alias)
            if key[0] in WIFE_TITLES and key[1] and first_name_gender(key[1][0]) == Gender.MALE:
                key = (key[0], key[1][1:])
            for w in _name_words(key):
                owners[w][id(c)] = c
                for v in name_variants(w):
                    owners.setdefault("~" + v, {})[id(c)] = c
    return owners


def _owners_of(c: Cluster, owners: Mapping[str, Mapping[int, Cluster]]) -> list[Cluster]:
    """The cast members that have every name word of every form of ``c`` (a word may be a
    nickname or pet form of the member's), in cast order."""
    found: dict[int, Cluster] | None = None
    for f in c.forms:
        words_ = _name_words(f.key)
        if not words_:
            return []
        for w in words_:
            has = dict(owners.get(w, {}))
            if not has:
                for stem in (w, *_pet_stems(w)):
                    has.update(owners.get("~" + stem, {}))
            found = has if found is None else {k: v for k, v in found.items() if k in has}
            if not found:
                return []
    return list(found.values()) if found else []


def _name_words(key: Key) -> tuple[str, ...]:
    return tuple(
        part
        for word in key[1]
        for part in word.replace("\u2019", "'").removesuffix("'s").split("-")
        if part and part not in _ARTICLES and part not in _JOINERS
    )


# Words inside a descriptive name that say nothing of whose it is: "Anne-the-Bold", "Jack of Hearts".
_JOINERS = frozenset({"of", "de", "van", "von"})


def _pet_stems(word: str) -> list[str]:
    """Names ``word`` may be a pet form of: "Annie" -> "ann", "anne"; "Bertie" -> "bert";
    "Reggie" -> "reg"."""
    stems = []
    for suffix in ("ie", "ey", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            stems += [stem, stem + "e"]
            if len(stem) >= 4 and stem[-1] == stem[-2]:
                stems += [stem[:-1], stem[:-1] + "e"]
    return stems


def _titles_clash(c: Cluster, member: Cluster) -> bool:
    mine = {f.key[0] for f in c.forms if f.key[0]}
    theirs = set(member.honorifics)
    if any(_CLASHING.get(h, frozenset()) & theirs for h in mine):
        return True
    # Any other title that says a sex ("Monsieur Lebrun" beside "Madame Lebrun").
    their_sexes = {honorific_gender(h) for h in theirs} - {Gender.UNKNOWN}
    if any({honorific_gender(h)} | their_sexes == {Gender.MALE, Gender.FEMALE} for h in mine):
        return True
    # A woman's title beside a member the cast titles otherwise and does not call a woman
    # ("Mrs. Crawford" beside "Admiral Crawford") is his wife or kin, not his name.
    womans = {h for h in mine if honorific_gender(h) == Gender.FEMALE}
    return (
        bool(womans)
        and bool(theirs)
        and member.cast_gender != Gender.FEMALE
        and not any(honorific_gender(h) == Gender.FEMALE for h in theirs)
    )


_CLASHING = {
    "mrs": frozenset({"mr", "mister", "miss", "sir", "lord"}),
    "miss": frozenset({"mr", "mister", "mrs", "sir", "lord"}),
    "ms": frozenset({"mr", "mister", "sir", "lord"}),
    "lady": frozenset({"mr", "mister", "sir", "lord"}),
    "mr": frozenset({"mrs", "miss", "ms", "lady"}),
    "mister": frozenset({"mrs", "miss", "ms", "lady"}),
    "sir": frozenset({"mrs", "miss", "ms", "lady"}),
    "lord": frozenset({"mrs", "miss", "ms", "lady"}),
}


def settle_descriptions(
    doc: Document,
    tokens: list[Token],
    in_quote: list[bool],
    edges: tuple[set[int], set[int]],
    clusters: list[Cluster],
) -> list[Cluster]:
    """Where a lower-case description a cast member took by its name or alias ("the painter"
    for a member "The Painter", "the girl" for one with the alias "The Girl") is in fact
    another character's epithet, it is given up, and stays a plain noun phrase as in the run
    without a cast. A novel calls its named painter "the painter" and its heroine "the girl"
    throughout; a cast made from a character list may hold "The Painter" beside him, or
    "The Girl" as the alias of someone met once.

    - A member the text also names keeps a description that is a plain noun for a person
      ("the girl") within ``_SCENE`` tokens of one of its names (the scene it is in), not
      elsewhere; a particular description ("the angel") everywhere.
    - A member known only by the description keeps it unless the dialogue answers another
      character's name with it: a quote addresses X by name and the next paragraph's reply
      is tagged "said the painter", ``_EPITHET_ANSWERS`` times or more and more often than
      the member's own names."""
    names = cast_names(clusters)
    for c in clusters:
        # Only what the member took by its own names: a title ("the Major" of Major
        # Callendar) or an apposition joined its holder by the text's word.
        described = [f for f in c.forms if f.key[0] == "the" and names.get(" ".join(f.key[1])) is c]
        if c.cast_name is None or not described:
            continue
        ids = {id(f) for f in described}
        own = sorted(s for f in c.forms if id(f) not in ids for s, _ in f.spans)
        if own:
            # A plain noun for a person ("the girl", "the man") is whoever the scene is
            # about; a particular one ("the angel", "the chaplain") is its bearer anywhere.
            for f in described:
                if f.key[1][-1] in PERSON_NOUNS:
                    f.spans = [sp for sp in f.spans if _near(own, sp[0], _SCENE)]
        elif _answers_to_another(doc, tokens, in_quote, edges, clusters, c, described):
            for f in described:
                f.spans = []
        c.forms = [f for f in c.forms if f.spans or id(f) not in ids]
    return clusters


# A scene's reach in tokens: a member named this close keeps its description.
_SCENE = 1000
# Replies tagged with a description after a quote that addresses another by name.
_EPITHET_ANSWERS = 2


def _near(sorted_starts: list[int], start: int, reach: int) -> bool:
    k = bisect_left(sorted_starts, start)
    return any(0 <= j < len(sorted_starts) and abs(sorted_starts[j] - start) <= reach for j in (k - 1, k))


def _answers_to_another(
    doc: Document,
    tokens: list[Token],
    in_quote: list[bool],
    edges: tuple[set[int], set[int]],
    clusters: list[Cluster],
    member: Cluster,
    descriptions: list[Form],
) -> bool:
    """Whether the dialogue answers another character's name with ``member``'s
    ``descriptions`` (``settle_descriptions``)."""
    described = Cluster(forms=descriptions)
    ids = {id(f) for f in descriptions}
    rest = Cluster(forms=[f for f in member.forms if id(f) not in ids])
    others = [c for c in clusters if c is not member]
    every = [*others, rest, described]
    d, m = len(every) - 1, len(every) - 2
    _, _, paragraphs, addressed, tagged = dialogue_turns(doc, tokens, in_quote, edges, every)
    answers: Counter[int] = Counter()
    for pid in paragraphs:
        voc = addressed.get(pid, set())
        if tagged.get(pid + 1) == {d} and len(voc) == 1 and d not in voc:
            answers[next(iter(voc))] += 1
    best = max((n for a, n in answers.items() if a != m), default=0)
    return best >= _EPITHET_ANSWERS and best > answers[m]
