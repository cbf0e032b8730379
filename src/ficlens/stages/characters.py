"""Characters: named people, their alias clusters, and name/nominal mentions.

Input: tokens, entities, sentences, paragraphs, quotes (and an optional cast, plus
AO3 ``metadata["characters"]`` / ``metadata["relationships"]`` tags). Output::

    "Elizabeth Bennet ... Lizzy ... Miss Elizabeth ... Mr. Bennet ... Mrs. Bennet"
      -> C0 "Elizabeth Bennet" (aliases Elizabeth Bennet, Lizzy, Miss Elizabeth), female
         C1 "Mr. Bennet" (male), C2 "Mrs. Bennet" (female)

Name spans come from PERSON entities (widened to the whole name: "Teodor [Kask]"),
honorific + capitalised word runs (with "de"/"van" particles and hyphens inside),
and capitalised PROPN runs. A surface form is a name when enough of its occurrences
look like a person: grammar first (subject of a speech verb, a vocative, a name given
"her name is Wren", the subject of notice/know/fear/run), spaCy's PERSON label after.
The label GPE/ORG weighs little against that grammar ("Tobin noticed" is a person),
while place grammar does ("at Netherfield", "Carrick light", a "Carrick Head" in the
text). Exclamations opening quotes, families ("the Quills") and common words that
only open sentences are not names. A recurring "said the croupier" / "the General"
becomes a character known by its role. Then every occurrence is a mention. Forms cluster BookNLP-style: full names first, then
honorific forms, then single words (first name, nickname or name cut short ("Kit" of
"Kitty") of one cluster, else a surname, else a new character; a word that is one name's
first word and another's last goes where the text writes it in full more often: "Newland"
is Newland Archer's, not young van der Luyden Newland's; a surname two brothers share goes
to the one named last before it). A month that is a given name ("May") is a name only as the
subject of a speech verb or a vocative. People sharing a surname stay apart: "Mr. X" never
joins a female cluster and "Mrs. X" joins a cluster called "Mrs." or the one full name
with that surname whose gender fits ("Edna Pontellier"), or among several the one woman's
when the text has no "Miss X" ("Mary Cavendish" beside John and Lawrence Cavendish). Two
names no rule links ("Fagin" and "the Jew") become one character when the dialogue keeps
answering one with the other: a quote addresses "Fagin," and the reply is "said the Jew",
again and again, with nothing saying they are two people (``_link_by_address``). Gender
hints: honorifics, a first-name table, then his/her bound to the name ("Marcus rubs his hair").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ficlens.model import Character, Document, Gender, Mention, MentionKind, Token
from ficlens.stages.names import (
    FIRST_NAME_HONORIFICS,
    MONTH_NAMES,
    NOT_NAMES,
    canonical_honorific,
    diminutive_of,
    first_name_gender,
    honorific_gender,
    is_given_name,
    nickname_compatible,
    split_name,
    split_relationship,
    strip_disambiguator,
)
from ficlens.stages.speech_verbs import speech_subject

_REFLEXIVE_GENDER = {"himself": Gender.MALE, "herself": Gender.FEMALE}
_POSSESSIVE_GENDER = {"his": Gender.MALE, "her": Gender.FEMALE}

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
# Role nouns a speaking character may be known by, beyond PERSON_NOUNS and the suffixes.
ROLE_NOUNS = frozenset(
    """
    detective secretary judge clerk priest vicar curate cook chef butler valet porter host hostess
    coachman footman landlord landlady guard chief abbe abbé count baron marquis general major
    colonel lawyer inspector sergeant constable conductor driver gondolier shepherd croupier
    proprietor concierge governess housekeeper postman policeman parson rector squire
    waiter waitress cabman cabby barman bartender drummer jailer gaoler turnkey beadle solicitor
    nurse officer servant footman doorman boatman ferryman innkeeper shopkeeper clergyman
    """.split()
)
_NOMINAL_LEFT_DEPS = frozenset({"det", "poss", "amod", "compound", "nummod", "advmod"})
# Titles a wife takes with her husband's name ("Mrs. John Dashwood", "Lady Henry").
_WIFE_TITLES = frozenset({"mrs", "lady", "madame", "mme"})
_FIRST_NAME_OK = frozenset({"miss", "mr", "mrs", "ms", "master", "mister", "mlle", "mdlle", "mademoiselle"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# spaCy's small model often calls a person's name ORG or NORP: weak evidence of a non-person.
_WEAK_PLACE_LABELS = frozenset({"ORG", "NORP"})
# Verbs whose subject is almost always a person: perception, thought, feeling, gesture,
# movement by choice. "Tobin noticed", "Marcus swaps the fuses", "Teddy sits".
ANIMATE_LEMMAS = frozenset(
    """
    see look stare gaze glance watch notice hear listen feel know think believe fear hope wish want
    remember forget realise realize wonder understand decide smile laugh grin frown nod sigh shrug
    blush weep sob wink kiss hug run walk hurry swap pick grab sit knock drip climb marry love hate
    dance eat drink sleep wake dress read write promise agree refuse try tremble shiver
    pretend mean intend like prefer dislike admire laugh nod bow curtsy curtsey kneel pray
    """.split()
)
# Nouns a person's name owns: "Marcus's voice", "Anna's mother".
_PERSON_PARTS = frozenset(
    """
    hand hands face eyes eye voice head hair arm arms shoulder shoulders lips mouth heart mind smile
    wife husband mother father sister brother son daughter friend letter name cheek cheeks
    laugh laughter wrath anger temper tears marriage engagement wedding funeral birthday illness
    departure arrival presence absence judgment judgement opinion advice fiancee fiance parents
    """.split()
)
# Last words that make a multiword name a place: "Carrick Head", "Baker Street", "Mansfield Park".
PLACE_NOUNS = frozenset(
    """
    head point street hall park house lane road square castle abbey court manor place bay island
    cliff cove harbour harbor mount valley college school hospital club station hotel inn market
    row terrace avenue gardens garden bridge gate church chapel cathedral cottage farm lodge
    mansion palace tower rock sound strait channel river lake loch moor heath common green
    way end gulf creek brook falls mountains hills
    """.split()
)
# Kinds of place a name may be called: "the village of Raveloe", "Raveloe was a village".
PLACE_KINDS = frozenset(
    """
    village town city county parish country kingdom province state island port shire district
    borough hamlet capital suburb colony continent nation region estate seaport metropolis
    """.split()
)
# Place nouns that are also common surnames: after a given name they are a person.
_SURNAME_PLACE_NOUNS = frozenset(
    "park hall house lane street bridge hill green gate court moor rock church field end brook".split()
)
# Lower-case name particles inside a full name: "Therese de Vitre", "Ludwig van Beethoven".
PARTICLES = frozenset({"de", "van", "von", "du", "le", "la", "del", "della", "da", "di", "der", "den", "des", "ten", "ter"})
# Honorific-looking words that may sit inside a name: "Reggie St Cloud", "St. John".
_INNER_TITLES = frozenset({"st", "saint"})
_NAME_IS = re.compile(r"\b(?:name (?:is|was|'s)|named|called|call (?:me|her|him)|calls (?:her|him|me))\s*$", re.IGNORECASE)
_PLACE_PREPOSITIONS = frozenset({"at", "in", "into", "near", "through", "toward", "towards", "within", "across"})
# Capitalised words that open a PERSON span but are not part of the name ("Old Peter Lusk").
_LEADING_ADJ = frozenset({"old", "young", "little", "poor", "dear", "dearest", "good", "great", "big"})
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
    strong: int = 0  # speech-verb subject, vocative, a name given ("her name is Wren")
    speech: int = 0  # subject of a speech verb
    place_name: bool = False  # first word of a place name ("Carrick" of "Carrick Head")
    agent: int = 0  # subject of a perception/gesture verb, owner of a voice: person-like
    labelled: int = 0  # spaCy said PERSON
    sentence_initial: int = 0  # first word of a sentence or a quote
    quote_initial: int = 0  # first word of a quote: "Hullo, ...", "Splendid!" are not names
    plural: int = 0  # tagged NNPS: "Negroes", "the Bennets"
    pronouns: Counter[Gender] = field(default_factory=Counter)  # he/she subjects right after it
    places: float = 0.0  # the object of "at"/"in", "X light", "X Head": a place or thing
    place_labels: float = 0.0  # tagged GPE/LOC/FAC (ORG/NORP count half)
    surfaces: Counter[str] = field(default_factory=Counter)
    given: int = 0  # a known given name inside a sentence, in no place grammar
    narrated: int = 0  # occurrences outside quotes


@dataclass
class _Cluster:
    firsts: set[str] = field(default_factory=set)
    lasts: set[str] = field(default_factory=set)
    singles: set[str] = field(default_factory=set)
    # A man's first name after a wife's title: "Mrs. Charles Musgrove", "Lady Henry".
    spouse_firsts: set[str] = field(default_factory=set)
    honorifics: Counter[str] = field(default_factory=Counter)
    forms: list[_Form] = field(default_factory=list)
    cast_name: str | None = None
    cast_aliases: tuple[str, ...] = ()
    cast_gender: Gender = Gender.UNKNOWN
    role_gender: Gender = Gender.UNKNOWN  # "the landlady": the noun says it
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
        if self.role_gender != Gender.UNKNOWN:
            return self.role_gender
        for first in sorted(self.firsts | self.singles):
            g = first_name_gender(first)
            if g != Gender.UNKNOWN:
                return g
        # Names the table does not know ("Marcus", "Wren"): his/her bound to the name.
        pron: Counter[Gender] = Counter()
        for f in self.forms:
            pron.update(f.pronouns)
        male, female = pron[Gender.MALE], pron[Gender.FEMALE]
        if max(male, female) >= 2 and max(male, female) >= 3 * min(male, female):
            return Gender.MALE if male > female else Gender.FEMALE
        return Gender.UNKNOWN

    def add(self, form: _Form) -> None:
        self.forms.append(form)
        hon, words = form.key
        if hon:
            self.honorifics[hon] += max(1, len(form.spans))
        if len(words) >= 2:
            # The husband's name is not hers: a bare "Charles" must not find "Mrs. Charles
            # Musgrove". (One word after the title, "Mrs. Allan", is most often a surname.)
            husband = hon in _WIFE_TITLES and first_name_gender(words[0]) == Gender.MALE
            (self.spouse_firsts if husband else self.firsts).add(words[0])
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
        in_quote = doc.quote_token_mask()
        quote_edges = _quote_edges(doc, tokens)
        seeds = self._seeds(doc)
        seed_keys = {_key_of(alias): i for i, (_, aliases, _) in enumerate(seeds) for alias in aliases}
        forms = _collect_forms(doc, tokens, in_quote, quote_edges, seed_keys)
        _mark_place_names(forms)
        words_seen = {k[1][-1] for k in forms if k[1]}
        lower_words = {t.text for t in tokens if t.text.islower()}
        seed_keys.update(_misspelt_seed_keys(forms, seed_keys, lower_words))
        accepted = {k: f for k, f in forms.items() if k in seed_keys or self._is_person(f, words_seen, lower_words)}
        # A full name spaCy mislabelled ("Jane Bennet" as WORK_OF_ART) still counts when
        # its parts are names the text already uses.
        lasts = {k[1][-1] for k in accepted if k[1]}
        singles = {k[1][0] for k in accepted if len(k[1]) == 1}
        for k, f in forms.items():
            words = k[1]
            if k in accepted or len(words) < 2 or f.places + f.place_labels > len(f.spans) / 2:
                continue
            if words[-1] in lasts and (words[0] in singles or is_given_name(words[0])):
                accepted[k] = f
            elif k[0] is None and len(words) == 2 and words[0] in singles and words[1] not in PLACE_NOUNS:
                accepted[k] = f  # "Marcus Adeyemi" (ORG to spaCy) for a "Marcus" the text uses
        # A lone word that is part of an accepted full name ("Anna" of "Anna Grey").
        # The cast's and the AO3 tags' full names count too, even when the text never writes
        # them out ("Hermione Granger" tagged, "Hermione" in the story).
        parts = {w for k in (*accepted, *seed_keys) if len(k[1]) >= 2 for w in (k[1][0], k[1][-1])}
        # The name word of an accepted title form too: "Waymarsh" of "Mr. Waymarsh",
        # "Amelia" of "Miss Amelia" (not a place title: "St. Paul", "Lord Chancellor").
        parts |= {
            k[1][0]
            for k, f in accepted.items()
            if k[0] is not None and k[0] not in _INNER_TITLES and len(k[1]) == 1 and f.labelled + f.strong + f.agent
        }
        for k, f in forms.items():
            if k not in accepted and k[0] is None and len(k[1]) == 1 and k[1][0] in parts:
                # spaCy's label weighs half here: it often calls a known name GPE or ORG.
                if f.places + f.place_labels / 2 <= len(f.spans) / 2 and f.places <= len(f.spans) / 4:
                    accepted[k] = f
        _add_untagged(doc, tokens, forms, accepted, lower_words)
        clusters = _cluster(accepted, seeds, seed_keys)
        clusters = _role_clusters(tokens, in_quote, clusters, accepted)
        clusters = _join_cast_descriptions(clusters)
        clusters = _link_by_address(doc, tokens, in_quote, quote_edges, clusters)
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
            or any(
                f.strong or f.key[0] or (len(f.key[1]) >= 2 and f.votes) or (f.agent and f.labelled)
                for f in c.forms
            )
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

    def _is_person(self, f: _Form, words_seen: set[str], lower_words: set[str]) -> bool:
        hon, words = f.key
        if hon is not None:
            if f.places >= len(f.spans) * 2:
                return False  # "Prince Edward Island", "St. Lawrence Gulf"
            # "the Miss Bennets", "the Miss Lucases": a family, not one person; but a family
            # does not speak: "said Mrs. Braddocks" is one woman whose name ends in s.
            w = words[-1]
            family = (w.endswith("s") and w[:-1] in words_seen) or (w.endswith("es") and w[:-2] in words_seen)
            return not family or f.speech >= 2
        person = f.strong + f.agent
        n = len(f.spans)
        if len(words) == 1 and words[0] in MONTH_NAMES and f.strong < 2:
            return False  # "in May", "May I come in?": a month or a verb unless she speaks or is called
        plural = len(words) == 1 and words[0].endswith("s") and (words[0][:-1] in words_seen or words[0][:-2] in words_seen)
        if plural and any(surface.lower().startswith("the ") for surface in f.surfaces):
            return False  # "the Sloanes", "the Pontelliers": a family, not one person
        if len(words) == 1 and not (f.speech or f.agent):
            w = words[0]
            if f.sentence_initial == n and w in lower_words and not is_given_name(w):
                return False  # "Goodness", "Farewell": a common word opening sentences
            # An exclamation opening every quote it is in ("Hullo, Tony."), an adverb, a
            # plural: capitalised words the tagger calls PROPN, not people.
            if (f.quote_initial == n and not f.labelled and not is_given_name(words[0])) or f.plural * 2 > n or (words[0].endswith("ly") and not f.labelled):
                return False
        if len(words) == 1 and n >= 2 and f.plural == n and not f.speech:
            return False  # "the three Brahmins knelt", "these Englishmen": a group that acts
        if f.place_name and not (f.speech or f.agent):
            return False  # "this is Carrick", "Carrick, Carrick, come in": the headland called by radio
        # Labels count fully only when nothing in the grammar says "person"; a name that
        # notices, knows and speaks is a person even if every occurrence is tagged GPE.
        if person == 0 and f.places >= 2 and f.places * 2 >= len(f.spans):
            return False  # "the village of Raveloe", "in Raveloe": place grammar, never a person's
        places = f.places + f.place_labels * (1.0 if person == 0 and not f.given else 0.25)
        votes = max(f.votes, f.given)
        if places > max(votes - person, 0) * 0.5 + person * 2:
            return False  # mostly a place ("at Netherfield"), even if spaCy sometimes says PERSON
        return votes > 0 and (votes >= 3 or votes / len(f.spans) >= self.config.min_person_share)

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


def _clause_verb(tokens: list[Token], i: int) -> int:
    """The verb a possessive or reflexive hangs off ("his" in "rubs the towel over his hair")."""
    k = i
    for _ in range(4):
        head = tokens[k].head
        if head == k:
            return -1
        k = head
        if tokens[k].pos in ("VERB", "AUX"):
            return k
    return -1


def _particle_at(tokens: list[Token], j: int) -> bool:
    """A lower-case particle between two name words ("de" in "Therese de Vitre")."""
    return (
        tokens[j].text in PARTICLES
        and j + 1 < len(tokens)
        and _is_cap(tokens[j + 1])
        and tokens[j + 1].text.lower() not in NOT_NAMES
        and tokens[j + 1].sentence == tokens[j].sentence
    )


# Ranks that take a seat rather than a surname: "the Duchess of Harley", "the Duke of York".
_SEAT_RANKS = frozenset(
    "duke duchess lord lady count countess marquis marquess marchioness prince princess king queen baron baroness".split()
)


def _seat_at(tokens: list[Token], i: int) -> bool:
    """A rank followed by "of" and a capitalised word: "Duchess" in "Duchess of Harley"."""
    return (
        canonical_honorific(tokens[i].text) in _SEAT_RANKS
        and i + 2 < len(tokens)
        and tokens[i + 1].text == "of"
        and _is_cap(tokens[i + 2])
        and tokens[i + 2].sentence == tokens[i].sentence
    )


def _hyphen_at(tokens: list[Token], j: int) -> bool:
    """A hyphen glued between two name words ("Grant-Menzies")."""
    if tokens[j].text != "-" or j + 1 >= len(tokens) or j == 0:
        return False
    before, after = tokens[j - 1], tokens[j + 1]
    return before.end == tokens[j].start and tokens[j].end == after.start and _is_cap(after) and _is_cap(before)


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


def _agent(tokens: list[Token], s: int, e: int) -> bool:
    """Grammar that mostly a person fills, whatever spaCy's entity label says: the subject
    of a perception/thought/gesture verb ("Tobin noticed"), the owner of a voice or a mother."""
    last = tokens[e - 1]
    head = tokens[last.head]
    if last.dep == "nsubj" and head.lemma.lower() in ANIMATE_LEMMAS:
        return True
    return last.dep == "poss" and head.lemma.lower() in _PERSON_PARTS


def _named(doc: Document, tokens: list[Token], s: int, e: int) -> bool:
    """A name given to someone: "Her name is Wren", "calls her Wren", "a girl named Wren"."""
    last = tokens[e - 1]
    head = tokens[last.head]
    if head.lemma.lower() in ("call", "name", "christen", "nickname") and last.dep in ("oprd", "dobj", "attr", "xcomp"):
        if head.i < s and any(t.pos == "PRON" for t in tokens[head.i + 1 : s]):
            return True
    before = doc.text[max(0, tokens[s].start - 20) : tokens[s].start]
    return bool(_NAME_IS.search(before))


_PLURAL_DETS = frozenset({"these", "those", "many", "several", "both", "few", "some", "all", "two", "three", "four", "five"})


def _plural_det(tokens: list[Token], i: int) -> bool:
    """A plural determiner or number on a name word: "these Englishmen", "three Brahmins"."""
    return any(
        t.head == i and t.dep in ("det", "nummod", "predet", "amod") and t.text.lower() in _PLURAL_DETS
        for t in tokens[max(0, i - 4) : i]
    )


def _place_evidence(tokens: list[Token], s: int, e: int) -> tuple[float, float]:
    """How much one occurrence looks like a place or a thing rather than a person:
    (from the grammar, from spaCy's entity label). The small model's labels are often
    wrong for names; grammar ("at Netherfield", "Carrick light") is more reliable."""
    last = tokens[e - 1]
    head = tokens[last.head]
    grammar = label = 0.0
    if last.ent_type in _PLACE_LABELS:
        label = 1.0
    elif last.ent_type in _WEAK_PLACE_LABELS:
        label = 0.5
    if last.dep == "pobj" and head.text.lower() in _PLACE_PREPOSITIONS:
        grammar += 1.0
    # "Carrick light", "the Netherfield ball": a name modifying a common noun names a thing.
    if last.dep == "compound" and head.i > last.i and head.pos == "NOUN" and head.lemma.lower() not in PERSON_NOUNS:
        grammar += 1.0
    # "the village of Raveloe", "Raveloe was a village", "Raveloe, a village": a kind of place.
    if last.dep == "pobj" and head.text.lower() == "of" and tokens[head.head].lemma.lower() in PLACE_KINDS:
        grammar += 1.0
    if last.dep == "nsubj" and head.lemma.lower() == "be":
        grammar += any(
            t.head == head.i and t.dep == "attr" and t.lemma.lower() in PLACE_KINDS
            for t in tokens[head.i + 1 : min(len(tokens), head.i + 6)]
        )
    grammar += any(
        t.head == last.i and t.dep == "appos" and t.lemma.lower() in PLACE_KINDS
        for t in tokens[last.i + 1 : min(len(tokens), last.i + 6)]
    )
    return grammar, label


def _collect_forms(
    doc: Document,
    tokens: list[Token],
    in_quote: list[bool],
    edges: tuple[set[int], set[int]],
    seed_keys: dict[tuple[str | None, tuple[str, ...]], int],
) -> dict[tuple[str | None, tuple[str, ...]], _Form]:
    forms: dict[tuple[str | None, tuple[str, ...]], _Form] = {}
    covered = [False] * len(tokens)
    lower_words = {t.text for t in tokens if t.text.islower()}
    # his/her/himself/herself bound to a verb: "Marcus rubs his hair" tells Marcus's gender
    # (an object "her" never refers to the clause's own subject, so it is left out).
    bound: dict[int, Counter[Gender]] = defaultdict(Counter)
    for t in tokens:
        low = t.text.lower()
        if in_quote[t.i] or not (low in _REFLEXIVE_GENDER or (low in _POSSESSIVE_GENDER and t.tag == "PRP$")):
            continue
        verb = _clause_verb(tokens, t.i)
        if verb >= 0:
            bound[verb][_REFLEXIVE_GENDER.get(low) or _POSSESSIVE_GENDER[low]] += 1
    # Capitalised word pairs seen inside a sentence: "plump Buck Mulligan came".
    inner_pairs = {
        (tokens[i].text, tokens[i + 1].text)
        for i in range(1, len(tokens) - 1)
        if tokens[i - 1].sentence == tokens[i].sentence and i not in edges[0] and _is_cap(tokens[i]) and _is_cap(tokens[i + 1])
    }

    def record(s: int, e: int, vote: bool) -> None:
        # Trim what is not part of a name: leading lower-case words, a possessive 's, punctuation.
        while s < e and (
            not (_is_cap(tokens[s]) or canonical_honorific(tokens[s].text)) or tokens[s].text.lower() in _LEADING_ADJ
        ):
            s += 1
        while e > s and not _is_cap(tokens[e - 1]):
            e -= 1
        if e - s >= 2 and (s == 0 or tokens[s - 1].sentence != tokens[s].sentence or s in edges[0]):
            first = tokens[s].text
            # "Buck Mulligan" stays whole when the text also writes it inside a sentence.
            whole = (first, tokens[s + 1].text) in inner_pairs
            if first.lower() in lower_words and not is_given_name(first) and not canonical_honorific(first) and not whole:
                s += 1  # "Whereupon Anne", "Lest Cecil": a common word capitalised by the sentence
        if e <= s or any(covered[s:e]):
            return
        # Take an honorific just before the span into it ("Mr." + "Darcy").
        while s > 0 and canonical_honorific(tokens[s - 1].text) and _is_cap(tokens[s - 1]) and not covered[s - 1]:
            s -= 1
        # Words as written, so "Grant-Menzies" (three tokens) stays one name word.
        surface = " ".join(doc.text[tokens[s].start : tokens[e - 1].end].split())
        if any(
            t.text not in PARTICLES and not _is_cap(t) and t.text != "-" and not (t.i == s + 1 and _seat_at(tokens, s))
            for t in tokens[s:e]
        ):
            return  # "John and Thunderclap", "Ring up Bratt": not one name
        key = _key_of(surface)
        hon, name_words = key
        if not name_words or any(not any(ch.isalpha() for ch in w) for w in name_words):
            return
        if hon is None and len(name_words) == 1 and name_words[0] in NOT_NAMES and name_words[0] not in MONTH_NAMES:
            return
        if hon is None and any(canonical_honorific(w) not in (None, *_INNER_TITLES) for w in name_words):
            return
        if any(ch.isdigit() for ch in surface) or tokens[s].sentence != tokens[e - 1].sentence:
            return
        # A capitalised epithet before the name is part of the mention, not of the name:
        # "Old Cotter", "Poor Jo", "Dearest Meg" (the form stays "Cotter").
        lead = s
        while (
            lead > 0
            and tokens[lead - 1].text.lower() in _LEADING_ADJ
            and _is_cap(tokens[lead - 1])
            and not covered[lead - 1]
            and tokens[lead - 1].sentence == tokens[s].sentence
        ):
            lead -= 1
        # A title's seat or office: "Mr. Waymarsh of Milrose Connecticut", "Captain Jack Carter
        # of Virginia" (the form stays "Mr. Waymarsh").
        tail = e
        if (hon is not None or len(name_words) >= 2) and e + 1 < len(tokens) and tokens[e].text == "of":
            k = e + 1
            if tokens[k].text.lower() == "the" and k + 1 < len(tokens):
                k += 1
            j = k
            while (
                j < len(tokens)
                and _is_cap(tokens[j])
                and tokens[j].pos == "PROPN"
                and not covered[j]
                and tokens[j].sentence == tokens[s].sentence
            ):
                j += 1
            if j > k:
                tail = j
        for i in range(lead, tail):
            covered[i] = True
        form = forms.get(key)
        if form is None:
            form = forms[key] = _Form(key)
        form.spans.append((lead, tail))
        form.narrated += not in_quote[s]
        form.surfaces[surface] += 1
        speech = not in_quote[s] and speech_subject(tokens, s, e)  # in a quote: a misparse
        strong = speech or is_vocative(tokens, s, e, in_quote, edges) or _named(doc, tokens, s, e)
        form.speech += speech
        agent = not strong and _agent(tokens, s, e)
        if vote or strong or agent or hon is not None:
            form.votes += 1
        form.strong += strong
        form.agent += agent
        form.labelled += vote
        form.quote_initial += s in edges[0]
        initial = s in edges[0] or s == 0 or tokens[s - 1].sentence != tokens[s].sentence
        form.sentence_initial += initial
        form.plural += tokens[e - 1].tag == "NNPS" or _plural_det(tokens, e - 1)
        grammar, label = _place_evidence(tokens, s, e)
        form.places += grammar
        form.place_labels += label
        # A known given name inside a sentence, in no place grammar: "poor Florence",
        # "daughters of Agnes" (GPE/LOC to spaCy's small model).
        if (
            hon is None
            and len(name_words) == 1
            and not grammar
            and tokens[s].pos == "PROPN"
            and tokens[s].ent_type != "NORP"
            and not initial
            and first_name_gender(name_words[0]) != Gender.UNKNOWN
            and name_words[0] not in lower_words
        ):
            form.given += 1
        if not in_quote[s] and tokens[e - 1].dep in ("nsubj", "nsubjpass"):
            form.pronouns.update(bound.get(tokens[e - 1].head, {}))
        if strong and s >= 2 and tokens[s - 1].text.lower() in ("her", "him"):
            form.pronouns[Gender.FEMALE if tokens[s - 1].text.lower() == "her" else Gender.MALE] += 2  # "calls her Wren"

    for ent in doc.entities:
        if ent.label == "PERSON":
            # spaCy often tags only part of a name ("Teodor [Kask]"): take in the name
            # words on either side so the full name is one form.
            s, e = ent.start_token, ent.end_token_excl
            while s > 0 and _nameish(tokens[s - 1]) and tokens[s - 1].sentence == tokens[s].sentence:
                s -= 1
            while (
                e < len(tokens)
                and (_nameish(tokens[e]) or _particle_at(tokens, e) or _hyphen_at(tokens, e))
                and tokens[e].sentence == tokens[s].sentence
            ):
                e += 1
            record(s, e, True)
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        if covered[i]:
            i += 1
            continue
        if canonical_honorific(tok.text) and _is_cap(tok):
            j = i + 1
            if _seat_at(tokens, i):
                j = i + 2  # "the Duchess of Harley": a rank and its seat are one name
            while j < n and not covered[j] and (
                (_is_cap(tokens[j]) and tokens[j].text.lower() not in NOT_NAMES) or _particle_at(tokens, j)
            ):
                j += 1
            if j > i + 1:
                record(i, j, True)
                i = j
                continue
        if (
            not _nameish(tok)
            and _is_cap(tok)
            and i > 0
            and tokens[i - 1].sentence == tok.sentence
            and tok.text.lower() not in NOT_NAMES
            and _named(doc, tokens, i, i + 1)
        ):
            record(i, i + 1, False)  # "called her Isolde", where spaCy saw a common noun
            i += 1
            continue
        if (
            tok.text.lower() in MONTH_NAMES
            and _is_cap(tok)
            and tok.pos == "PROPN"
            and ((not in_quote[i] and speech_subject(tokens, i, i + 1)) or is_vocative(tokens, i, i + 1, in_quote, edges))
        ):
            record(i, i + 1, False)  # "said May", "May, come here": spaCy calls her a DATE
            i += 1
            continue
        if _nameish(tok):
            j = i + 1
            while j < n and not covered[j] and (
                _nameish(tokens[j]) or _particle_at(tokens, j) or _hyphen_at(tokens, j)
            ):
                j += 1
            record(i, j, False)
            i = j
            continue
        i += 1
    # "the Secretary", "the Professor": a capitalised word that mostly follows "the" is a
    # character known by a title; its mentions and alias take the article in.
    for (hon, words), form in forms.items():
        if hon is not None or len(words) != 1:
            continue
        after_the = {(s, e) for s, e in form.spans if s > 0 and tokens[s - 1].text.lower() == "the" and not covered[s - 1]}
        if len(after_the) * 2 <= len(form.spans):
            continue
        spans, surfaces = [], Counter()
        for s, e in form.spans:
            if (s, e) in after_the:
                s -= 1
            spans.append((s, e))
            surfaces[" ".join(doc.text[tokens[s].start : tokens[e - 1].end].split())] += 1
        form.spans, form.surfaces = spans, surfaces
    return forms


def _add_untagged(
    doc: Document,
    tokens: list[Token],
    forms: dict[tuple[str | None, tuple[str, ...]], _Form],
    accepted: dict[tuple[str | None, tuple[str, ...]], _Form],
    lower_words: set[str],
) -> None:
    """Once a one-word name is a person, every capitalised occurrence of it is a mention,
    even where spaCy tagged it NOUN or VERB ("poor dear Florence", "vague to Waymarsh").
    A name that is also a common word in the text ("Will", "Hope", "Monks") is left out."""
    taken = [False] * len(tokens)
    for f in forms.values():
        for s, e in f.spans:
            taken[s:e] = [True] * (e - s)
    words = {k[1][0]: f for k, f in accepted.items() if k[0] is None and len(k[1]) == 1}
    for tok in tokens:
        f = words.get(tok.text.lower())
        if f is None or taken[tok.i] or not _is_cap(tok) or tok.text.isupper():
            continue
        if tok.text.lower() in lower_words:
            continue
        # Not inside a longer capitalised run ("Florence Street"): that is another name.
        if any(0 <= k < len(tokens) and _is_cap(tokens[k]) and tokens[k].sentence == tok.sentence for k in (tok.i - 1, tok.i + 1)):
            continue
        f.spans.append((tok.i, tok.i + 1))
        f.surfaces[tok.text] += 1
        taken[tok.i] = True


def _role_noun(tok: Token) -> bool:
    """A singular noun naming a person by role: "waiter", "croupier", "landlady", "General"."""
    low = tok.lemma.lower()
    if tok.tag not in ("NN", "NNP") or not tok.text.isalpha():
        return False
    if tok.pos == "PROPN" and _is_cap(tok) and canonical_honorific(tok.text) is not None:
        return True  # "the General", "the Baron": a title standing for a name
    # Only roles that usually stand for an unnamed person: "the painter" or "the lad" is
    # mostly an epithet for a named character and would take that character's quotes.
    return tok.pos in ("NOUN", "PROPN") and low in ROLE_NOUNS


def _role_clusters(
    tokens: list[Token],
    in_quote: list[bool],
    clusters: list[_Cluster],
    forms: dict[tuple[str | None, tuple[str, ...]], _Form],
) -> list[_Cluster]:
    """"said the waiter" twice or more: a character known by a role ("the waiter", "the
    General"), as PDNC counts them. Every "the waiter" is then a mention of it; a title
    joins the one named character who holds it ("the Colonel" of "Colonel Brandon"), or the
    holder who bears it far more often than any other; a role the narration sets beside one
    name twice joins that name ("Mr. Bumble, the beadle"). A cast
    member the user named by the role ("The Croupier", "The Doctor", or "Mr. Turton" with the
    alias "The Collector") takes every "the croupier", however often it speaks."""
    taken = [False] * len(tokens)
    for f in forms.values():
        for s, e in f.spans:
            for k in range(s, e):
                taken[k] = True
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    speech: Counter[str] = Counter()
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    for tok in tokens:
        if tok.i == 0 or tokens[tok.i - 1].text.lower() != "the" or taken[tok.i] or not _role_noun(tok):
            continue
        if tok.i + 1 < len(tokens) and (_is_cap(tokens[tok.i + 1]) or tokens[tok.i + 1].text == "of"):
            continue  # "the General Post Office", "the Duke of York"
        key = tok.text.lower()
        spans[key].append((tok.i - 1, tok.i + 1))
        surfaces[key][f"{tokens[tok.i - 1].text.lower()} {tok.text}"] += 1
        if not in_quote[tok.i] and speech_subject(tokens, tok.i, tok.i + 1):
            speech[key] += 1
    out = list(clusters)
    cast = _cast_names(clusters)
    named = _appositive_names(tokens, in_quote, clusters)
    for key in spans:
        n = speech[key]
        member = cast.get(key)
        if n < 2 and member is None:
            continue
        form = _Form(("the", (key,)), spans=spans[key], votes=n, strong=n, speech=n, surfaces=surfaces[key])
        if member is not None:
            member.forms.append(form)
            continue
        holders = sorted((c for c in clusters if key in c.honorifics), key=lambda c: -c.honorifics[key])
        if len(holders) > 1 and holders[0].honorifics[key] >= _TITLE_DOMINANCE * holders[1].honorifics[key]:
            # "the Major" of a novel with Major Callendar throughout and a Major Roberts once.
            holders = holders[:1]
        beside = named.get(key, [])
        if not holders and len(beside) >= _APPOSITIONS and len({id(c) for c in beside}) == 1:
            # "Mr. Bumble, the beadle", twice: the one name the role is set beside (once is
            # not enough: a novel's second proprietor is often set beside nobody).
            holders = [c for c in beside[:1] if _gender_ok(c.gender_hint(), _role_gender(key))]
        if len(holders) == 1:
            holders[0].forms.append(form)
            continue
        c = _Cluster(role_gender=_role_gender(key))
        if canonical_honorific(key):
            c.honorifics[key] += len(form.spans)
        c.forms.append(form)
        out.append(c)
    return out


# How many times more often one holder of a title must bear it than any other for "the
# Major" to be that one.
_TITLE_DOMINANCE = 5
# Appositions ("Mr. Bumble, the beadle") it takes to give a role character to a name.
_APPOSITIONS = 2


def _appositive_names(tokens: list[Token], in_quote: list[bool], clusters: list[_Cluster]) -> dict[str, list[_Cluster]]:
    """Role noun -> the named clusters the narration sets it beside, once per apposition
    ("Mr. Bumble, the beadle, ..." / "the beadle, Mr. Bumble, ...")."""
    owner: dict[int, _Cluster] = {}
    for c in clusters:
        for f in c.forms:
            for s, e in f.spans:
                for k in range(s, e):
                    owner[k] = c
    found: dict[str, list[_Cluster]] = defaultdict(list)
    for tok in tokens:
        if tok.dep != "appos" or in_quote[tok.i] or tok.head == tok.i:
            continue
        for role, name in ((tok, tokens[tok.head]), (tokens[tok.head], tok)):
            c = owner.get(name.i)
            if c is not None and role.i not in owner and _role_noun(role):
                found[role.text.lower()].append(c)
    return found


def _join_cast_descriptions(clusters: list[_Cluster]) -> list[_Cluster]:
    """A cluster found in the text under a name the cast gives one member ("the Collector",
    when the cast lists Mr. Turton with the alias "The Collector") is that member: the user
    said who is who. Compared by the cluster's most frequent written form, when it starts
    with "the"."""
    members = _cast_names(clusters)
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


def _cast_names(clusters: list[_Cluster]) -> dict[str, _Cluster]:
    """Each name and alias of the cast, lower-cased and without "the"/"a", -> the one member
    it names ("croupier" -> "The Croupier"); a name two members share names neither."""
    owners: dict[str, dict[int, _Cluster]] = defaultdict(dict)
    for c in clusters:
        if c.cast_name is not None:
            for name in (c.cast_name, *c.cast_aliases):
                owners[_without_article(name)][id(c)] = c
    return {name: next(iter(by.values())) for name, by in owners.items() if len(by) == 1}


def _misspelt_seed_keys(
    forms: Mapping[tuple[str | None, tuple[str, ...]], _Form],
    seed_keys: Mapping[tuple[str | None, tuple[str, ...]], int],
    lower_words: set[str],
) -> dict[tuple[str | None, tuple[str, ...]], int]:
    """Names the text writes that a cast spells a little differently ("Nawab Bahadur" for the
    cast's "Nawab Badahur", "May Welland" for "May Wellend"): the same title and words but one
    long word off by a letter or two swapped. Only proper names on both sides (not the cast's
    "The Waiter" for a "Walter", nor a word the text also writes in lower case, nor a place),
    never a plural ("the Musgroves"), and only when one cast member is that close."""
    found: dict[tuple[str | None, tuple[str, ...]], int] = {}
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


# Linking two names by how they are answered (``_link_by_address``): the fewest replies,
# the share of the addressed name's tagged replies, and how much contrary evidence is allowed.
_LINK_MIN_REPLIES = 3
_LINK_MIN_SHARE = 0.5
_LINK_MAX_SELF = 0.2  # per reply: the tagged name addresses the other one by name
_LINK_MAX_EXCHANGE = 0.25  # per reply: the two names tag the two sides of an exchange
_LINK_MAX_TOGETHER = 0.05  # per mention of the rarer name: narration sentences naming both


def _link_by_address(
    doc: Document,
    tokens: list[Token],
    in_quote: list[bool],
    edges: tuple[set[int], set[int]],
    clusters: list[_Cluster],
) -> list[_Cluster]:
    """Join two names of one person that no name rule can link, from how the dialogue answers
    them::

        "Fagin," said Jack, "this is my friend."     "Henry," said Dorian, "..."
        "Glad to see you," said the Jew.             "Nonsense," said Lord Henry Wotton.

    A quote addresses A by name and the next paragraph's reply is tagged B, again and again
    (at least ``_LINK_MIN_REPLIES`` times and half the tagged replies to A), while nothing says
    they are two people: B never addresses A by name, the two never tag the two sides of an
    exchange, and the narration hardly names both in one sentence. Genders must agree and two
    cast characters are never joined (the user said who is who)."""
    owner: dict[int, tuple[int, int]] = {}  # first token of a name span -> (end, cluster)
    for ci, c in enumerate(clusters):
        for f in c.forms:
            for s, e in f.spans:
                owner[s] = (e, ci)
    starts = sorted(owner)
    quote_paragraphs = sorted({q.paragraph for q in doc.quotes})
    by_id = {p.id: p for p in doc.paragraphs}
    # Per quote paragraph: who its quotes address by name, who its narration tags as speaker.
    addressed: dict[int, set[int]] = {}
    tagged: dict[int, set[int]] = {}
    for pid in quote_paragraphs:
        para = by_id.get(pid)
        if para is None:
            continue
        voc: set[int] = set()
        tag: set[int] = set()
        for s in _starts_within(starts, para.start_token, para.end_token_excl):
            e, ci = owner[s]
            if in_quote[s]:
                if is_vocative(tokens, s, e, in_quote, edges):
                    voc.add(ci)
            elif speech_subject(tokens, s, e):
                tag.add(ci)
        addressed[pid], tagged[pid] = voc, tag
    replies: Counter[int] = Counter()
    support: Counter[tuple[int, int]] = Counter()
    against: Counter[frozenset[int]] = Counter()  # self-address
    exchange: Counter[frozenset[int]] = Counter()
    for pid in quote_paragraphs:
        voc, tag = addressed.get(pid, set()), tagged.get(pid, set())
        if len(tag) == 1:
            (t,) = tag
            for v in voc - tag:
                against[frozenset((v, t))] += 1
        nxt_tag = tagged.get(pid + 1)
        if not nxt_tag or len(nxt_tag) != 1:
            continue
        (b,) = nxt_tag
        if len(tag) == 1 and b not in tag:
            exchange[frozenset((b, *tag))] += 1
        if len(voc) == 1 and b not in tag:
            (a,) = voc
            replies[a] += 1
            if a != b:
                support[(a, b)] += 1
    pairs = [
        (a, b) for (a, b), n in support.items()
        if n >= _LINK_MIN_REPLIES
        and n >= _LINK_MIN_SHARE * replies[a]
        and against[frozenset((a, b))] <= _LINK_MAX_SELF * n
        and exchange[frozenset((a, b))] <= _LINK_MAX_EXCHANGE * n
        and _gender_ok(clusters[a].gender_hint(), clusters[b].gender_hint())
        and not (clusters[a].cast_name and clusters[b].cast_name)
    ]
    if not pairs:
        return clusters
    together = _narrated_together(doc, in_quote, owner, starts, {frozenset(p) for p in pairs})
    parent = list(range(len(clusters)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in sorted(pairs, key=lambda ab: (-support[ab], ab)):
        if together[frozenset((a, b))] > _LINK_MAX_TOGETHER * min(clusters[a].count, clusters[b].count):
            continue
        ra, rb = root(a), root(b)
        if ra == rb or (clusters[ra].cast_name and clusters[rb].cast_name):
            continue
        if not _gender_ok(clusters[ra].gender_hint(), clusters[rb].gender_hint()):
            continue
        # The cast member, else the more often named, keeps its identity.
        keep, gone = sorted((ra, rb), key=lambda i: (clusters[i].cast_name is None, -clusters[i].count, i))
        for f in clusters[gone].forms:
            clusters[keep].add(f)
        if clusters[keep].role_gender == Gender.UNKNOWN:
            clusters[keep].role_gender = clusters[gone].role_gender
        parent[gone] = keep
    return [c for i, c in enumerate(clusters) if parent[i] == i]


def _starts_within(starts: list[int], lo: int, hi: int) -> list[int]:
    """The sorted span starts in tokens ``lo`` .. ``hi`` (exclusive)."""
    return starts[bisect_left(starts, lo) : bisect_left(starts, hi)]


def _narrated_together(
    doc: Document,
    in_quote: list[bool],
    owner: dict[int, tuple[int, int]],
    starts: list[int],
    pairs: set[frozenset[int]],
) -> Counter[frozenset[int]]:
    """Narration sentences that name both clusters of a pair (``owner``: a name span's first
    token -> its end and cluster; ``starts``: those first tokens, sorted)."""
    out: Counter[frozenset[int]] = Counter()
    wanted = {i for p in pairs for i in p}
    for sent in doc.sentences:
        named = {
            owner[s][1] for s in _starts_within(starts, sent.start_token, sent.end_token_excl)
            if owner[s][1] in wanted and not in_quote[s]
        }
        if len(named) >= 2:
            for p in pairs:
                if p <= named:
                    out[p] += 1
    return out


def _role_gender(noun: str) -> Gender:
    if noun.endswith(("woman", "ess", "lady", "maid", "girl", "wife", "mother", "sister")):
        return Gender.FEMALE
    if noun.endswith(("man", "boy", "husband", "father", "brother")) or noun in ("waiter", "landlord", "valet"):
        return Gender.MALE
    return Gender.UNKNOWN


def _mark_place_names(forms: dict[tuple[str | None, tuple[str, ...]], _Form]) -> None:
    """"Carrick Head", "Baker Street": a name ending in a place noun is a place, and so is
    its first word used alone ("this is Carrick"), unless that word is a given name
    ("Leslie Park" is a man)."""
    for (hon, words), form in list(forms.items()):
        if len(words) < 2 or words[-1] not in PLACE_NOUNS:
            continue
        if hon is None and words[-1] in _SURNAME_PLACE_NOUNS and is_given_name(words[0]):
            continue  # "Leslie Park", "Mary Hall": a given name and a surname
        form.places += 2.0 * len(form.spans)
        if hon is not None:
            continue
        single = forms.get((None, (words[0],)))
        if single is not None:
            single.places += 3.0 * len(form.spans)
            single.place_name = True


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
            if (
                any(nickname_compatible(word, f) for f in c.firsts | c.singles)
                or (gender == Gender.FEMALE and any(nickname_compatible(word, f) for f in c.spouse_firsts))
            )
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
            and (
                any(nickname_compatible(words[0], f) for f in c.firsts)
                or (g == Gender.FEMALE and any(nickname_compatible(words[0], f) for f in c.spouse_firsts))
            )
            and _gender_ok(c.gender_hint(), g)
            # "Tom Bertram" is not "Sir Thomas Bertram": beside a title, only the same first
            # name joins (a son often bears his titled father's name in a short form).
            and (words[0] in c.firsts or not ({hon, *c.honorifics} & FIRST_NAME_HONORIFICS))
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
            if hon in FIRST_NAME_HONORIFICS:
                # "Sir Thomas" is not "Tom Bertram": a title takes the name itself.
                match = [c for c in match if word in c.firsts | c.singles]
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
                # A known man, or one known only by a title that does not say the gender
                # ("Inspector Ratcliffe" is "Mr. Ratcliffe"); not a full name without a hint.
                same = [
                    c for c in same
                    if not ({"mrs", "miss", "ms"} & set(c.honorifics))
                    and (c.gender_hint() == g or (c.honorifics and not c.firsts and c.gender_hint() == Gender.UNKNOWN))
                ]
            spelled_out: list[_Cluster] = []
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
                match = _full_name_owner(clusters, forms, hon, word, g)
        c = _most(match) if match else None
        if c is None:
            c = _Cluster()
            clusters.append(c)
        join(c, form)
    # 3. Single words: a first name or nickname, else a surname, else a new character.
    for form in (f for f in rest if f.key[0] is None):
        word = form.key[1][0]
        in_first = [c for c in clusters if word in c.firsts | c.singles]
        # A nickname only when no one has it as a name: "Jock" is Jock Grant-Menzies, not John.
        in_first = in_first or [c for c in clusters if any(diminutive_of(word, f) for f in c.firsts | c.singles)]
        in_last = [c for c in clusters if word in c.lasts]
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
        c = _most(match) if match else None
        if c is None:
            c = _Cluster()
            clusters.append(c)
        join(c, form)
    return clusters


# How far back (tokens) a bare surname looks for the last-named bearer of the name.
_SURNAME_LOOKBACK = 1000


def _nearest_named(
    clusters: list[_Cluster], form: _Form, forms: dict[tuple[str | None, tuple[str, ...]], _Form]
) -> _Cluster:
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


def _usage(clusters: list[_Cluster], word: str, position: int) -> int:
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
    clusters: list[_Cluster], forms: dict[tuple[str | None, tuple[str, ...]], _Form], hon: str, word: str, g: Gender
) -> list[_Cluster]:
    """"Mrs. Pontellier" is "Edna Pontellier" when she is the only full-name character with
    that surname and her gender fits. When the text also has a "Mr. Pontellier", the full
    name's gender must be known to say which of the two it is."""
    full = [c for c in clusters if word in c.lasts and c.firsts]
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
    if set(full[0].honorifics) & _CONFLICTING[hon] or not _gender_ok(full[0].gender_hint(), g):
        return []
    rival = any(h in _CONFLICTING[hon] and words == (word,) for h, words in forms)
    if rival and full[0].gender_hint() != g:
        return []
    return full


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
