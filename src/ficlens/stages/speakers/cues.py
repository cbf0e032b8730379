"""Cues: what a line's words and its beat say about its speaker, added to the ranker's scores.

::

    "Tom," she breathes.                       -> Tom does not speak it (he is addressed)
    He startles at the sound of her voice. "You came?"   -> her line, not his
    She turns. "You came?"                                -> her line
    "Morning, cupcake," Tom says. ... "Cupcake?"          -> Tom again (his word for her)

The learned ranker (``ranker``) was trained on novels, where these cues are rare, and its
features do not see them; they hold in any story, so they are added to every candidate's
score (``Turn.bias``, read by ``scoring.score_turns`` in both passes) rather than learnt:

- a name tag with a speech verb ("..." Amy muttered) adds to what the ranker makes of it
  (on fan fiction its other features could outweigh one);
- a character the turn names as its speaker ("I'm Nick.", "My name is Amy.",
  ``Turn.self_named``) speaks it, unless a tag names someone;
- a character addressed by name or pet name in the turn (``Turn.vocatives``) does not speak
  it, unless the tag names them (a pronoun tag coref gave them goes by its gender; with
  nobody else to speak it the line is left without a speaker, ``unaddressed``);
- a pronoun tag is not a character named after it in its sentence ("he says and keeps the
  phone out of Stiles' reach" is not Stiles, whatever coref made of the "he"), and goes on
  from a name of its gender that is the subject of the sentence right before the quote in
  its paragraph ("Dex flipped back a blanket. "Look," he said" is Dex); with an unnamed
  chain of its gender about ("he (unnamed)": the narration's "he" no named man carries), it
  is that chain's more often than coref's named choice;
- an untagged turn whose paragraph reports someone's voice (``Turn.voices``: "at the sound of
  her voice", "hears him") is that person's, and not the one who hears it (``Turn.reactors``);
- an untagged turn with a beat (the narration sentence right before the line in its
  paragraph, "She turns.", "Crowley grins." in the present tense, or right after a line that
  opens its paragraph) is the line of the beat's subject, of the owner of a possessed subject
  ("Remus' eyes narrow."), or of the one a verb of seeing has for object; a pronoun counts
  only when no other candidate has its gender (for one coref left alone, the candidate of its
  gender named last);
- an untagged turn with a word of address no name accounts for ("darling", "cupcake") is
  the line of the one character whose tagged lines use that word.

Turn-taking (``decoding``) does the rest: with two people in a scene, the other one speaks.
"""

from __future__ import annotations

from dataclasses import replace

from ficlens.model import Gender, MentionKind
from ficlens.stages.speakers.index import DocumentIndex
from ficlens.stages.speakers.tags import Ref, Tag, TagFinder, tag_names
from ficlens.stages.speakers.turns import Turn, conversations
from ficlens.stages.speech_verbs import PRONOUN_GENDER, SUBJECT_DEPS

# Speech verbs whose direct object is the one spoken to ("told Tom", "asked her").
ADDRESS_OBJECT_LEMMAS = frozenset(
    {"tell", "ask", "answer", "remind", "warn", "assure", "reassure", "inform", "beg", "urge", "greet",
     "thank", "question", "tease", "scold", "advise", "instruct", "promise", "interrupt", "order"}
)

# Log-odds added or taken away. A vocative is near certain (people do not address themselves);
# the beat and the pet word are strong but can be misread, so a name tag always wins.
VOCATIVE_PENALTY = 20.0
VOICE_BONUS = 4.0
REACTOR_PENALTY = 4.0
BEAT_BONUS = 2.5
BEAT_MAX_WORDS = 30
_BEAT_END = frozenset({".", "!", "?", ";", "…"})
# Verbs of seeing and hearing: in a beat, the one seen or heard is the one who speaks.
PERCEPTION_LEMMAS = frozenset({"see", "watch", "hear", "notice", "listen"})
ADDRESS_WORD_BONUS = 4.0
# "I'm Nick.": people name themselves, rarely anyone else, in the first person.
SELF_NAME_BONUS = 6.0
REPLY_BONUS = 2.5
NAME_TAG_BONUS = 3.0
# "he says and keeps the phone out of Stiles' reach": a pronoun is not the name that follows
# it in its clause (binding: a pronoun cannot stand for a name it precedes and commands).
LATER_NAME_PENALTY = 6.0
# "Dex flipped back a blanket. "Look," he said": a pronoun tag right after a sentence whose
# subject is a name of its gender, in the same paragraph, continues that subject.
BEAT_PRONOUN_BONUS = 3.0
# A "he (unnamed)" character is the narration's chain of "he" that no named man carries: a
# bare "he said" is theirs more often than coref's named man's (own dev stories +10 quotes,
# none lost; 2.5 moved one).
FOCAL_CHAIN_BONUS = 5.0
# "Tom watched the river.\n\n'You're late,' he said.": with two people of the pronoun's
# gender about, the one the narration last had as subject (the tag's own paragraph before the
# quote and the narration paragraphs right before it, LAST_SUBJECT_PARAGRAPHS at most; other
# lines' tags are turn-taking's) says it, rather than the better known one.
LAST_SUBJECT_BONUS = 2.5
LAST_SUBJECT_PARAGRAPHS = 8
# "'Just a charm,' the woman said": a description tag says its speaker's sex outright; a
# character of the other sex never speaks it, whatever salience and turn-taking say.
DESCRIPTION_GENDER_PENALTY = 20.0
# A character known only by a description ("the commander", "said the waiter") is there only
# where the narration describes it: in an exchange that does not mention it, nor the
# ROLE_REACH paragraphs before the exchange, it speaks no line (a described caller does not
# go on to voice the hospital scene that follows the call).
ABSENT_ROLE_PENALTY = 6.0
ROLE_REACH = 6


def add_cues(index: DocumentIndex, turns: list[Turn], tags: TagFinder | None = None, gap: int = 1) -> None:
    """Set each turn's ``bias`` (candidate -> score added) from the cues above (``tags``
    resolves a beat's subject that is none of the turn's actors; ``gap`` is the narration
    paragraphs that end an exchange, ``SpeakerConfig.conversation_gap``)."""
    owners = _address_word_owners(turns)
    absent = _absent_roles(index, turns, gap)
    previous: Turn | None = None
    for turn in turns:
        before, previous = previous, turn
        if turn.tag is not None and tags is not None:
            turn.recipient = tag_recipient(index, tags, turn.tag)
        bias: dict[str, float] = {}
        named_by_tag = set(tag_names(turn.tag))
        tag = turn.tag
        for cid in turn.vocatives:
            # ("Amy, my name is Amy.": who names themselves is not addressed by that name.)
            if cid in turn.features and cid not in named_by_tag and cid not in turn.self_named:
                bias[cid] = bias.get(cid, 0.0) - VOCATIVE_PENALTY
        if tag is not None and tag.ref.kind == "name" and len(tag.ref.ids) == 1 and tag.strength >= 1.0:
            # "..." Amy muttered: a speech verb whose subject is a name is near certain.
            cid = tag.ref.ids[0]
            if cid in turn.features:
                bias[cid] = bias.get(cid, 0.0) + NAME_TAG_BONUS
        for cid in turn.self_named:
            if cid in turn.features and (not named_by_tag or cid in named_by_tag):
                bias[cid] = bias.get(cid, 0.0) + SELF_NAME_BONUS
        if tag is not None and tag.ref.kind == "coref" and tag.ref.ids and set(tag.ref.ids) <= set(turn.vocatives):
            # "'Tom,' she breathes" with "she" resolved to Tom: the pronoun's gender, not coref.
            for cid in _fits(index, replace(tag.ref, ids=()), turn.features) - set(turn.vocatives):
                bias[cid] = bias.get(cid, 0.0) + VOICE_BONUS
        for cid in absent.get(id(turn), ()):
            if cid in turn.features and cid not in named_by_tag:
                bias[cid] = bias.get(cid, 0.0) - ABSENT_ROLE_PENALTY
        if tag is not None and _described(index, tag):
            other = _OTHER_SEX.get(tag.ref.gender)  # type: ignore[arg-type]
            for cid in turn.features:
                if cid not in named_by_tag and _gender(index, cid) == other:
                    bias[cid] = bias.get(cid, 0.0) - DESCRIPTION_GENDER_PENALTY
        if tag is not None and tag.ref.kind in ("coref", "pronoun") and tag.ref.gender is not None:
            later = _named_after(index, tag)
            for cid in later:
                if cid in turn.features and cid not in named_by_tag:
                    bias[cid] = bias.get(cid, 0.0) - LATER_NAME_PENALTY
            two = sum(1 for c in turn.features if _gender(index, c) == tag.ref.gender) >= 2
            last = last_subject(index, turn, tag.ref.gender) if two else None
            if last is not None and last in turn.features and last not in later and last not in turn.vocatives:
                bias[last] = bias.get(last, 0.0) + LAST_SUBJECT_BONUS
            for cid in turn.features:
                c = index.chars[cid]
                if (
                    c.found_by == "pronoun" and not c.is_narrator and not c.is_reader and c.gender == tag.ref.gender
                    and cid not in later and (last is None or last == cid)
                ):
                    # (not when the narration's last subject of that gender is someone named)
                    bias[cid] = bias.get(cid, 0.0) + FOCAL_CHAIN_BONUS
            subject = _beat_subject(index, turn, tags)
            if subject is not None and subject not in later and subject not in turn.vocatives and _gender(index, subject) == tag.ref.gender:
                bias[subject] = bias.get(subject, 0.0) + BEAT_PRONOUN_BONUS
        if (
            tag is not None and tag.ref.kind in ("coref", "pronoun") and tag.ref.gender is not None
            and before is not None and before.scene == turn.scene and turn.paragraph - before.last_paragraph <= 2
        ):
            # "'Strangely, Cassian,' Kay says. / 'You worry too much,' he says.": the one just
            # addressed answers, when the pronoun fits them.
            answering = set(before.vocatives)
            if isinstance(before.recipient, Ref) and before.recipient.kind in ("name", "alias", "narrator"):
                # '"Sit down," Anna told Ruth. / "I'd rather stand," she said.': the one the
                # line was said to answers.
                answering.update(before.recipient.ids)
            for cid in sorted(answering):
                if cid in turn.features and cid not in turn.vocatives and _gender(index, cid) == tag.ref.gender:
                    bias[cid] = bias.get(cid, 0.0) + REPLY_BONUS
        if turn.tag is None:
            for ref in turn.voices:
                for cid in _fits(index, ref, turn.features):
                    bias[cid] = bias.get(cid, 0.0) + VOICE_BONUS
            voiced = {cid for ref in turn.voices for cid in _fits(index, ref, turn.features)}
            for ref in turn.reactors:
                for cid in _fits(index, ref, turn.features) - voiced:
                    bias[cid] = bias.get(cid, 0.0) - REACTOR_PENALTY
            if not turn.voices:
                for cid in _beat(index, turn, tags):
                    bias[cid] = bias.get(cid, 0.0) + BEAT_BONUS
            for word in turn.address_words:
                owner = owners.get(word)
                if owner is not None and owner in turn.features and owner not in turn.vocatives:
                    bias[owner] = bias.get(owner, 0.0) + ADDRESS_WORD_BONUS
        turn.bias = bias


def tag_recipient(index: DocumentIndex, tags: TagFinder, tag: Tag) -> Ref | str | None:
    """Who a speech tag says its line is said to: the object of "to" ("she said to her
    husband", "he whispered to Tom") or the object of a verb whose object is the one spoken
    to ("he told Tom", "asked her"); "self" for a reflexive ("she asked herself"); None when
    the tag names no one it is said to ("said to the windscreen")."""
    tokens = index.tokens
    verb = tag.verb
    target = None
    for k in range(verb + 1, min(verb + 8, len(tokens))):
        t = tokens[k]
        if t.head != verb or index.in_quote[k]:
            continue
        if t.dep == "prep" and t.lemma.lower() == "to":
            target = next(
                (j for j in range(k + 1, min(k + 6, len(tokens))) if tokens[j].head == k and tokens[j].dep == "pobj"), None
            )
            break
        if t.dep in ("dobj", "dative") and tokens[verb].lemma.lower() in ADDRESS_OBJECT_LEMMAS:
            target = k
            break
    if target is None or index.in_quote[target]:
        return None
    if tokens[target].text.lower().endswith(("self", "selves")):
        return "self"
    ref = tags.resolve(target)
    if ref is None or not (ref.ids or ref.gender is not None) or ref.kind == "nominal" and not ref.ids:
        return None
    return ref


def _named_after(index: DocumentIndex, tag: Tag) -> set[str]:
    """The characters named by name in the narration after a pronoun tag's subject, up to the
    end of its sentence or the next quote ("he says, and keeps the phone out of Stiles'
    reach"; "'I don't care,' he said, and Benny laughed"): none of them is the pronoun."""
    tokens = index.tokens
    end = tag.ref.span[1]
    j = next((k for k in range(tag.verb, max(-1, tag.verb - 12), -1) if tokens[k].end <= end), tag.verb)
    sentence = tokens[tag.verb].sentence
    lo = max(j, tag.verb) + 1
    while lo < len(tokens) and tokens[lo].start < end and tokens[lo].sentence == sentence and not index.in_quote[lo]:
        lo += 1
    stop = lo
    while stop < len(tokens) and not index.in_quote[stop] and tokens[stop].sentence == sentence:
        stop += 1
    return index.names_after.after(lo - 1, stop)


def last_subject(index: DocumentIndex, turn: Turn, gender: Gender) -> str | None:
    """The character of ``gender`` the narration last had as subject before the turn's first
    quote, when that subject is a name: in its paragraph before the quote, then in the run of
    narration-only paragraphs right before it, LAST_SUBJECT_PARAGRAPHS at most (a subject of
    the other gender is passed over). None when the nearest subject of ``gender`` is a pronoun
    (coref's choice, the very thing in doubt) or two people ("Tom and Sam walk"), or when there
    is none."""
    tokens = index.tokens
    q_lo, _ = index.quote_tokens[turn.quotes[0]]
    p_lo, _ = index.paragraph_tokens.get(turn.paragraph, (q_lo, q_lo))
    spans = [(p_lo, q_lo)]
    for p in range(turn.paragraph - 1, max(-1, turn.paragraph - 1 - LAST_SUBJECT_PARAGRAPHS), -1):
        if index.paragraph_scene.get(p) != turn.scene:
            break
        if p in index.quote_paragraphs or p not in index.paragraph_tokens:
            break  # (beyond an earlier line the narration is about its exchange)
        spans.append(index.paragraph_tokens[p])
    for lo, hi in spans:
        for j in range(hi - 1, lo - 1, -1):
            tok = tokens[j]
            if index.in_quote[j] or tok.dep not in SUBJECT_DEPS:
                continue
            if any(tokens[k].head == j and tokens[k].dep == "conj" for k in range(j + 1, min(j + 6, hi))):
                return None
            low = tok.text.lower()
            if PRONOUN_GENDER.get(low) == gender:
                return None
            mi = index.mention_at[j]
            if mi < 0:
                continue
            m = index.doc.mentions[mi]
            cid = m.character_id
            if cid is not None and cid in index.chars and index.chars[cid].gender == gender:
                return cid if m.kind == MentionKind.NAME else None
    return None


def _beat_subject(index: DocumentIndex, turn: Turn, tags: TagFinder | None) -> str | None:
    """The one character the sentence right before the turn's first quote, in its paragraph,
    has for subject by name (or as the owner of its subject: "Remus' eyes narrowed"), if any."""
    p_lo, _ = index.paragraph_tokens.get(turn.paragraph, (0, 0))
    q_lo, _ = index.quote_tokens[turn.quotes[0]]
    ref = _beat_ref(index, turn, _sentence_before(index, p_lo, q_lo), tags)
    if ref is None or ref.kind not in ("name", "alias") or len(ref.ids) != 1 or ref.ids[0] not in turn.features:
        return None
    return ref.ids[0]


def _beat(index: DocumentIndex, turn: Turn, tags: TagFinder | None = None) -> set[str]:
    """Who the beat of an untagged line is about: the narration sentence right before its
    first quote in the paragraph ("She turns. "You came?"", "Crowley grins."), or, when the
    line opens its paragraph, the one right after it (""Mmm..." Aziraphale seems to consider
    it."). Its main verb's subject speaks: a name or a resolved pronoun (for a pronoun coref
    left alone, the candidate of its gender named last), the owner of a possessed subject
    ("Remus' eyes narrowed"), or the one a verb of seeing or hearing has as its object ("He
    sees Aziraphale consider it."). A subject in a side clause ("while he tapped his foot")
    says less about who speaks, and a sentence longer than a beat nothing."""
    p_lo, p_hi = index.paragraph_tokens.get(turn.paragraph, (0, 0))
    q_lo, q_hi = index.quote_tokens[turn.quotes[0]]
    beat = _sentence_before(index, p_lo, q_lo)
    if beat is None and q_lo <= p_lo + 1:
        beat = _sentence_after(index, q_hi, p_hi)
    ref = _beat_ref(index, turn, beat, tags)
    if ref is None:
        return set()
    fits = _fits(index, ref, turn.features)
    if ref.kind in ("coref", "pronoun") and len(_fits(index, replace(ref, ids=()), turn.features)) > 1:
        # A pronoun with two people of its gender about: coref's choice is often the
        # point-of-view character's, not the one acting (measured on fan fiction).
        return set()
    if len(fits) > 1 and not ref.ids:
        fits = {max(fits, key=lambda c: turn.features[c].get("recency_rank", 0.0))}
    return fits


def _beat_ref(index: DocumentIndex, turn: Turn, beat: list[int] | None, tags: TagFinder | None) -> Ref | None:
    """The reference a beat sentence is about (``_beat``), or None."""
    tokens = index.tokens
    if not beat:
        return None
    words = [j for j in beat if tokens[j].pos != "PUNCT"]
    if not words or len(words) > BEAT_MAX_WORDS:
        return None
    inside = set(beat)
    roots = [j for j in beat if tokens[j].head == j or tokens[j].head not in inside]
    # The main clause: the first head with a subject ("Tom's eyes narrow" has an adjective for
    # its head), or a present-tense verb read as a noun.
    subjects = {tokens[j].head: j for j in reversed(beat) if tokens[j].dep in SUBJECT_DEPS}
    root = next((j for j in roots if j in subjects or _misread_verb(index, j) is not None), None)
    if root is None:
        return None
    subject = subjects.get(root)
    if subject is None or _misread_verb(index, subject) is not None:
        # ("Aziraphale winks at him, and Crowley feels ...": "winks" read as the subject)
        subject = _misread_verb(index, subject if subject is not None else root)
    if subject is None:
        return None
    if tokens[root].lemma.lower() in PERCEPTION_LEMMAS:
        # "He sees Aziraphale consider it.": the one seen or heard speaks.
        seen = next((j for j in beat if j > root and index.mention_at[j] >= 0 and tokens[j].pos == "PROPN"), None)
        negated = any(tokens[j].head == root and tokens[j].dep == "neg" for j in beat)
        if seen is not None and not negated:
            cid = index.doc.mentions[index.mention_at[seen]].character_id
            if cid in turn.named:
                return None  # "They'd seen Naruto ... / 'Alright Naruto, ...'": he is spoken to
            subject = seen
    elif index.mention_at[subject] < 0 and tokens[subject].pos == "NOUN":
        # "Remus' eyes narrowed": the owner of the eyes.
        owner = next(
            (j for j in beat if tokens[j].head == subject and (tokens[j].dep == "poss" or tokens[j].dep == "nmod" and index.mention_at[j] >= 0)),
            None,
        )
        if owner is not None:
            subject = owner
    return _ref_at(index, turn, subject, tags)


def _sentence_before(index: DocumentIndex, p_lo: int, q_lo: int) -> list[int] | None:
    """The narration tokens of the sentence that ends right before the quote opening at
    ``q_lo`` (inside the paragraph from ``p_lo``; None when another quote or nothing is there)."""
    tokens = index.tokens
    j = index.out_before[q_lo - 1] if q_lo > 0 else -1  # past the opening mark
    if j < p_lo:
        return None
    out: list[int] = []
    sentence = tokens[j].sentence
    while j >= p_lo and not index.in_quote[j] and len(out) <= 4 * BEAT_MAX_WORDS:
        tok = tokens[j]
        if out and (tok.sentence != sentence or tok.text in _BEAT_END):
            break
        out.append(j)
        j -= 1
    out.reverse()
    while out and tokens[out[-1]].pos == "PUNCT":
        out.pop()
    return out or None


def _sentence_after(index: DocumentIndex, q_hi: int, p_hi: int) -> list[int] | None:
    """The narration tokens after the quote ending at ``q_hi`` up to the sentence end or the
    next quote (None when there are none)."""
    tokens = index.tokens
    j = index.out_after[q_hi] if q_hi < len(tokens) else p_hi
    out: list[int] = []
    while j < p_hi and not index.in_quote[j] and len(out) <= 4 * BEAT_MAX_WORDS:
        if tokens[j].text in _BEAT_END:
            break
        out.append(j)
        j += 1
    while out and tokens[out[0]].pos == "PUNCT":
        out.pop(0)
    return out or None


def _misread_verb(index: DocumentIndex, j: int) -> int | None:
    """The subject of a present-tense verb the tagger read as a plural noun ("Crowley grins."
    as a compound noun): a character's name or a pronoun right before it."""
    tokens = index.tokens
    tok = tokens[j]
    if tok.tag != "NNS" or j == 0:
        return None
    before = tokens[j - 1]
    if before.head == j and before.dep in ("compound", "nmod", "amod", "nsubj") and (
        index.mention_at[j - 1] >= 0 or before.pos == "PROPN" or before.text.lower() in PRONOUN_GENDER
    ):
        return j - 1
    return None


def _ref_at(index: DocumentIndex, turn: Turn, j: int, tags: TagFinder | None) -> Ref | None:
    """The narration reference at token ``j``: one of the turn's actors, else resolved anew."""
    start = index.tokens[j].start
    ref = next((r for r in turn.actors if r.span[0] <= start < r.span[1]), None)
    if ref is None and tags is not None:
        ref = tags.resolve(j)
    if ref is None or not (ref.ids or ref.gender is not None):
        return None
    return ref


def _fits(index: DocumentIndex, ref: Ref, candidates: dict[str, dict[str, float]]) -> set[str]:
    """The candidates a narration reference may be: its characters when it names or coref
    resolved them (and the pronoun's gender agrees), else the candidates of its gender."""
    gender = ref.gender
    if ref.ids:
        kept = {c for c in ref.ids if c in candidates and (gender is None or _gender(index, c) in (gender, Gender.UNKNOWN))}
        if kept or gender is None:
            return kept
    if gender not in (Gender.MALE, Gender.FEMALE):
        return set()
    return {c for c in candidates if _gender(index, c) == gender}


def _absent_roles(index: DocumentIndex, turns: list[Turn], gap: int) -> dict[int, set[str]]:
    """id(turn) -> the characters known by a role or description that were described before
    its exchange but not in it so far, nor in the ROLE_REACH paragraphs before it (narration
    or tag; coref's pronouns, often wrong about them, are left out): they have left."""
    roles = {cid for cid, c in index.chars.items() if c.found_by == "role"}
    if not roles:
        return {}
    seen: dict[str, list[int]] = {cid: [] for cid in roles}
    for m in index.doc.mentions:
        if m.character_id in roles and m.kind == MentionKind.NAME:
            seen[m.character_id].append(index.tokens[max(m.start_token, 0)].paragraph)
    out: dict[int, set[str]] = {}
    for conversation in conversations(turns, gap):
        lo = conversation[0].paragraph - ROLE_REACH
        for turn in conversation:
            hi = turn.last_paragraph
            # (one first described later may be there already: "the man" before "the wizard")
            out[id(turn)] = {cid for cid, ps in seen.items() if min(ps, default=hi) < lo and not any(lo <= p <= hi for p in ps)}
    return out


_OTHER_SEX = {Gender.MALE: Gender.FEMALE, Gender.FEMALE: Gender.MALE}


def _described(index: DocumentIndex, tag: Tag) -> bool:
    """A tag whose subject is a gendered description ("the woman", "the old man", "his
    father"), not a name or a pronoun: its noun says the speaker's sex."""
    if tag.ref.kind not in ("nominal", "coref") or tag.ref.gender not in _OTHER_SEX:
        return False
    s, e = tag.ref.span
    return len(index.doc.text[s:e].split()) >= 2


def _gender(index: DocumentIndex, cid: str) -> Gender:
    return index.chars[cid].gender


def _address_word_owners(turns: list[Turn]) -> dict[str, str]:
    """Word of address -> the one character whose tag-named lines use it (a word two
    characters use belongs to neither)."""
    users: dict[str, set[str]] = {}
    for turn in turns:
        names = tag_names(turn.tag)
        if len(names) != 1 or turn.address_solo:
            continue
        for word in turn.address_words:
            users.setdefault(word, set()).add(names[0])
    return {w: next(iter(ids)) for w, ids in users.items() if len(ids) == 1}


def unaddressed(turn: Turn, speaker: str | None) -> str | None:
    """``speaker``, unless the turn addresses them by name and no tag names them: nobody else
    was in reach, and a wrong speaker is worse than none."""
    if speaker is not None and speaker in turn.vocatives and speaker not in tag_names(turn.tag) and speaker not in turn.self_named:
        return None
    return speaker
