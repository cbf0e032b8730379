"""Focal pronoun chains: the character a story follows as "she" or "he", named late or never.

The coref stage (``ficlens.stages.coref``) calls these functions; they hold no state and
take the candidate scores as input, so a learned mention ranker can replace the salience
scores without touching the decisions here:

1. ``pick_antecedent``: a third-person pronoun goes to the best candidate scoring at least
   the threshold; when none does, it opens (or continues) the *chain* of its gender, a
   stand-in entity (``chain_id(gender)``) that then competes like any character. A man
   named a few times therefore no longer takes the "she" of a woman the story has not
   named yet: her chain is the salient female candidate.
2. ``name_scores`` + ``choose_name``: after resolution, a chain takes a character's name when
   the story names it. Evidence for a character being the chain: its name as a narration
   subject in a sentence that holds none of the chain's (non-possessive) pronouns
   ("Elena closes her eyes"), a vocative in the dialogue, a ``--cast`` entry or AO3 tag of
   that gender. Evidence against: its name in a sentence with one of the chain's pronouns
   ("She thinks of Lily", "Kael watches her": two people). A character of the other gender
   never takes a chain. The best unique positive score wins, wherever the name comes.
3. ``unnamed_character``: a chain no name takes, and long enough to be a person, becomes a
   character of its own ("she (unnamed)"), gender from the pronoun, ``found_by="pronoun"``.

``found_by`` of a character that took a chain: it stays what it was ("name") when the name
is in the text; a cast or tag entry the text never names becomes ``"pronoun"``: the text
found that person only through the pronoun chain, and the name came from outside.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from ficlens.model import Character, Gender, Mention, MentionKind, Token
from ficlens.stages.speech_verbs import NOMINAL_SUBJECT_DEPS

CHAIN_PREFIX = "~"
_CLOSERS = frozenset({",", "!", "?", ".", '"', "”", "'", "’"})
_OPENERS = frozenset({",", '"', "“", "'", "‘"})
_NAMING_VERBS = frozenset({"call", "name", "christen", "dub"})
_OTHER_PRONOUNS = {
    Gender.FEMALE: frozenset({"he", "him", "his"}),
    Gender.MALE: frozenset({"she", "her", "hers"}),
}
_PRONOUN_OF = {Gender.FEMALE: "she", Gender.MALE: "he"}


@dataclass(frozen=True)
class FocalConfig:
    subject_evidence: float = 2.0  # a narration subject name with no chain pronoun beside it
    # The name called in dialogue: in a paragraph whose narration holds someone else (a
    # pronoun of the other gender, another name) it is most likely said to the chain; in a
    # paragraph whose narration holds the chain it is most likely the chain talking to them.
    vocative_evidence: float = 1.0
    vocative_to_chain_evidence: float = 2.0
    vocative_by_chain_evidence: float = -1.0
    cast_evidence: float = 3.0  # a --cast entry or AO3 tag of the chain's gender
    apart_evidence: float = -3.0  # the name beside one of the chain's pronouns: two people
    naming_evidence: float = 4.0  # "called her Maud", "her name was Maud"
    min_name_score: float = 2.0
    # A chain no name takes becomes a character from this many narration pronouns; a
    # shorter one is left unresolved.
    min_chain: int = 3
    # A chain no name takes is split among the named characters of its gender near its
    # pronouns when the user's cast lists that gender (``split_by_scene``): the nearest name
    # before a pronoun within this many tokens of the same scene, else the nearest after
    # within the second reach. PDNC, gold characters: ThePictureOfDorianGray 85.3 -> 88.3 (no
    # "she (unnamed)" with 41 lines); DaisyMiller, TheAwakening, WhereAngelsFearToTread
    # unchanged. Without a cast the chain stays whole: a story's never-named "he" talks with
    # named men, so most of his pronouns have a man's name near them (the team's "he" story).
    scene_reach: int = 400
    scene_reach_after: int = 100
    carrier_names: int = 2  # a character outside the cast carries pronouns from this many names


def chain_id(gender: Gender) -> str:
    return f"{CHAIN_PREFIX}{gender}"


def is_chain(cid: str | None) -> bool:
    return cid is not None and cid.startswith(CHAIN_PREFIX)


def pick_antecedent(scores: Mapping[str, float], min_score: float, chain: str | None) -> str | None:
    """The best candidate scoring at least ``min_score`` (ties: smallest id); else ``chain``.

    ``chain`` is the id of the chain the pronoun opens or continues (None: stay unresolved).
    """
    best: str | None = None
    best_score = min_score
    for cand in sorted(scores):
        if scores[cand] > best_score or (best is None and scores[cand] == best_score):
            best, best_score = cand, scores[cand]
    return best if best is not None else chain


def name_scores(
    chain_tokens: Iterable[int],
    gender: Gender,
    tokens: list[Token],
    names: list[Mention],
    characters: list[Character],
    genders: Mapping[str, Gender],
    config: FocalConfig | None = None,
) -> dict[str, float]:
    """Evidence that each named character of a fitting gender is the chain (see the module doc)."""
    cfg = config or FocalConfig()
    chain_set = set(chain_tokens)
    apart_sentences = {
        tokens[i].sentence for i in chain_tokens if not (tokens[i].tag == "PRP$" or tokens[i].dep == "poss")
    }
    fits = {
        c.id
        for c in characters
        if not (c.is_narrator or c.is_reader) and genders.get(c.id, c.gender) in (gender, Gender.UNKNOWN)
    }
    # Paragraphs where the chain acts ("she breathes"), not where it is acted on ("her hand").
    chain_paragraphs = {tokens[i].paragraph for i in chain_set if tokens[i].dep in NOMINAL_SUBJECT_DEPS}
    other_words = _OTHER_PRONOUNS.get(gender, frozenset())
    others: dict[int, set[str]] = {}  # paragraph -> other people in its narration
    for m in names:
        if not m.in_quote and m.character_id:
            others.setdefault(tokens[m.start_token].paragraph, set()).add(m.character_id)
    for t in tokens:
        if t.text.lower() in other_words and t.tag in ("PRP", "PRP$") and t.i not in chain_set:
            others.setdefault(t.paragraph, set()).add(t.text.lower())
    scores: dict[str, float] = {}
    for m in names:
        cid = m.character_id
        if cid not in fits or m.kind != MentionKind.NAME:
            continue
        if m.in_quote:
            before = tokens[m.start_token - 1].text if m.start_token > 0 else ""
            after = tokens[m.end_token_excl].text if m.end_token_excl < len(tokens) else ""
            if before in _OPENERS and after in _CLOSERS:
                paragraph = tokens[m.start_token].paragraph
                if paragraph in chain_paragraphs:
                    evidence = cfg.vocative_by_chain_evidence
                elif others.get(paragraph, set()) - {cid}:
                    evidence = cfg.vocative_to_chain_evidence
                else:
                    evidence = cfg.vocative_evidence
                scores[cid] = scores.get(cid, 0.0) + evidence
            continue
        if _names_the_chain(m, chain_set, tokens):
            scores[cid] = scores.get(cid, 0.0) + cfg.naming_evidence
        elif m.sentence in apart_sentences or tokens[m.start_token].sentence in apart_sentences:
            scores[cid] = scores.get(cid, 0.0) + cfg.apart_evidence
        elif any(tokens[i].dep in NOMINAL_SUBJECT_DEPS for i in range(m.start_token, m.end_token_excl)):
            scores[cid] = scores.get(cid, 0.0) + cfg.subject_evidence
    for c in characters:
        if c.id in fits and c.from_cast and c.gender == gender:
            scores[c.id] = scores.get(c.id, 0.0) + cfg.cast_evidence
    return scores


def _names_the_chain(m: Mention, chain: set[int], tokens: list[Token]) -> bool:
    """The name right after "<verb to call/name> <chain pronoun>" or "<chain pronoun> name is"."""
    for i in range(max(0, m.start_token - 4), m.start_token):
        if i not in chain:
            continue
        between = tokens[i + 1 : m.start_token]
        # By position: the small parser often reads "called her Maud" as "her Maud".
        verb = tokens[i - 1].lemma.lower() if i > 0 else ""
        if verb in _NAMING_VERBS and len(between) <= 1:
            return True  # "called her Maud", "named him Pip"
        if between and between[0].lemma.lower() == "name" and len(between) <= 3:
            return True  # "her name was Maud", "his name is Pip"
    return False


def choose_name(scores: Mapping[str, float], config: FocalConfig | None = None) -> str | None:
    """The one character with the best score, when that score reaches the threshold; a tie names none."""
    cfg = config or FocalConfig()
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < cfg.min_name_score:
        return None
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None
    return ranked[0][0]


def unnamed_character(cid: str, gender: Gender) -> Character:
    """A focal character the story never names, shown by its pronoun."""
    return Character(
        id=cid,
        name=f"{_PRONOUN_OF.get(gender, 'they')} (unnamed)",
        gender=gender,
        gender_confidence=0.9,
        found_by="pronoun",
    )


def took_chain(character: Character, named_in_text: bool) -> Character:
    """A character that took a chain: gender from the chain's pronouns when it had none;
    ``found_by`` "pronoun" when the text never names it (its name came from a cast or tag)."""
    out = character
    if not named_in_text:
        out = replace(out, found_by="pronoun")
    return out


def split_by_scene(
    chain_tokens: Iterable[int],
    gender: Gender,
    tokens: list[Token],
    names: list[Mention],
    characters: list[Character],
    genders: Mapping[str, Gender],
    scene_of: Mapping[int, int] | None = None,
    config: FocalConfig | None = None,
) -> dict[int, str]:
    """Chain pronouns that a named character of the chain's gender can carry, each with that
    character: the one whose name comes nearest before the pronoun in its scene (within
    ``scene_reach`` tokens; else the nearest after, within ``scene_reach_after``). Empty when
    the chain is one person the story does not name (see below).

    A chain no name takes (``choose_name``) is either one focal person the story never names
    or the pronouns of several named people the salience lost track of between their names
    (a novel's "she" is Sibyl in one chapter and Lady Narborough in another). It is split
    only when the user's cast lists someone of its gender (the user said who is there: a "she
    (unnamed)" beside a cast of women would take their lines); without one, nearness to names
    does not tell the two apart (a never-named focal "he" is mostly beside the named men he
    talks with). A character outside the cast named
    fewer than ``carrier_names`` times carries none (a sister named once in passing).
    ``scene_of``: paragraph -> scene (absent: one scene)."""
    cfg = config or FocalConfig()
    chain = sorted(set(chain_tokens))
    fits = {
        c.id for c in characters if not (c.is_narrator or c.is_reader) and genders.get(c.id, c.gender) == gender
    }
    cast = {c.id for c in characters if _user_cast(c) and c.id in fits}
    if not cast or not chain:
        return {}
    own = [m for m in names if m.kind == MentionKind.NAME and m.character_id in fits]
    # Who can carry a pronoun: a cast member, or someone the story names more than in passing
    # ("She thought of Lily" once is no one the narration follows).
    counts = Counter(m.character_id for m in own)
    named = sorted((m.start_token, m.character_id) for m in own if m.character_id in cast or counts[m.character_id] >= cfg.carrier_names)
    if not named:
        return {}
    starts = [s for s, _ in named]
    scene = (lambda i: scene_of.get(tokens[i].paragraph, 0)) if scene_of else (lambda i: 0)
    out: dict[int, str] = {}
    for i in chain:
        k = bisect_right(starts, i)
        before = named[k - 1] if k > 0 else None
        after = named[k] if k < len(named) else None
        if before and i - before[0] <= cfg.scene_reach and scene(before[0]) == scene(i):
            out[i] = before[1]  # type: ignore[assignment]
        elif after and after[0] - i <= cfg.scene_reach_after and scene(after[0]) == scene(i):
            out[i] = after[1]  # type: ignore[assignment]
    return out


def _user_cast(character: Character) -> bool:
    """A member of the user's ``--cast``: the user said who is there. AO3 character tags are
    not such a list (often a few of the people, or "Original Female Character(s)"), so they do
    not stop a chain from being the unnamed person the story follows."""
    return character.from_cast and character.found_by == "cast"


def leaves_unnamed(
    split: Mapping[int, str], characters: list[Character], gender: Gender, genders: Mapping[str, Gender]
) -> bool:
    """Whether what is left of a chain after ``split_by_scene`` may become an unnamed
    character: not when the chain was split and the cast lists someone of its gender. The
    user said who is there, and the pronouns no name is near are left to the coref ranker
    (a "she (unnamed)" beside a cast of women took 16 lines in a novel, none of them hers)."""
    return not (split and any(_user_cast(c) and genders.get(c.id, c.gender) == gender for c in characters))

