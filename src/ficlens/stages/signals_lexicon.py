"""The content-signals lexicon: weighted patterns per kind, the broad word lists, the cue words
for negation, hypotheticals, idioms and time, and the sentence-level hit finder.

Its own module so that the stage (``signals``) and the learned classifier's features
(``signals_model``) both import it, without importing each other.
"""

from __future__ import annotations

import re

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

# Cue groups the patterns below combine. An age under 18 as said of someone ("was fifteen",
# "a fourteen-year-old"), never a count of minutes or miles.
_AGE = (
    r"\b(?:(?:was|were|is|am|'s|being|just|only|barely|aged?) (?:only |just |barely )?(?:1[0-7]|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)\b"
    r"(?! (?:minutes?|seconds?|hours?|days?|weeks?|months?|miles?|feet|yards?|pounds?|dollars?|points?|percent|times|of|or|more|and a half)\b)"
    r"|(?:1[0-7]|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)[- ]years?[- ]old)"
)
_SEX_CUE = (
    r"\b(?:kiss(?:ed|es|ing)?|took (?:him|her|me|them) to (?:\w+ )?bed|had sex|sex with|slept with|sleeping with|made love|undress\w*|naked"
    r"|touched (?:him|her|me|them) (?:there|between)|in (?:his|her|their|my) bed)\b"
)
_CLEAN_FOR = r"\bclean (?:for|since) (?:\w+ ){0,2}(?:days?|weeks?|months?|years?)\b"
# "Relapsed" goes with drugs as often: it is no self-harm cue here.
_HARM_CUE = r"\b(?:do it again|did it again|scars?|cut(?:s|ting)?|blades?|razors?|self[- ]harm\w*|wrists?)\b"
_DRUG_CUE = r"\b(?:rehab|using|used|drugs?|relaps\w*|sober\w*|drink(?:ing)?|needles?|pills|heroin|cocaine|meth|dealer|high)\b"

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
        (r"\b(?:after (?:\w+'s|his|her|their|my|your) death|(?:overdosed|od'd) and died|was dead by (?:morning|the time|dawn|nightfall))\b", 0.6),
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
        # A stated age under 18 with sex in the same sentence (the neighbour: ``underage_context``).
        (rf"{_AGE}(?=.{{0,200}}{_SEX_CUE})|{_SEX_CUE}(?=.{{0,200}}{_AGE})", 0.65),
    ),
    "self_harm": (
        (r"\b(?:self[- ]harm\w*|self[- ]injur\w*)\b", 0.9),
        (r"\b(?:cut|cuts|cutting) (?:herself|himself|themselves|myself|yourself)\b", 0.8),
        # "he has hurt himself" is mostly an accident.
        (r"\b(?:burn(?:ed|s|t)?|hurt(?:s|ing)?) (?:herself|himself|themselves|myself|yourself)\b", 0.4),
        (r"\b(?:razor blades?|scars? on (?:her|his|their|my|your) (?:wrists?|arms?|thighs?))\b", 0.5),
        (r"\b(?:relaps\w*|do it again|did it again)\b", 0.25),
        # Cutting, slicing or carving one's own skin ("cut her arms", "carved lines into his own
        # thigh"); a finger or a thumb is mostly the kitchen.
        (r"\b(?:cut|cuts|cutting|slic(?:e|ed|es|ing)|carv(?:e|ed|es|ing)) (?:(?:\w+ ){0,2}(?:into|across|along|up|open) )?"
         r"(?:his|her|their|my|your) (?:(?:own )?(?:wrists?|forearms?|arms|thighs?|stomach|hips)|own skin)\b", 0.7),
        (r"\b(?:(?:fresh|new|self-inflicted|raised|parallel|neat) (?:cuts|scars|scratches|lines)|cuts|scratches|scars?) (?:on|along|across|up|down) "
         r"(?:his|her|their|my|your) (?:own )?(?:wrists?|forearms?|thighs?)\b", 0.7),
        (r"\b(?:fresh|new|self-inflicted|parallel) (?:cuts|scars) (?:on|along|across|up|down) (?:his|her|their|my|your) arms\b", 0.7),
        # "Clean for eight months": weak alone (a kitchen is clean too), strong beside cutting words.
        (rf"{_CLEAN_FOR}", 0.3),
        (rf"{_CLEAN_FOR}(?=.{{0,200}}{_HARM_CUE})|{_HARM_CUE}(?=.{{0,200}}{_CLEAN_FOR})", 0.65),
        (r"\b(?:(?:start(?:ed|s)?|began|begin) cutting|cutting (?:again|still)|cut (?:himself|herself|themselves|myself|yourself) again)\b", 0.7),
    ),
    "suicide": (
        (r"\b(?:(?:commit|commits|committed|committing|attempt|attempts|attempted|meditated|contemplated|considered|his|her|their|my|your) suicide|suicide (?:attempt|note)s?|suicidal"
         r"|kill(?:ed|s|ing)? (?:herself|himself|themselves|myself|yourself))\b", 0.85),
        # "suicide" as a topic ("the crime of suicide lies in ...") states no act.
        (r"\bsuicides?\b", 0.5),
        (r"\b(?:slit (?:her|his|their|my|your) wrists?|hang(?:ed)? (?:herself|himself|themselves|myself)|noose)\b", 0.85),
        (r"\b(?:end (?:it all|(?:his|her|their|my|your) (?:own )?life)|take (?:his|her|their|my|your) own life|took (?:his|her|their|my|your) own life|wanted to die|want to die)\b", 0.6),
        # Pills and not waking up; every pill in the bottle.
        (r"\b(?:never|not|n't) (?:to )?wake(?: up)?\b", 0.3),
        (r"\b(?:swallow\w*|took|take|taking|downed|emptied) (?:\w+ ){0,4}(?:pills?|tablets?|painkillers)\b(?=.{0,200}\b(?:never|not|n't) (?:to )?wake\b)", 0.85),
        (r"\b(?:swallow\w*|downed) (?:every|all (?:the|his|her|my|their)|the whole (?:bottle|packet|box) of) (?:pills?|tablets?|painkillers)\b", 0.6),
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
        (r"\b(?:made love|making love|slept with|sleeping with|in bed together)\b", 0.5),
        (r"\btook (?:him|her|me|them) to (?:his |her |my |their )?bed\b", 0.5),
        (r"\bkiss(?:ed|es|ing)?\b", 0.2),
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
        # "Addicted to novels", "her withdrawal from the room": weak alone.
        (r"\b(?:overdos\w*|od'd|o\.d\.'?d|rehab|junkie|alcoholic|alcoholism|track marks|drug addict\w*|withdrawal symptoms|in withdrawal"
         r"|addict(?:ed|ion)? to (?:drugs|heroin|cocaine|meth|opioids|painkillers|pills|alcohol|booze|crack))\b", 0.6),
        (r"\b(?:addict\w*|withdrawals?)\b", 0.3),
        (rf"{_CLEAN_FOR}", 0.3),
        (rf"{_CLEAN_FOR}(?=.{{0,200}}{_DRUG_CUE})|{_DRUG_CUE}(?=.{{0,200}}{_CLEAN_FOR})", 0.65),
        (r"\b(?:drunk(?:en|ard)?|hungover|hangover|wasted|stoned|sober\w*|relaps\w*|high)\b", 0.3),
        (r"\b(?:cocaine|heroin|meth|crack|opium|morphine|pills|needles?|weed|drugs?|booze|whiske?y|vodka|gin|rum|bottles?|liquor|drink(?:ing|s)?)\b", 0.2),
    ),
}

_NEGATION = re.compile(r"\b(?:not|no|never|n't|nobody|nothing|without|hardly|barely)\b|n't\b")
# "Not that Lily died for anything", "no doubt he was dead": these state the fact.
_NOT_NEGATION = re.compile(r"\b(?:not that|no doubt|no longer alive|not long after|no wonder)\b")


# A negation scopes over its own clause: "she screamed no, and he raped her" states the rape.
# Without the parse here (training reads text only), a clause ends at a semicolon, a dash, or a
# comma before a conjunction; "no" as an interjection ("No, he ...", "no!") negates nothing after it.
_CLAUSE_END = re.compile(r"[;:—–]|\s-\s|,\s*(?:and|but|so|then|yet|or|until|before|when|while)\b|[.!?]\W")
_INTERJECTION = re.compile(r"\bno+\b(?=\s*[,!.]|\s*[\"”’'])")


def clause_before(before: str) -> str:
    """The part of ``before`` (the text just before a trigger) in the trigger's own clause."""
    ends = [m.end() for m in _CLAUSE_END.finditer(before)]
    return before[ends[-1] :] if ends else before


def _negated(before: str) -> bool:
    clause = _INTERJECTION.sub(" ", clause_before(before))
    return bool(_NEGATION.search(_NOT_NEGATION.sub(" ", clause)))

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
    r"over my dead body|drop dead gorgeous|near-death|do it again,? (?:from the top|slower|faster|louder|properly)|"
    r"(?:battery|batteries|phone|engine|motor|laptop|signal|conversation|music|wind|breeze|fire|flames?|lights?|candle|torch|flashlight|car) (?:had |just )?(?:died|dies|was dead|went dead)|"
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


def states_again(after: str) -> bool:
    """Whether "again" or "still" follows within three words of the trigger that opens
    ``after`` (the trigger itself may be the first of them)."""
    return bool(_AGAIN.search(after) or _AGAIN.search(after.split(" ", 1)[-1]))


TIMES = ("present", "past", "feared", "threatened", "hypothetical", "negated", "figurative")
FACT_TIMES = frozenset({"present", "past"})


def cue_time(lowered: str, position: int, in_quote: bool) -> str:
    """The time a trigger at ``position`` of a lower-cased sentence has, from cue words: a
    negation just before it, a fear, a threat in dialogue, a hypothetical or question, a
    backstory marker; else ``present``."""
    before = lowered[max(0, position - 40) : position]
    head = lowered[: position + 1]
    if _negated(before):
        return "negated"
    if states_again(lowered[position:]):
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


# Default discounts (``SignalConfig`` reads them): dialogue, hypotheticals and questions
# assert less than narration does.
QUOTE_DISCOUNT = 0.5
HYPOTHETICAL_DISCOUNT = 0.3
QUESTION_DISCOUNT = 0.5

def lexicon_hits(lowered: str, in_quote: bool) -> list[tuple[str, float, float, int]]:
    """Each kind the lexicon finds in a lower-cased sentence, without the parse: (kind, the
    strongest pattern weight, the strongest weight after the negation, hypothetical, dialogue and
    question discounts, the position of that strongest hit). Idioms count for nothing."""
    if not _ANY_TRIGGER.search(lowered):
        return []
    idiom_spans: list[tuple[int, int]] | None = None  # found once a pattern matches
    out = []
    for kind, patterns in _COMPILED.items():
        if not KIND_PATTERNS[kind].search(lowered):
            continue  # one search skips the kind's patterns one by one
        raw = discounted = 0.0
        position = -1
        spans: list[tuple[int, int]] = []
        for pattern, weight in patterns:
            for match in pattern.finditer(lowered):
                if idiom_spans is None:
                    idiom_spans = [m.span() for m in _IDIOMS.finditer(lowered)]
                if any(s < match.end() and match.start() < e for s, e in idiom_spans):
                    continue
                spans.append(match.span())
                raw = max(raw, weight)
                value = weight * discount(lowered, match.start(), in_quote)
                if value > discounted or position < 0:
                    discounted, position = max(value, discounted), match.start()
        if position >= 0:
            # A second, different trigger word strengthens the hit, as in the stage's own pass.
            bonus = 0.1 * (distinct_triggers(spans) - 1)
            out.append((kind, min(1.0, raw + bonus), min(1.0, discounted + bonus), position))
    return out


def distinct_triggers(spans: list[tuple[int, int]]) -> int:
    """How many separate trigger words: overlapping matches (two patterns, one word) count once."""
    count, end = 0, -1
    for s, e in sorted(spans):
        if s >= end:
            count += 1
        end = max(end, e)
    return count


def discount(
    lowered: str,
    position: int,
    in_quote: bool,
    quote: float = QUOTE_DISCOUNT,
    hypothetical: float = HYPOTHETICAL_DISCOUNT,
    question: float = QUESTION_DISCOUNT,
) -> float:
    """How much a trigger at ``position`` counts, given negation, hypotheticals, dialogue."""
    before = lowered[max(0, position - 40) : position]
    factor = 1.0
    if _negated(before):
        factor *= 0.15
    again = states_again(lowered[position:])
    if (_HYPOTHETICAL.search(lowered[: position + 1]) or _NEARLY.search(before)) and not again:
        factor *= hypothetical
    if in_quote:
        factor *= quote
    if lowered.rstrip(" \"'”’)").endswith("?"):
        factor *= question  # a question asserts nothing
    return factor


_AGE_RE = re.compile(_AGE)
_SEX_CUE_RE = re.compile(_SEX_CUE)
UNDERAGE_CONTEXT = 0.65  # an age under 18 just before a sentence of sex: the weight of the same-sentence pattern


def underage_context(lowered: str, before: str) -> tuple[float, int]:
    """Underage from a neighbour: a sentence of sex (``lowered``) right after text that states an
    age under 18 (``before``, lower-cased, its last 200 characters read): "Danny was sixteen that
    summer. The man undressed him ..."; the weight and the sex cue's position, or (0, -1)."""
    cue = _SEX_CUE_RE.search(lowered)
    if cue is None or not _AGE_RE.search(before[-200:]):
        return 0.0, -1
    return UNDERAGE_CONTEXT, cue.start()
