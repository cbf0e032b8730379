"""Characters: named people, their alias clusters, and name/nominal mentions.

Input: tokens, entities, sentences, paragraphs, quotes (and an optional cast, plus
AO3 ``metadata["characters"]`` / ``metadata["relationships"]`` tags). Output::

    "Elizabeth Bennet ... Lizzy ... Miss Elizabeth ... Mr. Bennet ... Mrs. Bennet"
      -> C0 "Elizabeth Bennet" (aliases Elizabeth Bennet, Lizzy, Miss Elizabeth), female
         C1 "Mr. Bennet" (male), C2 "Mrs. Bennet" (female)

Name spans come from PERSON entities, honorific + capitalised word runs, and
capitalised PROPN runs that are subjects of speech verbs or vocatives. A surface
form is a name when enough of its occurrences carry such evidence; then every
occurrence of it is a mention. Forms cluster BookNLP-style: full names first, then
honorific forms, then single words (first name or nickname of one cluster, else a
surname, else a new character). People sharing a surname stay apart: "Mr. X" never
joins a female cluster and "Mrs. X" only joins clusters that were called "Mrs.".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ficlens.model import Character, Document, Gender, Mention, MentionKind, Token
from ficlens.stages.names import (
    FIRST_NAME_HONORIFICS,
    NOT_NAMES,
    canonical_honorific,
    diminutive_of,
    first_name_gender,
    honorific_gender,
    is_given_name,
    nickname_compatible,
    quote_token_mask,
    split_name,
    split_relationship,
    strip_disambiguator,
)
from ficlens.stages.speech_verbs import SPEECH_LEMMAS

# Placeholders fan fiction uses for the reader's name.
READER_PLACEHOLDER = re.compile(r"[(\[]\s*[yY]\s*/\s*[nN]\s*[)\]]|\b[yY]/[nN]\b")

# Common nouns that denote a person; "the old man", "her sister" become nominal mentions.
PERSON_NOUNS = frozenset(
    """
    man woman boy girl lady gentleman child kid baby sister brother mother father mom mum dad son
    daughter aunt uncle cousin wife husband friend stranger servant maid king queen prince princess
    doctor nurse teacher officer soldier captain colonel girlfriend boyfriend lover widow widower
    grandmother grandfather niece nephew fellow youth lad lass guy dude master mistress
    """.split()
)
_NOMINAL_LEFT_DEPS = frozenset({"det", "poss", "amod", "compound", "nummod", "advmod"})
_FIRST_NAME_OK = frozenset({"miss", "mr", "mrs", "ms", "master", "mister"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP"})
_PLACE_PREPOSITIONS = frozenset({"at", "in", "into", "near", "through", "toward", "towards", "within", "across"})
_VOCATIVE_BEFORE = frozenset({",", "!", "?", ";", "oh", "o", "ah", "dear", "my", "dearest", "--", "—", "..."})
_VOCATIVE_AFTER = frozenset({",", "!", "?", ".", ";", "--", "—", "...", "…"})


@dataclass(frozen=True)
class CharacterConfig:
    # A character named fewer times than this is dropped unless it has strong evidence
    # (an honorific, a full name tagged PERSON, a speech tag or vocative, or the cast).
    min_mentions: int = 2
    # Share of a form's occurrences that must look like a person (PERSON entity,
    # honorific, speech-verb subject, vocative) for all its occurrences to count.
    min_person_share: float = 0.2
    nominals: bool = True


@dataclass
class _Form:
    key: tuple[str | None, tuple[str, ...]]  # (honorific, lower-cased name words)
    spans: list[tuple[int, int]] = field(default_factory=list)
    votes: int = 0
    strong: int = 0  # speech-verb subject or vocative evidence
    places: int = 0  # tagged GPE/LOC/FAC, or the object of "at"/"in": a place, not a person
    surfaces: Counter[str] = field(default_factory=Counter)


@dataclass
class _Cluster:
    firsts: set[str] = field(default_factory=set)
    lasts: set[str] = field(default_factory=set)
    singles: set[str] = field(default_factory=set)
    honorifics: Counter[str] = field(default_factory=Counter)
    forms: list[_Form] = field(default_factory=list)
    cast_name: str | None = None
    cast_aliases: tuple[str, ...] = ()
    cast_gender: Gender = Gender.UNKNOWN
    is_reader: bool = False

    @property
    def count(self) -> int:
        return sum(len(f.spans) for f in self.forms)

    def gender_hint(self) -> Gender:
        if self.cast_gender != Gender.UNKNOWN:
            return self.cast_gender
        votes: Counter[Gender] = Counter()
        for hon, n in self.honorifics.items():
            g = honorific_gender(hon)
            if g != Gender.UNKNOWN:
                votes[g] += n
        if votes:
            return votes.most_common(1)[0][0]
        for first in sorted(self.firsts | self.singles):
            g = first_name_gender(first)
            if g != Gender.UNKNOWN:
                return g
        return Gender.UNKNOWN

    def add(self, form: _Form) -> None:
        self.forms.append(form)
        hon, words = form.key
        if hon:
            self.honorifics[hon] += max(1, len(form.spans))
        if len(words) >= 2:
            self.firsts.add(words[0])
            self.lasts.add(words[-1])
        elif words:
            if hon in FIRST_NAME_HONORIFICS:
                self.firsts.add(words[0])
            elif hon:
                self.lasts.add(words[0])
            else:
                self.singles.add(words[0])


@dataclass
class _Found:
    characters: list[Character]
    mentions: list[Mention]


class CharacterStage:
    name = "characters"
    requires: tuple[str, ...] = ("tokens", "entities", "paragraphs", "sentences", "quotes")
    assigns: tuple[str, ...] = ("characters", "mentions")

    def __init__(self, config: CharacterConfig | None = None, cast: Any | None = None) -> None:
        self.config = config or CharacterConfig()
        self.cast = list(cast) if cast else []

    def __call__(self, doc: Document) -> Document:
        found = self._find(doc)
        self._apply(doc, found)
        return doc

    def _apply(self, doc: Document, found: _Found) -> None:
        doc.characters = found.characters
        doc.mentions = found.mentions

    # --- find ------------------------------------------------------------------
    def _find(self, doc: Document) -> _Found:
        tokens = doc.tokens
        in_quote = quote_token_mask(tokens, doc.quotes)
        quote_edges = _quote_edges(doc, tokens)
        seeds = self._seeds(doc)
        seed_keys = {_key_of(alias): i for i, (_, aliases, _) in enumerate(seeds) for alias in aliases}
        forms = _collect_forms(doc, tokens, in_quote, quote_edges, seed_keys)
        words_seen = {k[1][-1] for k in forms if k[1]}
        accepted = {k: f for k, f in forms.items() if k in seed_keys or self._is_person(f, words_seen)}
        # A full name spaCy mislabelled ("Jane Bennet" as WORK_OF_ART) still counts when
        # its parts are names the text already uses.
        lasts = {k[1][-1] for k in accepted if k[1]}
        singles = {k[1][0] for k in accepted if len(k[1]) == 1}
        for k, f in forms.items():
            words = k[1]
            if k not in accepted and len(words) >= 2 and words[-1] in lasts and f.places <= len(f.spans) // 2:
                if words[0] in singles or is_given_name(words[0]):
                    accepted[k] = f
        # A lone word that is part of an accepted full name ("Anna" of "Anna Grey").
        parts = {w for k in accepted if len(k[1]) >= 2 for w in (k[1][0], k[1][-1])}
        for k, f in forms.items():
            if k not in accepted and k[0] is None and len(k[1]) == 1 and k[1][0] in parts:
                if f.places <= len(f.spans) // 2:
                    accepted[k] = f
        clusters = _cluster(accepted, seeds, seed_keys)
        reader = _reader_cluster(doc, tokens)
        if reader is not None:
            clusters.append(reader)
        kept = [
            c
            for c in clusters
            if c.cast_name is not None
            or c.is_reader
            or c.count >= self.config.min_mentions
            # Named once is enough for a full name spaCy calls a person: a protagonist may
            # be named in the first paragraph and be "she" ever after.
            or any(f.strong or f.key[0] or (len(f.key[1]) >= 2 and f.votes) for f in c.forms)
        ]
        # Stable ids: first appearance in the text; cast members never seen go last.
        kept.sort(key=lambda c: min((s for f in c.forms for s, _ in f.spans), default=len(tokens) + 1))
        characters: list[Character] = []
        mentions: list[Mention] = []
        for idx, cluster in enumerate(kept):
            cid = f"C{idx}"
            surfaces: Counter[str] = Counter()
            for f in cluster.forms:
                surfaces.update(f.surfaces)
                for s, e in f.spans:
                    mentions.append(_mention(doc, tokens, s, e, MentionKind.NAME, cid, in_quote[s]))
            aliases = [a for a, _ in sorted(surfaces.items(), key=lambda kv: (-kv[1], kv[0]))]
            for a in cluster.cast_aliases:
                if a not in aliases:
                    aliases.append(a)
            gender = cluster.gender_hint()
            characters.append(
                Character(
                    id=cid,
                    name=cluster.cast_name or ("Reader" if cluster.is_reader else _canonical(surfaces)),
                    aliases=tuple(aliases),
                    gender=gender,
                    gender_confidence=_gender_confidence(cluster, gender),
                    mentions=cluster.count,
                    is_reader=cluster.is_reader,
                    from_cast=cluster.cast_name is not None,
                )
            )
        if self.config.nominals:
            taken = {m.start_token for m in mentions}
            mentions.extend(m for m in _nominals(doc, tokens, in_quote) if m.start_token not in taken)
        mentions.sort(key=lambda m: (m.start_token, m.end_token_excl))
        return _Found(characters, mentions)

    def _is_person(self, f: _Form, words_seen: set[str]) -> bool:
        hon, words = f.key
        if hon is not None:
            # "the Miss Bennets", "the Miss Lucases": a family, not one person.
            w = words[-1]
            return not ((w.endswith("s") and w[:-1] in words_seen) or (w.endswith("es") and w[:-2] in words_seen))
        if f.places > max(f.votes - f.strong, 0) * 0.5 + f.strong * 2:
            return False  # mostly a place ("at Netherfield"), even if spaCy sometimes says PERSON
        return f.votes > 0 and (f.votes >= 3 or f.votes / len(f.spans) >= self.config.min_person_share)

    def _seeds(self, doc: Document) -> list[tuple[str, tuple[str, ...], Gender]]:
        """(name, aliases, gender) from the cast and the AO3 character/relationship tags."""
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

        for member in self.cast:
            gender = getattr(member, "gender", "unknown")
            try:
                g = Gender(str(gender).lower())
            except ValueError:
                g = Gender.UNKNOWN
            add(str(member.name), tuple(getattr(member, "aliases", ()) or ()), g)
        for tag in _as_list(doc.metadata.get("characters")):
            add(tag, (), Gender.UNKNOWN)
        for tag in _as_list(doc.metadata.get("relationships")):
            for name in split_relationship(tag):
                add(name, (), Gender.UNKNOWN)
        return seeds


# --- helpers -----------------------------------------------------------------------


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _key_of(text: str) -> tuple[str | None, tuple[str, ...]]:
    parts = split_name(text)
    return parts.honorific, tuple(w.lower() for w in parts.words)


# A name word: capitalised letters with inner apostrophes, hyphens or dots ("O'Hara",
# "Jean-Luc", "St."); tokens glued to punctuation ('No"--said') are not names.
_NAME_WORD = re.compile(r"^[A-Z\u00c0-\u00de][^\W\d_]*(?:['\u2019.\-][^\W\d_]+)*\.?$")


def _is_cap(tok: Token) -> bool:
    return bool(_NAME_WORD.match(tok.text))


def _nameish(tok: Token) -> bool:
    return _is_cap(tok) and (tok.pos == "PROPN" or tok.ent_type == "PERSON") and tok.text.lower() not in NOT_NAMES


def _quote_edges(doc: Document, tokens: list[Token]) -> tuple[set[int], set[int]]:
    """Token indexes that open and close a quote (for the vocative test)."""
    starts = [t.start for t in tokens]
    opens: set[int] = set()
    closes: set[int] = set()
    for q in doc.quotes:
        i = bisect_left(starts, q.start)
        if i < len(tokens) and tokens[i].start < q.end:
            opens.add(i)
            j = bisect_left(starts, q.end) - 1
            if j >= i:
                closes.add(j)
    return opens, closes


def is_vocative(tokens: list[Token], s: int, e: int, in_quote: list[bool], edges: tuple[set[int], set[int]]) -> bool:
    """A name set off by punctuation inside a quote: "Jane, come here." / "Thanks, Jane!"."""
    if not in_quote[s]:
        return False
    opens, closes = edges
    before_ok = s in opens or (s > 0 and tokens[s - 1].text.lower() in _VOCATIVE_BEFORE)
    after_ok = (e - 1) in closes or (e < len(tokens) and tokens[e].text in _VOCATIVE_AFTER)
    return before_ok and after_ok


def _speech_subject(tokens: list[Token], s: int, e: int) -> bool:
    for i in range(s, e):
        tok = tokens[i]
        if tok.dep in ("nsubj", "nsubjpass") and tokens[tok.head].lemma.lower() in SPEECH_LEMMAS:
            return True
    return False


def _collect_forms(
    doc: Document,
    tokens: list[Token],
    in_quote: list[bool],
    edges: tuple[set[int], set[int]],
    seed_keys: dict[tuple[str | None, tuple[str, ...]], int],
) -> dict[tuple[str | None, tuple[str, ...]], _Form]:
    forms: dict[tuple[str | None, tuple[str, ...]], _Form] = {}
    covered = [False] * len(tokens)

    def record(s: int, e: int, vote: bool) -> None:
        # Trim what is not part of a name: leading lower-case words, a possessive 's, punctuation.
        while s < e and not (_is_cap(tokens[s]) or canonical_honorific(tokens[s].text)):
            s += 1
        while e > s and not _is_cap(tokens[e - 1]):
            e -= 1
        if e <= s or any(covered[s:e]):
            return
        # Take an honorific just before the span into it ("Mr." + "Darcy").
        while s > 0 and canonical_honorific(tokens[s - 1].text) and _is_cap(tokens[s - 1]) and not covered[s - 1]:
            s -= 1
        words = [t.text for t in tokens[s:e]]
        surface = " ".join(words)
        key = _key_of(surface)
        hon, name_words = key
        if not name_words or any(not any(ch.isalpha() for ch in w) for w in name_words):
            return
        if hon is None and len(name_words) == 1 and name_words[0] in NOT_NAMES:
            return
        if any(canonical_honorific(w) for w in name_words) and hon is None:
            return
        if any(ch.isdigit() for ch in surface) or tokens[s].sentence != tokens[e - 1].sentence:
            return
        for i in range(s, e):
            covered[i] = True
        form = forms.get(key)
        if form is None:
            form = forms[key] = _Form(key)
        form.spans.append((s, e))
        form.surfaces[surface] += 1
        strong = _speech_subject(tokens, s, e) or is_vocative(tokens, s, e, in_quote, edges)
        if vote or strong or hon is not None:
            form.votes += 1
        if strong:
            form.strong += 1
        last = tokens[e - 1]
        if last.ent_type in _PLACE_LABELS or (
            last.dep == "pobj" and tokens[last.head].text.lower() in _PLACE_PREPOSITIONS
        ):
            form.places += 1

    for ent in doc.entities:
        if ent.label == "PERSON":
            record(ent.start_token, ent.end_token_excl, True)
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        if covered[i]:
            i += 1
            continue
        if canonical_honorific(tok.text) and _is_cap(tok):
            j = i + 1
            while j < n and _is_cap(tokens[j]) and tokens[j].text.lower() not in NOT_NAMES and not covered[j]:
                j += 1
            if j > i + 1:
                record(i, j, True)
                i = j
                continue
        if _nameish(tok):
            j = i + 1
            while j < n and _nameish(tokens[j]) and not covered[j]:
                j += 1
            record(i, j, False)
            i = j
            continue
        i += 1
    return forms


def _cluster(
    forms: dict[tuple[str | None, tuple[str, ...]], _Form],
    seeds: list[tuple[str, tuple[str, ...], Gender]],
    seed_keys: dict[tuple[str | None, tuple[str, ...]], int],
) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    by_key: dict[tuple[str | None, tuple[str, ...]], _Cluster] = {}
    for name, aliases, gender in seeds:
        c = _Cluster(cast_name=name, cast_aliases=aliases, cast_gender=gender)
        for alias in aliases:
            c.add(_Form(_key_of(alias)))
        c.forms = []  # alias names inform matching; mentions come from the text only
        clusters.append(c)
    for key, i in seed_keys.items():
        by_key[key] = clusters[i]

    def first_match(word: str, gender: Gender) -> list[_Cluster]:
        return [
            c
            for c in clusters
            if any(nickname_compatible(word, f) for f in c.firsts | c.singles)
            and _gender_ok(c.gender_hint(), gender)
        ]

    def join(c: _Cluster, form: _Form) -> None:
        c.add(form)
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
            for c in clusters
            if words[-1] in c.lasts
            and any(nickname_compatible(words[0], f) for f in c.firsts)
            and _gender_ok(c.gender_hint(), g)
        ]
        if not match:
            match = [c for c in clusters if c.cast_name and words[0] in c.singles and not c.lasts]
        c = _most(match) if match else None
        if c is None:
            c = _Cluster()
            clusters.append(c)
        join(c, form)
    rest = [f for f in ordered if f.key not in by_key]
    # 2. Honorific + one word: "Mr. Darcy", "Lady Catherine", "Miss Bennet".
    for form in (f for f in rest if f.key[0] is not None):
        hon, words = form.key
        word = words[0]
        g = honorific_gender(hon)
        # Military and professional titles take a surname ("Colonel Fitzwilliam"); Miss/Mr
        # may take a first name the text already uses ("Miss Elizabeth").
        as_first = hon in FIRST_NAME_HONORIFICS or (
            hon in _FIRST_NAME_OK and any(word in c.firsts for c in clusters)
        )
        if any(word in c.lasts for c in clusters) and hon not in FIRST_NAME_HONORIFICS:
            as_first = False
        match: list[_Cluster] = []
        if as_first:
            match = first_match(word, g)
            # "Sir William" joins "Sir William Lucas" rather than a more frequent "William Collins".
            match = [c for c in match if hon in c.honorifics] or match
        else:
            same = [c for c in clusters if word in c.lasts and _gender_ok(c.gender_hint(), g)]
            if hon == "mrs":
                same = [c for c in same if "mrs" in c.honorifics]
            elif hon in ("miss", "ms"):
                # Only a known woman: "Edna Pontellier" (no hint) must not swallow "Mr. Pontellier".
                same = [c for c in same if not ({"mrs", "mr"} & set(c.honorifics)) and c.gender_hint() == g]
            elif hon in ("mr", "mister"):
                same = [c for c in same if not ({"mrs", "miss", "ms"} & set(c.honorifics)) and c.gender_hint() == g]
            match = same if len(same) == 1 else []
        c = _most(match) if match else None
        if c is None:
            c = _Cluster()
            clusters.append(c)
        join(c, form)
    # 3. Single words: a first name or nickname, else a surname, else a new character.
    for form in (f for f in rest if f.key[0] is None):
        word = form.key[1][0]
        in_first = [c for c in clusters if any(diminutive_of(word, f) for f in c.firsts | c.singles)]
        in_last = [c for c in clusters if word in c.lasts]
        match = in_first
        if in_last and (not in_first or not is_given_name(word)):
            loose = [c for c in in_last if not (set(c.honorifics) and set(c.honorifics) <= {"mrs", "miss", "ms"})]
            # A bare surname is, by long convention, most often a man's ("Pontellier").
            male = [c for c in loose if c.gender_hint() == Gender.MALE]
            match = male or loose or in_last
        c = _most(match) if match else None
        if c is None:
            c = _Cluster()
            clusters.append(c)
        join(c, form)
    return clusters


def _gender_ok(a: Gender, b: Gender) -> bool:
    return a == Gender.UNKNOWN or b == Gender.UNKNOWN or a == b


def _most(clusters: list[_Cluster]) -> _Cluster:
    return max(clusters, key=lambda c: (c.count, c.cast_name is not None))


def _canonical(surfaces: Counter[str]) -> str:
    """The most complete frequent proper form: most name words without an honorific, then count."""
    if not surfaces:
        return ""

    def score(item: tuple[str, int]) -> tuple[bool, int, int, int]:
        parts = split_name(item[0])
        bare = parts.honorific is None
        cased = not item[0].isupper()  # "WILLIAM COLLINS" from a letter heading is a poor label
        return (cased, min(len(parts.words), 3) if bare and len(parts.words) >= 2 else 0, item[1], -len(item[0]))

    best = max(surfaces.items(), key=score)
    return best[0]


def _gender_confidence(cluster: _Cluster, gender: Gender) -> float:
    if gender == Gender.UNKNOWN:
        return 0.0
    if cluster.cast_gender != Gender.UNKNOWN:
        return 1.0
    votes = [honorific_gender(h) for h, n in cluster.honorifics.items() for _ in range(n)]
    votes = [v for v in votes if v != Gender.UNKNOWN]
    if votes:
        return round(0.9 * sum(v == gender for v in votes) / len(votes), 3)
    return 0.5  # a first-name hint only


def _mention(
    doc: Document, tokens: list[Token], s: int, e: int, kind: MentionKind, cid: str | None, in_quote: bool
) -> Mention:
    start, end = tokens[s].start, tokens[e - 1].end
    return Mention(
        start=start,
        end=end,
        start_token=s,
        end_token_excl=e,
        text=doc.text[start:end],
        kind=kind,
        character_id=cid,
        in_quote=in_quote,
        sentence=tokens[s].sentence,
    )


def _reader_cluster(doc: Document, tokens: list[Token]) -> _Cluster | None:
    """Y/N, (y/n), [Y/N] placeholders name the reader."""
    if not tokens:
        return None
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    form = _Form((None, ("y/n",)))
    for match in READER_PLACEHOLDER.finditer(doc.text):
        s = bisect_right(ends, match.start())
        e = bisect_left(starts, match.end())
        if s < e:
            form.spans.append((s, e))
            form.surfaces[match.group(0)] += 1
    if not form.spans:
        return None
    cluster = _Cluster(is_reader=True)
    cluster.forms.append(form)
    return cluster


def _nominals(doc: Document, tokens: list[Token], in_quote: list[bool]) -> list[Mention]:
    """'the old man', 'her sister': person nouns with their left modifiers."""
    out: list[Mention] = []
    left: dict[int, int] = defaultdict(lambda: -1)
    for tok in tokens:
        if tok.head > tok.i and tok.dep in _NOMINAL_LEFT_DEPS:
            left[tok.head] = tok.i if left[tok.head] < 0 else min(left[tok.head], tok.i)
    for tok in tokens:
        if tok.pos != "NOUN" or tok.lemma.lower() not in PERSON_NOUNS or tok.tag in ("NNS", "NNPS"):
            continue
        s = left[tok.i] if left[tok.i] >= 0 else tok.i
        if tokens[s].sentence != tok.sentence:
            s = tok.i
        out.append(_mention(doc, tokens, s, tok.i + 1, MentionKind.NOMINAL, None, in_quote[tok.i]))
    return out
