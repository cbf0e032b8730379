"""A name's gender from what refers to it locally, never from a table of names alone.

Each test looks at one occurrence of a name (tokens ``s`` .. ``e``) in narration and says
which gender the words right around it give it, with a weight; ``spans.collect_forms`` adds
the answers up on the name's form (``Form.pronouns``) and ``Cluster.gender_hint`` weighs them::

    "Marcus rubs his hair"                     his bound to the name's clause       (1 each)
    "Dex, who crammed the cake into his maw"   ... or to its relative clause         (1)
    "Kevin, another tall guy" / "Lance (the new guy)"  a gendered noun beside it    (2)
    "Howie had been there and he felt right"   the subject of the next clause        (1)
    "Teyla nodded. She said nothing."          the subject of the next sentence      (1)

The next-clause and next-sentence pronoun count only when the name is the one person its
sentence names and the pronoun is the first subject after it: subject continuity, the
reading a reader makes. Nothing here asks what coref resolved, so no gender comes back
round from a guess about who "she" is.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ficlens.model import Gender, Token
from ficlens.stages.characters.evidence import describing_nouns
from ficlens.stages.speech_verbs import NOMINAL_SUBJECT_DEPS, NOUN_GENDER

_REFLEXIVE_GENDER = {"himself": Gender.MALE, "herself": Gender.FEMALE}
_POSSESSIVE_GENDER = {"his": Gender.MALE, "her": Gender.FEMALE}
_SUBJECT_GENDER = {"he": Gender.MALE, "she": Gender.FEMALE}
# Everyday words for a man or a woman that the speech tables (formal nouns) lack.
_COLLOQUIAL = {
    "guy": Gender.MALE, "dude": Gender.MALE, "bloke": Gender.MALE, "lad": Gender.MALE, "gal": Gender.FEMALE, "lass": Gender.FEMALE,
    "wizard": Gender.MALE, "witch": Gender.FEMALE, "sorcerer": Gender.MALE, "sorceress": Gender.FEMALE,
}
_APPOSITION_WEIGHT = 2
# Clauses of time and cause keep their subject ("Kagami left when he could"); a condition
# often brings someone else in ("X would have understood if she had seen him").
_TIME_MARKS = frozenset({"when", "while", "as", "after", "before", "until", "since", "because", "once"})
_CLAUSE_BREAKS = frozenset({":", ";", "—", "–", "(", "--"})


def noun_gender(lemma: str) -> Gender:
    """The gender a person noun says: "guy", "woman", "brother", "policewoman", "landlady"."""
    low = lemma.lower()
    if low in NOUN_GENDER:
        return NOUN_GENDER[low]
    if low in _COLLOQUIAL:
        return _COLLOQUIAL[low]
    if low.endswith(("woman", "lady", "girl", "wife", "mother", "sister")):
        return Gender.FEMALE
    if low.endswith(("man", "boy", "husband", "father", "brother")) and not low.endswith("human"):
        return Gender.MALE
    return Gender.UNKNOWN


class LocalGender:
    """The gender evidence of a text's name occurrences (built once per text)."""

    def __init__(self, tokens: list[Token], in_quote: list[bool]) -> None:
        self.tokens = tokens
        self.in_quote = in_quote
        # his/her/himself/herself bound to a verb (an object "her" never refers to the
        # clause's own subject, so it is left out).
        self.bound: dict[int, Counter[Gender]] = defaultdict(Counter)
        subject_of: dict[int, int] = {}
        for t in tokens:
            if t.dep in NOMINAL_SUBJECT_DEPS:
                subject_of.setdefault(t.head, t.i)
        self.subject_of = subject_of
        for t in tokens:
            low = t.text.lower()
            if in_quote[t.i] or not (low in _REFLEXIVE_GENDER or (low in _POSSESSIVE_GENDER and t.tag == "PRP$")):
                continue
            verb = _clause_verb(tokens, t.i)
            if verb < 0 or _describes_subject(tokens, t.i, verb):
                continue
            if any(tokens[k].text in _CLAUSE_BREAKS for k in range(min(verb, t.i) + 1, max(verb, t.i))):
                # "Dev found a note: the orders in her square capitals": past a colon the
                # parse still hangs "her" off "found", but the words describe someone else.
                continue
            g = _REFLEXIVE_GENDER.get(low) or _POSSESSIVE_GENDER[low]
            self.bound[verb][g] += 1
        # Relative clauses by the noun they hang off: "Dex, who crammed it into his maw".
        self.relatives: dict[int, list[int]] = defaultdict(list)
        for t in tokens:
            if t.dep == "relcl" and t.head != t.i:
                self.relatives[t.head].append(t.i)

    def evidence(self, s: int, e: int, person_tokens: set[int]) -> Counter[Gender]:
        """What the narration around one occurrence (``s`` .. ``e``) says of its gender.
        ``person_tokens``: tokens of the text's other name spans (another person beside it
        makes the next pronoun ambiguous)."""
        tokens = self.tokens
        out: Counter[Gender] = Counter()
        if self.in_quote[s]:
            return out
        last = tokens[e - 1]
        if last.dep in NOMINAL_SUBJECT_DEPS:
            out.update(self.bound.get(last.head, {}))
        for r in self.relatives.get(last.i, ()):
            out.update(self.bound.get(r, {}))
        g = self._apposition(last)
        if g != Gender.UNKNOWN:
            out[g] += _APPOSITION_WEIGHT
        if last.dep in NOMINAL_SUBJECT_DEPS:
            g = self._next_subject(s, e, person_tokens)
            if g == Gender.UNKNOWN:
                g = self._adverbial_subject(last)
            if g != Gender.UNKNOWN:
                out[g] += 1
        return out

    def speaker_gender(self, s: int) -> Gender:
        """The gender of whoever says the quote that holds token ``s``, from its speech tag's
        subject: "the girl from the night desk ... eventually says, 'I'm Lottie.'" (female),
        "'I'm Wren,' he said" (male). For a name the speaker gives themself."""
        tokens = self.tokens
        k = s
        for _ in range(10):
            if not self.in_quote[k] or tokens[k].head == k:
                break
            k = tokens[k].head
        if self.in_quote[k] or tokens[k].pos not in ("VERB", "AUX"):
            return Gender.UNKNOWN
        verbs = [k, tokens[k].head] if tokens[k].dep == "conj" else [k]  # "stands by the door ... and says"
        for verb in verbs:
            # Every subject of the verb: "Someone else, the girl from the night desk, stands".
            for t in tokens[max(0, verb - 30) : verb]:
                if t.head != verb or t.dep not in NOMINAL_SUBJECT_DEPS or self.in_quote[t.i]:
                    continue
                if t.tag == "PRP" and t.text.lower() in _SUBJECT_GENDER:
                    return _SUBJECT_GENDER[t.text.lower()]
                if t.pos == "NOUN" and noun_gender(t.lemma) != Gender.UNKNOWN:
                    return noun_gender(t.lemma)
            if any(t.head == verb and t.dep in NOMINAL_SUBJECT_DEPS for t in tokens[max(0, verb - 30) : verb]):
                return Gender.UNKNOWN
        return Gender.UNKNOWN

    def _adverbial_subject(self, last: Token) -> Gender:
        """The he/she subject of a clause of time or cause on the name's own verb: "Itachi had taken
        Sasuke and Naruto when he left" (the subject goes on being the subject, whoever the
        object is)."""
        tokens = self.tokens
        verb = last.head
        for t in tokens[last.i + 1 : min(len(tokens), last.i + 40)]:
            if t.sentence != last.sentence or self.in_quote[t.i]:
                break
            if t.dep in NOMINAL_SUBJECT_DEPS and t.i != last.i:
                clause = tokens[t.head]
                if (
                    t.tag == "PRP"
                    and t.text.lower() in _SUBJECT_GENDER
                    and clause.dep == "advcl"
                    and clause.head == verb
                    and any(m.head == clause.i and m.dep in ("mark", "advmod") and m.text.lower() in _TIME_MARKS for m in tokens[last.i + 1 : t.i])
                ):
                    return _SUBJECT_GENDER[t.text.lower()]
                if t.head == verb or clause.head == verb:
                    return Gender.UNKNOWN  # another subject of the name's clause first
        return Gender.UNKNOWN

    def _apposition(self, last: Token) -> Gender:
        """"Kevin, another tall guy", "Lance (the new guy with green eyes)", "the nurse, Dana",
        and the noun a copula gives the name: "Teyla was his sister"."""
        tokens = self.tokens
        for t, by_copula in describing_nouns(tokens, last):
            if not by_copula or t.pos == "NOUN":
                return noun_gender(t.lemma)
        if last.dep == "appos" and tokens[last.head].pos == "NOUN":
            return noun_gender(tokens[last.head].lemma)
        return Gender.UNKNOWN

    def _next_subject(self, s: int, e: int, person_tokens: set[int]) -> Gender:
        """The first he/she subject after the name, in the rest of its sentence or at the
        start of the next one in its paragraph, when nothing between names someone else."""
        tokens = self.tokens
        sentence = tokens[s].sentence
        paragraph = tokens[s].paragraph
        # Another person named in the name's sentence: "he" may be either.
        k = s
        while k > 0 and tokens[k - 1].sentence == sentence:
            k -= 1
        if any(i in person_tokens and not (s <= i < e) for i in range(k, s)):
            return Gender.UNKNOWN
        seen_next = False
        i = e
        while i < len(tokens) and tokens[i].paragraph == paragraph:
            t = tokens[i]
            if t.sentence != sentence:
                if seen_next and t.sentence != tokens[i - 1].sentence:
                    return Gender.UNKNOWN  # only the next sentence
                seen_next = True
            if self.in_quote[i]:
                return Gender.UNKNOWN  # dialogue between: its "he" is someone spoken of
            if i in person_tokens or (t.pos in ("PROPN", "NOUN") and t.dep in NOMINAL_SUBJECT_DEPS):
                return Gender.UNKNOWN  # another subject first: "Kay frowns. Cassian..."
            if t.dep in NOMINAL_SUBJECT_DEPS and t.text.lower() in _SUBJECT_GENDER and t.tag == "PRP":
                # In the name's own sentence only a clause joined to the name's ("Howie had
                # been there and he felt right"); "Perhaps X would have understood if she had
                # seen him" is someone else.
                if t.sentence == sentence and not (
                    tokens[t.head].dep == "conj" and tokens[t.head].head == tokens[e - 1].head
                ):
                    return Gender.UNKNOWN
                return _SUBJECT_GENDER[t.text.lower()]
            if t.dep in NOMINAL_SUBJECT_DEPS and t.pos == "PRON":
                return Gender.UNKNOWN  # "they", "it", "I": the chain is elsewhere
            if t.tag in ("PRP", "PRP$") and t.text.lower() in ("him", "his", "her", "hers"):
                return Gender.UNKNOWN  # "caught his arm. He shrugged": someone else is here
            i += 1
        return Gender.UNKNOWN


def _describes_subject(tokens: list[Token], i: int, verb: int) -> bool:
    """Whether the possessive sits in a noun that describes the clause's subject: "Teyla, his
    sister, came", "Teyla was his sister". That "his" is someone else."""
    k = i
    while k != verb:
        if tokens[k].dep in ("appos", "attr"):
            return True
        if tokens[k].head == k:
            return False
        k = tokens[k].head
    return False


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
