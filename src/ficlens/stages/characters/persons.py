"""Which name forms are people: place names marked, then the person test and its extensions.

    "Carrick Head", "Baker Street"       -> places, and "Carrick" alone with them
    "Tobin noticed", "said Tobin"        -> a person (``is_person``)
    "the Quills", "Goodness", "in May"   -> not people
    "Jane Bennet" (WORK_OF_ART to spaCy) -> a person when "Jane" and "Bennet" are

A form is a person when enough of its occurrences look like one: grammar first (subject of a
speech verb, a vocative, a name given "her name is Wren", the subject of notice/know/fear/run),
spaCy's PERSON label after. The label GPE/ORG weighs little against that grammar, while place
grammar does ("at Netherfield", "Carrick light", a "Carrick Head" in the text). Exclamations
opening quotes, families ("the Quills") and common words that only open sentences are not
names; a month that is a given name ("May") is one only as the subject of a speech verb or a
vocative.
"""

from __future__ import annotations

from collections.abc import Mapping

from ficlens.model import Gender, Token
from ficlens.stages.characters.forms import Cluster, Form, Key
from ficlens.stages.characters.gender import noun_gender
from ficlens.stages.characters.spans import INNER_TITLES
from ficlens.stages.characters.words import (
    ANIMATE_LEMMAS,
    ENDEARMENTS,
    JAPANESE_KIN,
    PERSON_ENDINGS,
    PERSON_NOUNS,
    PLACE_NOUNS,
    ROLE_NOUNS,
    SURNAME_PLACE_NOUNS,
    common_word,
)
from ficlens.stages.names import MONTH_NAMES, canonical_honorific, is_given_name
from ficlens.stages.speech_verbs import HONORIFIC_SUFFIXES, SPEECH_LEMMAS


def mark_place_names(forms: dict[Key, Form]) -> None:
    """"Carrick Head", "Baker Street": a name ending in a place noun is a place, and so is
    its first word used alone ("this is Carrick"), unless that word is a given name
    ("Leslie Park" is a man)."""
    for (hon, words), form in list(forms.items()):
        if len(words) < 2 or words[-1] not in PLACE_NOUNS:
            continue
        if hon is None and words[-1] in SURNAME_PLACE_NOUNS and is_given_name(words[0]):
            continue  # "Leslie Park", "Mary Hall": a given name and a surname
        form.places += 2.0 * len(form.spans)
        if hon is not None:
            continue
        single = forms.get((None, (words[0],)))
        if single is not None:
            single.places += 3.0 * len(form.spans)
            single.place_name = True


def mark_suffixed(forms: dict[Key, Form], tokens: list[Token]) -> None:
    """Count on each one-word form the occurrences a Japanese honorific suffix follows
    ("Kushina-nee", "Hawk-san", "Genma-san"): the suffix is said of a person, whatever spaCy's
    label. A kin word before it ("Tou-san", "Kaa-chan") names no one."""
    for (hon, words), form in forms.items():
        if hon is None and len(words) == 1 and words[0] not in JAPANESE_KIN:
            form.suffixed = sum(_suffixed(tokens, e) for _, e in form.spans)


def is_person(f: Form, words_seen: set[str], lower_words: set[str], min_person_share: float) -> bool:
    """Whether enough of a form's occurrences look like a person (grammar first, spaCy's
    label after) and few enough like a place, a family, a month or a common word."""
    hon, words = f.key
    if f.credit * 2 >= len(f.spans) and not (f.speech or f.agent):
        return False  # "Story by Jenrose", "a verse by Tennyson": credited, not in the story
    if hon is not None:
        if f.places >= len(f.spans) * 2:
            return False  # "Prince Edward Island", "St. Lawrence Gulf"
        # "the Miss Bennets", "the Miss Lucases": a family, not one person; but a family
        # does not speak: "said Mrs. Braddocks" is one woman whose name ends in s.
        w = words[-1]
        family = (w.endswith("s") and w[:-1] in words_seen) or (w.endswith("es") and w[:-2] in words_seen)
        return not family or f.speech >= 2
    n = len(f.spans)
    if len(words) == 1 and words[0] in JAPANESE_KIN:
        return False  # "Tou-san said", "Kaa-chan": a parent called by the kin word, no name
    if f.suffixed and f.places * 2 < n and len(words[0]) >= 4:
        # "Kushina-nee", "Hawk-san": a suffix is said of a person, even of a name spaCy calls
        # a place or a word that is also a common noun ("Hawk", an ANBU's code name). (Not a
        # pet syllable, "Shi-nii": the shortening rules decide whose it is.)
        return True
    person = f.strong + f.agent
    if len(words) == 1 and words[0] in MONTH_NAMES and f.strong < 2:
        return False  # "in May", "May I come in?": a month or a verb unless she speaks or is called
    plural = len(words) == 1 and words[0].endswith("s") and (words[0][:-1] in words_seen or words[0][:-2] in words_seen)
    if plural and any(surface.lower().startswith("the ") for surface in f.surfaces):
        return False  # "the Sloanes", "the Pontelliers": a family, not one person
    if len(words) == 1 and _interjection_shape(words[0]) and not f.speech:
        return False  # "Hm", "Mmm", "Shh", "Bweee", "Kolyaaa": no name is spelt so
    if len(words) == 1 and f.narrated == 0 and f.addressed == n and words[0] in ENDEARMENTS:
        # "Got a plan, Angel?": a pet word only ever called, never narrated. (A name only
        # called, "Goodnight, Maren", may be the one a pronoun-only protagonist takes.)
        return False
    if len(words) == 1 and f.alone == n and not f.strong:
        return False  # "Urg!!", "Hm.": a narration sentence of one capitalised word is a sound
    if (
        len(words) == 1
        and f.sentence_initial == n
        and f.dictionary == n
        and f.speech + f.agent < 2
        and not is_given_name(words[0])
    ):
        # "Instinct told him", "Chin up, son.", "Sleep, and ...", "London!": a common word
        # capitalised only by its place at a sentence's start; a name shows itself inside
        # sentences, or acts more than once.
        return False
    if f.place_labels and f.places and not (f.speech or f.agent or f.given) and f.strong <= f.addressed:
        # "London!", "London...": called out, never acting, and a place where the narration
        # says where ("here in London"): an exclamation of a place, not a call to a person.
        return False
    if len(words) == 1 and f.common == n and not f.speech:
        return False  # "Cupcake", "Lived", "Goodbye": a word the text mostly writes in lower case
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
    return votes > 0 and (votes >= 3 or votes / len(f.spans) >= min_person_share)


def accept(
    forms: dict[Key, Form], seed_keys: Mapping[Key, int], lower_words: set[str], min_person_share: float
) -> dict[Key, Form]:
    """The forms that name people: the cast's and the tags' names, the forms ``is_person``
    accepts, full names made of accepted parts, and lone words that are part of an accepted
    full name or title form."""
    unglue(forms, seed_keys, lower_words)
    words_seen = {k[1][-1] for k in forms if k[1]}
    accepted = {k: f for k, f in forms.items() if k in seed_keys or is_person(f, words_seen, lower_words, min_person_share)}
    # Coordinated with a person is a person: "Teyla and Dex followed", "McKay, Teyla and
    # Beckett", "Matatabi and I" (names the small tagger calls nouns or places). Twice, so a
    # list of three finds its middle.
    for _ in range(2):
        people = {k for f in accepted.values() for s, e in f.spans for k in range(s, e)}
        for k, f in forms.items():
            if k in accepted or k[0] is not None or len(k[1]) != 1:
                continue
            n = sum(p in people for p in f.partners) + f.with_pronoun
            if n:
                f.votes += n
                if is_person(f, words_seen, lower_words, min_person_share):
                    accepted[k] = f
                else:
                    f.votes -= n
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
        if k[0] is not None and k[0] not in INNER_TITLES and len(k[1]) == 1 and f.labelled + f.strong + f.agent
    }
    for k, f in forms.items():
        if k not in accepted and k[0] is None and len(k[1]) == 1 and k[1][0] in parts:
            # spaCy's label weighs half here: it often calls a known name GPE or ORG.
            if f.places + f.place_labels / 2 <= len(f.spans) / 2 and f.places <= len(f.spans) / 4:
                accepted[k] = f
    return accepted


# A glued form is this rare against the name it holds: "Classic Stiles" once beside 1,600
# "Stiles"; "Iron Bull" as often as "Bull" is a name of its own.
_GLUED_SHARE = 3
# Number words start names of places and things ("the Three Cripples", "the Three
# Broomsticks"): never glued on.
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve hundred thousand".split())


def unglue(forms: dict[Key, Form], seed_keys: Mapping[Key, int], lower_words: set[str]) -> None:
    """A rare two- or three-word form whose first or last word is a common English word,
    never a name on its own, and whose other words are a name the text uses far more often is
    that name with a word glued on by capitals: "Classic Stiles." (a quote's opening),
    "Giving Mel an apologetic smile", "a practical Mini Minato" (in a text that writes
    "mini"). Its occurrences move to the name (spans shortened by the word). The word
    must be one the text writes in lower case, or open the sentence each time ("Classic
    Stiles."); a last word after a given name is a surname ("Harry Potter", "Vi Lane").
    Titles ("Sheriff Stilinski", "Agent Coulson") and given names are left alone, and so is a
    whole name written about as often as its part ("Iron Bull" beside "Bull")."""
    for key, form in list(forms.items()):
        hon, words = key
        if hon is not None or not 2 <= len(words) <= 3 or key in seed_keys or len(form.spans) > 2:
            continue
        opening = form.sentence_initial == len(form.spans)
        for edge, rest in ((words[0], words[1:]), (words[-1], words[:-1])):
            first = edge == words[0]
            if (
                not (edge in lower_words or (first and opening))
                or (not first and is_given_name(rest[0]))
                or "-" in edge
                or edge in _NUMBER_WORDS
                or not common_word(edge)
                or is_given_name(edge)
                or _title_word(edge)
                or (None, (edge,)) in forms
                or edge in ENDEARMENTS
            ):
                continue
            target = forms.get((None, rest))
            if target is None or target is form or len(target.spans) < _GLUED_SHARE * max(len(form.spans), 1):
                continue
            _move(form, target, first)
            del forms[key]
            break


def _move(form: Form, target: Form, first: bool) -> None:
    """Add ``form``'s occurrences to ``target``, each span one token shorter at the glued
    end; spaCy's PERSON label was for the glued phrase, so it does not count."""
    for s, e in form.spans:
        target.spans.append((s + 1, e) if first else (s, e - 1))
    for surface, n in form.surfaces.items():
        parts = surface.split()
        target.surfaces[" ".join(parts[1:] if first else parts[:-1])] += n
    for name in ("strong", "speech", "agent", "given", "narrated", "addressed", "credit", "with_pronoun", "places", "place_labels"):
        setattr(target, name, getattr(target, name) + getattr(form, name))
    target.votes += min(form.votes, form.strong + form.agent)
    target.partners.extend(form.partners)
    target.pronouns.update(form.pronouns)


def _interjection_shape(word: str) -> bool:
    """A word spelt as a sound, not a name: no vowel ("Hm", "Shh", "Pfft") or one letter
    three times running ("Bweee", "Aaah", "Kolyaaa")."""
    letters = [ch for ch in word.lower() if ch.isalpha()]
    if not letters:
        return False
    if not any(ch in "aeiouy" for ch in letters):
        return True
    return any(letters[i] == letters[i + 1] == letters[i + 2] for i in range(len(letters) - 2))


_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "every", "each", "some", "any", "no"})
# Third-person possessive determiners: "his Rasengan", "his Jeep", "her Mangekyo" own a
# thing. Not "my" and "your": in dialogue they own people too ("Your Kagami was the last").
_POSSESSIVES = frozenset({"his", "her", "its", "their"})


def _owned(tok: Token | None) -> bool:
    return tok is not None and tok.tag == "PRP$" and tok.text.lower() in _POSSESSIVES


def _compound_tail(tokens: list[Token], s: int) -> bool:
    """The word after a hyphen inside a compound: "Lived" of "the Boy-Who-Lived", "Alpha"
    of "pre-Alpha". (A hyphenated name, "Obi-Wan", is one span that starts before it.)"""
    return (
        s >= 2
        and tokens[s - 1].text in ("-", "\u2010")
        and tokens[s - 2].end == tokens[s - 1].start
        and tokens[s - 1].end == tokens[s].start
        and tokens[s - 2].sentence == tokens[s].sentence
    )


def _suffixed(tokens: list[Token], e: int) -> bool:
    """A Japanese honorific suffix glued on after the name: "Tsunade-baa-chan", "Hiashi-sama"."""
    k = e
    while k + 1 < len(tokens) and tokens[k].text == "-" and tokens[k - 1].end == tokens[k].start == tokens[k + 1].start - 1:
        if tokens[k + 1].text.lower() in HONORIFIC_SUFFIXES:
            return True
        k += 2
    return False


def _acted_on(tokens: list[Token], s: int, e: int) -> bool:
    """The object of a verb a person is mostly the object of: "Hiruzen had warned Hiashi",
    "You told Lama Su"; or a Japanese honorific suffix on the name."""
    last = tokens[e - 1]
    head = tokens[last.head]
    if last.dep in ("dobj", "iobj", "dative") and head.pos == "VERB":
        lemma = head.lemma.lower()
        if lemma in ANIMATE_LEMMAS or lemma in SPEECH_LEMMAS:
            return True
    return _suffixed(tokens, e)


# Endings of a word for a person by office ("headmaster", "director", "emperor") or by
# trade or kind (PERSON_ENDINGS: "florist", "librarian").
_TITLE_ENDINGS = ("master", "tor", "ror", *PERSON_ENDINGS)


def _title_word(word: str) -> bool:
    """A word for a person by rank, office, trade or kin: "Director", "Emperor", "Sheriff"."""
    return (
        word in PERSON_NOUNS
        or word in ROLE_NOUNS
        or canonical_honorific(word) is not None
        or noun_gender(word) != Gender.UNKNOWN
        or (len(word) >= 6 and word.endswith(_TITLE_ENDINGS))
    )


# A candidate named this often is kept unless a determiner or fragments say it is a thing:
# the small parser misreads the grammar of unusual names ("Taun We leads them").
_FEW = 4


def thin_candidates(clusters: list[Cluster], tokens: list[Token], lower_words: set[str]) -> set[int]:
    """The ``id`` of each name cluster nothing in the text shows to be a person, and something
    shows to be a thing (``lacks_person_evidence``), unless it is coordinated with a person
    the others show ("Asuma and Kurenai", "Sirius and Remus")."""
    why = {id(c): lacks_person_evidence(c, tokens, lower_words) for c in clusters}
    people = {k for c in clusters if not why[id(c)] for f in c.forms for s, e in f.spans for k in range(s, e)}
    # A name with no label that shares a word with a person's name: "Hurst Wyatt" beside
    # "Colonel Hurst" (not "Uchiha Incident" beside Uchiha Itachi: that one ends in a word).
    name_words = {w for c in clusters if not why[id(c)] for f in c.forms for w in f.key[1]}
    return {
        id(c)
        for c in clusters
        if why[id(c)]
        and not any(p in people for f in c.forms for p in f.partners)
        and not (why[id(c)] == "unlabelled" and any(w in name_words for f in c.forms for w in f.key[1]))
    }


def lacks_person_evidence(cluster: Cluster, tokens: list[Token], lower_words: set[str]) -> str:
    """A character candidate nothing in the text shows to be a person, and something shows
    to be a thing. It never speaks, is never called, acts as a person does (a gesture, a
    thought, a he/she that continues it, "who") at most once, is not the object of a verb people are the
    objects of ("warned Hiashi"), has no title, no honorific suffix and no known given name
    inside a sentence; and besides:

    - spaCy does not call most of its occurrences PERSON ("Uzushio Notices"), for a name
      written at most ``_FEW`` times;
    - a determiner or "his"/"her"/"its"/"their" takes most of them ("the Bijuu", "the
      Kestrel", "his Rasengan", "his Jeep"), or they are plural ("Padawans", "Idiots");
    - most are a sentence of their own ("Kumo. Betrayal.", "Raincheck?", "Avada Kedavra!");
    - one word, no given name, that the text also writes in lower case or the tagger reads
      as a common word ("a cool and Calm tone", "How DaRe you");
    - several words, no given name first, ending in a common English word the text also
      writes in lower case or after another common word ("Police Force", "Miso Pork").

    Before all that, a candidate written only as the end of a hyphenated epithet ("the
    Boy-Who-Lived said") is no name at all, whatever its grammar.

    The cast, the AO3 tags, the Reader and role characters have their own evidence. The
    answer: "" (a person, or nothing says otherwise), "unlabelled" (the first test) or "thing"."""
    if cluster.cast_name is not None or cluster.is_reader or cluster.found_by != "name" or cluster.honorifics:
        return ""
    n = cluster.count
    if not n:
        return ""
    if all(_compound_tail(tokens, s) for f in cluster.forms for s, _ in f.spans):
        return "thing"  # only ever the end of a hyphenated epithet: "the Boy-Who-Lived said"
    labelled = determined = fragments = plural = 0
    # One act is weak evidence: "Parseltongue hissed", "the Empire fell" are things too.
    agent = sum(f.agent for f in cluster.forms)
    if agent > 1:
        return ""
    for f in cluster.forms:
        if f.strong or f.speech or f.given or f.addressed or f.with_pronoun:
            return ""
        if any(_title_word(w) for w in f.key[1]):
            return ""  # "the Headmaster", "Director Fury", "The Emperor": a person's title
        labelled += f.labelled
        plural += f.plural
        for s, e in f.spans:
            if _acted_on(tokens, s, e):
                return ""
            first = tokens[s].text.lower()
            before = tokens[s - 1] if s > 0 and tokens[s - 1].sentence == tokens[s].sentence else None
            determined += (
                first in _DETERMINERS
                or (before is not None and before.text.lower() in _DETERMINERS and before.pos == "DET")
                or _owned(before)
            )
            fragments += tokens[e - 1].dep == "ROOT" and tokens[e - 1].pos in ("PROPN", "NOUN")
    if determined * 2 > n or fragments * 2 > n or plural * 2 > n:
        return "thing"
    if n > _FEW:
        return ""
    for f in cluster.forms:
        words = f.key[1]
        if len(words) == 1 and not is_given_name(words[0]):
            named = all(tokens[s].pos == "PROPN" and s > 0 and tokens[s - 1].sentence == tokens[s].sentence for s, _ in f.spans)
            if words[0] in lower_words and not named:
                return "thing"  # ("Crouch", a name inside every sentence it is in, stays)
            # "a cool and Calm tone", "How DaRe you", "it was Female": a common word the
            # tagger does not read as a name.
            common = sum(tokens[e - 1].pos not in ("PROPN", "NOUN") for s, e in f.spans)
            if common * 2 > len(f.spans) and common_word(words[0]):
                return "thing"
        if len(words) >= 2 and not is_given_name(words[0]) and common_word(words[-1]):
            if words[-1] in lower_words or common_word(words[0]):
                return "thing"  # "Police Force", "Miso Pork", "Stellar Wind", "Mortal Combat"
    return "unlabelled" if labelled * 2 <= n and not agent else ""
