"""Narration: person, tense and point-of-view character for every scene, plus shifts.

Input: tokens, sentences, scenes (segment), quotes, characters and mentions. Output: one
``SceneNarration`` per scene::

    I walked in. Mary was there. I knew it.   -> person=first, tense=past, pov=<narrator>
    You open the door. Y/N smiles.            -> person=second, tense=present, pov=<reader>
    She ran. "I am here!" she cried. She knew -> person=third, tense=past, pov=<her character>

Only *narration* counts: tokens inside ``doc.quotes`` spans are dialogue, and letters,
diary entries and other inserts (a paragraph opening ``Dear X,`` up to a closing
``Love,`` / ``Yours,`` line; Markdown ``>`` blockquotes; paragraphs wrapped entirely in
``*...*`` or ``_..._``) are left out, so a third-person story that quotes a first-person
letter stays third person. The quote mask is a linear merge of sorted quote spans with
token offsets (``Document.quote_token_mask``). A paragraph that has quote marks
but no quote from the quotes stage (e.g. an unclosed quote the stage dropped) falls back
to toggling on its double-quote marks, up to the end of the paragraph.

Tense: every finite verb outside quotes votes: VBD past, VBZ/VBP present, one vote per
verb group because English puts the finite form first (``had gone`` past perfect -> past,
``is running`` -> present, ``was running`` -> past, ``have been`` -> present); modals
``will/shall/can`` vote present, ``would/could`` past, the rest abstain. ``past_share`` /
``present_share`` are the shares of those votes.

Person: the share of narration sentences containing a first-person pronoun (I, me, my,
we, ...) or a second-person one (you, your, ... and Y/N-style placeholders). A scene is
first (second) person when that share reaches ``first_person_min_share``
(``second_person_min_share``) and beats the other, and (in scenes of >= 3 narration
paragraphs) at least ``min_paragraph_share`` of the paragraphs have one; otherwise third.
Scenes with too little narration take the document-wide answer; a scene's tense votes
are smoothed with ``tense_prior`` pseudo-votes split by the document's tense shares.

POV: in third person the character whose inner life the narration reports: subjects of
perception/cognition/emotion verbs (thought, felt, knew, could see, ...), possessors of
interior nouns (``her heart``, ``his mind``), a small bonus to the current focaliser for
free indirect questions and exclamations in narration, and a weak vote for narration
subjects. Subjects map to characters through ``doc.mentions`` outside quotes (names and
coref-resolved pronouns). First person: the ``is_narrator`` character (else the character
first-person pronouns resolve to); second person: the ``is_reader`` character.

Flags (``NarrationFlag``), inside one scene; ``sentence_start``/``sentence_end`` are the
character offsets of the sentence that shows the shift and ``text`` is that sentence:

- ``tense_shift``: in a scene clearly in one tense (majority share >=
  ``slip_scene_min_share``), a run of >= ``slip_min_sentences`` consecutive narration
  sentences whose finite verbs are *all* in the other tense, with a personal-pronoun or
  character subject ("Then she hears a sound."). Sentences with no finite verb, and
  generic ones ("Some things never change.", "Romance only dies with life."), neither
  extend nor break a run; a sentence with a majority-tense verb breaks it, so
  "This is bad, she thought." is no slip, nor is a past-perfect flashback (past).
- ``pov_shift`` (third person): the focaliser evidence changes from one character to
  another and the new one holds >= ``pov_shift_min_evidence`` consecutive items over
  >= 2 sentences.
- ``person_shift``: a run of >= ``person_shift_min_sentences`` narration sentences in
  another person (first/second-person sentences in a third-person scene; in a first- or
  second-person scene, third-person sentences only in a run twice that long, over >= 2
  paragraphs, that reports one other character's inner life >= 3 times).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ficlens.model import (
    NON_WORD_POS,
    Document,
    Gender,
    NarrationFlag,
    Person,
    SceneNarration,
    Tense,
)
from ficlens.stages.name_binding import NamesAfter
from ficlens.stages.speech_verbs import speech_subject

_FIRST = frozenset(
    {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"}
)
_FIRST_SINGULAR = frozenset({"i", "me", "my", "mine", "myself"})
_SECOND = frozenset({"you", "your", "yours", "yourself", "yourselves", "ya", "thee", "thou", "thy"})
_THIRD = frozenset({"he", "she", "him", "her", "his", "hers", "himself", "herself"})
_AGENT_PRONOUNS = frozenset({"i", "we", "you", "he", "she", "they"})
_PRONOUN_GENDER = {"she": Gender.FEMALE, "her": Gender.FEMALE, "he": Gender.MALE, "his": Gender.MALE, "him": Gender.MALE}
_PLACEHOLDERS = frozenset({"y/n", "(y/n)", "[y/n]", "{y/n}"})

_PRESENT_MODALS = frozenset({"will", "'ll", "wo", "shall", "can", "ca"})
_PAST_MODALS = frozenset({"would", "could", "'d"})

# Verbs whose subject is the one perceiving, thinking or feeling.
_PERCEPTION = frozenset(
    {
        "think", "feel", "know", "wonder", "see", "notice", "realize", "realise",
        "remember", "want", "hope", "fear", "wish", "hate", "love", "hear", "watch",
        "sense", "smell", "taste", "understand", "believe", "decide", "worry", "imagine",
        "recall", "recognize", "recognise", "suspect", "doubt", "guess", "expect", "dread",
        "long", "regret", "miss", "suppose", "consider", "ponder", "panic", "relax",
        "shiver", "flinch", "blush", "sigh", "smile", "frown", "tremble", "need", "like",
        "enjoy", "prefer", "envy", "forget", "figure", "reckon", "assume", "mean", "crave",
        "yearn", "ache", "glance", "stare", "gaze", "listen", "admire", "resent",
    }
)
# Nouns for inner life: "her heart pounded", "his mind raced".
_INTERIOR = frozenset(
    {
        "heart", "mind", "chest", "stomach", "gut", "thought", "breath", "pulse", "throat",
        "head", "eye", "skin", "spine", "cheek", "blood", "nerve", "hand", "mouth",
        "memory", "feeling", "fear", "heartbeat", "belly", "vision",
    }
)

_SALUTATION = re.compile(
    r"^[\s\"“'‘*_]*(?:dear(?:est)?|my\s+dear(?:est)?|to\s+whom)\b[^\n.?!]{0,50}[,:]", re.IGNORECASE
)
_CLOSING = re.compile(
    r"^[\s*_]*(?:yours|sincerely|love|with\s+love|all\s+my\s+love|lots\s+of\s+love|best"
    r"(?:\s+wishes)?|regards|kind\s+regards|warmly|affectionately|fondly|cheers|xoxo|"
    r"your\s+(?:friend|loving|devoted|affectionate|faithful|obedient|servant|brother|sister"
    r"|son|daughter|mother|father))\b[^\n.?!]{0,30}[,!.]?[ \t]*(?:\n|$)",
    re.IGNORECASE,
)
_DOUBLE_MARKS = frozenset({'"', "“", "”", "``", "''"})


@dataclass(frozen=True)
class NarrationConfig:
    # Share of narration sentences with a first/second-person pronoun that makes a scene
    # first/second person (a third-person story with a few "I" in narration stays third).
    # (PDNC, 21 novels: first-person scenes 0.43-0.68, third-person at most 0.15.)
    first_person_min_share: float = 0.3
    second_person_min_share: float = 0.3
    # ... and the share of narration paragraphs with one, once a scene has >= 3 of them:
    # a letter or an unquoted inner monologue fills a few paragraphs, a narrator all of them.
    min_paragraph_share: float = 0.4
    # Below these amounts of evidence a scene takes the document-wide person/tense.
    min_person_sentences: int = 3
    min_tense_verbs: int = 4  # ... and to flag tense slips
    tense_prior: float = 2.0  # pseudo-votes from the document's tense shares
    # Tense slips: the scene's majority tense share must reach this.
    slip_scene_min_share: float = 0.7
    slip_min_sentences: int = 2
    # Only sentences whose minority-tense verb has a personal or character subject
    # ("she hears", not "Romance only dies with life") make up a slip.
    slip_needs_agent: bool = True
    pov_shift_min_evidence: int = 3
    person_shift_min_sentences: int = 3
    # Letters: how far (paragraphs) a salutation may be from its closing line.
    max_letter_paragraphs: int = 30
    # Evidence weights for the third-person focaliser.
    subject_weight: float = 0.2
    # The subject of a speech tag: whoever talks, the point of view or not; it only breaks a
    # tie (fan fiction dev: POV per scene 79.3 -> 81.0 against the subject weight).
    speaker_weight: float = 0.01
    free_indirect_weight: float = 0.5
    # A scene whose inner-life pronouns are this often one gender (and at least this many)
    # takes its point of view among characters of that gender or of unknown gender.
    pov_gender_min_share: float = 0.75
    pov_gender_min_evidence: int = 3
    # A he/she narration subject is the last named narration subject of that gender in the
    # scene (centering: "Cassian stops. He remembers ..."), over what coref said.
    subject_continuity: bool = True


@dataclass
class _Sent:
    """Narration features of one sentence (tokens outside quotes and inserts)."""

    id: int
    scene: int
    words: int = 0
    past: int = 0
    present: int = 0
    main_past: int = 0
    main_present: int = 0
    past_agent: int = 0  # finite verbs with a personal-pronoun or character subject
    present_agent: int = 0
    paragraph: int = -1
    first: int = 0
    second: int = 0
    third: int = 0
    exclaim: bool = False
    focal: list[str] = field(default_factory=list)  # character ids with inner-life evidence
    subjects: list[str] = field(default_factory=list)  # character ids of narration subjects
    speakers: list[str] = field(default_factory=list)  # ... of speech tags ("Kay says")
    first_chars: list[str] = field(default_factory=list)  # characters "I" resolves to
    # The gender of each she/he (her/his) that carries inner-life evidence, resolved or not.
    focal_genders: list[Gender] = field(default_factory=list)

    @property
    def person(self) -> Person | None:
        if self.first:
            return Person.FIRST
        if self.second:
            return Person.SECOND
        if self.third or self.subjects or self.speakers:
            return Person.THIRD
        return None

    def tense(self) -> Tense | None:
        past, present = (self.main_past, self.main_present) if (self.main_past or self.main_present) else (self.past, self.present)
        if past > present:
            return Tense.PAST
        if present > past:
            return Tense.PRESENT
        return None


class NarrationStage:
    name = "narration"
    requires: tuple[str, ...] = ("tokens", "scenes", "sentences", "quotes", "characters", "mentions")
    assigns: tuple[str, ...] = ("narration",)

    def __init__(self, config: NarrationConfig) -> None:
        self.config = config

    def __call__(self, doc: Document) -> Document:
        found = self._find(doc)
        self._apply(doc, found)
        return doc

    def _apply(self, doc: Document, found: list[SceneNarration]) -> None:
        doc.narration = found

    # --- features --------------------------------------------------------------
    def _find(self, doc: Document) -> list[SceneNarration]:
        if not doc.scenes:
            return []
        sents = self._sentence_features(doc)
        by_scene: dict[int, list[_Sent]] = {}
        for s in sents:
            if s.words:
                by_scene.setdefault(s.scene, []).append(s)
        doc_person, _ = self._person([s for scene in by_scene.values() for s in scene], None)
        past = sum(s.past for s in sents)
        present = sum(s.present for s in sents)
        doc_tense = Tense.PRESENT if present > past else Tense.PAST
        doc_past_share = past / (past + present) if past + present else 1.0
        narrator = next((c.id for c in doc.characters if c.is_narrator), None)
        reader = next((c.id for c in doc.characters if c.is_reader), None)
        return [
            self._scene(
                doc, scene, by_scene.get(scene.id, []), doc_person, doc_tense, doc_past_share, narrator, reader
            )
            for scene in doc.scenes
        ]

    def _sentence_features(self, doc: Document) -> list[_Sent]:
        tokens = doc.tokens
        n = len(tokens)
        mask = quote_mask(doc)
        skip_par = _insert_paragraphs(doc, self.config.max_letter_paragraphs)
        scene_of_par = {p.id: p.scene for p in doc.paragraphs}
        sents = [
            _Sent(s.id, scene_of_par.get(s.paragraph, -1), paragraph=s.paragraph) for s in doc.sentences
        ]

        # Characters behind narration tokens: names and resolved pronouns outside quotes.
        char_at: list[str | None] = [None] * n
        for m in doc.mentions:
            if m.character_id is None or m.in_quote:
                continue
            if 0 <= m.start_token < n and not mask[m.start_token]:
                for i in range(m.start_token, min(m.end_token_excl, n)):
                    char_at[i] = m.character_id
        if self.config.subject_continuity:
            _continue_subjects(doc, tokens, mask, char_at)

        # Where each character is named in narration, by sentence: a pronoun subject is not
        # the character its own sentence names after it ("He remembers a hole under Kay's
        # chestplate", "he thinks about Kay's hands": the pronoun is someone else, whatever
        # coref said; a name cannot be bound by a pronoun before it).
        names_after = NamesAfter(doc, mask)

        def bound_name(i: int) -> bool:
            """Token ``i`` is a pronoun resolved to a character its sentence names later."""
            c = char_at[i]
            return c is not None and tokens[i].pos == "PRON" and c in names_after.after(i)

        # One pass for syntactic links: subjects, possessors and auxiliaries by head.
        subject_of: dict[int, int] = {}
        poss_of: dict[int, int] = {}
        has_aux: set[int] = set()
        for t in tokens:
            if t.dep == "nsubj":
                subject_of.setdefault(t.head, t.i)
            elif t.dep == "poss":
                poss_of.setdefault(t.head, t.i)
            elif t.dep in ("aux", "auxpass"):
                has_aux.add(t.head)

        def subject(i: int) -> int | None:
            # "looked at her and felt sick", "wanted to see": borrow the head verb's subject.
            for _ in range(4):
                if i in subject_of:
                    return subject_of[i]
                t = tokens[i]
                if t.dep not in ("conj", "xcomp") or t.head == i:
                    return None
                i = t.head
            return None

        for idx, t in enumerate(tokens):
            if mask[idx] or t.paragraph in skip_par or not (0 <= t.sentence < len(sents)):
                continue
            s = sents[t.sentence]
            if t.pos not in NON_WORD_POS:
                s.words += 1
            lower = t.text.lower()
            tag = t.tag
            if tag in ("PRP", "PRP$"):
                if lower in _FIRST:
                    s.first += 1
                    if lower in _FIRST_SINGULAR and char_at[idx]:
                        s.first_chars.append(char_at[idx])  # type: ignore[arg-type]
                elif lower in _SECOND:
                    s.second += 1
                elif lower in _THIRD:
                    s.third += 1
            elif lower in _PLACEHOLDERS or (
                lower == "y" and idx + 2 < n and tokens[idx + 1].text == "/" and tokens[idx + 2].text.lower() == "n"
            ):
                s.second += 1
            elif t.text in ("?", "!") and (idx + 1 >= n or tokens[idx + 1].sentence != t.sentence or tokens[idx + 1].pos == "PUNCT"):
                s.exclaim = True

            tense = _verb_tense(t, lower, has_aux)
            if tense is not None:
                head_dep = tokens[t.head].dep if 0 <= t.head < n else ""
                main = t.dep == "ROOT" or (t.dep in ("aux", "auxpass", "conj") and head_dep == "ROOT")
                subj = subject(t.head if t.dep in ("aux", "auxpass") else idx)
                agent = subj is not None and (
                    char_at[subj] is not None or tokens[subj].text.lower() in _AGENT_PRONOUNS
                )
                if tense is Tense.PAST:
                    s.past += 1
                    s.main_past += main
                    s.past_agent += agent
                else:
                    s.present += 1
                    s.main_present += main
                    s.present_agent += agent

            if t.dep == "nsubj" and char_at[idx]:
                # A speech tag's subject is whoever talks, not whose head the narration is
                # in: it only breaks a tie of nothing else.
                if speech_subject(tokens, idx, idx + 1):
                    s.speakers.append(char_at[idx])  # type: ignore[arg-type]
                else:
                    s.subjects.append(char_at[idx])  # type: ignore[arg-type]
            lemma = t.lemma.lower()
            if t.pos == "VERB" and lemma in _PERCEPTION:
                # "She saw that he wanted to leave": the embedded wanting is hers to see.
                head = tokens[t.head] if 0 <= t.head < n else t
                if not (t.dep == "ccomp" and head.lemma.lower() in _PERCEPTION):
                    subj = subject(idx)
                    if subj is not None:
                        _focal_gender(s, tokens[subj].text)
                    if subj is not None and char_at[subj] and not bound_name(subj):
                        s.focal.append(char_at[subj])  # type: ignore[arg-type]
            elif t.pos == "NOUN" and lemma in _INTERIOR:
                owner = poss_of.get(idx)
                if owner is not None:
                    _focal_gender(s, tokens[owner].text)
                if owner is not None and char_at[owner]:
                    s.focal.append(char_at[owner])  # type: ignore[arg-type]
        return sents

    # --- decisions -------------------------------------------------------------
    def _person(self, sents: list[_Sent], fallback: Person | None) -> tuple[Person, float]:
        cfg = self.config
        n = len(sents)
        if n == 0:
            return fallback or Person.THIRD, 0.0
        s1 = sum(1 for s in sents if s.first)
        s2 = sum(1 for s in sents if s.second)
        share1, share2 = s1 / n, s2 / n
        paragraphs = {s.paragraph for s in sents}
        if len(paragraphs) >= 3:
            # Spread over paragraphs: a narrator is in most of them, a letter in a few.
            p1 = len({s.paragraph for s in sents if s.first}) / len(paragraphs)
            p2 = len({s.paragraph for s in sents if s.second}) / len(paragraphs)
            share1 = share1 if p1 >= cfg.min_paragraph_share else min(share1, p1 * cfg.first_person_min_share)
            share2 = share2 if p2 >= cfg.min_paragraph_share else min(share2, p2 * cfg.second_person_min_share)
        weight = n / (n + 3)
        if fallback is not None and n < cfg.min_person_sentences:
            return fallback, 0.5 * weight
        if share2 >= cfg.second_person_min_share and share2 > share1:
            return Person.SECOND, 0.5 + 0.5 * min(1.0, share2 / (2 * cfg.second_person_min_share)) * weight
        if share1 >= cfg.first_person_min_share:
            return Person.FIRST, 0.5 + 0.5 * min(1.0, share1 / (2 * cfg.first_person_min_share)) * weight
        rate = max(share1 / cfg.first_person_min_share, share2 / cfg.second_person_min_share)
        return Person.THIRD, 0.5 + 0.5 * (1.0 - rate) * weight

    def _scene(
        self,
        doc: Document,
        scene: Any,
        sents: list[_Sent],
        doc_person: Person,
        doc_tense: Tense,
        doc_past_share: float,
        narrator: str | None,
        reader: str | None,
    ) -> SceneNarration:
        cfg = self.config
        person, person_conf = self._person(sents, doc_person)

        past = sum(s.past for s in sents)
        present = sum(s.present for s in sents)
        total = past + present
        # Smoothed toward the document's shares, so a two-verb scene still decides for
        # itself when its verbs agree, and an empty or tied one takes the document's tense.
        prior_past = cfg.tense_prior * doc_past_share
        smoothed_past = past + prior_past
        smoothed_present = present + cfg.tense_prior - prior_past
        if smoothed_past != smoothed_present:
            tense = Tense.PAST if smoothed_past > smoothed_present else Tense.PRESENT
        else:
            tense = doc_tense
        share = (past if tense is Tense.PAST else present) / total if total else 0.5
        tense_conf = max(0.0, 0.5 + (share - 0.5) * total / (total + 3)) if total else 0.0

        genders = {c.id: c.gender for c in doc.characters}
        pov, pov_conf = self._pov(sents, person, narrator, reader, genders)
        flags: list[NarrationFlag] = []
        if total and share >= cfg.slip_scene_min_share and total >= cfg.min_tense_verbs:
            flags += self._tense_flags(doc, sents, tense)
        flags += self._person_flags(doc, sents, person)
        if person is Person.THIRD:
            flags += self._pov_flags(doc, sents)
        flags.sort(key=lambda f: f.sentence_start)

        parts = [person_conf, tense_conf] + ([pov_conf] if pov is not None else [])
        return SceneNarration(
            chapter=scene.chapter,
            scene=scene.id,
            start=scene.start,
            end=scene.end,
            person=person,
            tense=tense,
            past_share=round(past / total, 4) if total else 0.0,
            present_share=round(present / total, 4) if total else 0.0,
            pov_character_id=pov,
            confidence=round(sum(parts) / len(parts), 4) if sents else 0.0,
            person_confidence=round(person_conf, 4),
            tense_confidence=round(tense_conf, 4),
            pov_confidence=round(pov_conf, 4),
            flags=tuple(flags),
        )

    def _pov(
        self,
        sents: list[_Sent],
        person: Person,
        narrator: str | None,
        reader: str | None,
        genders: dict[str, Gender] | None = None,
    ) -> tuple[str | None, float]:
        if person is Person.FIRST:
            resolved = Counter(c for s in sents for c in s.first_chars)
            if narrator is not None:
                return narrator, 0.9
            if resolved:
                top, count = resolved.most_common(1)[0]
                return top, count / sum(resolved.values()) * 0.8
            return None, 0.0
        if person is Person.SECOND:
            return (reader, 0.9) if reader is not None else (None, 0.0)
        scores: Counter[str] = Counter()
        strong = 0
        current: str | None = None
        for s in sents:
            for c in s.focal:
                scores[c] += 1.0
                strong += 1
                current = c
            for c in s.subjects:
                scores[c] += self.config.subject_weight
            for c in s.speakers:
                scores[c] += self.config.speaker_weight
            if s.exclaim and not s.focal and current is not None:
                scores[current] += self.config.free_indirect_weight
        # The focal chain's pronoun decides whose inner life this is: a character known to be
        # "he" cannot be the point of view of "she" narration, whatever coref linked to it.
        focal_gender = _dominant(Counter(g for s in sents for g in s.focal_genders), self.config)
        if focal_gender is not None and genders:
            for c in list(scores):
                if genders.get(c, Gender.UNKNOWN) not in (focal_gender, Gender.UNKNOWN):
                    del scores[c]
        if not scores:
            return None, 0.0
        top, value = scores.most_common(1)[0]
        evidence = strong + 0.2 * sum(len(s.subjects) for s in sents)
        return top, value / sum(scores.values()) * evidence / (evidence + 2)

    # --- flags -----------------------------------------------------------------
    def _tense_flags(self, doc: Document, sents: list[_Sent], tense: Tense) -> list[NarrationFlag]:
        minority = Tense.PRESENT if tense is Tense.PAST else Tense.PAST
        flags: list[NarrationFlag] = []
        run: list[_Sent] = []

        def close() -> None:
            if len(run) >= self.config.slip_min_sentences:
                flags.append(
                    _flag(
                        doc, "tense_shift", run,
                        f"{len(run)} {minority}-tense narration sentences in a {tense}-tense scene",
                    )
                )
            run.clear()

        for s in sents:
            if not (s.past or s.present):
                continue  # no finite verb: neither extends nor breaks a run
            if minority is Tense.PRESENT:
                all_minority, agent = s.present and not s.past, s.present_agent
            else:
                all_minority, agent = s.past and not s.present, s.past_agent
            if not all_minority:
                close()
            elif agent or not self.config.slip_needs_agent:
                run.append(s)
            # A generic minority sentence ("Romance only dies with life.") is neutral.
        close()
        return flags

    def _person_flags(self, doc: Document, sents: list[_Sent], person: Person) -> list[NarrationFlag]:
        flags: list[NarrationFlag] = []
        run: list[_Sent] = []
        run_person: Person | None = None

        def close() -> None:
            nonlocal run_person
            if run and run_person is not None and len(run) >= self.config.person_shift_min_sentences:
                if person is Person.THIRD or self._third_person_stretch(run):
                    flags.append(
                        _flag(doc, "person_shift", run, f"{len(run)} {run_person}-person sentences in a {person}-person scene")
                    )
            run.clear()
            run_person = None

        for s in sents:
            p = s.person
            if p is None:
                continue
            if p is person:
                close()
                continue
            if run_person is not None and p is not run_person:
                close()
            run_person = p
            run.append(s)
        close()
        return flags

    def _third_person_stretch(self, run: list[_Sent]) -> bool:
        # A first-person narrator describes (and guesses at) others for a while; only a long
        # stretch over several paragraphs that keeps reporting one other character's inner
        # life reads as a switch to third person.
        focal = Counter(c for s in run for c in s.focal)
        return (
            len(run) >= 2 * self.config.person_shift_min_sentences
            and len({s.paragraph for s in run}) >= 2
            and bool(focal)
            and focal.most_common(1)[0][1] >= 3
        )

    def _pov_flags(self, doc: Document, sents: list[_Sent]) -> list[NarrationFlag]:
        # Runs of consecutive focal evidence by one character; a change into a run that is
        # long enough (and spans >1 sentence) is a head-hop.
        runs: list[tuple[str, list[_Sent], int]] = []  # character, sentences, evidence count
        for s in sents:
            for c in s.focal:
                if runs and runs[-1][0] == c:
                    if runs[-1][1][-1] is not s:
                        runs[-1][1].append(s)
                    runs[-1] = (c, runs[-1][1], runs[-1][2] + 1)
                else:
                    runs.append((c, [s], 1))
        sustained = [
            r for r in runs if r[2] >= self.config.pov_shift_min_evidence and len(r[1]) >= 2
        ]
        flags: list[NarrationFlag] = []
        names = {c.id: c.name for c in doc.characters}
        for before, after in zip(sustained, sustained[1:], strict=False):
            if before[0] != after[0]:
                flags.append(
                    _flag(
                        doc, "pov_shift", after[1],
                        f"focaliser changes from {before[0]} ({names.get(before[0], '?')}) "
                        f"to {after[0]} ({names.get(after[0], '?')})",
                    )
                )
        return flags


def _continue_subjects(doc: Document, tokens: list[Any], mask: list[bool], char_at: list[str | None]) -> None:
    """Point each he/she narration subject at the character last named as a narration subject
    of that gender in its scene, in place of coref's guess: "Cassian stops, looks up. He
    remembers ..." is Cassian, however salient Kay is in the story. Characters of unknown
    gender set no focus; a scene break clears it, and a name subject of that gender moves it,
    as does a pronoun coref gave to an unnamed protagonist's chain."""
    genders = {c.id: c.gender for c in doc.characters}
    # A chain coref found for a protagonist the story never names ("he (unnamed)") is kept:
    # having no name, it can never be the last named subject.
    unnamed = {c.id for c in doc.characters if c.found_by == "pronoun"}
    scene_of_par = {p.id: p.scene for p in doc.paragraphs}
    focus: dict[Gender, str] = {}
    scene = None
    for t in tokens:
        here = scene_of_par.get(t.paragraph)
        if here != scene:
            focus.clear()
            scene = here
        if mask[t.i] or t.dep not in ("nsubj", "nsubjpass"):
            continue
        low = t.text.lower()
        c = char_at[t.i]
        if t.pos == "PRON":
            g = Gender.FEMALE if low == "she" else Gender.MALE if low == "he" else None
            if g is not None and c in unnamed:
                focus[g] = c
            elif g is not None and g in focus:
                char_at[t.i] = focus[g]
        elif c is not None and genders.get(c, Gender.UNKNOWN) in (Gender.FEMALE, Gender.MALE):
            focus[genders[c]] = c


def _focal_gender(s: _Sent, word: str) -> None:
    gender = _PRONOUN_GENDER.get(word.lower())
    if gender is not None:
        s.focal_genders.append(gender)


def _dominant(counts: Counter[Gender], cfg: NarrationConfig) -> Gender | None:
    """The gender of the scene's inner-life pronouns, when it clearly dominates."""
    total = sum(counts.values())
    if total < cfg.pov_gender_min_evidence:
        return None
    gender, n = counts.most_common(1)[0]
    return gender if n >= cfg.pov_gender_min_share * total else None


def _flag(doc: Document, kind: str, run: list[_Sent], detail: str) -> NarrationFlag:
    first = doc.sentences[run[0].id]
    last = run[-1].id
    span = f" (sentences {run[0].id}-{last})" if last != run[0].id else f" (sentence {last})"
    return NarrationFlag(
        kind=kind,
        sentence_start=first.start,
        sentence_end=first.end,
        text=doc.text[first.start : first.end],
        detail=detail + span,
    )


def _verb_tense(t: Any, lower: str, has_aux: set[int]) -> Tense | None:
    tag = t.tag
    if tag == "VBD":
        return Tense.PAST
    if tag in ("VBZ", "VBP"):
        return Tense.PRESENT
    if tag == "MD":
        if lower in _PRESENT_MODALS:
            return Tense.PRESENT
        if lower in _PAST_MODALS:
            return Tense.PAST
        return None
    if tag == "VBN" and t.dep in ("ROOT", "conj") and t.i not in has_aux:
        # The small tagger sometimes reads a simple past ("She looked") as a participle.
        return Tense.PAST
    return None


def quote_mask(doc: Document) -> list[bool]:
    """Per token: inside a quote (from ``doc.quotes``; a linear merge of sorted spans).

    Paragraphs that contain double quote marks but no quote from the quotes stage fall
    back to toggling on those marks (an unclosed quote runs to the paragraph end).
    """
    tokens = doc.tokens
    mask = doc.quote_token_mask(include_open_mark=True)
    quoted_pars = {q.paragraph for q in doc.quotes}
    # Fallback for paragraphs the quotes stage left without quotes.
    inside = False
    paragraph = -1
    for idx, t in enumerate(tokens):
        if t.paragraph != paragraph:
            paragraph, inside = t.paragraph, False
        if paragraph in quoted_pars:
            continue
        if t.text in _DOUBLE_MARKS:
            if t.text == "“" or t.text == "``":
                inside = True
            elif t.text == "”" or t.text == "''":
                inside = False
            else:
                inside = not inside
            mask[idx] = True
        elif inside:
            mask[idx] = True
    return mask


def _insert_paragraphs(doc: Document, max_letter: int) -> set[int]:
    """Ids of paragraphs that are letters, diary entries or other inserts in the narration."""
    out: set[int] = set()
    pars = doc.paragraphs
    text = doc.text
    for k, p in enumerate(pars):
        chunk = text[p.start : p.end]
        stripped = chunk.strip()
        if stripped.startswith(">"):
            out.add(p.id)
        elif len(stripped) > 2 and stripped[0] in "*_" and stripped[-1] == stripped[0] and stripped[1] not in " *_":
            out.add(p.id)
        elif _SALUTATION.match(chunk, 0, 200):  # bounded: 5 MB of quote marks is all prefix
            out.add(p.id)
            # The letter runs to its closing line (same scene); without one, only this paragraph.
            for m in range(k, min(len(pars), k + max_letter)):
                q = pars[m]
                if q.scene != p.scene:
                    break
                if _CLOSING.match(text[q.start : q.end]) or (m > k and _closing_line_inside(text[q.start : q.end])):
                    out.update(x.id for x in pars[k : m + 1])
                    # A signature on its own short line after the closing.
                    if m + 1 < len(pars) and pars[m + 1].scene == p.scene and len(text[pars[m + 1].start : pars[m + 1].end].split()) <= 4:
                        out.add(pars[m + 1].id)
                    break
    return out


def _closing_line_inside(chunk: str) -> bool:
    # "…see you soon.\nLove,\nHarry": the closing on a later line of the last paragraph.
    lines = chunk.split("\n")
    return any(_CLOSING.match(line) for line in lines[1:])


def chapter_narration(doc: Document) -> list[dict[str, Any]]:
    """Per chapter: person, tense and POV by majority of scene word counts.

    Returns one dict per chapter with ``chapter``, ``title``, ``words``, ``scenes``,
    ``person``, ``tense``, ``pov_character_id`` (None when no scene has one),
    ``confidence`` (word-weighted mean) and ``flags`` (how many shift flags).
    """
    words: Counter[int] = Counter()
    scene_of_par = {p.id: p.scene for p in doc.paragraphs}
    for t in doc.tokens:
        if t.pos not in NON_WORD_POS:
            words[scene_of_par.get(t.paragraph, -1)] += 1
    by_chapter: dict[int, list[SceneNarration]] = {}
    for n in doc.narration:
        by_chapter.setdefault(n.chapter, []).append(n)
    out: list[dict[str, Any]] = []
    for chapter in doc.chapters:
        scenes = by_chapter.get(chapter.id, [])
        person: Counter[str] = Counter()
        tense: Counter[str] = Counter()
        pov: Counter[str] = Counter()
        total = 0
        conf = 0.0
        for n in scenes:
            w = max(words.get(n.scene, 0), 1)
            total += w
            person[str(n.person)] += w
            tense[str(n.tense)] += w
            if n.pov_character_id:
                pov[n.pov_character_id] += w
            conf += n.confidence * w
        out.append(
            {
                "chapter": chapter.id,
                "title": chapter.title,
                "words": sum(words.get(n.scene, 0) for n in scenes),
                "scenes": len(scenes),
                "person": person.most_common(1)[0][0] if person else None,
                "tense": tense.most_common(1)[0][0] if tense else None,
                "pov_character_id": pov.most_common(1)[0][0] if pov else None,
                "confidence": round(conf / total, 4) if total else 0.0,
                "flags": sum(len(n.flags) for n in scenes),
            }
        )
    return out
