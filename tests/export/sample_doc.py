"""A small, fully annotated Document built by hand, for the exporter tests.

Two chapters, three scenes, quotes with speakers and addressees, characters, mentions,
narration and interactions. The text holds the characters exporters must escape
(``<``, ``&``, quotes, a tab, a backslash) and a quote that spans a line break.
Loaded by the tests with ``importlib`` (pytest runs in importlib mode, so sibling
modules are not on ``sys.path``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ficlens.model import (
    Chapter,
    Character,
    Document,
    Entity,
    Evidence,
    Gender,
    Hint,
    HintKind,
    Interaction,
    Mention,
    MentionKind,
    NarrationFlag,
    Paragraph,
    Person,
    Quote,
    Scene,
    SceneNarration,
    Sentence,
    Signal,
    SignalCheck,
    Tense,
    Token,
)

# (kind, text): kind is "heading", "para" or "break"; chapters start at each heading.
PIECES: list[tuple[str, str]] = [
    ("heading", "Chapter 1: <Tea> & Toast"),
    ("para", '"Hello, Bob," said Alice. "Is the <kettle> on & hot?"'),
    ("para", 'Bob nodded. "It is,\nAlice," he said, "and the\ttab\\path is fine."'),
    ("break", "* * *"),
    ("para", "Alice walked to the window. She was thinking about Bob."),
    ("heading", "Chapter 2"),
    ("para", '"Where now?" asked Bob \u2014 in the caf\u00e9.'),
]

WORD = re.compile(r"\w+|[^\w\s]")


def build_text() -> tuple[str, list[tuple[str, int, int]]]:
    text = ""
    spans: list[tuple[str, int, int]] = []
    for kind, piece in PIECES:
        if text:
            text += "\n\n"
        spans.append((kind, len(text), len(text) + len(piece)))
        text += piece
    return text + "\n", spans


def sample_document() -> Document:
    text, spans = build_text()
    doc = Document(text=text, source="sample.txt", format="text")
    doc.metadata = {
        "title": "Tea & <Toast>",
        "authors": ["A. Writer", "B. Helper"],
        "rating": "General Audiences",
        "fandoms": ["Original Work"],
        "relationships": [],
        "summary": "A story about a kettle.",
        "words": None,
    }
    doc.warnings = ["sample warning"]
    doc.hints = [Hint(HintKind.SCENE_BREAK, s, e, text[s:e]) for k, s, e in spans if k == "break"]

    # chapters: from each heading to the next heading (or the end)
    heads = [(s, e) for k, s, e in spans if k == "heading"]
    for i, (hs, he) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        doc.chapters.append(Chapter(i, text[hs:he], hs, end, hs, he))

    # scenes and paragraphs
    chapter = -1
    scene_start: int | None = None
    scene_index = 0
    para_spans: list[tuple[int, int, int, int]] = []  # start, end, chapter, scene

    def close_scene(end: int) -> None:
        nonlocal scene_start, scene_index
        if scene_start is not None:
            doc.scenes.append(Scene(len(doc.scenes), chapter, scene_index, scene_start, end))
            scene_index += 1
            scene_start = None

    for kind, s, e in spans:
        if kind == "heading":
            close_scene(s)
            chapter += 1
            scene_index = 0
        elif kind == "break":
            close_scene(s)
        else:
            if scene_start is None:
                scene_start = s
            para_spans.append((s, e, chapter, len(doc.scenes)))
    close_scene(len(text))

    # tokens, sentences (one per paragraph, which is enough here)
    for p, (s, e, ch, sc) in enumerate(para_spans):
        first = len(doc.tokens)
        sent = len(doc.sentences)
        for m in WORD.finditer(text, s, e):
            i = len(doc.tokens)
            doc.tokens.append(
                Token(
                    i=i,
                    start=m.start(),
                    end=m.end(),
                    text=m.group(),
                    lemma=m.group().lower(),
                    pos="PUNCT" if not m.group()[0].isalnum() else "PROPN" if m.group()[0].isupper() else "NOUN",
                    tag="XX",
                    dep="dep",
                    head=first,
                    sentence=sent,
                    paragraph=p,
                )
            )
        doc.sentences.append(Sentence(sent, s, e, first, len(doc.tokens), p))
        doc.paragraphs.append(Paragraph(p, s, e, ch, sc, first, len(doc.tokens)))

    doc.characters = [
        Character("C0", "Alice", ("Al", "Miss <A>"), Gender.FEMALE, 0.9, mentions=5, quotes=2),
        Character("C1", "Bob", ("Robert",), Gender.MALE, 0.8, mentions=4, quotes=3),
        Character("C2", "Mrs. Tab\tby", (), Gender.UNKNOWN, 0.0, mentions=0, quotes=0),
    ]

    # quotes: every "..." pair inside each paragraph, in text order
    speakers = {
        "Hello, Bob,": ("C0", ("C1",), Evidence.EXPLICIT, 0.95),
        "Is the <kettle> on & hot?": ("C0", ("C1",), Evidence.IMPLICIT, 0.6),
        "It is,\nAlice,": ("C1", ("C0",), Evidence.ANAPHORIC, 0.8),
        "and the\ttab\\path is fine.": ("C1", ("C0",), Evidence.IMPLICIT, 0.7),
        "Where now?": (None, (), None, 0.0),
    }
    for p in doc.paragraphs:
        for m in re.finditer(r'"([^"]*)"', text[p.start : p.end]):
            start, end = p.start + m.start(1), p.start + m.end(1)
            spk, addr, ev, conf = speakers[m.group(1)]
            doc.quotes.append(
                Quote(
                    id=f"Q{len(doc.quotes)}",
                    start=start,
                    end=end,
                    text=text[start:end],
                    paragraph=p.id,
                    mark="double",
                    open_start=start - 1,
                    speaker_id=spk,
                    addressee_ids=addr,
                    evidence=ev,
                    confidence=conf,
                    candidates=("C0", "C1"),
                )
            )
    # a quote that continues the one before it (same speaker, broken by narration)
    doc.quotes[1] = replace(doc.quotes[1], continues="Q0")
    in_quote = doc.quote_token_mask()

    # mentions: every name in the text, plus the pronouns "he" / "She"
    names = {"Alice": "C0", "Bob": "C1", "he": "C1", "She": "C0"}
    for m in re.finditer(r"\b(Alice|Bob|he|She)\b", text):
        tok = next(t for t in doc.tokens if t.start == m.start())
        kind = MentionKind.PRONOUN if m.group() in ("he", "She") else MentionKind.NAME
        doc.mentions.append(
            Mention(m.start(), m.end(), tok.i, tok.i + 1, m.group(), kind, names[m.group()], in_quote[tok.i], tok.sentence)
        )
    ent = doc.mentions[0]
    doc.entities = [Entity(ent.start, ent.end, ent.start_token, ent.end_token_excl, "PERSON", ent.text)]

    doc.narration = [
        SceneNarration(
            chapter=sc.chapter,
            scene=sc.id,
            start=sc.start,
            end=sc.end,
            person=Person.THIRD,
            tense=Tense.PAST if sc.id != 1 else Tense.PRESENT,
            past_share=0.9 if sc.id != 1 else 0.2,
            present_share=0.1 if sc.id != 1 else 0.8,
            pov_character_id="C0" if sc.id != 2 else None,
            confidence=0.75,
            person_confidence=0.9,
            tense_confidence=0.8,
            pov_confidence=0.6,
            flags=(NarrationFlag("tense_shift", 0, 1, "She was <thinking>", "past -> present"),) if sc.id == 1 else (),
        )
        for sc in doc.scenes
    ]
    doc.interactions = [
        Interaction("C0", "C1", "cooccurrence", 3.0, (0, 1)),
        Interaction("C0", "C1", "conversation", 2.0, (0,)),
        Interaction("C1", "C0", "conversation", 2.0, (0,)),
    ]
    doc.signals = [Signal("pov", 0, 0, 10, "she thought", 0.5)]
    doc.signal_checks = [SignalCheck("violence", False, 0.1, None, "none", "nothing found", ())]
    doc.stages = ["segment", "quotes", "characters", "coref", "speakers", "narration", "network"]
    doc.config = {"quotes": {"marks": ["double", "single"]}}
    return doc


def doc_quote_ranges(doc: Document) -> list[tuple[int, int]]:
    return [(q.start, q.end) for q in doc.quotes]
