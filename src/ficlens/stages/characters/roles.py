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

from ficlens.model import Gender, Token
from ficlens.stages.characters.cast import cast_names
from ficlens.stages.characters.forms import Cluster, Form, Key, gender_ok
from ficlens.stages.characters.gender import noun_gender
from ficlens.stages.characters.spans import is_cap
from ficlens.stages.characters.words import PERSON_NOUNS, ROLE_NOUNS
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


# Endings of nouns for a person by trade or kind ("florist", "librarian", "seamstress").
_PERSON_ENDINGS = ("ist", "ian", "ess", "eer", "ier")


def _speaking_noun(tok: Token) -> bool:
    """Any other singular common noun, written in lower case, that says a person by its
    gender ("witch", "priestess") or its ending ("florist", "librarian", "cashier"), and may
    stand for one when it speaks ("said the wizard", "the witch added"): not the everyday
    person nouns, mostly epithets of a named character ("said the old man"), nor a voice or a
    stranger, which name nobody. "the pressure", "the latter", "the dog" are no role."""
    low = tok.lemma.lower()
    return (
        (noun_gender(low) != Gender.UNKNOWN or low.endswith(_PERSON_ENDINGS))
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


def _appositive_names(tokens: list[Token], in_quote: list[bool], clusters: list[Cluster]) -> dict[str, list[Cluster]]:
    """Role noun -> the named clusters the narration sets it beside, once per apposition
    ("Mr. Bumble, the beadle, ..." / "the beadle, Mr. Bumble, ...")."""
    owner: dict[int, Cluster] = {}
    for c in clusters:
        for f in c.forms:
            for s, e in f.spans:
                for k in range(s, e):
                    owner[k] = c
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
