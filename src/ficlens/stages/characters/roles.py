"""Characters known by a role: "said the croupier", "the General", "Mr. Bumble, the beadle".

A role noun after "the" that tags speech twice or more ("said the waiter") makes a
character known by that role, as PDNC counts them; every "the waiter" is then its mention.
A title joins the one named character who holds it ("the Colonel" of "Colonel Brandon") or
the holder who bears it far more often than any other; a role the narration sets beside
one name twice joins that name; a cast member named by the role takes every mention of it.
The role nouns are the table ``characters-role-nouns`` (``words.ROLE_NOUNS``).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ficlens.lexicon import words
from ficlens.model import Gender, Token
from ficlens.stages.characters.cast import cast_names
from ficlens.stages.characters.forms import Cluster, Form, Key, gender_ok
from ficlens.stages.characters.gender import noun_gender
from ficlens.stages.characters.spans import is_cap
from ficlens.stages.characters.words import PERSON_ENDINGS, PERSON_NOUNS, ROLE_NOUNS
from ficlens.stages.names import canonical_honorific
from ficlens.stages.speech_verbs import UNNAMED_SPEAKERS, speech_subject

# How many times more often one holder of a title must bear it than any other for "the
# Major" to be that one.
_TITLE_DOMINANCE = 5
# Appositions ("Mr. Bumble, the beadle") it takes to give a role character to a name.
_APPOSITIONS = 2


def _role_noun(tok: Token) -> bool:
    """A singular noun naming a person by role: "waiter", "croupier", "landlady", "General"."""
    low = tok.lemma.lower()
    if tok.tag not in ("NN", "NNP") or not tok.text.isalpha():
        return False
    if tok.pos == "PROPN" and is_cap(tok) and canonical_honorific(tok.text) is not None:
        return True  # "the General", "the Baron": a title standing for a name
    # Only roles that usually stand for an unnamed person: "the painter" or "the lad" is
    # mostly an epithet for a named character and would take that character's quotes.
    return tok.pos in ("NOUN", "PROPN") and low in ROLE_NOUNS


def _speaking_noun(tok: Token) -> bool:
    """Any other singular common noun, written in lower case, that says a person by its
    gender ("witch", "priestess") or its ending ("florist", "librarian", "cashier"), and may
    stand for one when it speaks ("said the wizard", "the witch added"): not the everyday
    person nouns, mostly epithets of a named character ("said the old man"), nor a voice or a
    stranger, which name nobody. "the pressure", "the latter", "the dog" are no role."""
    low = tok.lemma.lower()
    return (
        (noun_gender(low) != Gender.UNKNOWN or low.endswith(PERSON_ENDINGS))
        and
        tok.pos == "NOUN"
        and tok.tag == "NN"
        and tok.text.isalpha()
        and tok.text.islower()
        and low not in PERSON_NOUNS
        and tok.text not in PERSON_NOUNS
        and low not in UNNAMED_SPEAKERS
    )


def role_clusters(
    tokens: list[Token],
    in_quote: list[bool],
    clusters: list[Cluster],
    forms: dict[Key, Form],
) -> list[Cluster]:
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
    cast = cast_names(clusters)
    other: set[str] = set()  # nouns that are no listed role: one speech tag makes them a role
    for tok in tokens:
        if tok.i == 0 or tokens[tok.i - 1].text.lower() != "the" or taken[tok.i]:
            continue
        # A cast member called "The Stranger" is every "the stranger", whatever the noun.
        role = _role_noun(tok)
        if not (role or _speaking_noun(tok) or (tok.tag in ("NN", "NNP") and tok.text.isalpha() and tok.text.lower() in cast)):
            continue
        if tok.i + 1 < len(tokens) and (is_cap(tokens[tok.i + 1]) or tokens[tok.i + 1].text == "of"):
            continue  # "the General Post Office", "the Duke of York"
        key = tok.text.lower()
        spans[key].append((tok.i - 1, tok.i + 1))
        surfaces[key][f"{tokens[tok.i - 1].text.lower()} {tok.text}"] += 1
        if not in_quote[tok.i] and speech_subject(tokens, tok.i, tok.i + 1):
            speech[key] += 1
        if not role:
            other.add(key)
    out = list(clusters)
    named = _appositive_names(tokens, in_quote, clusters)
    for key in spans:
        n = speech[key]
        member = cast.get(key)
        # A listed role speaks twice (PDNC counts "said the waiter" once as the named waiter's
        # epithet as often as not); a noun no list knows as a person, once: "said the wizard".
        if n < (1 if key in other else 2) and member is None:
            continue
        form = Form(("the", (key,)), spans=spans[key], votes=n, strong=n, speech=n, surfaces=surfaces[key])
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
            holders = [c for c in beside[:1] if gender_ok(c.gender_hint(), _role_gender(key))]
        if len(holders) == 1:
            holders[0].forms.append(form)
            continue
        c = Cluster(role_gender=_role_gender(key), found_by="role")
        if canonical_honorific(key):
            c.honorifics[key] += len(form.spans)
        c.forms.append(form)
        out.append(c)
    return out


def _token_owners(clusters: list[Cluster]) -> dict[int, Cluster]:
    """Token index -> the cluster whose name spans hold it."""
    return {k: c for c in clusters for f in c.forms for s, e in f.spans for k in range(s, e)}


def _appositive_names(tokens: list[Token], in_quote: list[bool], clusters: list[Cluster]) -> dict[str, list[Cluster]]:
    """Role noun -> the named clusters the narration sets it beside, once per apposition
    ("Mr. Bumble, the beadle, ..." / "the beadle, Mr. Bumble, ...")."""
    owner = _token_owners(clusters)
    found: dict[str, list[Cluster]] = defaultdict(list)
    for tok in tokens:
        if tok.dep != "appos" or in_quote[tok.i] or tok.head == tok.i:
            continue
        for role, name in ((tok, tokens[tok.head]), (tokens[tok.head], tok)):
            c = owner.get(name.i)
            if c is not None and role.i not in owner and _role_noun(role):
                found[role.text.lower()].append(c)
    return found


def _role_gender(noun: str) -> Gender:
    if noun.endswith(("woman", "ess", "lady", "maid", "girl", "wife", "mother", "sister")):
        return Gender.FEMALE
    if noun.endswith(("man", "boy", "husband", "father", "brother")) or noun in ("waiter", "landlord", "valet"):
        return Gender.MALE
    return noun_gender(noun)  # "witch", "wizard", "priestess": the speech tables' gendered nouns


# Person nouns a described speaker may be known by: the coreference table (kin, trades,
# ranks, "the old man") with the characters stage's own. Read here from the lexicon, not from
# ``coref_mentions``, which imports this package.
_DESCRIBED_NOUNS = words("coref-person-nouns") | PERSON_NOUNS | ROLE_NOUNS
# What makes the phrase one person the reader already knows: "the doctor", "my uncle", "her
# mother"; "a doctor" is somebody new each time.
_DEFINITE = frozenset({"the", "my", "his", "her", "their", "our", "your"})
# Dependents of the head noun that belong to the phrase as written ("the old man").
_PHRASE_DEPS = frozenset({"det", "poss", "amod", "compound"})
# A role noun and the title its holder writes before the name ("the doctor" of "Dr. Watson").
_TITLE_OF = {"doctor": "dr", "mister": "mr", "missus": "mrs", "madam": "madame"}
# Nouns no one is known by: "said her companion", "the other man's friend" name a relation to
# someone, not a person the story holds apart ("my friend" differs from speaker to speaker).
_NO_ROLE = frozenset({"friend", "companion", "person", "people", "fellow", "folk", "individual", "human"})
# Nouns that say only age and sex: "said the young girl", "the old gentleman replied" are
# nearly always a named character seen from outside (PDNC 4 dev novels: 130 quotes of Daisy
# Miller, Mr. Brownlow, Harry Maylie, Rose Maylie lost to such phrases).
_EPITHETS = frozenset({
    "man", "woman", "boy", "girl", "lady", "gentleman", "child", "kid", "baby", "youth", "lad", "lass",
    "guy", "dude", "gal", "chap", "gent", "bloke", "maiden", "damsel", "infant", "toddler", "teenager",
    "youngster", "adult", "elder", "newcomer", "visitor", "guest", "stranger", "figure", "creature",
})
# Kin: "his father", "her husband" are relatives of a character, who are mostly named
# (Mrs. Miller, John Stilinski); only the narrator's, "my uncle", stays unnamed as often.
_KIN = frozenset({
    "mother", "father", "mom", "mum", "mama", "mamma", "papa", "dad", "daddy", "son", "daughter",
    "aunt", "uncle", "cousin", "wife", "husband", "sister", "brother", "grandmother", "grandfather",
    "grandma", "grandpa", "granny", "niece", "nephew", "parent", "sibling", "fiance", "fiancee",
    "boyfriend", "girlfriend", "lover", "sweetheart", "spouse", "partner", "stepmother", "stepfather",
})


def described_clusters(
    tokens: list[Token],
    in_quote: list[bool],
    clusters: list[Cluster],
    guard: bool = True,
    min_speech: int = 1,
) -> list[Cluster]:
    """A definite or possessive person phrase that tags speech ("said the doctor", "my uncle
    replied", "the old man said") is a character known by it, named as written, with the
    noun's gender; every later same phrase in the narration is its mention. A bare "the
    doctor" joins "the old doctor" when no other speaker is a "the ... doctor". With
    ``guard``, a phrase that stands for a named character is that character: set beside the
    name ("Smith, the doctor"; "her mother, Mrs. Bell"), said to be it ("Mrs. Bell was her
    mother"), or the role is a title the one gender-fitting named holder bears ("the doctor"
    and Dr. Watson, "my uncle" and Uncle Ben). "said the waiter" and the other one-noun roles
    ``role_clusters`` weighed are left as it left them."""
    owner = _token_owners(clusters)
    taken = [i in owner for i in range(len(tokens))]
    phrase_at: dict[int, tuple[str, ...]] = {}
    start_at: dict[int, int] = {}
    speaking: Counter[tuple[str, ...]] = Counter()
    for tok in tokens:
        if in_quote[tok.i] or taken[tok.i] or not _described_noun(tok):
            continue
        lo = _phrase_start(tokens, in_quote, tok.i)
        det = tokens[lo]
        if lo == tok.i or det.text.lower() not in _DEFINITE or det.dep not in ("det", "poss") or any(taken[lo : tok.i]):
            continue
        words_ = tuple(t.text.lower() for t in tokens[lo : tok.i + 1])
        if len(words_) == 2 and words_[0] == "the" and (_role_noun(tok) or _speaking_noun(tok)):
            continue  # a one-noun role: role_clusters has weighed it
        if guard and tok.lemma.lower() in _KIN and words_[0] not in ("my", "the"):
            continue  # "her mother": someone's relative, named as often as not
        phrase_at[tok.i], start_at[tok.i] = words_, lo
        if speech_subject(tokens, tok.i, tok.i + 1):
            speaking[words_] += 1
    speaking = Counter({k: n for k, n in speaking.items() if n >= min_speech})
    if not speaking:
        return clusters
    # "the doctor" later is "the old doctor" when she is the story's only "the ... doctor".
    bare: dict[tuple[str, ...], tuple[str, ...]] = {}
    by_bare: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for key in speaking:
        by_bare[(key[0], key[-1])].add(key)
    for short, keys in by_bare.items():
        if len(keys) == 1 and short[0] == "the" and short not in speaking:
            bare[short] = next(iter(keys))
    spans: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
    heads: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, words_ in phrase_at.items():
        key = words_ if words_ in speaking else bare.get(words_)
        if key is not None:
            spans[key].append((start_at[i], i + 1))
            heads[key].append(i)
    out = list(clusters)
    paragraphs: dict[int, set[int]] = defaultdict(set)  # cluster -> paragraphs it is named in
    for k, c in owner.items():
        paragraphs[id(c)].add(tokens[k].paragraph)
    for key, key_spans in spans.items():
        noun = key[-1]
        gender = _role_gender(noun)
        if guard and any(_unnamed_tag_title(c, noun) for c in clusters):
            # An AO3 tag holds the role ("Sheriff Stilinski") and the text never names it (it
            # says only "John" and "the sheriff"): the phrase is a person under a name no rule
            # here links to the text's, so it makes no character and coref reads it as before.
            continue
        holder, by_title = _holder(tokens, in_quote, heads[key], noun, gender, clusters, owner) if guard else (None, False)
        if holder is not None and by_title:
            first = min(paragraphs.get(id(holder), ()), default=0)
            if any(tokens[i].paragraph < first - _LOCAL_PARAGRAPHS for i in heads[key]):
                # "the doctor" chapters before Mr. Losberne is first named is another doctor:
                # the title holder is the phrase only where the scene has named him (below).
                holder = None
        if holder is not None:
            holder.forms.append(_described_form(tokens, key, key_spans))
            continue
        # "said the doctor" where Doctor Losberne is the one title holder named in the last
        # few paragraphs is Losberne; the story's other "the doctor" may be someone else.
        rest = []
        for (s, e), i in zip(key_spans, heads[key], strict=True):
            local = _local_holder(tokens[i].paragraph, noun, gender, clusters, paragraphs) if guard else None
            if local is not None:
                local.forms.append(_described_form(tokens, key, [(s, e)]))
            else:
                rest.append((s, e))
        form = _described_form(tokens, key, rest)
        if form.speech < min_speech:
            continue
        c = Cluster(role_gender=gender, found_by="role")
        c.forms.append(form)
        out.append(c)
    return out


def _unnamed_tag_title(c: Cluster, noun: str) -> bool:
    """An AO3 tag character the text never names whose tag holds ``noun`` ("Sheriff
    Stilinski" and "sheriff")."""
    return c.found_by == "tag" and c.count == 0 and noun in (c.cast_name or "").lower().split()


# Paragraphs back a title holder must be named in to be the "the doctor" of a speech tag.
_LOCAL_PARAGRAPHS = 6


def _described_form(tokens: list[Token], key: tuple[str, ...], spans: list[tuple[int, int]]) -> Form:
    """The form of a described character's occurrences, each a speech tag or not."""
    n = sum(speech_subject(tokens, e - 1, e) for _, e in spans)
    surfaces = Counter(" ".join(tokens[k].text if k > s else tokens[k].text.lower() for k in range(s, e)) for s, e in spans)
    return Form(("the", key), spans=list(spans), votes=n, strong=n, speech=n, surfaces=surfaces)


def _titles(noun: str) -> set[str]:
    """The titles that say ``noun`` before a name: "doctor" -> {"doctor", "dr"}."""
    return {t for t in (noun, _TITLE_OF.get(noun, noun)) if canonical_honorific(t) is not None}


def _local_holder(
    paragraph: int, noun: str, gender: Gender, clusters: list[Cluster], paragraphs: dict[int, set[int]]
) -> Cluster | None:
    """The one named holder of the title ``noun`` says, of a fitting gender, named in this
    paragraph or the few before; else None."""
    titles = _titles(noun)
    if not titles:
        return None
    near = range(paragraph - _LOCAL_PARAGRAPHS, paragraph + 1)
    found = [
        c
        for c in clusters
        if c.found_by != "role"
        and any(c.honorifics.get(t) for t in titles)
        and gender_ok(c.gender_hint(), gender)
        and any(p in paragraphs.get(id(c), ()) for p in near)
    ]
    return found[0] if len(found) == 1 else None


def _described_noun(tok: Token) -> bool:
    """A singular lower-case common noun for a person: "doctor", "uncle", "man", "wizard"."""
    low = tok.lemma.lower()
    return (
        tok.pos == "NOUN"
        and tok.tag == "NN"
        and tok.text.isalpha()
        and tok.text.islower()
        and low not in UNNAMED_SPEAKERS
        and low not in _NO_ROLE
        and low not in _EPITHETS
        and (low in _DESCRIBED_NOUNS or _speaking_noun(tok))
    )


def _phrase_start(tokens: list[Token], in_quote: list[bool], head: int) -> int:
    """First token of the words before ``head`` that modify it: "the old man", "my uncle"."""
    lo = head
    while lo > 0 and not in_quote[lo - 1] and tokens[lo - 1].dep in _PHRASE_DEPS and lo - 1 < tokens[lo - 1].head <= head:
        lo -= 1
    return lo


def _holder(
    tokens: list[Token],
    in_quote: list[bool],
    heads: list[int],
    noun: str,
    gender: Gender,
    clusters: list[Cluster],
    owner: dict[int, Cluster],
) -> tuple[Cluster | None, bool]:
    """The named character a described speaker is, when the text says so (see
    ``described_clusters``), else None; and whether only the title says so (no apposition
    or copula)."""
    said: Counter[int] = Counter()
    by_id: dict[int, Cluster] = {}
    for i in heads:
        tok = tokens[i]
        # "Smith, the doctor, ..." / "her mother, Mrs. Bell": the apposition either way.
        beside = [tokens[tok.head]] if tok.dep == "appos" else []
        beside += [t for t in tokens[max(0, i - 12) : i + 12] if t.head == i and t.dep == "appos"]
        # "Mrs. Bell was her mother": the subject of the copula the phrase completes.
        if tok.dep == "attr" and tokens[tok.head].lemma == "be":
            beside += [t for t in tokens[max(0, tok.head - 12) : tok.head] if t.head == tok.head and t.dep in ("nsubj", "nsubjpass")]
        for t in beside:
            c = owner.get(t.i)
            if c is not None and not in_quote[t.i] and gender_ok(c.gender_hint(), gender):
                said[id(c)] += 1
                by_id[id(c)] = c
    if said:
        return by_id[said.most_common(1)[0][0]], False
    # "Dr. Watson" and "Doctor Losberne" both hold "the doctor".
    titles = _titles(noun)
    if not titles:
        return None, False

    def held(c: Cluster) -> int:
        return sum(c.honorifics.get(t, 0) for t in titles)

    holders = [c for c in clusters if held(c) and c.found_by != "role" and gender_ok(c.gender_hint(), gender)]
    holders.sort(key=lambda c: -held(c))
    if len(holders) > 1 and held(holders[0]) >= _TITLE_DOMINANCE * held(holders[1]):
        holders = holders[:1]
    return (holders[0] if len(holders) == 1 else None), True
