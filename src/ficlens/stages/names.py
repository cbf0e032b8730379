"""Name helpers shared by the characters and coref stages.

Honorifics, nicknames (from the ``nicknames`` package's offline table) and weak
first-name gender hints::

    split_name("Miss Elizabeth Bennet") -> NameParts(honorific="miss", words=("Elizabeth", "Bennet"))
    nickname_compatible("Lizzy", "Elizabeth") -> True
    honorific_gender("mrs") -> Gender.FEMALE
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ficlens.model import Gender

# Canonical honorific -> gender it implies (UNKNOWN when it says nothing).
HONORIFICS: dict[str, Gender] = {
    "mr": Gender.MALE,
    "mister": Gender.MALE,
    "mrs": Gender.FEMALE,
    "missus": Gender.FEMALE,
    "miss": Gender.FEMALE,
    "ms": Gender.FEMALE,
    "mx": Gender.NONBINARY,
    "lady": Gender.FEMALE,
    "lord": Gender.MALE,
    "sir": Gender.MALE,
    "dame": Gender.FEMALE,
    "madame": Gender.FEMALE,
    "madam": Gender.FEMALE,
    "mme": Gender.FEMALE,
    "mademoiselle": Gender.FEMALE,
    "mlle": Gender.FEMALE,
    "mdlle": Gender.FEMALE,
    "monsieur": Gender.MALE,
    "m": Gender.MALE,
    "herr": Gender.MALE,
    "frau": Gender.FEMALE,
    "fraulein": Gender.FEMALE,
    "senor": Gender.MALE,
    "senora": Gender.FEMALE,
    "senorita": Gender.FEMALE,
    "signor": Gender.MALE,
    "signora": Gender.FEMALE,
    "aunt": Gender.FEMALE,
    "auntie": Gender.FEMALE,
    "uncle": Gender.MALE,
    "father": Gender.MALE,
    "mother": Gender.FEMALE,
    "sister": Gender.FEMALE,
    "brother": Gender.MALE,
    "king": Gender.MALE,
    "queen": Gender.FEMALE,
    "prince": Gender.MALE,
    "princess": Gender.FEMALE,
    "duke": Gender.MALE,
    "duchess": Gender.FEMALE,
    "count": Gender.MALE,
    "countess": Gender.FEMALE,
    "baron": Gender.MALE,
    "baroness": Gender.FEMALE,
    "marquis": Gender.MALE,
    "marquess": Gender.MALE,
    "marchioness": Gender.FEMALE,
    "marquise": Gender.FEMALE,
    "comte": Gender.MALE,
    "comtesse": Gender.FEMALE,
    "vicomte": Gender.MALE,
    "abbe": Gender.MALE,
    "abbé": Gender.MALE,
    "dr": Gender.UNKNOWN,
    "doctor": Gender.UNKNOWN,
    "professor": Gender.UNKNOWN,
    "prof": Gender.UNKNOWN,
    "captain": Gender.UNKNOWN,
    "capt": Gender.UNKNOWN,
    "colonel": Gender.UNKNOWN,
    "col": Gender.UNKNOWN,
    "general": Gender.UNKNOWN,
    "gen": Gender.UNKNOWN,
    "major": Gender.UNKNOWN,
    "lieutenant": Gender.UNKNOWN,
    "lt": Gender.UNKNOWN,
    "lieut": Gender.UNKNOWN,
    "sergeant": Gender.UNKNOWN,
    "sgt": Gender.UNKNOWN,
    "commander": Gender.UNKNOWN,
    "admiral": Gender.UNKNOWN,
    "detective": Gender.UNKNOWN,
    "inspector": Gender.UNKNOWN,
    "agent": Gender.UNKNOWN,
    "officer": Gender.UNKNOWN,
    "judge": Gender.UNKNOWN,
    "reverend": Gender.UNKNOWN,
    "rev": Gender.UNKNOWN,
    "saint": Gender.UNKNOWN,
    "st": Gender.UNKNOWN,
}

# Honorifics that usually take a first name ("Lady Catherine", "Sir William", "Aunt Polly").
FIRST_NAME_HONORIFICS = frozenset(
    {"lady", "sir", "dame", "aunt", "auntie", "uncle", "king", "queen", "prince", "princess", "sister", "brother"}
)

# Words that look like names (capitalised, PROPN) but are not people on their own.
NOT_NAMES = frozenset(
    """
    i i. i'm i'll i've i'd you he she it we they me him her us them my your his its our their mine yours
    god lord heaven heavens hell jesus christ christmas easter sunday monday tuesday wednesday thursday
    friday saturday january february march april may june july august september october november december
    oh ah yes no well sir madam ma'am miss mister mr mrs ms dr mum mom mama mamma papa dad daddy mummy
    the a an and but or then there here what who why how where when this that these those okay ok hey
    chapter part book volume prologue epilogue english french german italian american british indian
    mister missus lady gentleman gentlemen ladies sirs aunt uncle father mother brother sister captain
    colonel professor doctor dear darling love honey sweetheart baby good bye goodbye hello hi thank thanks
    please sorry yeah nope alright right fine whatever nothing something everything anything everyone
    someone anyone nobody somebody anybody aye nay alas indeed pray hush heh huh hmm um uh
    """.split()
)

# Months that are also given names ("May Welland", "June"): in NOT_NAMES, so they never
# stretch a name ("in June Kitty"), but a lone "May" is a name where the grammar says so (the
# characters stage asks for a speech tag or a vocative; spaCy often calls "said May" a DATE),
# never from "in May".
MONTH_NAMES = frozenset({"april", "may", "june", "august"})

_TRAILING_DOT = re.compile(r"\.$")


@dataclass(frozen=True, slots=True)
class NameParts:
    honorific: str | None  # canonical, lower case, no dot
    words: tuple[str, ...]  # the name words, as written


def canonical_honorific(word: str) -> str | None:
    """'Mrs.' -> 'mrs'; None when the word is not an honorific."""
    key = _TRAILING_DOT.sub("", word.strip()).lower()
    return key if key in HONORIFICS else None


def split_name(text: str) -> NameParts:
    """Split a proper mention into a leading honorific and its name words."""
    words = [w for w in re.split(r"\s+", text.strip()) if w]
    honorific = None
    while words and canonical_honorific(words[0]) is not None and len(words) > 1:
        honorific = honorific or canonical_honorific(words[0])
        words = words[1:]
    return NameParts(honorific, tuple(words))


def honorific_gender(honorific: str | None) -> Gender:
    return HONORIFICS.get(honorific or "", Gender.UNKNOWN)


@lru_cache(maxsize=1)
def _nicknamer():  # type: ignore[no-untyped-def]
    # The package ships its CSV inside the wheel, so nothing downloads.
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=65536)
def name_variants(word: str) -> frozenset[str]:
    """The word and every name the nickname table links it to, lower case."""
    nn = _nicknamer()
    low = word.lower()
    return frozenset({low} | nn.nicknames_of(low) | nn.canonicals_of(low))


def diminutive_of(word: str, full: str) -> bool:
    """True when ``word`` is ``full`` or one of its listed nicknames ("Lizzy" of "Elizabeth").

    One direction only: nickname links chain (Louisa -> Eliza -> Elizabeth), so a lone
    word must be a nickname of a name the cluster already holds, not the other way round.
    """
    lw, lf = word.lower(), full.lower()
    if lw == lf or lw in _nicknamer().nicknames_of(lf):
        return True
    # "Kit" of "Kitty", "Hat" of "Hattie": a name cut shorter still. Not the other way: a pet
    # form of a name is often someone else ("Johnnie" beside "Sir John", "Jacky" beside a
    # "Jack").
    return len(lw) < len(lf) and pet_form(lw, lf)


def nickname_compatible(a: str, b: str) -> bool:
    """True when two first names may name one person (same, or a listed nickname)."""
    la, lb = a.lower(), b.lower()
    if la == lb:
        return True
    return lb in name_variants(la) or la in name_variants(lb)


_PET_SUFFIXES = ("y", "ie", "ey")


def pet_form(a: str, b: str) -> bool:
    """True when one name is the other with a pet ending, its last consonant doubled or not:
    "Kit"/"Kitty", "Bert"/"Bertie", "Reg"/"Reggie" (lower case). The nickname table lists
    many such pairs but not all ("Kitty" is missing), and the ending is one step, so unlike
    the table's links it does not chain. The stem needs three letters ("Jo"/"Joey" is left
    to the table)."""
    short, long = sorted((a, b), key=len)
    if len(short) < 3 or not long.startswith(short) or not short.isalpha():
        return False
    rest = long[len(short) :]
    if rest[:1] == short[-1] and short[-1] not in "aeiouy":
        rest = rest[1:]
    return rest in _PET_SUFFIXES


@lru_cache(maxsize=1)
def known_given_names() -> frozenset[str]:
    nn = _nicknamer()
    names: set[str] = set(nn.nickname_lookup) | set(nn.canonical_lookup)
    return frozenset(names | _FEMALE_NAMES | _MALE_NAMES)


def is_given_name(word: str) -> bool:
    return word.lower() in known_given_names()


# A compact table of common given names for a weak gender hint. Pronoun and honorific
# evidence always outweighs it (see coref); it only decides when nothing else does.
_FEMALE_NAMES = frozenset(
    """
    abigail ada adele agnes alice amanda amelia amy anna anne annie arabella augusta barbara beatrice
    bella betsy betty bridget caroline catherine cecilia cecily charlotte clara clarissa claire cora
    daisy diana dinah dolly dora dorothy edith eleanor elinor eliza elizabeth ella ellen elsie emily
    emma esther ethel eva evelyn fanny florence frances georgiana ginny grace hannah harriet hazel helen
    henrietta hermione isabel isabella jane janet jean jemima jennifer jenny jessica jo josephine julia
    juliet kate katherine kathleen katie kitty laura lavinia lilian lily lizzy lizzie louisa louise lucy
    luna lydia mabel margaret maria marian marianne marie marilla martha mary matilda maud maude meg
    millie minerva miriam molly nancy nell nora olivia pansy pauline penelope phoebe polly priscilla
    rachel rebecca rose rosamond ruth sally sarah selina sophia sophie susan susanna sybil theresa
    victoria violet virginia winifred
    adela adelaide agatha alexandra alison amelie angela angelina anastasia annabel antonia april
    ava babs beatrix belinda bertha beryl blanche brenda camilla candace carla carlotta carol
    caroline cassandra celia charity chloe christina christine cynthia daphne deborah delia della
    dolores doris edna eileen elaine elena eleanora elise eloise elsa emmeline enid erica estelle
    ethel eugenie eunice euphemia fay felicity fiona flora francesca frieda georgina geraldine
    gertrude gloria gwendolen gwen heather helena hester hilda honoria ida imogen irene iris ivy
    jacqueline joan joanna josephine joy judith julie juliana justine katharine katrina kathryn
    leonora letitia lilian lillian linda lois lola loretta lorna lucia lucinda lucille
    lydia mabel madeleine madeline maggie magdalen marcia margery marguerite marianna marjorie
    martha maude mavis maxine melanie melissa mildred milly mina minnie mirabel miranda muriel
    myra nadia nadine nanny natalia natasha nellie nettie nina noreen octavia olga olive ophelia
    paula pearl peggy petra phyllis polina prudence rhoda rita roberta rosa rosalind rosamund
    rosie rowena sabina sadie selma sibyl sonia sonya stella sylvia tabitha tatiana teresa
    thelma therese theodosia trixie ursula valentina vera veronica viola wilhelmina
    yvonne zoe zelda bessie biddy nelly tilly
    """.split()
)
_MALE_NAMES = frozenset(
    """
    aaron adam albert alexander alfred andrew anthony archibald arthur augustus basil ben benjamin bill
    bob brian charles charley charlie christopher clarence daniel david dean dick edgar edmund edward
    edwin ernest frank franklin fred frederick george gerald gilbert harold harry henry herbert horace
    hugh isaac jack jacob james jim jimmy joe john jonathan joseph lawrence leonard lewis louis
    luke mark matthew michael nathaniel ned neville nicholas oliver oscar patrick paul percy peter philip
    ralph richard robert roger ron ronald rupert samuel sam sebastian sirius stephen steve thomas tim
    timothy tom tony walter william
    abraham adolph alan alec alfonso algernon allan ambrose andre angus anton antonio
    archie arnold augustine austin barnaby bartholomew benedict bernard bertie bertram boris
    bruce bryan caleb cecil cedric claude clement clifford clive colin conrad cornelius cyril
    dan danny denis dennis derek desmond dmitri dominic donald douglas dudley duncan eben ebenezer
    edmond egbert elijah elmer emil emile enoch ephraim eric ernst eugene eustace everett ezra
    felix ferdinand fergus fernando francis frederic gabriel gareth gavin geoffrey godfrey gordon
    graham gregory guy gustav hamish hank hans harvey hector herman hiram horatio howard hubert
    humphrey ian ignatius ivan ivor jake jasper jeremiah jeremy jerome jesse jock joel jonas
    josiah julian julius justin karl keith kenneth lambert lancelot laurence lemuel leo leon
    leopold lionel lucas lucius luigi malcolm manuel marcus mario martin maurice max maximilian
    micah miles milo mortimer moses murray nathan nigel noel norman obadiah octavius oswald otto
    owen pablo pedro phineas pierre quentin rafael ralph randolph raymond reggie reginald rex
    reuben rodney roland rudolph rufus russell saul seth sidney silas simon solomon stanley
    stefan sylvester teddy terence theo theodore tobias toby travis trevor tristram ulysses
    valentine vernon victor vincent virgil wallace warren wilfred wilhelm willie winston
    zachary
    """.split()
)


def first_name_gender(word: str) -> Gender:
    """A weak hint from the first name; UNKNOWN when the table does not know it."""
    low = word.lower()
    if low in _FEMALE_NAMES:
        return Gender.FEMALE
    if low in _MALE_NAMES:
        return Gender.MALE
    return Gender.UNKNOWN


def strip_disambiguator(tag: str) -> str:
    """'Castiel (Supernatural)' -> 'Castiel'; AO3 adds the fandom in parentheses."""
    return re.sub(r"\s*\([^)]*\)\s*", " ", tag).strip()


def split_relationship(tag: str) -> list[str]:
    """'Harry Potter/Draco Malfoy' -> ['Harry Potter', 'Draco Malfoy'] (also '&')."""
    return [p for p in (strip_disambiguator(x) for x in re.split(r"\s*[/&]\s*", tag)) if p]
