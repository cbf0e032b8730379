"""Collecting mention spans: name spans grouped into name forms, and nominal spans.

Name spans come from PERSON entities (widened to the whole name: "Teodor [Kask]"),
honorific + capitalised word runs (with "de"/"van" particles and hyphens inside), and
capitalised PROPN runs; a recurring "the Secretary" takes its article in. Each span is
trimmed to the name ("Old Cotter" -> the form "Cotter", the mention "Old Cotter") and
recorded under its form's key with the evidence ``evidence`` finds in it (``collect_forms``).
Once a one-word name is accepted as a person, its untagged occurrences join it
(``add_untagged``). Nominal mentions are person nouns with their left modifiers ("the old
man", "her sister": ``nominal_mentions``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ficlens.model import Document, Gender, Mention, MentionKind, Token
from ficlens.stages.characters.evidence import (
    has_person_relative,
    is_actor,
    is_agent,
    is_named,
    is_vocative,
    person_apposition,
    place_evidence,
    plural_det,
    self_introduced,
)
from ficlens.stages.characters.forms import Form, Key, key_of
from ficlens.stages.characters.gender import LocalGender
from ficlens.stages.characters.words import PARTICLES, PERSON_NOUNS, SEAT_RANKS, common_word
from ficlens.stages.names import (
    MONTH_NAMES,
    NOT_NAMES,
    canonical_honorific,
    first_name_gender,
    is_given_name,
)
from ficlens.stages.speech_verbs import speech_subject

_NOMINAL_LEFT_DEPS = frozenset({"det", "poss", "amod", "compound", "nummod", "advmod"})
# Honorific-looking words that may sit inside a name: "Reggie St Cloud", "St. John".
INNER_TITLES = frozenset({"st", "saint"})
# Capitalised words that open a PERSON span but are not part of the name ("Old Peter Lusk").
_LEADING_ADJ = frozenset({"old", "young", "little", "poor", "dear", "dearest", "good", "great", "big"})

# A name word: capitalised letters with inner apostrophes, hyphens or dots ("O'Hara",
# "Jean-Luc", "St."); tokens glued to punctuation ('No"--said') are not names.
_NAME_WORD = re.compile(r"^[A-Z\u00c0-\u00de][^\W\d_]*(?:['\u2019.\-][^\W\d_]+)*\.?$")


def is_cap(tok: Token) -> bool:
    return bool(_NAME_WORD.match(tok.text))


def _nameish(tok: Token) -> bool:
    return is_cap(tok) and (tok.pos == "PROPN" or tok.ent_type == "PERSON") and tok.text.lower() not in NOT_NAMES


# Punctuation after a word that opens a quote and is an exclamation: "Hm...", "Urg!".
_EXCLAIM_AFTER = frozenset({",", "!", "?", ".", "...", "\u2026", "-", "--", "\u2014"})
# A credit line's words: "Story by Jenrose", "Author: Kolyaaa", "the property of Kolyaaa".
_CREDIT_BEFORE = re.compile(r"(?:\b(?:author|writer|artist|beta|beta'?d|credit|credits|translator|translated)\s*[:\-]\s*|property of\s+)$", re.IGNORECASE)


def _credit(doc: Document, tokens: list[Token], s: int, e: int) -> bool:
    """A name credited with a work rather than acting in the story: "Story by Jenrose",
    "a verse by Tennyson" ("by" after a noun; a passive's agent, "killed by Tom", is an actor),
    "Author: Kolyaaa", "the property of Kolyaaa"."""
    last = tokens[e - 1]
    head = tokens[last.head]
    if last.dep == "pobj" and head.text.lower() == "by" and head.dep != "agent" and tokens[head.head].pos in ("NOUN", "PROPN"):
        return True
    before = doc.text[max(0, tokens[s].start - 24) : tokens[s].start]
    return bool(_CREDIT_BEFORE.search(before))


def _fronted_modifier(tokens: list[Token], s: int) -> bool:
    """A common word opening a sentence and set off by a comma before the clause's own
    subject: "Gentler, Jack adds", "Softer, she asks". The parser gives the verb two
    subjects; the first is a fronted adverb or adjective, not a name."""
    tok = tokens[s]
    if s + 2 >= len(tokens) or tokens[s + 1].text != ",":
        return False
    if s > 0 and tokens[s - 1].sentence == tok.sentence and any(ch.isalnum() for ch in tokens[s - 1].text):
        return False  # inside a sentence: "Sam, Dean and Cas"
    nxt = tokens[s + 2]
    if nxt.dep != "nsubj" or nxt.head != tok.head:
        return False
    return not is_given_name(tok.text) and common_word(tok.text.lower(), tok.lemma.lower())


# Personal pronouns a name may be coordinated with: "Matatabi and I", "he and Teyla".
_PERSONAL = frozenset({"i", "me", "he", "him", "she", "her", "we", "us"})


def _coordinated(tokens: list[Token], i: int) -> list[int]:
    """The words coordinated with token ``i`` ("Teyla and Dex", "McKay, Teyla and Beckett"):
    its conjuncts, the word it is a conjunct of, and that word's other conjuncts."""
    root = i
    while tokens[root].dep == "conj" and tokens[root].head != root:
        root = tokens[root].head
    group = {root}
    frontier = [root]
    while frontier:
        k = frontier.pop()
        for t in tokens[k + 1 : min(len(tokens), k + 12)]:
            if t.dep == "conj" and t.head == k and t.i not in group:
                group.add(t.i)
                frontier.append(t.i)
    return sorted(group - {i}) if len(group) > 1 else []


def _alone(tokens: list[Token], i: int) -> bool:
    """Token ``i`` is the only word of its sentence ("Urg!!", "Hm."): the rest is punctuation."""
    sentence = tokens[i].sentence
    k = i - 1
    while k >= 0 and tokens[k].sentence == sentence:
        if tokens[k].pos != "PUNCT":
            return False
        k -= 1
    k = i + 1
    while k < len(tokens) and tokens[k].sentence == sentence:
        if tokens[k].pos != "PUNCT":
            return False
        k += 1
    return True


def _particle_at(tokens: list[Token], j: int) -> bool:
    """A lower-case particle between two name words ("de" in "Therese de Vitre")."""
    return (
        tokens[j].text in PARTICLES
        and j + 1 < len(tokens)
        and is_cap(tokens[j + 1])
        and tokens[j + 1].text.lower() not in NOT_NAMES
        and tokens[j + 1].sentence == tokens[j].sentence
    )


def _seat_at(tokens: list[Token], i: int) -> bool:
    """A rank followed by "of" and a capitalised word: "Duchess" in "Duchess of Harley"."""
    return (
        canonical_honorific(tokens[i].text) in SEAT_RANKS
        and i + 2 < len(tokens)
        and tokens[i + 1].text == "of"
        and is_cap(tokens[i + 2])
        and tokens[i + 2].sentence == tokens[i].sentence
    )


def _hyphen_at(tokens: list[Token], j: int) -> bool:
    """A hyphen glued between two name words ("Grant-Menzies")."""
    if tokens[j].text != "-" or j + 1 >= len(tokens) or j == 0:
        return False
    before, after = tokens[j - 1], tokens[j + 1]
    return before.end == tokens[j].start and tokens[j].end == after.start and is_cap(after) and is_cap(before)


def collect_forms(
    doc: Document,
    tokens: list[Token],
    in_quote: list[bool],
    edges: tuple[set[int], set[int]],
) -> dict[Key, Form]:
    """Every name span of the text, grouped by form key, with each occurrence's evidence
    added up on its form."""
    forms: dict[Key, Form] = {}
    covered = [False] * len(tokens)
    lower_words = {t.text for t in tokens if t.text.islower()}
    # What the narration around each occurrence says of its gender ("Marcus rubs his hair",
    # "Kevin, another tall guy", "Teyla nodded. She ..."): ``gender.LocalGender``.
    local = LocalGender(tokens, in_quote)
    person_tokens = {
        t.i for t in tokens if t.ent_type == "PERSON" or (t.pos == "PROPN" and is_cap(t)) or t.lemma.lower() in PERSON_NOUNS
    }
    # Capitalised word pairs seen inside a sentence: "plump Buck Mulligan came".
    inner_pairs = {
        (tokens[i].text, tokens[i + 1].text)
        for i in range(1, len(tokens) - 1)
        if tokens[i - 1].sentence == tokens[i].sentence and i not in edges[0] and is_cap(tokens[i]) and is_cap(tokens[i + 1])
    }

    # How often the text writes each word in lower case, and capitalised inside a sentence:
    # a word written "chakra" ten times and "Chakra" once is a common word that capitals
    # glued onto a name ("Yang Chakra", "Classic Stiles"), not part of the name.
    lower_count = Counter(t.text for t in tokens if t.text.islower())
    cap_inside = Counter(
        t.text for t in tokens if t.i > 0 and tokens[t.i - 1].sentence == t.sentence and t.i not in edges[0] and is_cap(t)
    )
    cap_pairs = Counter((tokens[i].text, tokens[i + 1].text) for i in range(len(tokens) - 1) if is_cap(tokens[i]) and is_cap(tokens[i + 1]))

    def glued(tok: Token) -> bool:
        """A common word the text writes in lower case more often than capitalised inside
        sentences, and no given name or title: "Classic", "Lookalike", "Chakra", "Elite"."""
        w = tok.text
        return (
            lower_count[w.lower()] >= 2
            and lower_count[w.lower()] > cap_inside[w]
            and not is_given_name(w)
            and canonical_honorific(w) is None
        )

    def record(s: int, e: int, vote: bool) -> None:
        # Trim what is not part of a name: leading lower-case words, a possessive 's, punctuation.
        while s < e and (
            not (is_cap(tokens[s]) or canonical_honorific(tokens[s].text)) or tokens[s].text.lower() in _LEADING_ADJ
        ):
            s += 1
        while e > s and not is_cap(tokens[e - 1]):
            e -= 1
        # A name ends before a pronoun or a present-tense verb that capitals glued on: "Uzushio
        # Reaches Her Hope" (a title-cased line) is "Uzushio".
        for k in range(s + 1, e):
            if tokens[k].tag in ("PRP", "PRP$", "VBZ"):
                e = k
                break
        if e - s >= 2 and (s == 0 or tokens[s - 1].sentence != tokens[s].sentence or s in edges[0]):
            first = tokens[s].text
            # "Buck Mulligan" stays whole when the text also writes it inside a sentence.
            whole = (first, tokens[s + 1].text) in inner_pairs
            if first.lower() in lower_words and not is_given_name(first) and not canonical_honorific(first) and not whole:
                s += 1  # "Whereupon Anne", "Lest Cecil": a common word capitalised by the sentence
            elif not whole and is_given_name(first) and lower_count[first.lower()] >= 3 and not cap_inside[first]:
                # "Will Satoru be all right?": a given name the text never writes as a name
                # inside a sentence, and often in lower case, is the word ("will").
                s += 1
        if e - s >= 2 and canonical_honorific(tokens[s].text) is None and cap_pairs[(tokens[s].text, tokens[s + 1].text)] <= 2:
            # A rare pair with a common word at either end: the word is glued on by capitals
            # ("Draco Lookalike", "Classic Stiles"), and a name of common words only is none.
            before = (s, e)
            while e - s >= 2 and glued(tokens[s]):
                s += 1
            while e - s >= 2 and glued(tokens[e - 1]):
                e -= 1
            if e - s == 1 and glued(tokens[s]):
                return
            if (s, e) != before:
                vote = False  # spaCy's PERSON was for the glued phrase ("Yang Chakra"), not the rest
        if e <= s or any(covered[s:e]):
            return
        if e - s == 1 and _fronted_modifier(tokens, s):
            return
        # Take an honorific just before the span into it ("Mr." + "Darcy").
        while s > 0 and canonical_honorific(tokens[s - 1].text) and is_cap(tokens[s - 1]) and not covered[s - 1]:
            s -= 1
        # Words as written, so "Grant-Menzies" (three tokens) stays one name word.
        surface = " ".join(doc.text[tokens[s].start : tokens[e - 1].end].split())
        if any(
            t.text not in PARTICLES and not is_cap(t) and t.text != "-" and not (t.i == s + 1 and _seat_at(tokens, s))
            for t in tokens[s:e]
        ):
            return  # "John and Thunderclap", "Ring up Bratt": not one name
        if len(tokens[s:e]) == 1 and re.search(r"['\u2019](?:d|ll|re|ve|s|m)$", surface) and surface.split("'")[0].split("\u2019")[0].lower() in NOT_NAMES:
            return  # "They'd", "We'll": a pronoun and a verb, capitalised by the sentence
        key = key_of(surface)
        hon, name_words = key
        if not name_words or any(not any(ch.isalpha() for ch in w) for w in name_words):
            return
        if hon is None and len(name_words) == 1 and name_words[0] in NOT_NAMES and name_words[0] not in MONTH_NAMES:
            return
        if hon is None and any(canonical_honorific(w) not in (None, *INNER_TITLES) for w in name_words):
            return
        if any(ch.isdigit() for ch in surface) or tokens[s].sentence != tokens[e - 1].sentence:
            return
        # A capitalised epithet before the name is part of the mention, not of the name:
        # "Old Cotter", "Poor Jo", "Dearest Meg" (the form stays "Cotter").
        lead = s
        while (
            lead > 0
            and tokens[lead - 1].text.lower() in _LEADING_ADJ
            and is_cap(tokens[lead - 1])
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
                and is_cap(tokens[j])
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
            form = forms[key] = Form(key)
        form.spans.append((lead, tail))
        form.narrated += not in_quote[s]
        form.common += e - s == 1 and glued(tokens[s])
        partners = _coordinated(tokens, e - 1)
        form.partners.extend(partners)
        with_pronoun = any(tokens[k].text.lower() in _PERSONAL for k in partners)
        form.with_pronoun += with_pronoun
        form.surfaces[surface] += 1
        speech = not in_quote[s] and speech_subject(tokens, s, e)  # in a quote: a misparse
        vocative = is_vocative(tokens, s, e, in_quote, edges)
        strong = speech or vocative or is_named(doc, tokens, s, e)
        # "your econ teacher, Finstock, you're ...": a person noun before the comma makes an
        # apposition, not a call.
        apposed = s >= 2 and tokens[s - 1].text == "," and tokens[s - 2].lemma.lower() in PERSON_NOUNS
        form.addressed += in_quote[s] and not apposed and (
            vocative or (s in edges[0] and e < len(tokens) and tokens[e].text in _EXCLAIM_AFTER)
        )
        # Only outside dialogue: a credit line or an author's note, not a person the
        # characters talk about ("the novel by the American, Toni Morrison").
        form.credit += not in_quote[s] and _credit(doc, tokens, s, e)
        form.speech += speech
        # "Matatabi and I gifted it": coordinated with a person, the name acts as one.
        # "Mikka, who would know ...": a person's relative, even on a name called at a quote's start.
        # "Teyla nodded. She ...", "Marcus rubs his hair": a he/she that continues the name
        # is the same evidence a reader has that it names a person, whatever spaCy's label.
        local_gender = local.evidence(s, e, person_tokens)
        initial = s in edges[0] or s == 0 or tokens[s - 1].sentence != tokens[s].sentence
        dictionary = e - s == 1 and common_word(tokens[s].text.lower(), tokens[s].lemma.lower())
        # A bare name doing something is a person, unless it is a common word a sentence's
        # start capitalised ("None of them knew", "Whinging came into view").
        actor = (
            is_actor(tokens, s, e)
            and in_quote[tokens[e - 1].head] == in_quote[s]  # "'Little Whinging,' said another": a misparse
            and not (dictionary and (initial or glued(tokens[s])))
        )
        agent = (
            not strong
            and (is_agent(tokens, s, e) or with_pronoun or bool(local_gender) or actor or person_apposition(tokens, s, e))
        ) or has_person_relative(tokens, s, e)
        if vote or strong or agent or hon is not None:
            form.votes += 1
        form.strong += strong
        form.agent += agent
        form.labelled += vote
        form.quote_initial += s in edges[0]
        form.sentence_initial += initial
        form.dictionary += dictionary
        form.alone += not in_quote[s] and e - s == 1 and _alone(tokens, s)
        form.plural += tokens[e - 1].tag == "NNPS" or plural_det(tokens, e - 1)
        grammar, label = place_evidence(tokens, s, e)
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
        form.pronouns.update(local_gender)
        if in_quote[s] and self_introduced(doc, tokens, s):
            g = local.speaker_gender(s)  # "I'm Lottie," says the girl: hers
            if g != Gender.UNKNOWN:
                form.pronouns[g] += 2
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
        if canonical_honorific(tok.text) and is_cap(tok):
            j = i + 1
            if _seat_at(tokens, i):
                j = i + 2  # "the Duchess of Harley": a rank and its seat are one name
            while j < n and not covered[j] and (
                (is_cap(tokens[j]) and tokens[j].text.lower() not in NOT_NAMES) or _particle_at(tokens, j)
            ):
                j += 1
            if j > i + 1:
                record(i, j, True)
                i = j
                continue
        if (
            not _nameish(tok)
            and is_cap(tok)
            and i > 0
            and tokens[i - 1].sentence == tok.sentence
            and tok.text.lower() not in NOT_NAMES
            and is_named(doc, tokens, i, i + 1)
        ):
            record(i, i + 1, False)  # "called her Isolde", where spaCy saw a common noun
            i += 1
            continue
        if (
            tok.text.lower() in MONTH_NAMES
            and is_cap(tok)
            and tok.pos == "PROPN"
            and ((not in_quote[i] and speech_subject(tokens, i, i + 1)) or is_vocative(tokens, i, i + 1, in_quote, edges))
        ):
            record(i, i + 1, False)  # "said May", "May, come here": spaCy calls her a DATE
            i += 1
            continue
        if (
            tok.pos == "NOUN"
            and tok.tag == "NN"
            and is_cap(tok)
            and not tok.text.isupper()
            and tok.text.lower() not in lower_words
            and tok.text.lower() not in NOT_NAMES
            and not (i > 0 and tokens[i - 1].pos == "DET" and tokens[i - 1].sentence == tok.sentence)
            and not (i + 1 < n and is_cap(tokens[i + 1]) and tokens[i + 1].sentence == tok.sentence)
        ):
            # A name the small tagger calls a common noun ("Teyla nodded"): a capitalised word
            # the text never writes in lower case. Only a candidate: the person test asks for
            # a person's grammar (a speech tag, a gesture) before it counts.
            record(i, i + 1, False)
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


def add_untagged(
    doc: Document,
    tokens: list[Token],
    forms: dict[Key, Form],
    accepted: dict[Key, Form],
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
        if f is None or taken[tok.i] or not is_cap(tok) or tok.text.isupper():
            continue
        if tok.text.lower() in lower_words:
            continue
        # Not inside a longer capitalised run ("Florence Street"): that is another name.
        if any(0 <= k < len(tokens) and is_cap(tokens[k]) and tokens[k].sentence == tok.sentence for k in (tok.i - 1, tok.i + 1)):
            continue
        f.spans.append((tok.i, tok.i + 1))
        f.surfaces[tok.text] += 1
        taken[tok.i] = True


def mention(
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


def nominal_mentions(doc: Document, tokens: list[Token], in_quote: list[bool]) -> list[Mention]:
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
        out.append(mention(doc, tokens, s, tok.i + 1, MentionKind.NOMINAL, None, in_quote[tok.i]))
    return out
