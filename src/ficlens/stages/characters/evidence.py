"""What one occurrence of a name says about it: a person, a place, or neither.

Each test looks at one span (tokens ``s`` .. ``e``) in its sentence; ``spans.collect_forms``
adds the answers up per name form and ``persons.is_person`` weighs them::

    "Jane, come here."          is_vocative    -> strong person evidence
    "Tobin noticed the boat"    is_agent       -> a person, whatever spaCy's label
    "Her name is Wren"          is_named       -> a person
    "Mikka, who would know"     has_person_relative -> a person
    "three Brahmins knelt"      plural_det     -> a group, not one person
    "at Netherfield"            place_evidence -> (1.0 from the grammar, 0.0 from the label)
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from ficlens.model import Document, Token
from ficlens.stages.characters.words import (
    ANIMATE_LEMMAS,
    PERSON_NOUNS,
    PERSON_PARTS,
    PLACE_KINDS,
    common_word,
)

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# spaCy's small model often calls a person's name ORG or NORP: weak evidence of a non-person.
_WEAK_PLACE_LABELS = frozenset({"ORG", "NORP"})
_NAME_IS = re.compile(r"\b(?:name (?:is|was|'s)|named|called|call (?:me|her|him)|calls (?:her|him|me))\s*$", re.IGNORECASE)
# A speaker introducing themself: "I'm Lottie", "I am Taun We", "My name's Wren".
_SELF_INTRO = re.compile(r"(?:\bI(?:'|\u2019)m|\bI am|\bmy name(?:'|\u2019)s|\bmy name is|\bcall me)\s*$", re.IGNORECASE)
_PLACE_PREPOSITIONS = frozenset({"at", "in", "into", "near", "through", "toward", "towards", "within", "across"})
_VOCATIVE_BEFORE = frozenset({",", "!", "?", ";", "oh", "o", "ah", "dear", "my", "dearest", "--", "—", "..."})
_VOCATIVE_AFTER = frozenset({",", "!", "?", ".", ";", "--", "—", "...", "…"})


def quote_edges(doc: Document, tokens: list[Token]) -> tuple[set[int], set[int]]:
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


def is_agent(tokens: list[Token], s: int, e: int) -> bool:
    """Grammar that mostly a person fills, whatever spaCy's entity label says: the subject
    of a perception/thought/gesture verb ("Tobin noticed"), the owner of a voice or a mother."""
    last = tokens[e - 1]
    head = tokens[last.head]
    if last.dep == "nsubj" and head.lemma.lower() in ANIMATE_LEMMAS:
        return True
    return last.dep == "poss" and head.lemma.lower() in PERSON_PARTS


# Verbs whose subject may as well be a place or a thing: "London is", "Hogwarts has",
# "Atlantis seemed".
_STATIVE = frozenset({"be", "have", "seem", "become", "remain", "appear", "stand", "lie", "sit", "contain", "include", "belong"})


def is_actor(tokens: list[Token], s: int, e: int) -> bool:
    """The active subject of a verb of doing, written bare (no article): "the ones Caldwell
    had installed", "Itachi cut down ...". In a story a bare proper name that does things
    is nearly always a person; places and things are mostly where or what things happen."""
    last = tokens[e - 1]
    head = tokens[last.head]
    if last.dep == "nsubj" and head.lemma.lower() == "be":
        head = _able_to(tokens, head) or head  # "Severus will be able to prepare it"
    if last.dep != "nsubj" or head.pos != "VERB" or head.lemma.lower() in _STATIVE:
        return False
    return not any(t.head == last.i and t.dep == "det" for t in tokens[max(0, s - 3) : s])


def _able_to(tokens: list[Token], be: Token) -> Token | None:
    """The verb of "be able to <verb>" / "be about to <verb>" on the copula ``be``."""
    for t in tokens[be.i + 1 : min(len(tokens), be.i + 4)]:
        if t.head == be.i and t.dep == "acomp" and t.lemma.lower() in ("able", "unable", "about"):
            for v in tokens[t.i + 1 : min(len(tokens), t.i + 4)]:
                if v.head == t.i and v.dep == "xcomp" and v.pos == "VERB":
                    return v
    return None


def describing_nouns(tokens: list[Token], last: Token) -> Iterator[tuple[Token, bool]]:
    """The words just after a name that describe it, in order, each with whether a copula
    gives it: its apposition ("Teyla, his sister") or the noun of "Teyla was his sister"."""
    copula = last.dep == "nsubj" and tokens[last.head].lemma == "be"
    for t in tokens[last.i + 1 : min(len(tokens), last.i + 8)]:
        if t.dep == "appos" and t.head == last.i:
            yield t, False
        elif copula and t.dep == "attr" and t.head == last.head:
            yield t, True


def person_apposition(tokens: list[Token], s: int, e: int) -> bool:
    """A person noun beside the name, or given to it by a copula: "the nurse, Teyla",
    "Teyla, his sister", "Teyla was his sister"."""
    last = tokens[e - 1]
    if last.dep == "appos" and tokens[last.head].lemma.lower() in PERSON_NOUNS:
        return True
    for t, by_copula in describing_nouns(tokens, last):
        if by_copula or t.lemma.lower() in PERSON_NOUNS:
            return t.lemma.lower() in PERSON_NOUNS
    return False


_PERSON_RELATIVES = frozenset({"who", "whom", "whose"})


def has_person_relative(tokens: list[Token], s: int, e: int) -> bool:
    """A relative clause on the name opened by who/whom/whose: "Mikka, who would know ...",
    "Gaius, who is pulled harder than anyone": English keeps "who" for people."""
    last = tokens[e - 1]
    for t in tokens[e : min(len(tokens), e + 3)]:
        if t.text.lower() in _PERSON_RELATIVES:
            verb = tokens[t.head] if t.dep != "poss" else tokens[tokens[t.head].head]
            return verb.dep == "relcl" and verb.head == last.i
        if t.text not in (",", "—", "--"):
            return False
    return False


def is_named(doc: Document, tokens: list[Token], s: int, e: int) -> bool:
    """A name given to someone: "Her name is Wren", "calls her Wren", "a girl named Wren"."""
    last = tokens[e - 1]
    head = tokens[last.head]
    if head.lemma.lower() in ("call", "name", "christen", "nickname") and last.dep in ("oprd", "dobj", "attr", "xcomp"):
        if head.i < s and any(t.pos == "PRON" for t in tokens[head.i + 1 : s]):
            return True
    before = doc.text[max(0, tokens[s].start - 20) : tokens[s].start]
    return bool(_NAME_IS.search(before)) or self_introduced(doc, tokens, s)


def self_introduced(doc: Document, tokens: list[Token], s: int) -> bool:
    """The name a speaker gives themself: "I'm Lottie", "I am Taun We", "Call me Wren"."""
    before = doc.text[max(0, tokens[s].start - 16) : tokens[s].start]
    if not _SELF_INTRO.search(before):
        return False
    # "I'm Sorry", "I am Fine": a common word the tagger does not call a name is no name.
    tok = tokens[s]
    return tok.pos == "PROPN" or tok.ent_type == "PERSON" or not common_word(tok.text.lower(), tok.lemma.lower())


_PLURAL_DETS = frozenset({"these", "those", "many", "several", "both", "few", "some", "all", "two", "three", "four", "five"})


def plural_det(tokens: list[Token], i: int) -> bool:
    """A plural determiner or number on a name word: "these Englishmen", "three Brahmins"."""
    return any(
        t.head == i and t.dep in ("det", "nummod", "predet", "amod") and t.text.lower() in _PLURAL_DETS
        for t in tokens[max(0, i - 4) : i]
    )


# Verbs of going somewhere: "go to X", "return to X" (not "said to X", "turned to X").
_MOTION_LEMMAS = frozenset({"go", "come", "return", "travel", "move", "drive", "fly", "sail", "head", "apparate", "journey", "emigrate", "commute"})


def _motion_to(tokens: list[Token], to: Token) -> bool:
    """The "to" of a destination: after "back", under a verb of going, or the head of a
    fragment ("To Hogwarts, of course.")."""
    head = tokens[to.head]
    if to.head == to.i or to.dep == "ROOT":
        return True
    if head.lemma.lower() == "back":
        return True
    return head.pos in ("VERB", "AUX") and head.lemma.lower() in _MOTION_LEMMAS


def place_evidence(tokens: list[Token], s: int, e: int) -> tuple[float, float]:
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
    elif last.dep == "pobj" and head.text.lower() == "to" and _motion_to(tokens, head):
        grammar += 1.0  # "apparating back to Hogwarts", "To Hogwarts, of course": a destination
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
