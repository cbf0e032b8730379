"""Signals: content that AO3's archive warnings and common tags name, with evidence.

A transparent method, sentence by sentence: lexicon patterns per kind, each with a weight
(words with a common innocent sense weigh less than the presence threshold; phrases that
can hardly mean anything else weigh more), skipped inside idioms and other senses ("tortured
by doubt", "a volley of abuse", "in flesh and blood"), and discounted when the sentence
negates the trigger ("she did not die"), makes it hypothetical ("if he had fallen he could
have died", "she was afraid he would die", "nearly died"), asks it, or is dialogue (threats
and hyperbole are common there). The parse says who is involved: a death counts as a major
character's when the one who dies (subject of "died", object of "killed", owner of "her
death") is one of the most mentioned characters; stabbing or torturing done by or to a thing
("cactuses stabbing the sky", "the thought tortured her") counts little.

    "He stabbed the guard and blood ran across the stones."  -> graphic_violence, 0.7
    "She did not die that night."                            -> nothing (negated)

A hit is evidence, never a verdict: each Signal carries its sentence and a confidence, and
``signal_checks`` compares the work's totals with its declared warnings, rating and tags
("tagged No Archive Warnings Apply; self harm mentioned in chapter 2"). The measured precision
and what this cannot catch (implication without the words, euphemism, violence told only
through its aftermath) are in docs/signals.md.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ficlens.model import Document, Signal, SignalCheck
from ficlens.stages.signals_frames import FRAMES
from ficlens.stages.signals_lexicon import (  # "X as X": re-exported, others read them from the stage
    _ANY_TRIGGER,
    _COMPILED,
    _IDIOMS,
    HYPOTHETICAL_DISCOUNT,
    KIND_PATTERNS,
    KINDS,
    QUESTION_DISCOUNT,
    QUOTE_DISCOUNT,
    cue_time,
    discount,
    distinct_triggers,
    underage_context,
)
from ficlens.stages.signals_lexicon import BROAD as BROAD
from ficlens.stages.signals_lexicon import FACT_TIMES as FACT_TIMES
from ficlens.stages.signals_lexicon import LEXICON as LEXICON
from ficlens.stages.signals_lexicon import TIMES as TIMES
from ficlens.stages.signals_lexicon import lexicon_hits as lexicon_hits
from ficlens.stages.signals_model import (
    SignalsModel,
    WorkContext,
    load_signals_model,
    sentence_features,
)

# AO3 declarations that say a kind is present.
DECLARED_BY_WARNING = {
    "graphic depictions of violence": "graphic_violence",
    "major character death": "major_character_death",
    "rape/non-con": "rape_noncon",
    "underage": "underage",
    "underage sex": "underage",
}
DECLARED_BY_TAG = (
    (re.compile(r"self[- ]harm|self[- ]injur|cutting"), "self_harm"),
    (re.compile(r"suicid"), "suicide"),
    (re.compile(r"non-con|rape|noncon|dub-?con|sexual assault"), "rape_noncon"),
    (re.compile(r"underage|under-?age"), "underage"),
    (re.compile(r"(?<!substance )(?<!drug )(?<!alcohol )\babuse|domestic violence"), "abuse"),
    (re.compile(r"substance abuse|drug (?:use|abuse)|addiction|alcoholi|overdose"), "substance_abuse"),
    (re.compile(r"character death|death\b|grief|mourning"), "major_character_death"),
    (re.compile(r"\bsmut\b|explicit sexual|\bsex\b|porn|pwp|lemon"), "sexual_content"),
    (re.compile(r"violence|gore|torture|blood"), "graphic_violence"),
)


@dataclass(frozen=True)
class SignalConfig:
    # "classifier": the learned sentence classifier (data/models/signals-classifier.json);
    # "lexicon": the weighted patterns alone (the method before it, kept for comparison).
    method: str = "classifier"
    # A sentence is kept as evidence at or above this confidence.
    min_confidence: float = 0.3
    # A kind counts as present in the work when its strongest evidence reaches this.
    present_confidence: float = 0.6
    quote_discount: float = QUOTE_DISCOUNT
    hypothetical_discount: float = HYPOTHETICAL_DISCOUNT
    question_discount: float = QUESTION_DISCOUNT
    # Only hits within this margin below present_confidence add up across a work.
    accumulate_margin: float = 0.15
    major_characters: int = 4  # the most mentioned characters count as "major"
    max_evidence_per_kind: int = 50


class SignalStage:
    name = "signals"
    requires: tuple[str, ...] = ("tokens", "sentences", "paragraphs", "quotes", "characters", "mentions")
    assigns: tuple[str, ...] = ("signals", "signal_checks")

    def __init__(self, config: SignalConfig | None = None, model: SignalsModel | None = None) -> None:
        self.config = config or SignalConfig()
        if self.config.method not in ("classifier", "lexicon"):
            raise ValueError(f"signals: unknown method {self.config.method!r} (expected classifier or lexicon)")
        if model is None and self.config.method == "classifier":
            model = load_signals_model()
        self.model = model

    def __call__(self, doc: Document) -> Document:
        signals = self._classify(doc) if self.model is not None else self._find(doc)
        self._apply(doc, signals, compare_with_declared(doc, signals, self.config, self.model))
        return doc

    def _classify(self, doc: Document) -> list[Signal]:
        """Every sentence through the classifier; per kind, the sentences at or above
        ``min_confidence`` (the strongest ``max_evidence_per_kind``), each with its time (among
        present and past when the classifier says the kind is shown) and whom it concerns."""
        assert self.model is not None
        text = doc.text
        # Only what was analysed: past a word cap the rest of a huge file is no context to read.
        context = WorkContext.of(text if doc.truncated_at is None else text[: doc.truncated_at])
        sentences = doc.sentences
        rows = [sentence_features(text, s.start, s.end, context) for s in sentences]
        # The lexicon floor (strong text-only lexicon hits for the kinds where they were precise
        # on dev) is inside ``confidence``: the same features as at training and evaluation.
        confidence = self.model.confidence(rows)
        kinds = [k for k in KINDS if k in self.model.kinds]
        picked: list[tuple[int, str, float]] = []
        for kind in kinds:
            column = confidence[:, self.model.kinds.index(kind)]
            keep = [i for i in np.argsort(-column, kind="stable")[: self.config.max_evidence_per_kind] if column[i] >= self.config.min_confidence]
            picked += [(int(i), kind, float(column[i])) for i in sorted(keep)]
        if not picked:
            return []
        times = self.model.time_of(
            [rows[i] for i, _, _ in picked], [k for _, k, _ in picked], [c >= self.config.present_confidence for _, _, c in picked]
        )
        roles = _Roles(doc, self.config.major_characters)
        signals = []
        for (i, kind, conf), when in zip(picked, times, strict=True):
            s = sentences[i]
            chapter = doc.paragraphs[s.paragraph].chapter if doc.paragraphs else 0
            trigger = _trigger_span(text, s.start, s.end, kind)
            if conf < self.config.present_confidence:
                # Not a finding: say which frame holds it back, from the parse where it sees the
                # kind's words ("he didn't kill her": negated), else from the text's frames.
                framed = roles.frame(kind, s.start, s.end, text) or _text_frame(rows[i], kind)
                when = _FRAME_TIME.get(framed, when) if framed else when
            signals.append(
                Signal(kind, chapter, s.start, s.end, " ".join(text[s.start : s.end].split()), round(conf, 3), when,
                       roles.concerns(kind, s.start, s.end, trigger))
            )
        return signals

    def _find(self, doc: Document) -> list[Signal]:
        text = doc.text
        quote_starts = [q.start for q in doc.quotes]
        quote_ends = [q.end for q in doc.quotes]
        major = _major_character_spans(doc, self.config.major_characters)
        roles = _Roles(doc, self.config.major_characters)
        per_kind: dict[str, list[Signal]] = defaultdict(list)
        sentence_starts = [s.start for s in doc.sentences]
        for k, sentence in enumerate(doc.sentences):
            sentence_text = text[sentence.start : sentence.end]
            lowered = sentence_text.lower()
            if not _ANY_TRIGGER.search(lowered):
                continue
            idiom_spans = [m.span() for m in _IDIOMS.finditer(lowered)]
            in_quote = _inside(sentence.start, sentence.end, quote_starts, quote_ends)
            for kind, patterns in _COMPILED.items():
                score = 0.0
                best = (0, 0)
                spans: list[tuple[int, int]] = []
                for pattern, weight in patterns:
                    for match in pattern.finditer(lowered):
                        if any(s < match.end() and match.start() < e for s, e in idiom_spans):
                            continue
                        spans.append(match.span())
                        factor = self._context(lowered, match.start(), in_quote)
                        if kind == "major_character_death":
                            # Who dies: a main character, someone or something else, or unknown.
                            factor *= roles.victim_factor(
                                sentence.start + match.start(), sentence.start + match.end(),
                                _mentions_major(sentence.start, sentence.end, major),
                            )
                        elif kind == "graphic_violence":
                            factor *= roles.agent_factor(sentence.start + match.start(), sentence.start + match.end())
                        if weight * factor > score:
                            score, best = weight * factor, match.span()
                if kind == "underage":
                    # An age stated in the sentence before: "Danny was sixteen. The man undressed him."
                    previous = text[sentence_starts[k - 1] : sentence.start].lower() if k else ""
                    weight, at = underage_context(lowered, previous)
                    if at >= 0 and weight * self._context(lowered, at, in_quote) > score:
                        score, best = weight * self._context(lowered, at, in_quote), (at, at + 1)
                        spans.append(best)
                if score <= 0:
                    continue
                # A second, different trigger word in the same sentence strengthens it.
                score = min(1.0, score + 0.1 * (distinct_triggers(spans) - 1))
                if score >= self.config.min_confidence:
                    chapter = doc.paragraphs[sentence.paragraph].chapter if doc.paragraphs else 0
                    trigger = (sentence.start + best[0], sentence.start + best[1])
                    per_kind[kind].append(
                        Signal(
                            kind, chapter, sentence.start, sentence.end, " ".join(sentence_text.split()), round(score, 3),
                            cue_time(lowered, best[0], in_quote), roles.concerns(kind, sentence.start, sentence.end, trigger),
                        )
                    )
        signals: list[Signal] = []
        for kind in KINDS:
            found = sorted(per_kind.get(kind, []), key=lambda s: -s.confidence)[: self.config.max_evidence_per_kind]
            signals.extend(sorted(found, key=lambda s: s.start))
        return signals

    def _context(self, lowered: str, position: int, in_quote: bool) -> float:
        c = self.config
        return discount(lowered, position, in_quote, c.quote_discount, c.hypothetical_discount, c.question_discount)

    def _apply(self, doc: Document, signals: list[Signal], checks: list[SignalCheck]) -> None:
        doc.signals = signals
        doc.signal_checks = checks


# A frame as a signal's time: a generic statement ("everyone dies") is no event of the story.
_FRAME_TIME = {"negated": "negated", "hypothetical": "hypothetical", "generic": "hypothetical", "feared": "feared",
               "threatened": "threatened", "figurative": "figurative"}


def _text_frame(row: dict[str, float], kind: str) -> str | None:
    """The frame the text features give a kind's words when none is stated as a fact."""
    if row.get(f"frame:{kind}:fact"):
        return None
    return next((f for f in FRAMES if row.get(f"frame:{kind}:{f}")), None)


def _trigger_span(text: str, start: int, end: int, kind: str) -> tuple[int, int] | None:
    """The kind's first lexicon hit in the sentence, as document offsets (who dies is read there)."""
    match = KIND_PATTERNS[kind].search(text[start:end].lower()) if kind in KIND_PATTERNS else None
    return (start + match.start(), start + match.end()) if match else None


def _inside(start: int, end: int, quote_starts: list[int], quote_ends: list[int]) -> bool:
    """Is most of the sentence inside a quote? (Quotes are sorted and do not overlap.)"""
    i = bisect_right(quote_starts, start) - 1
    covered = 0
    j = max(i, 0)
    while j < len(quote_starts) and quote_starts[j] < end:
        covered += max(0, min(end, quote_ends[j]) - max(start, quote_starts[j]))
        j += 1
    return covered * 2 > (end - start)


# Verbs and nouns whose "victim" (who dies) the dependency tree can give.
_DIE_WORDS = frozenset({"died", "dies", "perished", "drowned", "passed", "stopped"})
_KILL_LEMMAS = frozenset({"kill", "murder", "bury"})
_DEATH_NOUNS = frozenset({"death", "funeral", "corpse", "coffin", "casket", "grave", "graveside", "gravestone", "mourning"})
# Heads that make "dead" literal: "was dead", "lay dead", "fell dead", "found him dead".
_DEAD_HEADS = frozenset({"be", "lie", "lay", "fall", "drop", "find", "leave", "pronounce", "declare", "shoot", "strike", "knock"})
_VIOLENT_LEMMAS = frozenset({"stab", "slash", "torture", "shoot", "mutilate", "behead", "beat", "dismember"})
_THING_PRONOUNS = frozenset({"it", "this", "that", "which"})
# Common nouns that can be the agent of violence ("the soldier stabbed ...").
_PERSON_AGENTS = frozenset(
    "man woman boy girl men women people person soldier guard officer stranger thief murderer "
    "brute husband wife father mother brother sister son daughter master mob crowd enemy".split()
)


class _Roles:
    """Who does or suffers a trigger, from the parse: linear indexes built once per document."""

    def __init__(self, doc: Document, n_major: int) -> None:
        self.tokens = doc.tokens
        self.starts = [t.start for t in self.tokens]
        self.children: dict[int, list[int]] = defaultdict(list)
        for t in self.tokens:
            if t.head != t.i:
                self.children[t.head].append(t.i)
        ranked = sorted(doc.characters, key=lambda c: -c.mentions)[:n_major]
        major_ids = {c.id for c in ranked if c.mentions >= 3}
        self.names = {c.id: c.name for c in doc.characters}
        self.character_at: dict[int, str] = {}  # token -> the character a mention there names
        self.major_at: set[int] = set()
        for m in doc.mentions:
            if m.character_id is None:
                continue
            for i in range(m.start_token, m.end_token_excl):
                self.character_at[i] = m.character_id
                if m.character_id in major_ids:
                    self.major_at.add(i)

    def _tokens_in(self, start: int, end: int) -> range:
        return range(bisect_left(self.starts, start), bisect_left(self.starts, end))

    def _child(self, i: int, deps: tuple[str, ...]) -> int | None:
        for dep in deps:
            for c in self.children.get(i, ()):
                if self.tokens[c].dep == dep:
                    return c
        return None

    def _victim(self, i: int) -> int | None:
        t = self.tokens[i]
        low, lemma = t.text.lower(), t.lemma.lower()
        if low in _DIE_WORDS:
            return self._child(i, ("nsubj", "nsubjpass"))
        if lemma in _KILL_LEMMAS:
            return self._child(i, ("nsubjpass", "dobj"))
        if low in _DEATH_NOUNS:
            owner = self._child(i, ("poss",))
            if owner is None:
                of = next((c for c in self.children.get(i, ()) if self.tokens[c].text.lower() == "of"), None)
                owner = self._child(of, ("pobj",)) if of is not None else None
            return owner
        if low == "dead":
            if t.dep == "amod":
                return t.head  # "the dead bull": the noun itself
            head = self.tokens[t.head]
            if head.lemma.lower() in _DEAD_HEADS:
                return self._child(head.i, ("nsubj", "nsubjpass", "dobj"))
        return None

    def victim_factor(self, start: int, end: int, major_in_sentence: bool) -> float:
        """x1.4 when the one who dies is a main character, x0.3 when it is someone or something
        else, x0.5 / x0.3 when the parse does not say (a main character named in the sentence or not)."""
        for i in self._tokens_in(start, end):
            victim = self._victim(i)
            if victim is not None:
                return 1.4 if victim in self.major_at else 0.3
        return 0.5 if major_in_sentence else 0.3

    def concerns(self, kind: str, start: int, end: int, trigger: tuple[int, int] | None = None) -> str | None:
        """The character a sentence's content happens to, when the parse and coref say: for a
        death the one who dies; else the first character mentioned as an object, a passive
        subject or an owner ("stabbed him", "was beaten", "her wrists"), else the first one
        mentioned in the sentence."""
        if kind == "major_character_death":
            # The one who dies: at the first trigger, else anywhere in the sentence ("Marcus bled
            # out"); a character if coref knows them, else the name itself.
            spans = ([trigger] if trigger else []) + [(start, end)]
            for a, b in spans:
                for i in self._tokens_in(a, b):
                    victim = self._victim(i)
                    if victim is None:
                        continue
                    if victim in self.character_at:
                        return self.names.get(self.character_at[victim])
                    if self.tokens[victim].pos == "PROPN":
                        return self.tokens[victim].text
        inside = [i for i in self._tokens_in(start, end) if i in self.character_at]
        for i in inside:
            if self.tokens[i].dep in ("dobj", "nsubjpass", "poss", "pobj"):
                return self.names.get(self.character_at[i])
        return self.names.get(self.character_at[inside[0]]) if inside else None

    def frame(self, kind: str, start: int, end: int, text: str) -> str | None:
        """The frame of a kind's words in a sentence from the parse: ``negated`` when each word's
        verb (the word itself, or the verb it hangs on: "death" in "feared his death") has a
        negation, ``hypothetical`` when it has a modal ("would kill") or an "if"; None when one
        of them has neither (stated) or the parse holds none of the kind's words."""
        pattern = BROAD.get(kind)
        if pattern is None:
            return None
        spans = [(start + m.start(), start + m.end()) for m in pattern.finditer(text[start:end].lower())]
        frames = set()
        for i in self._tokens_in(start, end):
            t = self.tokens[i]
            if not any(a <= t.start < b for a, b in spans):
                continue
            verb = i if t.pos in ("VERB", "AUX", "ADJ") else t.head
            deps = {(self.tokens[c].dep, self.tokens[c].tag, self.tokens[c].text.lower()) for c in self.children.get(verb, ())}
            if any(dep == "neg" for dep, _, _ in deps):
                frames.add("negated")
            elif any(dep == "aux" and tag == "MD" and low not in ("will", "'ll", "can", "ca") for dep, tag, low in deps) or any(
                dep == "mark" and low in ("if", "unless") for dep, _, low in deps
            ):
                frames.add("hypothetical")
            else:
                return None
        return "negated" if "negated" in frames else next(iter(frames), None)

    def _is_thing(self, i: int) -> bool:
        t = self.tokens[i]
        if t.text.lower() in _THING_PRONOUNS:
            return True
        return t.pos == "NOUN" and i not in self.character_at and t.lemma.lower() not in _PERSON_AGENTS

    def agent_factor(self, start: int, end: int) -> float:
        """x0.3 when the one who stabs / tortures is a thing ("cactuses stabbing the sky",
        "the thought tortured her") or a thing is stabbed ("stabbed the picture"); else x1."""
        for i in self._tokens_in(start, end):
            t = self.tokens[i]
            if t.lemma.lower() not in _VIOLENT_LEMMAS or t.pos not in ("VERB", "AUX"):
                continue
            agent = self._child(i, ("nsubj",))
            if agent is None and t.dep in ("acl", "relcl", "amod"):
                agent = t.head
            patient = self._child(i, ("dobj",))
            if (agent is not None and self._is_thing(agent)) or (patient is not None and self._is_thing(patient)):
                return 0.3
            return 1.0
        return 1.0


def _major_character_spans(doc: Document, n: int) -> list[tuple[int, int]]:
    ranked = sorted(doc.characters, key=lambda c: -c.mentions)[:n]
    major = {c.id for c in ranked if c.mentions >= 3}
    return sorted((m.start, m.end) for m in doc.mentions if m.character_id in major)


def _mentions_major(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    i = bisect_right(spans, (start, -1))
    return i < len(spans) and spans[i][0] < end


def declared_kinds(metadata: dict) -> tuple[set[str], bool]:
    """Kinds the work declares, and whether it declares anything at all about warnings."""
    warnings = [str(w).strip().lower() for w in metadata.get("archive_warnings") or []]
    tags = [str(t).lower() for t in (metadata.get("additional_tags") or [])]
    rating = str(metadata.get("rating") or "").lower()
    declared: set[str] = set()
    for warning in warnings:
        if warning in DECLARED_BY_WARNING:
            declared.add(DECLARED_BY_WARNING[warning])
    for tag in tags:
        for pattern, kind in DECLARED_BY_TAG:
            if pattern.search(tag):
                declared.add(kind)
    if rating.startswith("explicit"):
        declared.add("sexual_content")
    says_something = bool(warnings or tags or rating)
    if any("creator chose not to use" in w for w in warnings):
        says_something = False
    return declared, says_something


def compare_with_declared(
    doc: Document, signals: list[Signal], config: SignalConfig, model: SignalsModel | None = None
) -> list[SignalCheck]:
    """Each kind found in the work or not, against what it declares. With the classifier
    (``model``), a kind is found by the model's work rule (one weak sentence in a long story is
    not enough); with the lexicon, by its strongest hits adding up."""
    declared, says_something = declared_kinds(doc.metadata)
    rating = str(doc.metadata.get("rating") or "")
    warnings = doc.metadata.get("archive_warnings") or []
    by_kind: dict[str, list[Signal]] = defaultdict(list)
    for signal in signals:
        by_kind[signal.kind].append(signal)
    checks = []
    for kind in KINDS:
        found = by_kind.get(kind, [])
        strongest = max((s.confidence for s in found), default=0.0)
        strong = [s for s in found if s.confidence >= config.present_confidence]
        # Several moderate hits in one work add up; weak ones (a lone "blood", "thrust") never
        # do: a long novel has dozens, and they would turn into a claim about the work.
        moderate = [s for s in found if s.confidence >= config.present_confidence - config.accumulate_margin]
        confidence = min(1.0, strongest + 0.05 * max(0, len(moderate) - 1))
        if model is not None and model.work_rule:
            detected = model.found_in_work([s.confidence for s in found], kind, len(doc.sentences))
            confidence = strongest
        else:
            detected = bool(strong) or confidence >= config.present_confidence + 0.15
        chapters = tuple(sorted({s.chapter for s in (strong or found)}))
        where = ", ".join(str(c + 1) for c in chapters[:5])
        label = "rape/non-con" if kind == "rape_noncon" else kind.replace("_", " ")
        is_declared = (kind in declared) if says_something else None
        # A Mature rating permits sexual content without declaring it; only General/Teen surprise.
        if kind == "sexual_content" and rating.lower().startswith("mature"):
            is_declared = True if detected else is_declared
        if detected and is_declared:
            status, message = "agree", f"{label}: declared and found (chapter {where})"
        elif detected and is_declared is False:
            declared_text = "; ".join(warnings) or (f"rated {rating}" if rating else "declared nothing")
            status, message = "surprise", f"tagged {declared_text}; {label} mentioned in chapter {where}"
        elif detected:
            status, message = "undeclared", f"{label} mentioned in chapter {where} (the work declares no warnings)"
        elif is_declared:
            status, message = "declared_not_found", f"{label}: declared, but no clear evidence found in the text"
        else:
            status, message = "none", f"{label}: nothing found"
        checks.append(SignalCheck(kind, detected, round(confidence, 3), is_declared, status, message, chapters))
    return checks
