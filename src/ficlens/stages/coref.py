"""Coref: pronoun mentions resolved to characters by a salience model; genders updated.

Input: tokens, characters, name mentions, quotes. Output: pronoun ``Mention`` records
added, character genders and mention counts updated; person noun phrases no earlier stage
marked added as unlinked nominal mentions, every name and nominal given its whole-phrase
extent (``np_start``/``np_end``), and plural pronouns chained into groups (``group``) by
``stages/coref_mentions.py``::

    "Anna walked in. Mary was there. Anna smiled. She sat down."
      -> She: Anna (recency + subject role + the scene's female focaliser)

Narration he/she/him/her/his/hers/himself/herself go to the gender-compatible
character with the highest salience: recent mentions (halved each sentence, cut
harder at paragraph breaks, reset at scene breaks), subjects weigh more, and a
focaliser bonus for the character who has been the subject of most narration of
that gender so far. That bonus is what keeps a protagonist named once and then
called "she" two hundred times from losing her pronouns to a more often named
woman. Not for the subject of a speech tag in a paragraph that holds a quote ("said
she"): in dialogue the narration follows whoever talks. A candidate named in the same
clause is excluded ("Mary looked at her" is not Mary). I/me/my outside quotes go to a
Narrator in first-person stories; "you" outside quotes to a Reader in second-person ones.
In-quote I/you are marked with no character: the speakers stage fills them once it knows
who speaks.
They/them are marked and left unresolved. A he/she no character of that gender can
carry (no candidate reaches ``min_score``) opens the *chain* of its gender, which then
competes as a candidate with its own salience and focus; after resolution a chain of at
least ``min_chain`` pronouns takes the name the story gives it (last line or first) or
becomes "she (unnamed)" / "he (unnamed)" (``found_by="pronoun"``); a shorter one gives its
pronouns back to the best character over the threshold (``stages/characters/focal.py``).
Genders: a pronoun goes to a character of unknown gender only at half its score, and the
chain of the other gender never merges into a character of known gender, so a man named a
few times no longer takes a pronoun-only woman's "she" and her gender. A pronoun still
open (a story that says "she" for a page before naming her) goes to the scene's clear
focaliser of that gender. The narrator takes a name from "my name is X", or from vocatives in
paragraphs where the narrator does not speak, when that name is (nearly) never used
in narration, where the narrator would say "I" ("Come on, Jonah." once is enough).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ficlens.model import Character, Document, Gender, Mention, MentionKind, Token
from ficlens.stages.characters.focal import (
    FocalConfig,
    chain_id,
    choose_name,
    is_chain,
    leaves_unnamed,
    name_scores,
    pick_antecedent,
    split_by_scene,
    took_chain,
    unnamed_character,
)
from ficlens.stages.characters.reader import reader_character
from ficlens.stages.coref_mentions import (
    group_chains,
    person_nominals,
    plural_pronouns,
    token_mention,
    with_extents,
)
from ficlens.stages.coref_model import CorefModel, load_coref_model
from ficlens.stages.names import first_name_gender, honorific_gender, split_name
from ficlens.stages.speech_verbs import NOMINAL_SUBJECT_DEPS, THIRD_PERSON, speech_subject

PLURAL = frozenset({"they", "them", "their", "theirs", "themselves", "themself"})
FIRST = frozenset({"i", "me", "my", "mine", "myself"})
SECOND = frozenset({"you", "your", "yours", "yourself"})
REFLEXIVE = frozenset({"himself", "herself", "myself", "yourself", "themselves", "themself"})
OBJECT_DEPS = frozenset({"dobj", "iobj", "dative", "pobj"})

# "My name is Nick", "I'm Nick", "call me Nick" name a first-person narrator.
_SELF_NAMING = re.compile(
    r"\b(?:[Mm]y name (?:is|was)|[Cc]all me|I'm|I am)\s+((?:[A-Z][a-z'\-]+)(?:\s+[A-Z][a-z'\-]+)?)"
)


@dataclass(frozen=True)
class CorefConfig:
    sentence_decay: float = 0.5
    paragraph_decay: float = 0.3  # extra factor at a paragraph break
    focus_weight: float = 80.0  # bonus for the gender's running focaliser (share of narration subjects)
    # The same bonus for the subject of a speech tag ("she said") in a paragraph that holds a
    # quote: there the narration follows whoever talks, and the focaliser bonus handed "she
    # said" to the protagonist (Emma for Mrs. Weston). 0 on PDNC (gold characters): pronoun
    # tags of anaphoric quotes resolved right 1,416 -> 1,517, wrong 935 -> 729; LitBank
    # coref CoNLL F1 51.70 -> 51.68.
    tag_focus_weight: float = 0.0
    name_focus: float = 0.25  # focus a named subject adds; a resolved subject pronoun adds 1
    min_score: float = 5.0  # below this a pronoun stays unresolved
    # First/second-person narration: this many narration pronouns, and this share of
    # the narration personal pronouns, make a Narrator / Reader.
    person_min: int = 5
    first_person_share: float = 0.25
    second_person_share: float = 0.4
    passes: int = 2  # a second pass uses genders learnt from the first one's pronouns
    # A pronoun no character can carry opens the chain of its gender, which competes as a
    # candidate and in the end takes the name the story gives it, or becomes "she (unnamed)"
    # when it holds at least min_chain pronouns (stages/characters/focal.py); a shorter chain
    # is no person: its pronouns go back to the best character over min_score, if any.
    focal_chains: bool = True
    min_chain: int = 6
    # Resolve the he/she the rules leave open (in quotes, out of salience's reach) with the
    # learned ranker (stages/coref_model.py, data/models/coref-ranker.json): LitBank coref
    # CoNLL F1 dev folds 51.81 -> 53.17, test 51.56 -> 54.27; PDNC end to end 79.3 -> 79.29
    # (docs/model-card-coref.md).
    learned: bool = True
    # Person noun phrases no earlier stage marked ("the surgeon", "her whole family",
    # "nobody") become unlinked nominal mentions, as coreference gold counts them
    # (stages/coref_mentions.py).
    nominals: bool = True
    # Plural pronouns no character holds chain into groups: "we"/"us" (added as mentions) of
    # the narration or of one paragraph's quotes, and a "they" the previous "they" at most
    # group_window sentences back continues (stages/coref_mentions.py).
    groups: bool = True
    group_window: int = 1
    # A character known by a role ("the doctor", "my uncle") takes a he/she only when it is
    # the pronoun's nearest gender-fitting antecedent, at most one sentence back: a role phrase
    # is mostly a passing figure, and its salience took named characters' pronouns. On with
    # CharacterConfig.described (see there for the figures).
    role_guard: bool = True
    # At a scene break salience starts again but focus is only halved, so the first "he" of a
    # scene went to the last scene's focaliser even when the new scene had just named another
    # man ("* * * / Crane's office smelled of dust. He listened"). With a character of the
    # pronoun's gender already named or resolved in the new scene, one not yet in it is no
    # candidate (the chain of a pronoun-only focaliser, "he (unnamed)", always is one).
    scene_presence: bool = True


@dataclass
class _Found:
    characters: list[Character]
    mentions: list[Mention]


class CorefStage:
    name = "coref"
    requires: tuple[str, ...] = ("tokens", "characters", "mentions", "quotes")
    assigns: tuple[str, ...] = ("mentions", "characters")

    def __init__(self, config: CorefConfig | None = None, model: CorefModel | None = None) -> None:
        self.config = config or CorefConfig()
        self.model = model if model is not None or not self.config.learned else load_coref_model()

    def __call__(self, doc: Document) -> Document:
        found = self._find(doc)
        self._apply(doc, found)
        return doc

    def _apply(self, doc: Document, found: _Found) -> None:
        doc.characters = found.characters
        doc.mentions = found.mentions

    # --- find ------------------------------------------------------------------
    def _find(self, doc: Document) -> _Found:
        tokens = doc.tokens
        in_quote = doc.quote_token_mask()
        characters = list(doc.characters)
        names = [m for m in doc.mentions if m.kind != MentionKind.PRONOUN]
        pronouns = [t for t in tokens if _pronoun_word(t) is not None]

        narration = Counter(_pronoun_word(t) for t in pronouns if not in_quote[t.i])
        first = sum(narration[w] for w in FIRST)
        second = sum(narration[w] for w in SECOND)
        third = sum(narration[w] for w in THIRD_PERSON)
        narrator_id = reader_id = None
        cfg = self.config
        if first >= cfg.person_min and first >= cfg.first_person_share * (first + second + third):
            characters, narrator_id = _narrator(doc, tokens, in_quote, characters)
        reader = next((c for c in characters if c.is_reader), None)
        if reader is not None:
            reader_id = reader.id
        if second >= cfg.person_min and second > first and second >= cfg.second_person_share * (first + second + third):
            if reader_id is None:
                reader_id = f"C{len(characters)}"
                # Made from "you" alone: the story never names the reader.
                characters.append(replace(reader_character(reader_id), found_by="pronoun"))

        chains = {chain_id(g): g for g in (Gender.FEMALE, Gender.MALE)}
        genders = {c.id: c.gender for c in characters} | chains
        roles = frozenset(c.id for c in characters if c.found_by == "role") if cfg.role_guard else frozenset()
        resolved: dict[int, str | None] = {}
        fallback: dict[int, str | None] = {}
        contested: set[int] = set()
        for _ in range(max(1, cfg.passes)):
            fallback = {}
            contested = set()
            resolved = self._resolve(doc, tokens, in_quote, names, pronouns, genders, fallback, roles, contested)
            genders = _genders(characters, names, tokens, resolved, contested, guess=False)[0] | chains
        resolved = _drop_short_chains(resolved, fallback, cfg.min_chain)
        resolved = _fill_from_focaliser(doc, tokens, resolved, genders)
        scenes = {p.id: p.scene for p in doc.paragraphs}
        resolved, characters = _settle_chains(tokens, names, characters, resolved, genders, cfg, scenes)
        if self.model is not None:
            # The ranker takes the he/she left open once the chains have settled, with the
            # genders of the characters as they now stand (a chain may have become one).
            genders = _genders(characters, names, tokens, resolved, contested, guess=False)[0]
            ranked = self.model.resolve(doc, in_quote, names, pronouns, genders, resolved)
            # The ranker gives no pronoun to a role character (it has no nearest-antecedent
            # check, and gave "the commander" every "he" of a phone call's quotes).
            resolved = {i: (resolved.get(i) if c in roles else c) for i, c in ranked.items()}
        gender_info = _genders(characters, names, tokens, resolved, contested)[1]

        mentions = list(names)
        counts: Counter[str] = Counter(m.character_id for m in names if m.character_id)
        for tok in pronouns:
            word = _pronoun_word(tok) or ""
            quoted = in_quote[tok.i]
            cid: str | None = resolved.get(tok.i)
            if word in FIRST and not quoted:
                cid = narrator_id
            elif word in SECOND and not quoted:
                cid = reader_id
            if cid:
                counts[cid] += 1
            mentions.append(token_mention(tok, MentionKind.PRONOUN, quoted, cid))
        if cfg.nominals:
            mentions.extend(person_nominals(doc, mentions, in_quote))
        if cfg.groups:
            mentions.extend(plural_pronouns(doc, mentions, in_quote))
        mentions = with_extents(doc, mentions, in_quote)
        mentions.sort(key=lambda m: (m.start_token, m.end_token_excl))
        if cfg.groups:
            mentions = group_chains(doc, mentions, in_quote, cfg.group_window)
        updated = []
        for c in characters:
            gender, confidence = gender_info.get(c.id, (c.gender, c.gender_confidence))
            if c.from_cast and c.gender != Gender.UNKNOWN:
                gender, confidence = c.gender, c.gender_confidence
            updated.append(replace(c, gender=gender, gender_confidence=confidence, mentions=counts[c.id]))
        return _Found(updated, mentions)

    def _resolve(
        self,
        doc: Document,
        tokens: list[Token],
        in_quote: list[bool],
        names: list[Mention],
        pronouns: list[Token],
        genders: dict[str, Gender],
        fallback: dict[int, str | None] | None = None,
        roles: frozenset[str] = frozenset(),
        contested: set[int] | None = None,
    ) -> dict[int, str | None]:
        """One left-to-right pass; returns pronoun token index -> character id (or None).

        ``fallback`` receives, for each pronoun given to a chain, the best character over
        ``min_score`` (None when none is), for a chain too short to be a person. A character
        of ``roles`` is a candidate only as the nearest gender-fitting antecedent in the same
        or the previous sentence. ``contested`` receives the pronouns given to a character of
        unknown gender while one of the pronoun's gender was in reach too."""
        cfg = self.config
        events: list[tuple[int, int, str | None, Mention | None]] = []
        for m in names:
            if m.character_id and m.kind == MentionKind.NAME:
                events.append((m.end_token_excl - 1, 0, m.character_id, m))
        for tok in pronouns:
            if _pronoun_word(tok) in THIRD_PERSON and not in_quote[tok.i]:
                events.append((tok.i, 1, None, None))
        events.sort(key=lambda e: (e[0], e[1]))

        salience: dict[str, float] = defaultdict(float)
        focus: dict[str, float] = defaultdict(float)  # narration-subject counts, softened at scene breaks
        sentence_mentions: dict[int, list[tuple[str, int]]] = defaultdict(list)  # sentence -> (cid, clause head)
        scene_of = {p.id: p.scene for p in doc.paragraphs}
        dialogue = {q.paragraph for q in doc.quotes}
        result: dict[int, str | None] = {}
        recent: list[tuple[str, int]] = []  # (character, sentence) of each mention so far
        present: set[str] = set()  # characters named or resolved in the current scene
        last_sentence = last_paragraph = last_scene = -1
        for index, kind, cid, _mention in events:
            tok = tokens[index]
            if tok.sentence != last_sentence and last_sentence >= 0:
                factor = cfg.sentence_decay ** (tok.sentence - last_sentence)
                if tok.paragraph != last_paragraph:
                    factor *= cfg.paragraph_decay
                    scene = scene_of.get(tok.paragraph, 0)
                    if scene != last_scene:
                        factor = 0.0
                        present = set()
                        for k in focus:
                            focus[k] *= 0.5
                for k in list(salience):
                    salience[k] *= factor
            last_sentence, last_paragraph = tok.sentence, tok.paragraph
            last_scene = scene_of.get(tok.paragraph, 0)
            if kind == 0 and cid is not None:
                quoted = in_quote[index]
                weight = _role_weight(tok) * (0.3 if quoted else 1.0)
                salience[cid] += weight
                if not quoted:
                    present.add(cid)
                if not quoted and tok.dep in NOMINAL_SUBJECT_DEPS:
                    # Naming counts little towards focus: a focaliser is mostly "she", while
                    # a secondary character keeps being named to tell her apart.
                    focus[cid] += cfg.name_focus
                sentence_mentions[tok.sentence].append((cid, _clause_head(tokens, index)))
                recent.append((cid, tok.sentence))
                continue
            word = _pronoun_word(tok) or ""
            gender = THIRD_PERSON[word]
            head = _clause_head(tokens, index)
            blocked: set[str] = set()
            bound: str | None = None
            for other, other_head in sentence_mentions.get(tok.sentence, ()):
                if other_head != head:
                    continue
                if word in REFLEXIVE:
                    if _gender_fits(genders.get(other, Gender.UNKNOWN), gender):
                        bound = other  # "Anna hurt herself": the clause's own subject
                elif not (tok.tag == "PRP$" or tok.dep == "poss"):  # object "her", not "her hand"
                    blocked.add(other)  # "Mary looked at her": not Mary
            if bound is not None:
                best: str | None = bound
            else:
                total_focus = sum(v for k, v in focus.items() if genders.get(k) == gender) or 1.0
                in_tag = tok.paragraph in dialogue and speech_subject(tokens, tok.i, tok.i + 1)
                focus_weight = cfg.tag_focus_weight if in_tag else cfg.focus_weight
                scores: dict[str, float] = {}
                near = _nearest_role(recent, roles, blocked, genders, gender, tok.sentence) if roles else None
                here = cfg.scene_presence and any(genders.get(c) == gender and c not in blocked for c in present)
                for cand in set(salience) | set(focus):
                    g = genders.get(cand, Gender.UNKNOWN)
                    if cand in blocked or not _gender_fits(g, gender) or (cand in roles and cand != near):
                        continue
                    if here and cand not in present and not is_chain(cand):
                        continue  # (the unnamed focal chain goes on from scene to scene)
                    score = salience.get(cand, 0.0)
                    if g == gender:
                        score += focus_weight * focus.get(cand, 0.0) / total_focus
                    else:
                        score *= 0.5  # unknown gender: possible, but less likely than a match
                    scores[cand] = score
                chain = chain_id(gender) if cfg.focal_chains else None
                best = pick_antecedent(scores, cfg.min_score, chain)
                if contested is not None and best is not None and genders.get(best, Gender.UNKNOWN) == Gender.UNKNOWN:
                    if any(v >= cfg.min_score and genders.get(k) == gender for k, v in scores.items() if not is_chain(k)):
                        contested.add(index)
                if fallback is not None and is_chain(best):
                    rest = {k: v for k, v in scores.items() if not is_chain(k)}
                    fallback[index] = pick_antecedent(rest, cfg.min_score, None)
            result[index] = best
            if best is not None:
                present.add(best)
                recent.append((best, tok.sentence))
                salience[best] += _role_weight(tok)
                if tok.dep in NOMINAL_SUBJECT_DEPS:
                    focus[best] += 1
                sentence_mentions[tok.sentence].append((best, head))
        return result


def _nearest_role(
    recent: list[tuple[str, int]],
    roles: frozenset[str],
    blocked: set[str],
    genders: dict[str, Gender],
    gender: Gender,
    sentence: int,
) -> str | None:
    """The role character that is the nearest antecedent of a pronoun of ``gender`` in
    ``sentence`` or the one before, else None."""
    for cid, at in reversed(recent[-30:]):
        if sentence - at > 1:
            return None
        if cid in blocked or is_chain(cid) or not _gender_fits(genders.get(cid, Gender.UNKNOWN), gender):
            continue
        return cid if cid in roles else None
    return None


def _drop_short_chains(
    resolved: dict[int, str | None], fallback: dict[int, str | None], min_chain: int
) -> dict[int, str | None]:
    """A chain of fewer than ``min_chain`` pronouns is no person: each of its pronouns goes to
    the best character it had over the threshold (``fallback``), or back to unresolved."""
    sizes = Counter(c for c in resolved.values() if is_chain(c))
    return {i: (fallback.get(i) if is_chain(c) and sizes[c] < min_chain else c) for i, c in resolved.items()}


def _settle_chains(
    tokens: list[Token],
    names: list[Mention],
    characters: list[Character],
    resolved: dict[int, str | None],
    genders: dict[str, Gender],
    cfg: CorefConfig,
    scene_of: Mapping[int, int] | None = None,
) -> tuple[dict[int, str | None], list[Character]]:
    """Each pronoun chain (long enough to be a person: ``_drop_short_chains`` ran) takes the
    name the story gives it or becomes an unnamed character."""
    focal = FocalConfig(min_chain=cfg.min_chain)
    out = dict(resolved)
    characters = list(characters)
    named_in_text = {m.character_id for m in names if m.kind == MentionKind.NAME}
    for gender in (Gender.FEMALE, Gender.MALE):
        cid = chain_id(gender)
        chain = [i for i, c in resolved.items() if c == cid]
        if not chain:
            continue
        scores = name_scores(chain, gender, tokens, names, characters, genders, focal)
        target = choose_name(scores, focal)
        if target is not None:
            characters = [took_chain(c, c.id in named_in_text) if c.id == target else c for c in characters]
        else:
            # Several named people the salience lost between their names, or one it never names.
            near = split_by_scene(chain, gender, tokens, names, characters, genders, scene_of, focal)
            out.update(near)
            chain = [i for i in chain if i not in near]
            target = None
            if len(chain) >= cfg.min_chain and leaves_unnamed(near, characters, gender, genders):
                target = f"C{len(characters)}"
                characters.append(unnamed_character(target, gender))
        for i in chain:
            out[i] = target
    assert not any(is_chain(c) for c in out.values())
    return out, characters


def _fill_from_focaliser(
    doc: Document, tokens: list[Token], resolved: dict[int, str | None], genders: dict[str, Gender]
) -> dict[int, str | None]:
    """Pronouns left open go to their scene's focaliser of that gender: a story may open
    with "she" for a page before it names her (cataphora), and no salience reaches back."""
    scene_of = {p.id: p.scene for p in doc.paragraphs}
    held: dict[tuple[int, Gender], Counter[str]] = defaultdict(Counter)
    for index, cid in resolved.items():
        if cid is not None:
            tok = tokens[index]
            held[(scene_of.get(tok.paragraph, 0), THIRD_PERSON[tok.text.lower()])][cid] += 1
    out = dict(resolved)
    for index, cid in resolved.items():
        if cid is not None:
            continue
        tok = tokens[index]
        gender = THIRD_PERSON[tok.text.lower()]
        counts = held.get((scene_of.get(tok.paragraph, 0), gender))
        if not counts:
            continue
        top, n = counts.most_common(1)[0]
        if n >= 3 and n >= 0.67 * sum(counts.values()) and genders.get(top) == gender:
            out[index] = top
    return out


def _pronoun_word(tok: Token) -> str | None:
    low = tok.text.lower()
    if low in THIRD_PERSON or low in PLURAL or low in SECOND:
        return low if tok.pos in ("PRON", "DET", "") or tok.tag.startswith("PRP") else None
    if low in FIRST and (tok.text != "I" or tok.pos == "PRON" or tok.tag == "PRP"):
        return low if tok.pos in ("PRON", "DET", "") or tok.tag.startswith("PRP") else None
    return None


def _role_weight(tok: Token) -> float:
    # Lappin & Leass style: recency plus a bonus for the grammatical role.
    if tok.dep in NOMINAL_SUBJECT_DEPS:
        return 180.0
    if tok.dep in OBJECT_DEPS:
        return 150.0
    return 110.0


def _clause_head(tokens: list[Token], index: int) -> int:
    """The verb a mention hangs off, skipping prepositions ('looked at her' -> looked)."""
    tok = tokens[index]
    head = tokens[tok.head]
    steps = 0
    while head.pos in ("ADP", "NOUN", "PROPN") and head.i != head.head and steps < 3:
        if head.pos != "ADP" and tok.dep != "poss":
            break
        head = tokens[head.head]
        steps += 1
    return head.i


def _gender_fits(candidate: Gender, wanted: Gender) -> bool:
    return candidate in (wanted, Gender.UNKNOWN)


def _genders(
    characters: list[Character],
    names: list[Mention],
    tokens: list[Token],
    resolved: dict[int, str | None],
    contested: set[int] | frozenset[int] = frozenset(),
    guess: bool = True,
) -> tuple[dict[str, Gender], dict[str, tuple[Gender, float]]]:
    """Honorifics weigh 3, resolved pronouns 1; a first-name hint only breaks a tie of nothing.
    A ``contested`` pronoun (given to a character of unknown gender though a character of
    the pronoun's gender was in reach) votes only for a character no other pronoun votes
    for, and only with ``guess`` (the final genders, not those the next pass resolves with):
    salience alone gave it, and its vote would make the guess the character's gender ("Teyla
    dashed in and caught his arm. He shrugged her off")."""
    votes: dict[str, Counter[Gender]] = defaultdict(Counter)
    for m in names:
        if m.character_id and m.kind == MentionKind.NAME:
            g = honorific_gender(split_name(m.text).honorific)
            if g != Gender.UNKNOWN:
                votes[m.character_id][g] += 3
    guesses: dict[str, Counter[Gender]] = defaultdict(Counter)
    for index, cid in resolved.items():
        if cid:
            (guesses if index in contested else votes)[cid][THIRD_PERSON[tokens[index].text.lower()]] += 1
    for cid, guessed in guesses.items():
        if guess and not votes.get(cid):
            votes[cid] = guessed
    plain: dict[str, Gender] = {}
    info: dict[str, tuple[Gender, float]] = {}
    for c in characters:
        v = votes.get(c.id)
        if c.gender != Gender.UNKNOWN and c.found_by != "pronoun":
            # The characters stage's gender rests on what is written around the name (a
            # title, a kinship noun, the next clause's pronoun, a tag, the cast, a known first
            # name): the pronouns coref gave the character were chosen with that gender, so
            # counting them would only echo it, or, a few stray ones, overturn it.
            gender = c.gender
            confidence = max(c.gender_confidence, _vote_confidence(v, gender) if v else 0.0)
        elif v:
            gender = v.most_common(1)[0][0]
            confidence = _vote_confidence(v, gender)
        else:
            gender = c.gender
            confidence = c.gender_confidence
            if gender == Gender.UNKNOWN:
                words = split_name(c.name).words
                gender = first_name_gender(words[0]) if words else Gender.UNKNOWN
                confidence = 0.5 if gender != Gender.UNKNOWN else 0.0
        plain[c.id] = gender
        info[c.id] = (gender, confidence)
    return plain, info


def _vote_confidence(votes: Counter[Gender], gender: Gender) -> float:
    """``gender``'s share of the votes, shrunk towards 0 when there are few of them."""
    total = sum(votes.values())
    return round((votes[gender] / total) * (1.0 - 1.0 / (1.0 + total)), 3) if total else 0.0


def _narrator(
    doc: Document, tokens: list[Token], in_quote: list[bool], characters: list[Character]
) -> tuple[list[Character], str]:
    """Find or make the narrator; name it from "my name is X" or how others address it."""
    votes: Counter[str] = Counter()
    for match in _SELF_NAMING.finditer(doc.text):
        votes[match.group(1).lower()] += 2
    # Vocatives in paragraphs where the narrator does not speak (no narration "I"):
    # someone else is talking, most often to the narrator.
    narrator_speaks = {t.paragraph for t in tokens if not in_quote[t.i] and t.text == "I"}
    by_id = {c.id: c for c in characters}
    narrated: Counter[str] = Counter()  # name mentions outside quotes: a third person
    total: Counter[str] = Counter()
    for m in doc.mentions:
        if m.kind != MentionKind.NAME or m.character_id is None:
            continue
        total[m.character_id] += 1
        if not m.in_quote:
            narrated[m.character_id] += 1
            continue
        if tokens[m.start_token].paragraph in narrator_speaks:
            continue
        before = tokens[m.start_token - 1].text if m.start_token > 0 else ""
        after = tokens[m.end_token_excl].text if m.end_token_excl < len(tokens) else ""
        if before in (",", '"', "“", "'", "‘") or after in (",", "!", "?"):
            if after in (",", "!", "?", ".", '"', "”"):
                votes[m.character_id] += 1
    # A name is the narrator's when it is (nearly) never used in narration, where the
    # narrator would say "I": then one vocative is enough ("Come on, Jonah."). A name the
    # narration uses as a third person needs the narrator to name itself.
    best: tuple[float, str] | None = None
    for key, n in votes.items():
        c = by_id.get(key) or next(
            (c for c in characters if c.name.lower() == key or key in (a.lower() for a in c.aliases)), None
        )
        if c is not None and key in by_id and narrated[c.id] > max(1, 0.2 * total[c.id]):
            continue
        if best is None or n > best[0]:
            best = (n, c.id if c is not None else key)
    if best is not None:
        target = by_id.get(best[1])
        if target is not None:
            characters = [replace(c, is_narrator=True) if c.id == target.id else c for c in characters]
            return characters, target.id
    name = None if best is None else best[1].title()
    cid = f"C{len(characters)}"
    characters.append(
        Character(
            id=cid,
            name=name or "Narrator",
            aliases=(name,) if name else (),
            is_narrator=True,
            found_by="name" if name else "pronoun",  # a narrator only "I" shows
        )
    )
    return characters, cid
