"""Person mentions for coreference: nominal noun phrases and the whole-phrase extent of each.

Coreference gold (LitBank, OntoNotes) marks every noun phrase that refers to a person, with
its whole extent: "the men who had followed me across the courtyard", "one of the
patients", "the innocent-looking Celia", "nobody". The characters stage finds names and the
nominals of a short list of person nouns, as short spans the speakers read. This module adds
the rest, for the coref stage:

- ``person_nominals``: a mention for every noun (singular or plural) or indefinite pronoun
  whose lemma denotes a person (``data/lexicon/coref-person-nouns.txt`` with the characters
  stage's person nouns) and that no mention covers yet. Its span is the head token alone,
  so what the speakers stage reads of a token does not change; no character.
- ``with_extents``: every name and nominal mention gets ``np_start``/``np_end``, the
  character span of the noun phrase it heads (its dependency subtree in its sentence and
  quote, without coordinated conjuncts or a possessive "'s"), for scoring.

::

    mentions = with_extents(doc, person_nominals(doc, mentions, in_quote) + mentions, in_quote)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from ficlens.lexicon import words
from ficlens.model import Document, Mention, MentionKind, Token
from ficlens.stages.characters.words import PERSON_NOUNS

COREF_PERSON_NOUNS = words("coref-person-nouns") | PERSON_NOUNS
# Children that lie outside the phrase their head makes: a coordinated conjunct ("Tom and
# Mary" holds "Tom" and "Mary" as mentions of their own) and the possessive marker.
_OUTSIDE = frozenset({"conj", "cc", "preconj", "case"})
_INDEFINITE = frozenset({"nobody", "somebody", "someone", "anybody", "anyone", "everybody", "everyone"})
_EDGE_POS = frozenset({"PUNCT", "SPACE"})
_WHO = frozenset({"who", "whom", "whose", "that"})
_BREAKS = frozenset({",", "--", "—", "–", ";", ":", "(", "-"})
_SIDE = frozenset({"appos"})
_LEFT_BREAKS = frozenset({"!", "?", ".", ";", ":", "--", "—", "–", "(", ")"})
# Right-hand modifiers of the head outside the phrase: "a child here", "nobody there" (but
# "somebody else").
_RIGHT_OUT = frozenset({"advmod", "npadvmod"})


def children_of(tokens: Sequence[Token]) -> dict[int, list[int]]:
    """Token index -> indices of its dependents."""
    out: dict[int, list[int]] = defaultdict(list)
    for tok in tokens:
        if tok.head != tok.i:
            out[tok.head].append(tok.i)
    return out


def phrase_extent(
    tokens: Sequence[Token],
    children: dict[int, list[int]],
    head: int,
    in_quote: Sequence[bool],
) -> tuple[int, int]:
    """Token range [start, end) of the noun phrase ``head`` heads, within its sentence and
    its side of a quotation mark, trimmed of punctuation at either edge. Nothing after a
    comma or dash on the head's right, nor an apposition: "Annie, who was only five" and
    "Jem Rodney, the mole-catcher" are the mention and a phrase beside it (LitBank dev
    CoNLL F1 59.0 -> 59.3 against keeping them)."""
    sentence, quoted = tokens[head].sentence, in_quote[head]
    stop = len(tokens)
    for c in sorted(children.get(head, ())):
        if c > head and (tokens[c].text in _BREAKS or tokens[c].dep in _SIDE):
            stop = c
            break
    lo = hi = head
    stack = [head]
    while stack:
        i = stack.pop()
        lo, hi = min(lo, i), max(hi, i)
        for c in children.get(i, ()):
            t = tokens[c]
            if t.dep in _OUTSIDE or t.sentence != sentence or in_quote[c] != quoted or c >= stop:
                continue
            if i == head and c > head and t.dep in _RIGHT_OUT and t.text.lower() != "else":
                continue
            stack.append(c)
    # A misparse can hang an interjection or a previous clause on the phrase ("Boh! Madam
    # Mope"): nothing before a sentence mark or a dash on the head's left is part of it.
    for k in range(head - 1, lo - 1, -1):
        if tokens[k].text in _LEFT_BREAKS:
            lo = k + 1
            break
    while lo < head and tokens[lo].pos in _EDGE_POS:
        lo += 1
    while hi > head and tokens[hi].pos in _EDGE_POS:
        hi -= 1
    return lo, hi + 1


def is_person_head(tokens: Sequence[Token], children: dict[int, list[int]], tok: Token) -> bool:
    """Whether ``tok`` heads a noun phrase that denotes a person or people."""
    low = tok.text.lower()
    if tok.dep == "compound":  # "the King children": the phrase's head is "children"
        return False
    if low in _INDEFINITE:
        return True
    if low == "one":
        # "one of the patients", "no one", "the one who came"; not "one of the chairs" nor
        # "one day".
        for c in children.get(tok.i, ()):
            child = tokens[c]
            if child.text.lower() == "of":
                objs = [tokens[k] for k in children.get(c, ()) if tokens[k].dep == "pobj"]
                return any(_person_lemma(o) or o.tag == "PRP" for o in objs)
            if child.dep == "relcl" and any(tokens[k].text.lower() in _WHO for k in children.get(c, ())):
                return True
            if child.dep == "det" and child.text.lower() in ("no", "any", "every", "some"):
                return True
        return False
    # A capitalised person noun no name mention holds is one too: "Papa", "The Indian".
    return tok.pos in ("NOUN", "PROPN") and _person_lemma(tok)


def _person_lemma(tok: Token) -> bool:
    """Whether the noun's lemma (the last part of a hyphened one: "saloon-keeper") is a
    person noun."""
    lemma = (tok.lemma if tok.pos == "NOUN" else tok.text).lower()
    return lemma in COREF_PERSON_NOUNS or lemma.rsplit("-", 1)[-1] in COREF_PERSON_NOUNS


def person_nominals(doc: Document, mentions: Sequence[Mention], in_quote: Sequence[bool]) -> list[Mention]:
    """Nominal person mentions no mention holds yet, each the head token alone. A person
    noun inside a longer nominal is one ("a lawyer" in "a lawyer's wife"); one inside a name
    is not ("Captain" in "Captain Smith")."""
    tokens = doc.tokens
    covered = [False] * len(tokens)
    for m in mentions:
        if m.kind == MentionKind.NOMINAL:
            covered[head_token(tokens, m)] = True
            continue
        for i in range(max(0, m.start_token), min(len(tokens), m.end_token_excl)):
            covered[i] = True
    children = children_of(tokens)
    out = []
    for tok in tokens:
        if covered[tok.i] or not is_person_head(tokens, children, tok):
            continue
        out.append(token_mention(tok, MentionKind.NOMINAL, in_quote[tok.i]))
    return out


def token_mention(tok: Token, kind: MentionKind, in_quote: bool, character_id: str | None = None) -> Mention:
    """A mention of one token."""
    return Mention(
        start=tok.start,
        end=tok.end,
        start_token=tok.i,
        end_token_excl=tok.i + 1,
        text=tok.text,
        kind=kind,
        character_id=character_id,
        in_quote=in_quote,
        sentence=tok.sentence,
    )


def head_token(tokens: Sequence[Token], m: Mention) -> int:
    """The mention's syntactic head: the token whose head lies outside the span."""
    for i in range(m.start_token, m.end_token_excl):
        h = tokens[i].head
        if h < m.start_token or h >= m.end_token_excl or h == i:
            return i
    return m.end_token_excl - 1


def with_extents(doc: Document, mentions: Sequence[Mention], in_quote: Sequence[bool]) -> list[Mention]:
    """``mentions`` with ``np_start``/``np_end`` set on names and nominals (never narrower
    than the mention itself); pronouns as they are."""
    tokens = doc.tokens
    children = children_of(tokens)
    out = []
    for m in mentions:
        if m.kind == MentionKind.PRONOUN or not (0 <= m.start_token < m.end_token_excl <= len(tokens)):
            out.append(m)
            continue
        lo, hi = phrase_extent(tokens, children, head_token(tokens, m), in_quote)
        lo, hi = min(lo, m.start_token), max(hi, m.end_token_excl)
        out.append(replace(m, np_start=tokens[lo].start, np_end=tokens[hi - 1].end))
    return out


FIRST_PLURAL = frozenset({"we", "us", "our", "ours", "ourselves"})
THIRD_PLURAL = frozenset({"they", "them", "their", "theirs", "themselves"})
SECOND = frozenset({"you", "your", "yours", "yourself", "yourselves"})
FIRST_SINGULAR = frozenset({"i", "me", "my", "mine", "myself"})


def plural_pronouns(doc: Document, mentions: Sequence[Mention], in_quote: Sequence[bool]) -> list[Mention]:
    """First-person plural pronoun mentions ("we", "us", "our"), which no earlier stage marks;
    no character (a group is none)."""
    tokens = doc.tokens
    covered = {i for m in mentions for i in range(m.start_token, m.end_token_excl)}
    return [
        token_mention(t, MentionKind.PRONOUN, in_quote[t.i])
        for t in tokens
        if t.text.lower() in FIRST_PLURAL and t.pos in ("PRON", "DET") and t.i not in covered
    ]


def group_chains(
    doc: Document, mentions: Sequence[Mention], in_quote: Sequence[bool], window: int = 1
) -> list[Mention]:
    """``mentions`` (in text order) with the plural pronouns no character holds chained into
    groups: every "we"/"us"/"our" of the narration is one group, and those inside the quotes of
    one paragraph another (one speaker's "we"); so are the narration's "I"/"me"/"my"; so is a paragraph's quoted "you" that no
    character holds (the speakers stage may still give it the addressee); a "they"/"them"/"their" continues the group
    of the previous one when that lies at most ``window`` sentences back on the same side of
    the quotation marks, else starts a group; an unlinked plural nominal starts one too ("the
    men came in. They sat down"). Unlinked singular nominals that read the same from a
    leading "the" to the head ("the old surgeon") within one scene are one group, with the
    last "a"/"an" phrase of those words before them ("a young woman ... the young woman").
    Unlinked nominals a character's possessive holds ("his father", "Emma's sister") are one
    group per character and noun (LitBank dev CoNLL F1 63.8 -> 64.4 with the above). A group
    of one stays None."""
    tokens = doc.tokens
    keys: list[int | None] = []
    we: dict[tuple[object, ...], int] = {}
    scene_of = {p.id: p.scene for p in doc.paragraphs}
    last: tuple[int, int, bool] | None = None  # (group, sentence, quoted) of the last "they"
    count = 0
    children = children_of(tokens)
    owner = {i: m.character_id for m in mentions if m.character_id for i in range(m.start_token, m.end_token_excl)}
    for m in mentions:
        word = m.text.lower()
        key: int | None = None
        if m.character_id is None and m.kind == MentionKind.PRONOUN:
            quoted = in_quote[m.start_token]
            # A narration "I" no narrator holds (too few of them to make one) is still one
            # person (LitBank dev CoNLL F1 +0.4); a narration "you" is mostly generic.
            if word in FIRST_PLURAL or (word in SECOND and quoted) or (word in FIRST_SINGULAR and not quoted):
                place = (quoted, tokens[m.start_token].paragraph if quoted else -1, word in SECOND, word in FIRST_SINGULAR)
                if place not in we:
                    we[place] = count
                    count += 1
                key = we[place]
            elif word in THIRD_PLURAL:
                if last is not None and m.sentence - last[1] <= window and last[2] == quoted:
                    key = last[0]
                else:
                    key = count
                    count += 1
                last = (key, m.sentence, quoted)
        elif m.character_id is None and m.kind == MentionKind.NOMINAL:
            h = tokens[head_token(tokens, m)]
            holder = _possessor(tokens, children, owner, in_quote, h.i)
            if holder is not None:
                # "his father" ... "his father": one person when "his" is one character.
                name = ("poss", holder, h.lemma.lower())
                if name not in we:
                    we[name] = count
                    count += 1
                key = we[name]
                if h.tag in ("NNS", "NNPS"):
                    last = (key, m.sentence, in_quote[m.start_token])
            elif h.tag in ("NNS", "NNPS"):
                key = count
                count += 1
                last = (key, m.sentence, in_quote[m.start_token])
            elif (lo := _phrase_left(tokens, m, h.i)) < h.i and (det := tokens[lo].text.lower()) in _DETERMINERS:
                # "the old surgeon" (or "this old surgeon") again in the same scene: the same person; so is "a young
                # woman" ... "the young woman". Each "a young woman" is a new one.
                words_ = " ".join(t.text.lower() for t in tokens[lo + 1 : h.i + 1])
                name = ("the", scene_of.get(h.paragraph, 0), words_)
                if name not in we or det in ("a", "an"):
                    we[name] = count
                    count += 1
                key = we[name]
        keys.append(key)
    sizes = Counter(k for k in keys if k is not None)
    return [
        replace(m, group=f"G{k}") if k is not None and sizes[k] > 1 else m
        for m, k in zip(mentions, keys, strict=True)
    ]


_DETERMINERS = frozenset({"the", "this", "that", "a", "an"})


def _possessor(
    tokens: Sequence[Token], children: dict[int, list[int]], owner: dict[int, str], in_quote: Sequence[bool], head: int
) -> str | None:
    """The character whose possessive ("his", "Emma's", narration "my") the noun at ``head``
    carries, else None. In-quote possessives are left out: "my" in a quote is only resolved
    once the speakers are known, after this stage."""
    for c in children.get(head, ()):
        if tokens[c].dep == "poss" and not in_quote[c]:
            return owner.get(c)
    return None


def _phrase_left(tokens: Sequence[Token], m: Mention, head: int) -> int:
    """The first token of the mention's noun phrase (its ``np_start``), else of the mention."""
    if m.np_start < 0:
        return m.start_token
    i = head
    while i > 0 and tokens[i - 1].start >= m.np_start:
        i -= 1
    return i
