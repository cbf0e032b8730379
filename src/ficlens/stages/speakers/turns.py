"""Speaking turns: quotes grouped into turns, and what each turn's paragraph and quotes say.

::

    "Well," she said, "I never."     -> one turn of two pieces (one tag serves both)
    "Hi," said Tom. "Bye," said Ann. -> two turns: the tags name different people
    He turns. "You came back?"       -> actor: he (the narration subject of the paragraph)
    "Teddy, stop."                   -> vocative: Teddy; "Yes, sir." -> addressed: a man

A turn is the quotes linked by ``continues`` and the pieces of one paragraph, unless their
tags name different people. Each turn records its tag (``tags.TagFinder``), the subjects of
its paragraph's narration (``actors``) and of the last sentence of the narration paragraph
before it (``prev_actors``), the characters mentioned in that narration, and inside its
quotes: vocatives, characters named, and the genders its words of address say. A
conversation is a run of turns in one scene with at most ``conversation_gap`` narration
paragraphs between them (``conversations``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ficlens.model import Gender, MentionKind
from ficlens.stages.speakers.aliases import normalise
from ficlens.stages.speakers.index import DocumentIndex
from ficlens.stages.speakers.tags import Ref, Tag, TagFinder, different_people, name_like
from ficlens.stages.speech_verbs import (
    ADDRESS_GENDER,
    ADDRESS_MODIFIERS,
    HONORIFIC_SUFFIXES,
    NOT_ADDRESS,
    SUBJECT_DEPS,
    TITLES,
    VOCATIVE_OPENERS,
    VOICE_NOUNS,
)


@dataclass
class Turn:
    """One speaking turn: its quotes, what the narration around says, then (filled by the
    later steps) its candidates' features and scores."""

    quotes: list[int]  # indices into doc.quotes
    paragraph: int
    last_paragraph: int
    scene: int
    tag: Tag | None = None
    actors: list[Ref] = field(default_factory=list)
    prev_actors: list[Ref] = field(default_factory=list)  # last sentence of the narration before
    para_mentions: set[str] = field(default_factory=set)
    vocatives: list[str] = field(default_factory=list)
    addressed: set[Gender] = field(default_factory=set)  # genders its quotes address ("sir")
    named: set[str] = field(default_factory=set)  # characters named inside the quote
    # Characters the quote names as its speaker: "I'm Nick." / "My name is Amy."
    self_named: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    features: dict[str, dict[str, float]] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    # Second pass: the features above plus STACK_FEATURES, per candidate.
    stacked: dict[str, dict[str, float]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # the quotes' words, lowercased (style)
    # Whose voice the paragraph's narration reports ("at the sound of her voice"), and who
    # reacts to it (the subject of that clause): the first speaks, the second does not.
    voices: list[Ref] = field(default_factory=list)
    reactors: list[Ref] = field(default_factory=list)
    # Words of address that name no character ("Darling, ...", "..., cupcake?"), lowercased;
    # ``address_solo``: the quote is that word alone ("Cupcake?").
    address_words: list[str] = field(default_factory=list)
    address_solo: bool = False
    # Added to each candidate's score by the cues the model does not see (``cues``).
    bias: dict[str, float] = field(default_factory=dict)
    # Who the tag says the line is said to ("she said to her husband", "he told Tom"): a
    # character reference, or "self" for a reflexive ("she asked herself"); None without one.
    recipient: Ref | str | None = None
    # (who turns, to whom) in the paragraph's narration: "She turned to Tom." (``attention``)
    attention: list[tuple[Ref, Ref]] = field(default_factory=list)


def build_turns(index: DocumentIndex, tags: TagFinder) -> list[Turn]:
    """The document's speaking turns in text order, each with its tag, actors, vocatives and
    names (candidates and features come later, ``candidates.add_candidates``)."""
    quotes = index.doc.quotes
    order = sorted(
        (i for i, q in enumerate(quotes) if q.nested_in is None), key=lambda i: quotes[i].start
    )
    turn_of: dict[int, Turn] = {}
    turns: list[Turn] = []
    by_paragraph: dict[int, list[int]] = {}
    for i in order:
        by_paragraph.setdefault(quotes[i].paragraph, []).append(i)
    for i in order:
        q = quotes[i]
        tag = tags.tag(i, by_paragraph[q.paragraph])
        parent = index.quote_index.get(q.continues) if q.continues else None
        current = turns[-1] if turns else None
        joined: Turn | None = None
        parent_tag = turn_of[parent].tag if parent is not None and parent in turn_of else None
        if parent is not None and parent in turn_of and not (
            tag is not None and parent_tag is not None and tag.ref.kind == parent_tag.ref.kind == "name"
            and different_people(parent_tag, tag)
        ):
            # (a piece whose own tag names someone else is a reply the quote stage linked)
            joined = turn_of[parent]
        elif current is not None and current.last_paragraph == q.paragraph and (
            not different_people(current.tag, tag) or _same_by_pronoun(index, current.tag, tag)
        ):
            joined = current
        if joined is None:
            joined = Turn([], q.paragraph, q.paragraph, index.paragraph_scene.get(q.paragraph, 0))
            turns.append(joined)
        joined.quotes.append(i)
        joined.last_paragraph = max(joined.last_paragraph, q.paragraph)
        if joined.tag is None and tag is not None:
            joined.tag = tag
        turn_of[i] = joined
    for turn in turns:
        _describe(index, tags, turn)
    return turns


def _same_by_pronoun(index: DocumentIndex, named: Tag | None, pronoun: Tag | None) -> bool:
    """"'Not at first,' Howie said. ... He smiled and winked. 'Soon ...'": a pronoun tag after a
    name tag in the same paragraph is that person again when the pronoun fits them, whoever
    coref took it for."""
    if named is None or pronoun is None or named.ref.kind not in ("name", "alias") or len(named.ref.ids) != 1:
        return False
    if pronoun.ref.kind not in ("coref", "pronoun") or pronoun.ref.gender is None:
        return False
    gender = index.chars[named.ref.ids[0]].gender if named.ref.ids[0] in index.chars else None
    return gender in (pronoun.ref.gender, Gender.UNKNOWN)


def _describe(index: DocumentIndex, tags: TagFinder, turn: Turn) -> None:
    """Actors and names in the turn's paragraph narration; vocatives and names in its quotes."""
    tokens = index.tokens
    tag_verb = turn.tag.verb if turn.tag else -1
    p_lo, p_hi = index.paragraph_tokens.get(turn.paragraph, (0, 0))
    for j in range(p_lo, p_hi):
        if index.in_quote[j]:
            continue
        tok = tokens[j]
        mi = index.mention_at[j]
        if mi >= 0:
            cid = index.doc.mentions[mi].character_id
            if cid:
                turn.para_mentions.add(cid)
        if tok.dep in SUBJECT_DEPS and tok.head != tag_verb and not index.in_quote[tok.head]:
            ref = tags.resolve(j)
            if ref is not None and (ref.ids or ref.gender is not None):
                turn.actors.append(ref)
        _voice(index, tags, turn, j)
    for j in tags.last_clause(turn.paragraph - 1):
        tok = tokens[j]
        if tok.dep in SUBJECT_DEPS and tok.head != tag_verb:
            ref = tags.resolve(j)
            if ref is not None and (ref.ids or ref.gender is not None):
                turn.prev_actors.append(ref)
    for qi in turn.quotes:
        lo, hi = index.quote_tokens[qi]
        for j in range(lo, hi):
            mi = index.mention_at[j]
            if mi >= 0 and index.doc.mentions[mi].kind == MentionKind.NAME:
                cid = index.doc.mentions[mi].character_id
                if cid:
                    turn.named.add(cid)
        for cid in _vocatives(index, lo, hi):
            if cid not in turn.vocatives:
                turn.vocatives.append(cid)
        for cid in _self_names(index, lo, hi):
            if cid not in turn.self_named:
                turn.self_named.append(cid)
        words, solo = _address_words(index, lo, hi)
        turn.address_words.extend(w for w in words if w not in turn.address_words)
        turn.address_solo = turn.address_solo or solo
        turn.addressed.update(_address_genders(index, lo, hi))


def _vocatives(index: DocumentIndex, lo: int, hi: int) -> list[str]:
    """Names set off by commas at the start or end of the quote: "Teddy, stop." / "Come, Marcus!"."""
    tokens = index.tokens
    found: list[str] = []
    j = lo
    while j < hi:
        if not name_like(tokens[j].text):
            j += 1
            continue
        k = j
        while k < hi and name_like(tokens[k].text):
            k += 1
        name_end = k
        if k + 1 < hi and tokens[k].text in ("-", "‐") and tokens[k + 1].text.lower() in HONORIFIC_SUFFIXES:
            k += 2  # "Shi-nii," / "Sasuke-kun!": the name with its honorific
        before = tokens[j - 1].text.lower() if j > lo else ""
        after = tokens[k].text if k < hi else ""
        at_start = j == lo or all(
            tokens[x].text.lower() in VOCATIVE_OPENERS or tokens[x].pos == "PUNCT" for x in range(lo, j)
        )
        closed = after in (",", "!", "?", ".", ";", "") or k == hi
        opened = before in (",", "", "dear", "oh", "o") or at_start
        if closed and opened:
            ids = _name_ids(index, j, name_end)
            if not ids and name_end == j + 1 and tokens[j].text.lower() not in NOT_ADDRESS | VOCATIVE_OPENERS:
                # A pet form of a name: "Tommy," / "Marg?" / "Kolyaaa!"
                nick = index.names.nickname(tokens[j].text)
                if nick is None and k > name_end:
                    # "Shi-nii" with a Shisui and a Shimura: an honorific says it is a person's
                    # pet name; the one mentioned far the most (three times the next) is meant.
                    nick = _dominant(index, index.names.nickname_owners(tokens[j].text))
                ids = (nick,) if nick is not None else ()
            if len(ids) == 1:
                found.append(ids[0])
        j = k
    return found


def _dominant(index: DocumentIndex, ids: set[str]) -> str | None:
    """The one of ``ids`` mentioned at least three times as often as any other."""
    ranked = sorted(ids, key=lambda c: -index.mention_share.get(c, 0.0))
    if not ranked:
        return None
    if len(ranked) == 1 or index.mention_share.get(ranked[0], 0.0) >= 3 * index.mention_share.get(ranked[1], 0.0):
        return ranked[0]
    return None


def _self_names(index: DocumentIndex, lo: int, hi: int) -> list[str]:
    """Characters a quote names as the one speaking: "I'm Nick." / "Hi, I am Brian, and you?" /
    "My name is Amy." / "Call me Tom." (the name ends there: "I'm Tom's sister" names Tom's
    sister)."""
    tokens = index.tokens
    found: list[str] = []
    for j in range(lo, hi - 1):
        low = tokens[j].text.lower()
        k = -1
        if low == "i" and tokens[j + 1].text.lower() in ("am", "'m", "’m"):
            k = j + 2
        elif low in ("name", "names") and j > lo and tokens[j - 1].text.lower() == "my" and tokens[j + 1].text.lower() in ("is", "'s", "’s"):
            k = j + 2
        elif low == "name" and tokens[j + 1].text.lower() in ("'s", "’s") and (j == lo or tokens[j - 1].pos == "PUNCT"):
            k = j + 2  # "Name's Tom." (but "his name's George" is George's father speaking)
        elif low == "call" and tokens[j + 1].text.lower() == "me":
            k = j + 2
        if k < 0 or k >= hi:
            continue
        if tokens[k].text.lower() in ("just", "only", "simply"):
            k += 1
        mi = index.mention_at[k] if k < hi else -1
        if mi < 0 or index.doc.mentions[mi].kind != MentionKind.NAME:
            continue
        m = index.doc.mentions[mi]
        after = m.end_token_excl
        if after < hi and tokens[after].pos != "PUNCT" or after < hi and tokens[after].text in ("'s", "’s"):
            continue
        if m.character_id and m.character_id not in found:
            found.append(m.character_id)
    return found


def _voice(index: DocumentIndex, tags: TagFinder, turn: Turn, j: int) -> None:
    """Narration token ``j`` reports someone's voice: "at the sound of her voice", "at Tom's
    words", "hears her": the owner goes to ``turn.voices`` and the subject of the clause, who
    hears it, to ``turn.reactors``."""
    tokens = index.tokens
    tok = tokens[j]
    owner: int | None = None
    if tok.pos == "NOUN" and tok.lemma.lower() in VOICE_NOUNS:
        owner = next((k for k in range(max(j - 3, 0), j) if tokens[k].head == j and tokens[k].dep == "poss"), None)
    elif tok.pos == "VERB" and tok.lemma.lower() == "hear":
        owner = next((k for k in range(j + 1, min(j + 3, len(tokens))) if tokens[k].head == j and tokens[k].dep == "dobj"), None)
    if owner is None or index.in_quote[owner]:
        return
    ref = tags.resolve(owner)
    if ref is None or not (ref.ids or ref.gender is not None):
        return
    turn.voices.append(ref)
    # The clause's subject: climb from the noun to its verb ("startles at the sound of").
    v = j
    for _ in range(5):
        if tokens[v].pos in ("VERB", "AUX"):
            break
        if tokens[v].head == v:
            return
        v = tokens[v].head
    subject = next(
        (k for k in range(max(v - 8, 0), v) if tokens[k].head == v and tokens[k].dep in SUBJECT_DEPS and not index.in_quote[k]),
        None,
    )
    if subject is not None:
        reactor = tags.resolve(subject)
        if reactor is not None and (reactor.ids or reactor.gender is not None):
            turn.reactors.append(reactor)


def _address_words(index: DocumentIndex, lo: int, hi: int) -> tuple[list[str], bool]:
    """Words of address that name no character: "Darling, you came." / "Come here, cupcake."
    (one word set off by a comma at the start or the end of the quote), and whether the quote
    is one such word alone ("Cupcake?"; kept only when the word is known from elsewhere)."""
    tokens = index.tokens
    words = [j for j in range(lo, hi) if tokens[j].pos != "PUNCT"]
    if not words:
        return [], False

    def usable(j: int) -> bool:
        tok = tokens[j]
        low = tok.text.lower()
        if not tok.text.isalpha() or low in NOT_ADDRESS or low in VOCATIVE_OPENERS or low in ADDRESS_GENDER:
            return False
        if index.mention_at[j] >= 0 or index.names.lookup(tok.text) or index.names.nickname(tok.text):
            return False
        return tok.pos in ("NOUN", "PROPN", "ADJ", "INTJ")

    if len(words) == 1:
        j = words[0]
        return ([tokens[j].text.lower()], True) if usable(j) else ([], False)
    found: list[str] = []
    # "Darling, ...": the first word (after "oh", "my", ...) and a comma after it.
    first = next((j for j in words if tokens[j].text.lower() not in VOCATIVE_OPENERS and tokens[j].text.lower() != "my"), None)
    if first is not None and first + 1 < hi and tokens[first + 1].text == "," and usable(first):
        found.append(tokens[first].text.lower())
    # "..., cupcake?": the last word, a comma (and "my") before it.
    last = words[-1]
    before = last - 1
    while before >= lo and tokens[before].text.lower() in ("my", "dear"):
        before -= 1
    if last != first and before >= lo and tokens[before].text == "," and usable(last):
        found.append(tokens[last].text.lower())
    return found, False


def _address_genders(index: DocumentIndex, lo: int, hi: int) -> set[Gender]:
    """Genders the quote's words of address say: "Yes, sir." / "Oh, my dear girl!" (set off
    by punctuation, after nothing but "my", "dear" and the like; "Sir William," is a name)."""
    tokens = index.tokens
    found: set[Gender] = set()
    for j in range(lo, hi):
        gender = ADDRESS_GENDER.get(tokens[j].text.lower())
        if gender is None or (j + 1 < hi and tokens[j + 1].pos != "PUNCT"):
            continue
        i = j - 1
        while i >= lo and tokens[i].text.lower() in ADDRESS_MODIFIERS:
            i -= 1
        if i < lo or tokens[i].pos == "PUNCT" or tokens[i].text.lower() in VOCATIVE_OPENERS:
            found.add(gender)
    return found


def _name_ids(index: DocumentIndex, j: int, k: int) -> tuple[str, ...]:
    mi = index.mention_at[j]
    if mi >= 0 and index.doc.mentions[mi].character_id:
        return (index.doc.mentions[mi].character_id,)  # type: ignore[return-value]
    text = index.doc.text[index.tokens[j].start : index.tokens[k - 1].end]
    if normalise(text) in TITLES:
        return ()
    return index.names.lookup(text)

# --- candidates and features -------------------------------------------------


def conversations(turns: list[Turn], gap: int) -> list[list[Turn]]:
    """The turns cut into conversations: runs in one scene with at most ``gap`` paragraphs of
    narration between two turns."""
    out: list[list[Turn]] = []
    for turn in turns:
        if out:
            last = out[-1][-1]
            if last.scene == turn.scene and turn.paragraph - last.last_paragraph <= gap + 1:
                out[-1].append(turn)
                continue
        out.append([turn])
    return out
