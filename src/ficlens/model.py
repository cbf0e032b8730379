"""The Document model that flows through every stage.

A reader (``ficlens.ingest``) makes a ``Document`` with ``text``, ``metadata`` and
structural ``hints``. Each stage then adds one layer:

    segment     chapters, scenes, paragraphs, sentences, tokens, entities
    quotes      quotes (character spans, quote marks excluded)
    characters  characters, mentions (names and nominals)
    coref       mentions (pronouns) resolved to characters, character genders
    speakers    quote.speaker_id / addressee_ids / evidence / confidence, character quote counts
    quote_pronouns  mentions ("I"/"you" inside a quote -> its speaker / addressee)
    narration   narration (one record per scene)
    signals     signals, signal_checks
    network     interactions

All character offsets are half-open ``[start, end)`` positions in ``Document.text``
(written out as ``story.txt``). Token offsets are ``start_token`` /
``end_token_excl`` (half-open, document-wide token index).

Records are frozen dataclasses; a stage that annotates an earlier layer replaces
records with ``dataclasses.replace`` instead of mutating them, so what a stage
changed is always its own ``assigns``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "1.3"
# Versions whose files still load: 1.0 lacks Signal.time and Signal.concerns (defaults apply).
READABLE_SCHEMA_VERSIONS = ("1.0", "1.1", "1.2", "1.3")
# Tokens that are not words when words are counted (documents, chapters, scenes alike).
NON_WORD_POS = frozenset({"PUNCT", "SPACE", "X", "SYM"})


class MentionKind(StrEnum):
    NAME = "name"
    PRONOUN = "pronoun"
    NOMINAL = "nominal"


class Evidence(StrEnum):
    EXPLICIT = "explicit"  # speech tag names the speaker: `said Elizabeth`
    ANAPHORIC = "anaphoric"  # speech tag with a pronoun or description: `she said`
    IMPLICIT = "implicit"  # no tag: turn-taking, vocative, the actor of the paragraph


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    NONBINARY = "nonbinary"
    UNKNOWN = "unknown"


class Person(StrEnum):
    FIRST = "first"
    SECOND = "second"
    THIRD = "third"


class Tense(StrEnum):
    PAST = "past"
    PRESENT = "present"


class HintKind(StrEnum):
    """Structure a reader saw in the source markup (HTML headings, <hr>)."""

    HEADING = "heading"
    SCENE_BREAK = "scene_break"
    CHAPTER_START = "chapter_start"  # a reader that knows chapter boundaries (EPUB spine, AO3)


@dataclass(frozen=True, slots=True)
class Hint:
    kind: HintKind
    start: int
    end: int
    text: str = ""


@dataclass(frozen=True, slots=True)
class Token:
    i: int  # document-wide index
    start: int
    end: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int  # document-wide index of the syntactic head (itself for a root)
    sentence: int
    paragraph: int
    ent_iob: str = "O"  # B, I or O
    ent_type: str = ""


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    start_token: int
    end_token_excl: int
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Sentence:
    id: int
    start: int
    end: int
    start_token: int
    end_token_excl: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    id: int
    start: int
    end: int
    chapter: int
    scene: int  # document-wide scene id
    start_token: int = 0
    end_token_excl: int = 0


@dataclass(frozen=True, slots=True)
class Scene:
    id: int  # document-wide
    chapter: int
    index: int  # position inside its chapter, from 0
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Chapter:
    id: int
    title: str
    start: int
    end: int
    heading_start: int | None = None  # the heading line, kept out of the scenes
    heading_end: int | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    id: str  # "Q0", "Q1", ... in text order
    start: int  # first character inside the quote marks
    end: int  # one past the last character inside the quote marks
    text: str
    paragraph: int
    mark: str  # "double", "single", "dash"
    open_start: int = -1  # offset of the opening mark (-1 when none, e.g. a continued paragraph)
    continues: str | None = None  # id of the quote this one continues (multi-paragraph, broken by narration)
    nested_in: str | None = None
    speaker_id: str | None = None
    addressee_ids: tuple[str, ...] = ()
    evidence: Evidence | None = None
    confidence: float = 0.0
    speaker_mention: tuple[int, int] | None = None  # character span of the tag mention, if any
    candidates: tuple[str, ...] = ()  # character ids the speaker stage considered


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    start_token: int
    end_token_excl: int
    text: str
    kind: MentionKind
    character_id: str | None = None
    in_quote: bool = False
    sentence: int = -1
    # Character offsets of the whole noun phrase the mention heads ("the old man who had
    # followed me"), as coreference gold marks mentions; -1 when it is the span itself.
    # Set by the coref stage; scoring only (the stages read start/end).
    np_start: int = -1
    np_end: int = -1
    # The coreference chain of a mention no character holds: a group of people ("they" ...
    # "them", "we" ... "us"), e.g. "G0". Set by the coref stage; None when alone.
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Character:
    id: str  # "C0", "C1", ...
    name: str  # canonical name
    aliases: tuple[str, ...] = ()
    gender: Gender = Gender.UNKNOWN
    gender_confidence: float = 0.0
    mentions: int = 0
    quotes: int = 0
    is_narrator: bool = False
    is_reader: bool = False
    from_cast: bool = False
    found_by: str = "name"  # "name" (named in the text), "role" (known by a role only: "said the wizard"), "pronoun" (unnamed focal pronoun chain), "tag" (an AO3 character tag), "cast" (--cast)
    # The cast members (ids) whose names this character's are written another way, when the
    # cast did not take it ("Stranger" beside the cast's "The Stranger"): the output warns.
    lookalike_of: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NarrationFlag:
    kind: str  # "tense_shift", "pov_shift", "person_shift"
    sentence_start: int
    sentence_end: int
    text: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SceneNarration:
    chapter: int
    scene: int  # document-wide scene id
    start: int
    end: int
    person: Person
    tense: Tense
    past_share: float
    present_share: float
    pov_character_id: str | None
    confidence: float
    person_confidence: float = 0.0
    tense_confidence: float = 0.0
    pov_confidence: float = 0.0
    flags: tuple[NarrationFlag, ...] = ()


@dataclass(frozen=True, slots=True)
class Interaction:
    source: str
    target: str
    kind: str  # "cooccurrence" (undirected, source < target) or "conversation" (speaker -> addressee)
    weight: float
    scenes: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Signal:
    kind: str
    chapter: int
    start: int
    end: int
    evidence: str
    confidence: float
    # When the content is in the story: "present", "past" (facts of the story), or "feared",
    # "threatened", "hypothetical", "negated", "figurative" (as best the stage can tell).
    time: str = "present"
    concerns: str | None = None  # the character it happens to, when the parse and coref say


@dataclass(frozen=True, slots=True)
class SignalCheck:
    """One content signal compared with what the work declares (AO3 warnings, rating, tags)."""

    kind: str
    detected: bool
    confidence: float
    declared: bool | None  # None: the work declares nothing either way
    status: str  # "agree", "surprise" (found, not declared), "declared_not_found", "none"
    message: str
    chapters: tuple[int, ...] = ()


@dataclass(slots=True)
class Document:
    """One story and every layer the stages put on it."""

    text: str
    source: str = ""  # path or "<string>"
    format: str = "text"
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    scenes: list[Scene] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    characters: list[Character] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    narration: list[SceneNarration] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    signal_checks: list[SignalCheck] = field(default_factory=list)
    truncated_at: int | None = None  # set when only text[:truncated_at] was analysed (see warnings)
    stages: list[str] = field(default_factory=list)  # names of the stages that ran, in order
    config: dict[str, Any] = field(default_factory=dict)

    # --- views -----------------------------------------------------------------
    def span_text(self, start: int, end: int) -> str:
        return self.text[start:end]

    def character(self, character_id: str | None) -> Character | None:
        if character_id is None:
            return None
        for c in self.characters:
            if c.id == character_id:
                return c
        return None

    def character_index(self) -> dict[str, Character]:
        return {c.id: c for c in self.characters}

    def quote_token_mask(self, include_open_mark: bool = False) -> list[bool]:
        """Per token: does it start inside a quote (``self.quotes``)? One sweep over both lists.

        With ``include_open_mark`` the opening quote mark counts as inside too.
        """
        spans = sorted(
            (q.open_start if include_open_mark and q.open_start >= 0 else q.start, q.end) for q in self.quotes
        )
        mask = [False] * len(self.tokens)
        j = 0
        for k, tok in enumerate(self.tokens):
            while j < len(spans) and spans[j][1] <= tok.start:
                j += 1
            if j < len(spans) and spans[j][0] <= tok.start < spans[j][1]:
                mask[k] = True
        return mask

    @property
    def word_count(self) -> int:
        return sum(1 for t in self.tokens if t.pos not in NON_WORD_POS)

    # --- JSON ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {key: list(value) if isinstance(value, Iterator) else value for key, value in self.to_items()}

    def to_items(self) -> Iterator[tuple[str, Any]]:
        """``to_dict()``'s keys and values in order, each list field as an iterator of its JSON
        rows (every other value is plain), so a writer can stream a long book's tokens instead of
        holding them all twice."""
        from ficlens._version import __version__

        yield "schema_version", SCHEMA_VERSION
        yield "ficlens_version", __version__
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "tokens":
                yield "tokens", map(_token_row, value)
            elif isinstance(value, list):
                yield f.name, (_record(v) if hasattr(v, "__dataclass_fields__") else v for v in value)
            else:
                yield f.name, _plain(value)

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        version = data.get("schema_version")
        if version not in READABLE_SCHEMA_VERSIONS:
            raise ValueError(f"unsupported schema_version {version!r} (expected one of {', '.join(READABLE_SCHEMA_VERSIONS)})")
        doc = cls(text=data["text"])
        for f in fields(cls):
            if f.name not in data or f.name == "text":
                continue
            raw = data[f.name]
            record = _RECORD_TYPES.get(f.name)
            if f.name == "tokens":
                setattr(doc, f.name, [Token(*row) for row in raw])
            elif record is not None:
                setattr(doc, f.name, [_build(record, item) for item in raw])
            else:
                setattr(doc, f.name, raw)
        return doc

    @classmethod
    def from_json(cls, path: str | Path) -> Document:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


TOKEN_FIELDS = [f.name for f in fields(Token)]


def _token_row(t: Token) -> list[Any]:
    # Tokens are the bulk of a long book; a positional row keeps analysis.json small.
    return [getattr(t, name) for name in TOKEN_FIELDS]


def _record(record: Any) -> dict[str, Any]:
    """``_plain(asdict(record))`` without asdict's deep copy (a third of the time of writing
    analysis.json on a long story went there)."""
    return {name: _plain(getattr(record, name)) for name in _field_names(type(record))}


@lru_cache(maxsize=64)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _plain(value: Any) -> Any:
    if value is None or type(value) in (int, str, float, bool):
        return value
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        return _record(value)

    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


_RECORD_TYPES: dict[str, type] = {
    "hints": Hint,
    "chapters": Chapter,
    "scenes": Scene,
    "paragraphs": Paragraph,
    "sentences": Sentence,
    "entities": Entity,
    "quotes": Quote,
    "characters": Character,
    "mentions": Mention,
    "narration": SceneNarration,
    "interactions": Interaction,
    "signals": Signal,
    "signal_checks": SignalCheck,
}

_ENUM_FIELDS: dict[tuple[type, str], type] = {
    (Hint, "kind"): HintKind,
    (Quote, "evidence"): Evidence,
    (Mention, "kind"): MentionKind,
    (Character, "gender"): Gender,
    (SceneNarration, "person"): Person,
    (SceneNarration, "tense"): Tense,
}


def _build(record: type, item: dict[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    for f in fields(record):
        if f.name not in item:
            continue
        value = item[f.name]
        enum = _ENUM_FIELDS.get((record, f.name))
        if enum is not None and value is not None:
            value = enum(value)
        elif record is SceneNarration and f.name == "flags":
            value = tuple(NarrationFlag(**flag) for flag in value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[f.name] = value
    return record(**kwargs)
