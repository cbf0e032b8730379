"""Speech tags: finding the tag of each quote and resolving who it names.

::

    "I am quite well," said Elizabeth.       -> Tag(Ref(("C0",), "name"), verb "said")
    Mr. Darcy said, "You are mistaken."      -> the clause before the quote
    "Well," she said.                        -> Ref((), "pronoun", FEMALE): unresolved, a gender
    Charles said--\n\n"Margaret, which..."   -> the last clause of the paragraph before
    "Hi," said the gentleman in the grey coat -> the cast's description, phrase and all

``TagFinder`` looks in the narration right after the quote, then right before it, then in the
last clause of a narration paragraph just before; it takes the speech verb nearest the quote
(``ficlens.stages.speech_verbs``), climbs the parse to its subject, and resolves the subject
(``TagFinder.resolve``, also used for the actors of a paragraph) through the mentions, the
characters' names and aliases (``aliases.AliasLookup``), pronouns and gendered nouns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ficlens.model import Gender, MentionKind, Token
from ficlens.stages.characters import ROLE_NOUNS
from ficlens.stages.speakers.config import SpeakerConfig
from ficlens.stages.speakers.index import DocumentIndex
from ficlens.stages.speech_verbs import (
    ADJACENT_SPEECH_LEMMAS,
    FIRST_PERSON,
    IRREGULAR_SPEECH,
    MANNER_LEMMAS,
    NOUN_GENDER,
    PHRASAL_SPEECH,
    PRONOUN_GENDER,
    SPEECH_LEMMAS,
    SUBJECT_DEPS,
    UNNAMED_SPEAKERS,
)

_SENTENCE_END = frozenset({".", "!", "?", "…"})


@dataclass(frozen=True)
class Ref:
    """A character reference in narration: a tag subject or an actor."""

    ids: tuple[str, ...]  # characters it may be (empty when unresolved)
    # "name", "alias" (a description that is a character's alias), "coref" (pronoun/nominal
    # resolved by coref), "pronoun", "nominal", "narrator"
    kind: str
    gender: Gender | None
    span: tuple[int, int]


@dataclass(frozen=True)
class Tag:
    """A speech tag: who it names and its verb."""

    ref: Ref
    verb: int  # token index of the speech verb (one tag can serve two pieces)
    strength: float  # 1 for speech verbs, lower for manner verbs


class TagFinder:
    """Finds each quote's speech tag and resolves narration subjects to characters, over the
    lookups of one Document (``index``).

    ``tag(qi, paragraph_quotes)`` gives quote ``qi``'s tag or None: the narration after the
    closing mark up to the sentence end (unless it goes on as narration: ``": and Tibby
    implored"``), else the clause leading into the quote, else (for a quote opening its
    paragraph) the last clause of the narration paragraph before. Inside a window the speech
    verb's subject is found on the parse (``_subject_of``), with fixes for what the parser
    gets wrong: inverted tags read with a wrong subject ("said Cecil stiffly"), names read as
    modifiers ("Milly said"), particles read as prepositions ("put in Lucy"), verbs with a
    dash glued on ("said--"). ``resolve(token)`` turns a subject into a ``Ref``: a mention's
    character, the narrator's "I", a pronoun's gender, or a name or description looked up in
    the cast (with its prepositional phrase: "the gentleman in the white waistcoat").
    ``last_clause(paragraph)`` is also read by ``turns`` for the actors just before a turn.
    """

    def __init__(self, index: DocumentIndex, cfg: SpeakerConfig) -> None:
        self.index = index
        self.cfg = cfg

    def tag(self, qi: int, paragraph_quotes: list[int]) -> Tag | None:
        """The speech tag right after the quote, else right before it (same paragraph)."""
        q = self.index.doc.quotes[qi]
        p_lo, p_hi = self.index.paragraph_tokens.get(q.paragraph, (0, len(self.index.tokens)))
        lo, hi = self.index.quote_tokens[qi]
        window = self.cfg.tag_window_tokens
        tokens = self.index.tokens
        # After: narration from the closing mark to the next quote or the sentence end.
        after: list[int] = []
        j = hi if hi >= p_hi else min(self.index.out_after[hi], p_hi)
        ends_sentence = q.text.rstrip().endswith(".")
        first_word = True
        while j < p_hi and not self.index.in_quote[j] and len(after) < window:
            tok = tokens[j]
            if first_word and tok.pos != "PUNCT":
                # "Hello." John turned: a capital after a full stop starts a new sentence.
                if ends_sentence and tok.text[:1].isupper() and tok.text != "I" and not _is_speech(tok.lemma, tok.tag, False):
                    break
                first_word = False
            after.append(j)
            if tok.text in _SENTENCE_END:
                break
            j += 1
        fallback = self._tag_in(after, after=True)
        # '"...": and Tibby implored the company' is narration going on, not a tag: a tag
        # before the quote comes first ("Helen said to her aunt: "...""), else that one.
        if fallback is not None and not (
            tokens[after[0]].text in (";", ":") or any(tokens[x].pos == "CCONJ" for x in after[:2])
        ):
            return fallback
        # Before: the clause leading into the quote ("John said, ..." / "She turned: ...").
        before: list[int] = []
        j = lo - 1
        if j >= p_lo:
            j = max(self.index.out_before[j], p_lo - 1)
        if j >= p_lo and not self.index.in_quote[j] and tokens[j].text in _SENTENCE_END:
            if fallback is not None:
                return fallback
            # "Miss Bertram began again. "You seemed..."": a short sentence ending in a speech
            # verb just before the quote, as at the end of a narration paragraph (below).
            # Or a short last clause: "He wavered, but Blenkinsop interposed."
            last: list[int] = []
            k = j - 1
            while k >= p_lo and not self.index.in_quote[k] and not _clause_start(tokens[k]) and len(last) < 6:
                last.append(k)
                k -= 1
            if not last or not (k < p_lo or self.index.in_quote[k] or _clause_start(tokens[k])):
                return None  # only a whole short sentence or clause
            tag = self._tag_in(last[::-1])
            return replace(tag, strength=tag.strength * 0.7) if tag is not None else None
        while j >= p_lo and not self.index.in_quote[j] and len(before) < window:
            if tokens[j].text in _SENTENCE_END:
                break
            before.append(j)
            j -= 1
        before.reverse()
        tag = self._tag_in(before)
        if tag is not None or j >= p_lo or qi != paragraph_quotes[0]:
            return tag or fallback
        # The quote opens its paragraph: the tag may end the narration paragraph before it
        # ("Elizabeth called out,\n\n"Dear Ma'am..."), common in older novels.
        window_tokens = self.last_clause(q.paragraph - 1)
        if not window_tokens:
            return fallback
        last = tokens[window_tokens[-1]].text
        lead_in = last in (",", ":", ";") or last.endswith(("-", "—"))  # "Charles said--"
        if not lead_in:
            # "Mrs. Hurst began again." ends the paragraph: only its last few words.
            window_tokens = window_tokens[-6:]
        tag = self._tag_in(window_tokens)
        if tag is None:
            return fallback
        return replace(tag, strength=tag.strength * (1.0 if lead_in else 0.7))

    def last_clause(self, paragraph: int) -> list[int]:
        """Tokens of the last sentence of a narration-only paragraph (empty otherwise)."""
        if paragraph < 0 or paragraph in self.index.quote_paragraphs or paragraph not in self.index.paragraph_tokens:
            return []
        p_lo, p_hi = self.index.paragraph_tokens[paragraph]
        if p_hi <= p_lo:
            return []
        out: list[int] = []
        j = p_hi - 1
        while j >= p_lo and len(out) < 2 * self.cfg.tag_window_tokens:
            if self.index.tokens[j].text in _SENTENCE_END and out:
                break
            out.append(j)
            j -= 1
        out.reverse()
        return out

    def _tag_in(self, window: list[int], after: bool = False) -> Tag | None:
        tokens = self.index.tokens
        order = list(enumerate(window))
        if not after:
            # Before a quote the verb nearest it leads in: "She spoke with agitation; and
            # Emma replied, "..."" is Emma's.
            order.reverse()
        for pos, j in order:
            strength = self._speech_strength(j, after and pos <= 1)
            if not strength:
                continue
            subject = self._subject_of(j)
            ref = self.resolve(subject) if subject is not None else None
            if ref is None and subject is None and pos > 0:
                # "Milly said," with the name read as a modifier: the word before the verb
                # (and before its adverbs: "May brightly agreed", "May" read as a modal).
                before = pos - 1
                while before > 0 and tokens[window[before]].pos == "ADV":
                    before -= 1
                k = window[before]
                t = tokens[k]
                if t.dep not in ("poss", "pobj", "dobj") and (
                    t.pos in ("PROPN", "PRON") or self.index.mention_at[k] >= 0 or name_like(t.text)
                ):
                    ref = self.resolve(k)
            if ref is None and (subject is None or subject > j):
                # Inverted tags the parser missed ("said Elizabeth", "cried Mrs. Bennet") or
                # misparsed ("said Cecil stiffly" with "stiffly" as the subject).
                for k in window[pos + 1 :]:
                    t = tokens[k]
                    if t.dep == "poss" or t.tag == "PRP$" or t.pos == "DET":
                        continue  # "cried his wife": the noun is the subject, not "his"
                    if k == j + 1 and (t.dep == "prt" or t.lemma.lower() in PHRASAL_SPEECH.get(tokens[j].lemma.lower(), ())):
                        continue  # the particle of "put in Lucy", "cried out the Colonel"
                    if (
                        t.pos in ("PROPN", "PRON", "NOUN")
                        or self.index.mention_at[k] >= 0
                        or (t.text[:1].isupper() and self.index.names.lookup(t.text))
                    ):
                        ref = self.resolve(k)
                        head = t.head
                        if ref is None and t.dep == "compound" and head in window[pos + 1 :]:
                            ref = self.resolve(head)  # "the station-master": the head noun
                        if (ref is None or not ref.ids) and t.lemma.lower() == "voice":
                            # "said the voice of Mr. Haq": the voice's owner
                            owner = [
                                x for x in window
                                if tokens[x].head == k and tokens[x].dep == "poss"
                                or tokens[x].dep == "pobj" and tokens[tokens[x].head].head == k
                            ]
                            ref = (self.resolve(owner[0]) if owner else None) or ref
                        break
                    if t.pos in ("VERB", "PUNCT", "ADP") and t.text not in ("'", "’") and t.tag != "HYPH" and t.dep != "amod":
                        break  # (but on through "a sleepy-faced carpenter")
            if ref is None:
                continue
            return Tag(ref, j, strength)
        if after and window and tokens[window[0]].lemma == "be":
            # "..." was Kit's first question / were Colonel Fitzwilliam's words.
            for k in window[1:6]:
                if tokens[k].dep == "poss" or (k + 1 < len(tokens) and tokens[k + 1].text in ("'s", "’s")):
                    ref = self.resolve(k)
                    if ref is not None:
                        return Tag(ref, window[0], 0.9)
                    break
        return None

    def _speech_strength(self, j: int, adjacent: bool) -> float:
        """1 for a speech verb, 0.6 for a manner verb ("she smiled"), 0 otherwise."""
        tok = self.index.tokens[j]
        lemma = tok.lemma.lower()
        if not tok.tag.startswith("VB"):
            # Right after the quote a mis-tagged "sneered" is still the tag verb.
            # A dash glued to the verb ("Charles said--") also spoils the tagging.
            glued = tok.text[-1:] in "-—–" and tok.text.rstrip("-—–").isalpha()
            if not (adjacent or glued) or tok.pos not in ("ADJ", "NOUN", "PROPN", "VERB"):
                return 0.0
            low = tok.text.lower().rstrip("-—–")
            forms = {lemma, low, low[:-1], low[:-2], low[:-3] + "y", IRREGULAR_SPEECH.get(low, "")}
            if forms & (SPEECH_LEMMAS | ADJACENT_SPEECH_LEMMAS):
                return 1.0
            # "she hums" / "he snickers" read as plural nouns (present tense).
            return 0.6 if self.cfg.manner_verbs and adjacent and forms & MANNER_LEMMAS else 0.0
        if lemma in SPEECH_LEMMAS:
            return 1.0
        if adjacent and lemma in ADJACENT_SPEECH_LEMMAS:
            return 1.0  # '"...," flashed Helen': inverted right after the quote
        particles = PHRASAL_SPEECH.get(lemma)
        if particles and any(
            t.lemma.lower() in particles and (t.head == j and t.dep == "prt" or (adjacent and k == 0))
            for k, t in enumerate(self.index.tokens[j + 1 : j + 3])
        ):
            # "Kitty put in", "he went on", "she broke in"; right after the quote the parser
            # often reads the particle as a preposition ("put in Lucy").
            return 1.0
        if self.cfg.manner_verbs and lemma in MANNER_LEMMAS:
            return 0.6
        return 0.0

    def _subject_of(self, verb: int) -> int | None:
        """The verb's narration subject, climbing "hastened to protest" / "leaned over and began"."""
        tokens = self.index.tokens
        sentence = self.index.doc.sentences[tokens[verb].sentence] if self.index.doc.sentences else None
        lo, hi = (sentence.start_token, sentence.end_token_excl) if sentence else (verb - 15, verb + 15)
        lo, hi = max(lo, 0), min(hi, len(tokens))
        v = verb
        for _ in range(3):
            for k in range(lo, hi):
                if tokens[k].head == v and k != v and tokens[k].dep in SUBJECT_DEPS and not self.index.in_quote[k]:
                    if tokens[k].text.lower() in ("who", "that") and tokens[v].dep == "relcl" and not self.index.in_quote[tokens[v].head]:
                        return tokens[v].head  # "Ben, who said": the noun the clause describes
                    return k
            prev = tokens[v - 1] if v == verb and v > lo else None
            if prev is not None and prev.head == v and prev.dep in ("advmod", "compound", "npadvmod", "dep") and (
                self.index.mention_at[v - 1] >= 0 or (name_like(prev.text) and self.index.names.lookup(prev.text))
            ) and not self.index.in_quote[v - 1]:
                return v - 1  # "and Dolly said": the name read as a modifier of the verb
            if tokens[v].dep not in ("xcomp", "conj", "advcl") or tokens[v].head == v or self.index.in_quote[tokens[v].head]:
                return None
            v = tokens[v].head
        return None

    def resolve(self, t: int) -> Ref | None:
        """What character a subject token refers to (mention, pronoun, name or description)."""
        tok = self.index.tokens[t]
        mi = self.index.mention_at[t]
        if mi >= 0:
            m = self.index.doc.mentions[mi]
            span = (m.start, m.end)
            if m.character_id is not None:
                if m.kind == MentionKind.NAME:
                    return Ref((m.character_id,), "name", None, span)
                if m.text.lower() in FIRST_PERSON:
                    return Ref((m.character_id,), "narrator", None, span)
                if m.kind == MentionKind.NOMINAL and m.character_id in self.index.names.alias_owners(m.text):
                    return Ref((m.character_id,), "alias", None, span)  # "the beadle", their alias
                # The pronoun still says the gender, whoever coref chose ("she" -> a woman).
                return Ref((m.character_id,), "coref", _word_gender(m.text), span)
            if m.kind == MentionKind.NAME:
                ids = self.index.names.lookup(m.text)
                return Ref(ids, "name", None, span) if ids else None
        low = tok.text.lower()
        span = (tok.start, tok.end)
        if low in FIRST_PERSON:
            return Ref((self.index.narrator,), "narrator", None, span) if self.index.narrator else None
        if low in PRONOUN_GENDER:
            return Ref((), "pronoun", PRONOUN_GENDER[low], span)
        if tok.pos == "PRON" and low != "one":
            return None
        # A name or description without a mention: expand to its modifiers and look it up,
        # with its prepositional phrase first ("the gentleman in the white waistcoat"). A
        # compound ("the medicine man") is looked up from its head noun.
        head = tok.head
        if tok.dep == "compound" and t < head <= t + 3 and self.index.tokens[head].pos == "NOUN" and not self.index.in_quote[head]:
            t, tok = head, self.index.tokens[head]
            low = tok.text.lower()
        start, end, phrase_end = self._description(t)
        ids: tuple[str, ...] = ()
        if phrase_end > end:
            ids = self.index.names.lookup(self.index.doc.text[start:phrase_end])
            if ids:
                end = phrase_end
        if not ids and low == "one":
            # "said one of the magistrates": whoever the group is; "one of them": someone
            of = self._child(t, "prep", "of")
            pobj = self._child(of, "pobj") if of is not None else None
            if pobj is None:
                return None
            return self.resolve(pobj) or Ref((), "nominal", None, (start, phrase_end))
        if not ids:
            ids = self.index.names.lookup(self.index.doc.text[start:end])
        if not ids and tok.pos == "PROPN":
            ids = self.index.names.lookup(tok.text)
        if not ids and tok.pos == "NOUN" and tok.lemma.lower() != low:
            ids = self.index.names.lookup(tok.lemma)  # "the magistrates" for "the magistrate"
        if not ids:
            low = tok.lemma.lower()
            gender = NOUN_GENDER.get(low) if tok.pos == "NOUN" else None
            # "her mother replied": unresolved, but the noun still says the gender; "said the
            # other", "said the stranger": nobody named, but a line someone was heard to say.
            if gender is None and low not in UNNAMED_SPEAKERS and not (tok.pos == "NOUN" and low in ROLE_NOUNS):
                return None
            return Ref((), "nominal", gender, (start, end))
        # A capitalised name the tagger missed ("cried Dolly" read as an adverb) is still a name;
        # a description written as one of the characters' aliases ("said nanny", "the medicine
        # man" in a cast) names them, though less surely than a proper name.
        if tok.pos == "PROPN" or name_like(tok.text):
            kind = "name"
        elif self.index.names.alias_owners(self.index.doc.text[start:end]):
            kind = "alias"
        else:
            kind = "nominal"
        return Ref(ids, kind, None, (start, end))

    def _description(self, t: int) -> tuple[int, int, int]:
        """Character offsets of the noun phrase headed by token ``t``: its start, its end
        without a following prepositional phrase, and its end with one ("the gentleman | in
        the white waistcoat", "one | of the young fellows"; the same end when none)."""
        tokens = self.index.tokens
        lo = t
        while lo - 1 >= 0 and tokens[lo - 1].head in range(lo - 1, t + 1) and tokens[lo - 1].dep in (
            "compound", "flat", "amod", "det", "poss", "nmod", "punct"
        ) and not self.index.in_quote[lo - 1]:
            lo -= 1
        hi = t + 1
        while hi < len(tokens) and tokens[hi].head == t and tokens[hi].dep in ("flat", "compound"):
            hi += 1
        start, end = tokens[lo].start, tokens[hi - 1].end
        phrase_end = end
        if hi < len(tokens) and tokens[hi].head == t and tokens[hi].dep == "prep" and not self.index.in_quote[hi]:
            last = hi
            # The phrase is the preposition's subtree; it ends at the first token outside it.
            while last + 1 < len(tokens) and not self.index.in_quote[last + 1] and self._within(last + 1, hi):
                last += 1
            if last - hi <= 6:
                phrase_end = tokens[last].end
        return start, end, phrase_end

    def _within(self, k: int, root: int) -> bool:
        """Token ``k`` lies in the syntactic subtree of ``root`` (same sentence)."""
        tokens = self.index.tokens
        for _ in range(12):
            if k == root:
                return True
            if tokens[k].head == k:
                return False
            k = tokens[k].head
        return False

    def _child(self, head: int, dep: str, lemma: str | None = None) -> int | None:
        """The first token after ``head`` attached to it with ``dep`` (and ``lemma``)."""
        tokens = self.index.tokens
        for k in range(head + 1, min(head + 8, len(tokens))):
            if tokens[k].head == head and tokens[k].dep == dep and (lemma is None or tokens[k].lemma.lower() == lemma):
                return k
        return None


def _is_speech(lemma: str, tag: str, manner: bool) -> bool:
    if not tag.startswith("VB"):
        return False
    low = lemma.lower()
    return low in SPEECH_LEMMAS or (manner and low in MANNER_LEMMAS)


def _clause_start(tok: Token) -> bool:
    """A sentence end, or the word joining a last clause on ("but", "and", a semicolon)."""
    return tok.text in _SENTENCE_END or tok.text == ";" or (tok.pos == "CCONJ" and tok.dep == "cc")


def _word_gender(text: str) -> Gender | None:
    """The gender a pronoun or a description's head says: "she", "his wife", "the old man"."""
    words = text.lower().split()
    if not words:
        return None
    return PRONOUN_GENDER.get(words[0]) if len(words) == 1 else NOUN_GENDER.get(words[-1])


def name_like(text: str) -> bool:
    """A capitalised word (a full stop allowed: "Mr."), not "I"."""
    return bool(text) and text[0].isupper() and (text.isalpha() or text.rstrip(".").isalpha()) and text != "I"


def different_people(a: Tag | None, b: Tag | None) -> bool:
    """Two tags in one paragraph that name different people start a new turn."""
    if a is None or b is None or a.verb == b.verb:
        return False
    if a.ref.ids and b.ref.ids:
        return not set(a.ref.ids) & set(b.ref.ids)
    if a.ref.gender is not None and b.ref.gender is not None:
        return a.ref.gender != b.ref.gender
    return False


def tag_names(tag: Tag | None) -> tuple[str, ...]:
    """Who a turn's tag names ("said Anna", "said nanny" for a Nanny, a first-person
    narrator's "I said"); nothing for a tag coref resolved, which is weaker evidence."""
    return tag.ref.ids if tag is not None and tag.ref.kind in ("name", "alias", "narrator") else ()
