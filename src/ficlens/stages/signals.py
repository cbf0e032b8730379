"""Signals: content that AO3's archive warnings and common tags name, with evidence.

A transparent method, sentence by sentence: lexicon patterns per kind, each with a weight,
discounted when the sentence negates the trigger ("she did not die"), makes it hypothetical
("if he had fallen he could have died", "she was afraid he would die"), or uses it as an idiom
("dying to know", "killing me"), and when the sentence is dialogue (threats and hyperbole are
common there). Major character death also needs the one who dies to be a main character.

    "Blood soaked the sheets where the knife went in."  -> graphic_violence, 0.8
    "She did not die that night."                       -> nothing (negated)

A hit is evidence, never a verdict: each Signal carries its sentence and a confidence, and
``signal_checks`` compares the work's totals with its declared warnings, rating and tags
("tagged No Archive Warnings Apply; self_harm mentioned in chapter 2"). What this cannot
catch (implication without the words, euphemism, violence told only through its aftermath)
is written up in docs/signals.md with the measured precision.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass

from ficlens.model import Document, Signal, SignalCheck

KINDS = ("graphic_violence", "major_character_death", "self_harm", "sexual_content", "abuse")

# (pattern, weight). Patterns run on the lower-cased sentence; \b keeps them to whole words.
LEXICON: dict[str, tuple[tuple[str, float], ...]] = {
    "graphic_violence": (
        (r"\b(?:blood|bloody|bloodied|bleeding|bled)\b", 0.35),
        (r"\b(?:stab(?:bed|bing|s)?|slash(?:ed|ing)?|gutted|disembowel\w*|decapitat\w*|behead\w*)\b", 0.6),
        (r"\b(?:gore|gory|entrails|intestines|viscera|brains? (?:spilled|splattered))\b", 0.8),
        (r"\b(?:torture[ds]?|torturing|mutilat\w*|dismember\w*|severed)\b", 0.7),
        (r"\b(?:shot|shoots|shooting) (?:him|her|them|me|you|\w+) (?:in|through) the\b", 0.6),
        (r"\b(?:bones?|skull|ribs?|jaw|nose) (?:crack(?:ed|s)?|snap(?:ped|s)?|shatter(?:ed|s)?|broke)\b", 0.6),
        (r"\b(?:slit|cut) (?:his|her|their|my|your) throat\b", 0.8),
        (r"\b(?:beat|beaten|beating) (?:him|her|them|me|you)?\s*(?:bloody|senseless|to death|unconscious)\b", 0.7),
        (r"\bknife (?:went|sank|slid|plunged) (?:in|into)\b", 0.7),
        (r"\b(?:massacre|slaughter(?:ed)?|carnage)\b", 0.6),
    ),
    "major_character_death": (
        (r"\b(?:died|dies|dead|death|killed|murdered|passed away|stopped breathing)\b", 0.5),
        (r"\b(?:funeral|corpse|coffin|casket|grave(?:side|stone)?|buried|mourning|wake)\b", 0.3),
    ),
    "self_harm": (
        (r"\b(?:self[- ]harm\w*|self[- ]injur\w*)\b", 0.9),
        (r"\b(?:cut|cuts|cutting|burn(?:ed|s)?|hurt(?:s|ing)?) (?:herself|himself|themselves|myself|yourself)\b", 0.8),
        (r"\b(?:suicid\w*|kill(?:ed|s|ing)? (?:herself|himself|themselves|myself|yourself))\b", 0.85),
        (r"\b(?:overdos\w*|slit (?:her|his|their|my|your) wrists?|hanged (?:herself|himself|themselves|myself))\b", 0.85),
        (r"\b(?:razor blades?|scars? on (?:her|his|their|my|your) (?:wrists?|arms?|thighs?))\b", 0.5),
        (r"\bend it all\b", 0.5),
    ),
    "sexual_content": (
        (r"\b(?:sex|sexual(?:ly)?|intercourse|orgasm\w*|climax(?:ed)?|aroused|arousal|erection|lust)\b", 0.5),
        (r"\b(?:naked|nude|undress(?:ed|es|ing)?|unbutton(?:ed|s)?)\b", 0.25),
        (r"\b(?:moan(?:ed|s|ing)?|thrust(?:s|ed|ing)?|grind(?:s|ing)?|straddl\w*)\b", 0.3),
        (r"\b(?:breasts?|nipples?|thighs?|hips?) \w* ?(?:under|against) (?:his|her|their|my|your) (?:mouth|hands?|tongue|lips)\b", 0.6),
        (r"\b(?:cock|cunt|clit\w*|penis|vagina|cum|come[sd]? inside)\b", 0.8),
        (r"\b(?:made love|making love|slept with|in bed together)\b", 0.5),
    ),
    "abuse": (
        (r"\b(?:abuse[ds]?|abusive|abusing|abuser)\b", 0.6),
        (r"\b(?:rape[ds]?|raping|rapist|molest\w*|assaulted)\b", 0.8),
        (r"\b(?:hit|hits|slapped|slaps|beat|beats|kicked|punched) (?:her|him|them|me|you) again\b", 0.6),
        (r"\b(?:bruises?|welts?) (?:on|along|across) (?:her|his|their|my|your)\b", 0.4),
        (r"\b(?:domestic violence|battered|grooming|groomed)\b", 0.6),
        (r"\b(?:locked (?:her|him|them|me) in|starved (?:her|him|them|me))\b", 0.5),
    ),
}

_NEGATION = re.compile(r"\b(?:not|no|never|n't|nobody|nothing|without|hardly|barely)\b|n't\b")
_HYPOTHETICAL = re.compile(
    r"\b(?:if|would|could|might|may|should|almost|nearly|wondered|imagin\w*|pretend\w*|as if|"
    r"afraid|feared|fear|dream\w*|nightmare|what if|threaten\w*|joke\w*|rather)\b"
)
_IDIOMS = re.compile(
    r"\b(?:dying to|dying of (?:curiosity|laughter|boredom|embarrassment)|killing me|kill for|"
    r"dead tired|dead on|dead end|deadline|dead silent|dead serious|dead of night|dead weight|"
    r"bored to death|scared to death|to death of|over my dead body|drop dead gorgeous|"
    r"blood (?:relative|relation|type|sugar|pressure|orange)|in cold blood|bad blood|"
    r"killer|killing time|kill time|death glare|near-death|hit (?:it|me) up|hit the (?:road|sack|hay))\b"
)
# AO3 declarations that say a kind is present.
DECLARED_BY_WARNING = {
    "graphic depictions of violence": "graphic_violence",
    "major character death": "major_character_death",
    "rape/non-con": "abuse",
}
DECLARED_BY_TAG = (
    (re.compile(r"self[- ]harm|suicid|self[- ]injur|cutting"), "self_harm"),
    (re.compile(r"\babuse|domestic violence|non-con|rape|noncon"), "abuse"),
    (re.compile(r"character death|death\b|grief|mourning"), "major_character_death"),
    (re.compile(r"\bsmut\b|explicit sexual|\bsex\b|porn|pwp|lemon"), "sexual_content"),
    (re.compile(r"violence|gore|torture|blood"), "graphic_violence"),
)
_COMPILED = {kind: tuple((re.compile(p), w) for p, w in patterns) for kind, patterns in LEXICON.items()}


@dataclass(frozen=True)
class SignalConfig:
    # A sentence is kept as evidence at or above this confidence.
    min_confidence: float = 0.3
    # A kind counts as present in the work when its strongest evidence reaches this.
    present_confidence: float = 0.6
    quote_discount: float = 0.5
    hypothetical_discount: float = 0.3
    major_characters: int = 4  # the most mentioned characters count as "major"
    max_evidence_per_kind: int = 50


class SignalStage:
    name = "signals"
    requires: tuple[str, ...] = ("sentences", "paragraphs", "quotes", "characters", "mentions")
    assigns: tuple[str, ...] = ("signals", "signal_checks")

    def __init__(self, config: SignalConfig) -> None:
        self.config = config

    def __call__(self, doc: Document) -> Document:
        signals = self._find(doc)
        self._apply(doc, signals, compare_with_declared(doc, signals, self.config))
        return doc

    def _find(self, doc: Document) -> list[Signal]:
        text = doc.text
        quote_starts = [q.start for q in doc.quotes]
        quote_ends = [q.end for q in doc.quotes]
        major = _major_character_spans(doc, self.config.major_characters)
        per_kind: dict[str, list[Signal]] = defaultdict(list)
        for sentence in doc.sentences:
            sentence_text = text[sentence.start : sentence.end]
            lowered = sentence_text.lower()
            if not any(ch in lowered for ch in "abcdefghijklmnopqrstuvwxyz"):
                continue
            idiom_spans = [m.span() for m in _IDIOMS.finditer(lowered)]
            in_quote = _inside(sentence.start, sentence.end, quote_starts, quote_ends)
            for kind, patterns in _COMPILED.items():
                score = 0.0
                for pattern, weight in patterns:
                    for match in pattern.finditer(lowered):
                        if any(s <= match.start() < e for s, e in idiom_spans):
                            continue
                        score = max(score, weight * self._context(lowered, match.start(), in_quote))
                        # A second different trigger in the same sentence strengthens it.
                if score <= 0:
                    continue
                hits = sum(1 for pattern, _ in patterns if pattern.search(lowered))
                score = min(1.0, score + 0.1 * (hits - 1))
                if kind == "major_character_death":
                    score *= 1.0 if _mentions_major(sentence.start, sentence.end, major) else 0.3
                if score >= self.config.min_confidence:
                    chapter = doc.paragraphs[sentence.paragraph].chapter if doc.paragraphs else 0
                    per_kind[kind].append(
                        Signal(kind, chapter, sentence.start, sentence.end, " ".join(sentence_text.split()), round(score, 3))
                    )
        signals: list[Signal] = []
        for kind in KINDS:
            found = sorted(per_kind.get(kind, []), key=lambda s: -s.confidence)[: self.config.max_evidence_per_kind]
            signals.extend(sorted(found, key=lambda s: s.start))
        return signals

    def _context(self, lowered: str, position: int, in_quote: bool) -> float:
        """How much a trigger at ``position`` counts, given negation, hypotheticals, dialogue."""
        before = lowered[max(0, position - 40) : position]
        factor = 1.0
        if _NEGATION.search(before):
            factor *= 0.15
        if _HYPOTHETICAL.search(lowered[: position + 1]):
            factor *= self.config.hypothetical_discount
        if in_quote:
            factor *= self.config.quote_discount
        return factor

    def _apply(self, doc: Document, signals: list[Signal], checks: list[SignalCheck]) -> None:
        doc.signals = signals
        doc.signal_checks = checks


def _inside(start: int, end: int, quote_starts: list[int], quote_ends: list[int]) -> bool:
    """Is most of the sentence inside a quote? (Quotes are sorted and do not overlap.)"""
    i = bisect_right(quote_starts, start) - 1
    covered = 0
    j = max(i, 0)
    while j < len(quote_starts) and quote_starts[j] < end:
        covered += max(0, min(end, quote_ends[j]) - max(start, quote_starts[j]))
        j += 1
    return covered * 2 > (end - start)


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


def compare_with_declared(doc: Document, signals: list[Signal], config: SignalConfig) -> list[SignalCheck]:
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
        # Several weaker hits in one work add up; one weak hit does not.
        confidence = min(1.0, strongest + 0.05 * max(0, len(found) - 1))
        detected = bool(strong) or confidence >= config.present_confidence + 0.15
        chapters = tuple(sorted({s.chapter for s in (strong or found)}))
        where = ", ".join(str(c + 1) for c in chapters[:5])
        label = kind.replace("_", " ")
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
