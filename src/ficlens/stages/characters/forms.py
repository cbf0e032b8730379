"""The records the characters stage builds a cast from: name forms and clusters.

A ``Form`` is one written name, keyed by (honorific, lower-cased name words), with its spans
and the evidence its occurrences gave ("Mr. Darcy" -> key ``("mr", ("darcy",))``, spans,
votes, place evidence, he/she bound to it). A ``Cluster`` is a character being built: the
forms that name it, its first names, surnames and honorifics, and what a cast said of it;
``Cluster.gender_hint`` tells its gender from those.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ficlens.model import Gender
from ficlens.stages.names import (
    FIRST_NAME_HONORIFICS,
    first_name_gender,
    honorific_gender,
    split_name,
)

# A name form's key: (canonical honorific or None, the lower-cased name words).
Key = tuple[str | None, tuple[str, ...]]

# Titles a wife takes with her husband's name ("Mrs. John Dashwood", "Lady Henry").
WIFE_TITLES = frozenset({"mrs", "lady", "madame", "mme"})


@dataclass
class Form:
    key: Key  # (honorific, lower-cased name words)
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
    pronouns: Counter[Gender] = field(default_factory=Counter)  # local gender evidence (gender.py)
    places: float = 0.0  # the object of "at"/"in", "X light", "X Head": a place or thing
    place_labels: float = 0.0  # tagged GPE/LOC/FAC (ORG/NORP count half)
    surfaces: Counter[str] = field(default_factory=Counter)
    given: int = 0  # a known given name inside a sentence, in no place grammar
    narrated: int = 0  # occurrences outside quotes
    common: int = 0  # a one-word name the text mostly writes in lower case ("Cupcake", "Lived")
    # Tokens of the words coordinated with each occurrence ("Teyla and Dex", "Matatabi and I").
    partners: list[int] = field(default_factory=list)
    with_pronoun: int = 0  # occurrences coordinated with a personal pronoun ("Matatabi and I")
    # Occurrences that only call or exclaim: a vocative, or a word opening a quote and set
    # off by punctuation ("Hm...", "Urg!", "Got a plan, Angel?").
    addressed: int = 0
    credit: int = 0  # an author's credit: "Story by Jenrose", "a verse by Tennyson", "Author: X"
    dictionary: int = 0  # a one-word occurrence that is an English common word ("Instinct", "Chin")
    alone: int = 0  # a narration sentence of this word only ("Urg!!"): an exclamation
    suffixed: int = 0  # a Japanese honorific suffix glued on after it ("Kushina-nee", "Hawk-san")


@dataclass
class Cluster:
    firsts: set[str] = field(default_factory=set)
    lasts: set[str] = field(default_factory=set)
    singles: set[str] = field(default_factory=set)
    # A man's first name after a wife's title: "Mrs. Charles Musgrove", "Lady Henry".
    spouse_firsts: set[str] = field(default_factory=set)
    honorifics: Counter[str] = field(default_factory=Counter)
    forms: list[Form] = field(default_factory=list)
    cast_name: str | None = None
    cast_aliases: tuple[str, ...] = ()
    cast_gender: Gender = Gender.UNKNOWN
    role_gender: Gender = Gender.UNKNOWN  # "the landlady": the noun says it
    is_reader: bool = False
    found_by: str = "name"  # Character.found_by: "name", "role", "cast" or "tag"
    _first_gender: tuple[tuple[int, int], Gender] | None = field(default=None, repr=False, compare=False)

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
        g = self._first_name_gender()
        if g != Gender.UNKNOWN:
            return g
        # Names the table does not know ("Marcus", "Wren"): what the narration around the
        # name says (gender.py); one piece is enough when nothing says otherwise.
        pron: Counter[Gender] = Counter()
        for f in self.forms:
            pron.update(f.pronouns)
        male, female = pron[Gender.MALE], pron[Gender.FEMALE]
        if (max(male, female) >= 2 and max(male, female) >= 3 * min(male, female)) or min(male, female) == 0 < max(male, female):
            return Gender.MALE if male > female else Gender.FEMALE
        return Gender.UNKNOWN

    def _first_name_gender(self) -> Gender:
        """The table's gender of the first name that sorts first among those it knows. The
        name sets only grow, so their sizes tell whether the last answer still holds (a cast
        member with thousands of aliases is asked once per change, not once per form)."""
        size = (len(self.firsts), len(self.singles))
        if self._first_gender is None or self._first_gender[0] != size:
            known = [f for f in self.firsts | self.singles if first_name_gender(f) != Gender.UNKNOWN]
            self._first_gender = (size, first_name_gender(min(known)) if known else Gender.UNKNOWN)
        return self._first_gender[1]

    def add(self, form: Form) -> None:
        self.forms.append(form)
        hon, words = form.key
        if hon:
            self.honorifics[hon] += max(1, len(form.spans))
        if len(words) >= 2:
            # The husband's name is not hers: a bare "Charles" must not find "Mrs. Charles
            # Musgrove". (One word after the title, "Mrs. Allan", is most often a surname.)
            husband = hon in WIFE_TITLES and first_name_gender(words[0]) == Gender.MALE
            (self.spouse_firsts if husband else self.firsts).add(words[0])
            self.lasts.add(words[-1])
        elif words:
            if hon in FIRST_NAME_HONORIFICS:
                self.firsts.add(words[0])
            elif hon:
                self.lasts.add(words[0])
            else:
                self.singles.add(words[0])


def key_of(text: str) -> Key:
    parts = split_name(text)
    return parts.honorific, tuple(w.lower() for w in parts.words)


def gender_ok(a: Gender, b: Gender) -> bool:
    return a == Gender.UNKNOWN or b == Gender.UNKNOWN or a == b
