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
from ficlens.stages.signals_model import (
    SignalsModel,
    WorkContext,
    load_signals_model,
    sentence_features,
)

KINDS = (
    "graphic_violence",
    "major_character_death",
    "rape_noncon",
    "underage",
    "self_harm",
    "suicide",
    "sexual_content",
    "abuse",
    "substance_abuse",
)

# (pattern, weight). Patterns run on the lower-cased sentence; \b keeps them to whole words.
# A word with a common innocent sense ("tortured by doubt", "a volley of abuse", "my interest
# was aroused", "his face grew grave") gets a weight below ``present_confidence``: it is only
# evidence together with other triggers. Phrases that can hardly mean anything else weigh more.
# The learned classifier (``signals_model``) reads these hits as features beside the words.
LEXICON: dict[str, tuple[tuple[str, float], ...]] = {
    "graphic_violence": (
        (r"\b(?:blood|bleeding|bled)\b", 0.35),
        # "bloody" is as often an expletive ("the bloody gazette"), mostly in dialogue.
        (r"\b(?:bloody|bloodied|blood-stained|bloodstained)\b", 0.3),
        (r"\b(?:stab(?:bed|bing|s)?|slash(?:ed|ing)?)\b", 0.3),
        (r"\b(?:stab(?:bed|bing|s)?|slash(?:ed|ing)?) (?:him|her|them|me|you|us|himself|herself|his|their|my|your|the|a|an)\b", 0.6),
        (r"\b(?:(?:was|were|been|being|be) stabbed|stabbed to death|(?:stab|knife|bullet|gunshot) wounds?)\b", 0.7),
        (r"\bgash(?:es|ed)?\b", 0.4),
        (r"\b(?:disembowel\w*|decapitat\w*|behead\w*|gutted (?:him|her|them|me|you))\b", 0.7),
        (r"\b(?:gore|gory|entrails|intestines|viscera|brains? (?:spilled|splattered))\b", 0.6),
        (r"\b(?:torture[ds]?|torturing|torturer)\b", 0.35),
        (r"\b(?:tortur(?:ed|ing) (?:him|her|them|me|you|us)|(?:was|were|been|being) tortured)\b", 0.6),
        (r"\b(?:mutilat\w*|dismember\w*)\b", 0.7),
        (r"\bsevered (?:head|hand|arm|leg|finger|limb|ear|foot|toe)s?\b", 0.7),
        (r"\b(?:shot|shoots|shooting) (?:him|her|them|me|you|us) (?:in|through) the\b", 0.6),
        (r"\b(?:shot (?:him|her|them|me|you|us) dead|(?:was|were|been) shot (?:dead|in|through))\b", 0.65),
        (r"\b(?:bones?|skull|ribs?|jaw|nose) (?:crack(?:ed|s)?|snap(?:ped|s)?|shatter(?:ed|s)?|broke)\b", 0.6),
        (r"\b(?:slit|cut) (?:his|her|their|my|your) throat\b", 0.8),
        (r"\b(?:beat|beaten|beating) (?:him|her|them|me|you)?\s*(?:bloody|senseless|to death|unconscious)\b", 0.7),
        (r"\bknife (?:went|sank|slid|plunged) (?:in|into)\b", 0.7),
        (r"\b(?:massacre[ds]?|slaughter(?:ed)?|carnage)\b", 0.5),
        (r"\b(?:punch(?:ed|es|ing)?|kick(?:ed|ing)?|strangl\w*|chok(?:ed|ing)|wounds?|wounded|bruis\w*|broken (?:nose|ribs?|arm|leg|jaw))\b", 0.25),
    ),
    "major_character_death": (
        # Weighed again by who dies (``_victim_factor``): a main character, someone else, unknown.
        (r"\b(?:died|dies|dead|death|killed|murdered|passed away|stopped breathing|perished|drowned)\b", 0.5),
        (r"\b(?:didn't make it|did not make it|bled out|flatlined|we lost (?:him|her|them)|(?:his|her|their) (?:last breath|body was)|was gone)\b", 0.5),
        (r"\b(?:funeral|corpse|coffin|casket|grave(?:side|stone)|buried|mourning|widow\w*|orphan\w*|late husband|late wife)\b", 0.3),
        (r"\b(?:his|her|their|my|your|an early|a watery) grave\b(?! ?[a-z])", 0.3),
    ),
    "rape_noncon": (
        (r"\b(?:rape[ds]?|raping|rapist|sexually assault\w*|sexual assault)\b", 0.8),
        (r"\b(?:molest\w*|non-?con\w*|dub-?con\w*)\b", 0.7),
        (r"\b(?:without (?:her|his|their|my|your) consent|against (?:her|his|their|my|your) will|didn't consent|did not consent)\b", 0.5),
        (r"\b(?:forced (?:himself|herself|themselves) (?:on|upon)|forced (?:her|him|me|them) (?:to|down|onto|into))\b", 0.5),
        (r"\b(?:assaulted|violated|defiled|ravish\w*)\b", 0.35),
    ),
    "underage": (
        (r"\b(?:underage|under-?aged|jailbait|p(?:a)?edophil\w*|child (?:porn\w*|molest\w*|sexual abuse))\b", 0.6),
        (r"\b(?:(?:1[0-7]|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)[- ]years?[- ]old|minors?)\b", 0.3),
        (r"\b(?:groom(?:ed|ing)|(?:a|just a|only a) (?:child|kid|boy|girl))\b", 0.25),
    ),
    "self_harm": (
        (r"\b(?:self[- ]harm\w*|self[- ]injur\w*)\b", 0.9),
        (r"\b(?:cut|cuts|cutting) (?:herself|himself|themselves|myself|yourself)\b", 0.8),
        # "he has hurt himself" is mostly an accident.
        (r"\b(?:burn(?:ed|s|t)?|hurt(?:s|ing)?) (?:herself|himself|themselves|myself|yourself)\b", 0.4),
        (r"\b(?:razor blades?|scars? on (?:her|his|their|my|your) (?:wrists?|arms?|thighs?))\b", 0.5),
        (r"\b(?:relaps\w*|do it again|did it again)\b", 0.25),
        (r"\b(?:(?:start(?:ed|s)?|began|begin) cutting|cutting (?:again|still)|cut (?:himself|herself|themselves|myself|yourself) again)\b", 0.7),
    ),
    "suicide": (
        (r"\b(?:(?:commit|commits|committed|committing|attempt|attempts|attempted|meditated|contemplated|considered|his|her|their|my|your) suicide|suicide (?:attempt|note)s?|suicidal"
         r"|kill(?:ed|s|ing)? (?:herself|himself|themselves|myself|yourself))\b", 0.85),
        # "suicide" as a topic ("the crime of suicide lies in ...") states no act.
        (r"\bsuicides?\b", 0.5),
        (r"\b(?:slit (?:her|his|their|my|your) wrists?|hang(?:ed)? (?:herself|himself|themselves|myself)|noose)\b", 0.85),
        (r"\b(?:end (?:it all|(?:his|her|their|my|your) (?:own )?life)|take (?:his|her|their|my|your) own life|took (?:his|her|their|my|your) own life|wanted to die|want to die)\b", 0.6),
        (r"\boverdos\w*", 0.3),  # often an accident ("an overdose ... by mistake")
        (r"\bjump(?:ed|ing)? (?:off|from) (?:the|a) (?:bridge|roof|cliff|building|tower)\b", 0.4),
    ),
    "sexual_content": (
        (r"\b(?:sex|sexual(?:ly)?|lust)\b", 0.35),
        (r"\b(?:had sex|have sex|having sex|sex with|sexual intercourse|orgasm\w*|sexually aroused|arousal)\b", 0.7),
        # Older prose: "intercourse" is conversation, an "erection" a building.
        (r"\b(?:intercourse|erection)\b", 0.25),
        (r"\b(?:aroused|climax(?:ed)?)\b", 0.25),
        (r"\b(?:naked|nude|undress(?:ed|es|ing)?|unbutton(?:ed|s)?)\b", 0.25),
        (r"\b(?:moan(?:ed|s|ing)?|thrust(?:s|ed|ing)?|grind(?:s|ing)?|straddl\w*)\b", 0.2),
        (r"\b(?:breasts?|nipples?|thighs?|hips?) \w* ?(?:under|against) (?:his|her|their|my|your) (?:mouth|hands?|tongue|lips)\b", 0.6),
        (r"\b(?:(?:his|my|your|their) cock\b(?!-)|cunt|clit\w*|penis|vagina|(?<!magna )(?<!summa )cum\b|c[ao]me[sd]? inside (?:her|him|me|you))", 0.8),
        (r"\b(?:made love|making love|slept with|in bed together)\b", 0.5),
    ),
    "abuse": (
        # Bare "abuse" in older prose is mostly verbal ("abused the English"): weak alone.
        (r"\b(?:abuse[ds]?|abusive|abusing|abuser)\b", 0.35),
        (r"\b(?:abusive (?:relationship|marriage|husband|wife|father|mother|parents?|home|partner|boyfriend|girlfriend|ex)"
         r"|(?:child|sexual|physical|emotional|domestic) abuse|(?:was|were|been|being) (?:sexually |physically )?abused)\b", 0.7),
        (r"\b(?:beat (?:her|him|them|me|you)|belt|punish\w*|neglect\w*|hit (?:her|him|me|you|them))\b", 0.25),
        (r"\b(?:hit|hits|slapped|slaps|beat|beats|kicked|punched) (?:her|him|them|me|you) again\b", 0.6),
        (r"\b(?:bruises?|welts?) (?:on|along|across) (?:her|his|their|my|your)\b", 0.4),
        (r"\b(?:domestic violence|battered (?:wife|wives|woman|women|child|children)|grooming|groomed)\b", 0.6),
        (r"\b(?:locked (?:her|him|them|me) in|starved (?:her|him|them|me))\b", 0.5),
    ),
    "substance_abuse": (
        (r"\b(?:addict\w*|overdos\w*|od'd|o\.d\.'?d|withdrawals?|rehab|junkie|alcoholic|alcoholism|track marks)\b", 0.6),
        (r"\b(?:drunk(?:en|ard)?|hungover|hangover|wasted|stoned|sober\w*|relaps\w*|high)\b", 0.3),
        (r"\b(?:cocaine|heroin|meth|crack|opium|morphine|pills|needles?|weed|drugs?|booze|whiske?y|vodka|gin|rum|bottles?|liquor|drink(?:ing|s)?)\b", 0.2),
    ),
}

_NEGATION = re.compile(r"\b(?:not|no|never|n't|nobody|nothing|without|hardly|barely)\b|n't\b")
_HYPOTHETICAL = re.compile(
    r"\b(?:if|would|could|might|may|should|wondered|imagin\w*|pretend\w*|as if|"
    r"afraid|feared|fear|dream\w*|nightmare|what if|threaten\w*|joke\w*|rather|"
    r"possib\w*|perhaps|whether|theory|suppos\w*|seem\w*|as though)\b"
)
# Figurative and other-sense uses; a trigger inside one of these spans does not count.
# "almost" / "nearly" scope over the next word or two ("nearly died"), not the whole sentence
# ("she fell, nearly blinded with the blood").
_NEARLY = re.compile(r"\b(?:almost|nearly)\s+(?:\w+\s+)?$")
_IDIOMS = re.compile(
    r"\b(?:dying to|dying of (?:curiosity|laughter|boredom|embarrassment)|killing me|kill for|"
    r"dead (?:tired|on|end|silent|silence|serious|of night|weight|still|quiet|calm|drunk|set|certain|sure|beat|"
    r"asleep|level|heat|letter|language|places?|centre|center|white|black|leaves|season|march)|"
    r"deadline|deadly|(?:alive|live) or dead|dead or alive|half dead|death[- ]?like|deathly|like death|"
    r"(?:bored|scared|frightened|worried|tired|sick|teased|tickled|laughed|loved) to death|to death of|"
    r"over my dead body|drop dead gorgeous|near-death|"
    r"blood (?:relative|relation|type|sugar|pressure|orange|ran cold|runs cold|run cold|boil\w*)|"
    r"blood-red|blood-?shot|in(?:to)? (?:his|her|their|my|your|the|our) blood|flesh and blood|by blood|"
    r"(?:his|her|their|my|your|the) blood (?:froze|was frozen|chilled|was chilled|curdled|boiled|was boiling|tingl\w*|was up|quickened|sang)|"
    r"through (?:all )?(?:his|her|their|my|your) veins|"
    r"(?:noble|royal|gentle|good|blue|young|bad|mixed|hot|cold|english|french|irish) blood|in cold blood|"
    r"killer|killing time|kill time|death glare|hit (?:it|me) up|hit the (?:road|sack|hay)|"
    r"tortured by|tortures? of|torture to|(?:a|such|sheer|exquisite|mental|perfect) torture|stabs? of|"
    r"(?:volley|torrent|stream|shower|string|storm|flood|term|terms|words|tirade) of abuse|"
    r"abuse of (?:power|authority|language|trust|the)|(?:hurl|heap|shout|pour|shower)\w* (?:of )?abuse|"
    r"(?:fair|fairer|weaker|gentle|opposite|other|same|either|both|her|his|their|your|my) sex(?:es)?\b(?! with)|"
    r"(?:age|class|race|rank|and) sex\b|sex (?:and|or) (?:age|class|race|rank)|"
    r"(?:interest|curiosity|suspicions?|attention|anger|jealousy|alarm|indignation|pity|sympathy) (?:was |were |had been )?aroused|"
    r"cut (?:him|her|my|your|them)sel(?:f|ves) (?:a|an|some|another|off)\b|well-groomed|(?:stabbed|stab) (?:me|him|her) to the heart|"
    r"shot (?:forward|up|out|past|across|through with|down|away|off|back|a glance|a look))\b"
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
# When a trigger's content is in the story (``Signal.time``), from cue words before it.
_FEARED = re.compile(r"\b(?:afraid|fear\w*|worr(?:y|ied|ies)|scared (?:that|of)|terrified (?:that|of)|dread\w*|panic\w*)\b")
_THREATENED = re.compile(r"\b(?:threaten\w*|i'll|i will|i'm going to|gonna|or else|unless you)\b")
_PAST = re.compile(
    r"\b(?:had|ago|used to|years|months|back then|as a (?:child|kid|boy|girl)|when (?:i|he|she|they|we) (?:was|were)|"
    r"since|after|before|ever since|still|again|once)\b"
)
# "Again" and "still" state the earlier fact, whatever is feared or supposed about the next
# time ("she was scared he would start cutting again": he has cut before).
_AGAIN = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:again|still)\b")
TIMES = ("present", "past", "feared", "threatened", "hypothetical", "negated", "figurative")
FACT_TIMES = frozenset({"present", "past"})


def cue_time(lowered: str, position: int, in_quote: bool) -> str:
    """The time a trigger at ``position`` of a lower-cased sentence has, from cue words: a
    negation just before it, a fear, a threat in dialogue, a hypothetical or question, a
    backstory marker; else ``present``."""
    before = lowered[max(0, position - 40) : position]
    head = lowered[: position + 1]
    if _NEGATION.search(before):
        return "negated"
    if _AGAIN.search(lowered[position:]) or _AGAIN.search(lowered[position:].split(" ", 1)[-1]):
        return "past"
    if _FEARED.search(head):
        return "feared"
    if in_quote and _THREATENED.search(head):
        return "threatened"
    if _HYPOTHETICAL.search(head) or _NEARLY.search(before) or lowered.rstrip(" \"'”’)").endswith("?"):
        return "hypothetical"
    if _PAST.search(lowered):
        return "past"
    return "present"


_COMPILED = {kind: tuple((re.compile(p), w) for p, w in patterns) for kind, patterns in LEXICON.items()}
# Broad word lists per kind, what a reader would search for (the ones that drew the gold's
# sentences, gold/signals/tool.py): a feature of the classifier, never evidence on their own.
BROAD: dict[str, re.Pattern[str]] = {
    kind: re.compile(pattern)
    for kind, pattern in {
        "graphic_violence": r"\b(blood\w*|bled|bleed\w*|stab\w*|slash\w*|gore|gory|tortur\w*|shot|shoot\w*|gun\w*|knife|knives|wound\w*|punch\w*|kick\w*|beat(en|ing)?|bruis\w*|broke(n)? (his|her|my|their) \w+|strangl\w*|chok\w*|throat|skull|bones?|scream\w*|fight\w*|hit (him|her|me|them)|slam\w*|cut (him|her|them)|fist\w*|kill\w*|murder\w*|corpse|viscera|entrails)\b",
        "major_character_death": r"\b(die[ds]?|dying|dead|death|deaths|killed|kill(s|ing)?|murder(ed)?|funeral|grave|corpse|body|bodies|coffin|passed away|bled out|flatlined|didn'?t make it|lost (him|her|them)|gone|mourn\w*|buried|widow\w*|late (husband|wife|father|mother))\b",
        "rape_noncon": r"\b(rap(e|ed|es|ing|ist)|non-?con\w*|consent\w*|forced (himself|herself|me|him|her)|forc\w+ (on|into)|assault\w*|molest\w*|violat\w*|against (his|her|my|their) will|held (him|her|me) down|pinned|didn'?t want|said no|stop\w*|unwanted|defil\w*|ravish\w*)\b",
        "underage": r"\b(underage|minor|child|children|kid|boy|girl|teen\w*|(eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)(-year-old| years old)|schoolboy|schoolgirl|student|pupil|young)\b",
        "self_harm": r"\b(cut(s|ting)? (himself|herself|myself|themself|themselves|yourself)|cutting|razor\w*|blade\w*|scar\w*|self-?harm\w*|hurt (himself|herself|myself)|burn\w* (himself|herself|myself)|relaps\w*|do it again|wrist\w*|sleeve\w*|bandage\w*)\b",
        "suicide": r"\b(suicid\w*|kill (himself|herself|myself|themselves|yourself)|killed (himself|herself|myself)|end(ed|ing)? (it|his life|her life|my life|things)|overdos\w*|od'?d|jump\w* (off|from)|pills|noose|hang(ed|ing)? (himself|herself|myself)|take (my|his|her) (own )?life|not wake up|want(ed)? to die|slit (his|her|my) wrists)\b",
        "sexual_content": r"\b(kiss\w*|bed|naked|nude|undress\w*|moan\w*|thrust\w*|cock|dick|penis|breast\w*|nipple\w*|sex\w*|orgasm\w*|aroused|arousal|erect\w*|fuck\w*|lick\w*|thigh\w*|hips|come|came|cum|lube|knot\w*|strok\w*|groan\w*|climax\w*|virgin\w*|make love|made love)\b",
        "abuse": r"\b(abus\w*|hit (him|her|me|them)|slap\w*|beat (him|her|me|them)|bruise\w*|afraid of (him|her)|control\w*|punish\w*|belt|locked (in|up|away)|neglect\w*|starv\w*|yell\w*|threat\w*|manipulat\w*|gaslight\w*|trauma\w*|cupboard|hurt (him|her|me)|owner|slave\w*|beaten)\b",
        "substance_abuse": r"\b(drunk\w*|drink\w*|drank|alcohol\w*|whiske?y|vodka|beer|wine|bottle\w*|booze|high|stoned|weed|joint|cocaine|coke|heroin|meth|pills|drug\w*|addict\w*|withdrawal|sober\w*|relaps\w*|hangover|overdos\w*|od'?d|needle|smok\w*|rehab|hooked)\b",
    }.items()
}
# One regex per kind (the work's lexicon density, a feature of the classifier).
KIND_PATTERNS = {kind: re.compile("|".join(f"(?:{p})" for p, _ in patterns)) for kind, patterns in LEXICON.items()}
# One pass over a sentence says whether any kind's pattern can match; most sentences stop here.
_ANY_TRIGGER = re.compile("|".join(f"(?:{pattern})" for patterns in LEXICON.values() for pattern, _ in patterns))


def lexicon_hits(lowered: str, in_quote: bool) -> list[tuple[str, float, float, int]]:
    """Each kind the lexicon finds in a lower-cased sentence, without the parse: (kind, the
    strongest pattern weight, the strongest weight after the negation, hypothetical, dialogue and
    question discounts, the position of that strongest hit). Idioms count for nothing."""
    if not _ANY_TRIGGER.search(lowered):
        return []
    idiom_spans: list[tuple[int, int]] | None = None  # found once a pattern matches
    defaults = SignalConfig()
    out = []
    for kind, patterns in _COMPILED.items():
        if not KIND_PATTERNS[kind].search(lowered):
            continue  # one search skips the kind's patterns one by one
        raw = discounted = 0.0
        position = -1
        for pattern, weight in patterns:
            for match in pattern.finditer(lowered):
                if idiom_spans is None:
                    idiom_spans = [m.span() for m in _IDIOMS.finditer(lowered)]
                if any(s < match.end() and match.start() < e for s, e in idiom_spans):
                    continue
                raw = max(raw, weight)
                value = weight * _discount(lowered, match.start(), in_quote, defaults)
                if value > discounted or position < 0:
                    discounted, position = max(value, discounted), match.start()
        if position >= 0:
            out.append((kind, raw, discounted, position))
    return out


def _discount(lowered: str, position: int, in_quote: bool, config: SignalConfig) -> float:
    """How much a trigger at ``position`` counts, given negation, hypotheticals, dialogue."""
    before = lowered[max(0, position - 40) : position]
    factor = 1.0
    if _NEGATION.search(before):
        factor *= 0.15
    again = _AGAIN.search(lowered[position:]) or _AGAIN.search(lowered[position:].split(" ", 1)[-1])
    if (_HYPOTHETICAL.search(lowered[: position + 1]) or _NEARLY.search(before)) and not again:
        factor *= config.hypothetical_discount
    if in_quote:
        factor *= config.quote_discount
    if lowered.rstrip(" \"'”’)").endswith("?"):
        factor *= config.question_discount  # a question asserts nothing
    return factor


@dataclass(frozen=True)
class SignalConfig:
    # "classifier": the learned sentence classifier (data/models/signals-classifier.json);
    # "lexicon": the weighted patterns alone (the method before it, kept for comparison).
    method: str = "classifier"
    # A sentence is kept as evidence at or above this confidence.
    min_confidence: float = 0.3
    # A kind counts as present in the work when its strongest evidence reaches this.
    present_confidence: float = 0.6
    quote_discount: float = 0.5
    hypothetical_discount: float = 0.3
    question_discount: float = 0.5
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
        self._apply(doc, signals, compare_with_declared(doc, signals, self.config))
        return doc

    def _classify(self, doc: Document) -> list[Signal]:
        """Every sentence through the classifier; per kind, the sentences at or above
        ``min_confidence`` (the strongest ``max_evidence_per_kind``), each with its time (among
        present and past when the classifier says the kind is shown) and whom it concerns."""
        assert self.model is not None
        text = doc.text
        context = WorkContext.of(text)
        sentences = doc.sentences
        rows = [sentence_features(text, s.start, s.end, context) for s in sentences]
        confidence = self.model.confidence(rows)
        kinds = [k for k in KINDS if k in self.model.kinds]
        if self.model.lexicon_floor:
            # The lexicon's strong hits (weighed by who is involved) count beside the classifier
            # for the kinds where they were precise on dev.
            index = {s.start: i for i, s in enumerate(sentences)}
            for hit in self._find(doc):
                if hit.kind in self.model.lexicon_floor and hit.confidence >= self.config.present_confidence and hit.start in index:
                    j = self.model.kinds.index(hit.kind)
                    confidence[index[hit.start], j] = max(confidence[index[hit.start], j], hit.confidence)
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
        for sentence in doc.sentences:
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
                if score <= 0:
                    continue
                # A second, different trigger word in the same sentence strengthens it.
                score = min(1.0, score + 0.1 * (_distinct(spans) - 1))
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
        return _discount(lowered, position, in_quote, self.config)

    def _apply(self, doc: Document, signals: list[Signal], checks: list[SignalCheck]) -> None:
        doc.signals = signals
        doc.signal_checks = checks


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


def _distinct(spans: list[tuple[int, int]]) -> int:
    """How many separate trigger words: overlapping matches (two patterns, one word) count once."""
    count, end = 0, -1
    for s, e in sorted(spans):
        if s >= end:
            count += 1
        end = max(end, e)
    return count


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
        if kind == "major_character_death" and trigger is not None:
            for i in self._tokens_in(*trigger):
                victim = self._victim(i)
                if victim is not None and victim in self.character_at:
                    return self.names.get(self.character_at[victim])
        inside = [i for i in self._tokens_in(start, end) if i in self.character_at]
        for i in inside:
            if self.tokens[i].dep in ("dobj", "nsubjpass", "poss", "pobj"):
                return self.names.get(self.character_at[i])
        return self.names.get(self.character_at[inside[0]]) if inside else None

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
        # Several moderate hits in one work add up; weak ones (a lone "blood", "thrust") never
        # do: a long novel has dozens, and they would turn into a claim about the work.
        moderate = [s for s in found if s.confidence >= config.present_confidence - config.accumulate_margin]
        confidence = min(1.0, strongest + 0.05 * max(0, len(moderate) - 1))
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
