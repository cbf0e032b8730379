"""LitBank scored on the original text: span mapping onto the tokenized excerpt, quote marks,
name cores, span-based speaker mapping; and (with ../shared/data) the alignment of every work."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens.eval.litbank import (
    aligned_source,
    load_litbank,
    load_work,
    name_core,
    quote_outer_span,
    score_aligned,
)
from ficlens.model import Character, Document, Mention, MentionKind, Quote

STEM = "1_tiny"
# Tokenized excerpt: one sentence per line, tokens split by spaces (made-up text).
TOKENIZED = "“ Hello , ” said the old Ann .\n“ Hi , ” said Bob , “ how are you ? ”\nAnn smiled .\n"
# The same text as a book has it: paragraphs, no spaces before punctuation; it runs on.
ORIGINAL = (
    "“Hello,” said the old Ann.\n\n"
    "“Hi,” said Bob, “how are you?”\n\n"
    "Ann smiled. She had walked far.\n\n"
    "“Good,” said Ann later.\n"
)


def _tiny(root: Path, original: bool = True) -> Path:
    for layer in ("entities/brat", "coref/tsv", "quotations/tsv", "original"):
        (root / layer).mkdir(parents=True)
    (root / f"coref/tsv/{STEM}_brat.txt").write_text(TOKENIZED, encoding="utf-8")
    if original:
        (root / f"original/{STEM}.txt").write_text(ORIGINAL, encoding="utf-8")
    t = TOKENIZED
    old_ann = t.index("the old Ann")
    ann2 = t.index("Ann smiled")
    bob = t.index("Bob")
    (root / f"entities/brat/{STEM}_brat.ann").write_text(
        f"T1\tPER {old_ann} {old_ann + 11}\tthe old Ann\n"
        f"T2\tPER {bob} {bob + 3}\tBob\n"
        f"T3\tPER {ann2} {ann2 + 3}\tAnn\n",
        encoding="utf-8",
    )
    (root / f"coref/tsv/{STEM}_brat.ann").write_text(
        "MENTION\tT1\t0\t5\t0\t7\tthe old Ann\tPER\tPROP\n"
        "MENTION\tT2\t1\t5\t1\t5\tBob\tPER\tPROP\n"
        "MENTION\tT3\t2\t0\t2\t0\tAnn\tPER\tPROP\n"
        "COREF\tT1\tAnn-0\nCOREF\tT2\tBob-1\nCOREF\tT3\tAnn-0\n",
        encoding="utf-8",
    )
    (root / f"quotations/tsv/{STEM}_brat.ann").write_text(
        "QUOTE\tQ1\t0\t0\t0\t3\t“ Hello , ”\n"
        "QUOTE\tQ2\t1\t0\t1\t3\t“ Hi , ”\n"
        "QUOTE\tQ3\t1\t7\t1\t12\t“ how are you ? ”\n"
        "ATTRIB\tQ1\tAnn-0\nATTRIB\tQ2\tBob-1\nATTRIB\tQ3\tBob-1\n",
        encoding="utf-8",
    )
    return root


def _quote(
    text: str, inner: str, qid: str, speaker: str | None, nth: int = 0, **kw: object
) -> Quote:
    start = -1
    for _ in range(nth + 1):
        start = text.index(inner, start + 1)
    return Quote(
        id=qid,
        start=start,
        end=start + len(inner),
        text=inner,
        paragraph=0,
        mark="double",
        speaker_id=speaker,
        **kw,
    )  # type: ignore[arg-type]


def _mention(
    text: str, name: str, cid: str | None, nth: int = 0, kind: MentionKind = MentionKind.NAME
) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return Mention(start, start + len(name), 0, 0, name, kind, character_id=cid)


def test_source_is_whole_paragraphs_of_the_original(tmp_path: Path) -> None:
    root = _tiny(tmp_path / "lb")
    work = load_work(root, STEM)
    src = aligned_source(root, work)
    assert src.unaligned == 0 and src.offset == 0
    # the excerpt ends inside the third paragraph: the whole paragraph is read, no further
    assert src.text == ORIGINAL[: ORIGINAL.index("\n\n“Good")]
    # spans map to the excerpt's tokens; past the excerpt -> None
    s = ORIGINAL.index("old Ann")
    assert src.to_excerpt(s, s + 7) == (TOKENIZED.index("old Ann"), TOKENIZED.index("old Ann") + 7)
    s = ORIGINAL.index("She had")
    assert src.to_excerpt(s, s + 3) is None
    s = ORIGINAL.index("Hello")
    assert src.to_excerpt(s, s + 4) == (2, 7)  # part of a token -> the whole token


def test_without_original_the_excerpt_is_read(tmp_path: Path) -> None:
    root = _tiny(tmp_path / "lb", original=False)
    src = aligned_source(root, load_work(root, STEM))
    assert src.text == TOKENIZED and src.unaligned == 0
    assert src.to_excerpt(2, 7) == (2, 7)


def test_quote_outer_span_adds_the_marks() -> None:
    text = "“Hi,” said Bob, “how are you?”\n\n“I walked all day\n\n“and all night.”"
    q = _quote(text, "Hi,", "Q0", None, open_start=0)
    assert text[slice(*quote_outer_span(text, q))] == "“Hi,”"
    # no open_start, but a mark right before: taken; closing mark after a space: taken
    q = _quote(text, "how are you?", "Q1", None)
    assert text[slice(*quote_outer_span(text, q))] == "“how are you?”"
    # closed by the paragraph end: no mark, and the next paragraph's mark is not taken
    q = _quote(text, "I walked all day", "Q2", None, open_start=text.index("“I"))
    assert text[slice(*quote_outer_span(text, q))] == "“I walked all day"
    # a dash quote has no closing mark to add
    dash = "— Go away, he said."
    q = Quote(id="Q3", start=2, end=10, text="Go away,", paragraph=0, mark="dash", open_start=0)
    assert quote_outer_span(dash, q) == (0, 10)


@pytest.mark.parametrize(
    ("gold", "core"),
    [
        ("the same handsome Miss Elliot", "Miss Elliot"),
        ("old Tom Jarndyce", "Tom Jarndyce"),
        ("Margaret dear", "Margaret"),
        ("“ Rob Roy ”", "Rob Roy"),
        ("Mr. Bennet", "Mr. Bennet"),
        ("Sir Pagan d'Urberville", "Sir Pagan d'Urberville"),
        ("Charles the Second", "Charles the Second"),
        ("the poor thing", "the poor thing"),  # no capital at all: unchanged
    ],
)
def test_name_core(gold: str, core: str) -> None:
    text = f"x {gold} y"
    s, e = name_core(text, 2, 2 + len(gold))
    assert text[s:e] == core


def test_scores_on_the_original_text(tmp_path: Path) -> None:
    root = _tiny(tmp_path / "lb")
    work = load_work(root, STEM)
    src = aligned_source(root, work)
    t = src.text
    doc = Document(text=t, source="x", format="text")
    # Character ids and names say nothing: "Zed" has Ann's mentions, so it is Ann's entity.
    doc.characters = [Character(id="C7", name="Zed"), Character(id="C3", name="Ann")]
    doc.mentions = [
        _mention(t, "Ann", "C7"),
        _mention(t, "Ann", "C7", nth=1),
        _mention(t, "Bob", "C3"),
        _mention(t, "She", "C7", kind=MentionKind.PRONOUN),  # beyond the excerpt: left out
    ]
    doc.quotes = [
        _quote(t, "Hello,", "Q0", "C7", open_start=0),
        _quote(t, "Hi,", "Q1", "C3", open_start=t.index("“Hi")),
        _quote(t, "how are you?", "Q2", "C7", open_start=t.index("“how")),  # wrong speaker
        _quote(t, "are", "Q3", "C3", nested_in="Q2"),  # nested: LitBank has none, left out
    ]
    s = score_aligned(work, src, doc)
    assert s["detection_exact"].f1 == 1.0  # marks on both sides
    # "the old Ann" is matched on its name; all three gold names found
    assert s["entity_prop"].f1 == 1.0
    assert s["speaker"].all.correct == 2 and s["speaker"].all.total == 3
    # coreference keeps exact spans (comparable with published LitBank scores): the gold
    # mention "the old Ann" is not the predicted "Ann", so the Ann link is missed
    assert s["coref"].muc.recall_num == 0 and s["coref"].muc.recall_den == 1


def test_unmatched_spans_score_nothing(tmp_path: Path) -> None:
    root = _tiny(tmp_path / "lb")
    work = load_work(root, STEM)
    src = aligned_source(root, work)
    t = src.text
    doc = Document(text=t, source="x", format="text")
    doc.characters = [Character(id="C0", name="Ann")]
    # the name with its determiner ("old Ann") is not the gold name core "Ann"
    doc.mentions = [_mention(t, "old Ann", "C0")]
    doc.quotes = [_quote(t, "Hello", "Q0", "C0")]  # inner span cut short: not exact
    s = score_aligned(work, src, doc)
    assert s["entity_prop"].matched_pred == 0
    assert s["detection_exact"].matched_pred == 0 and s["detection_overlap"].matched_pred == 1
    # no predicted mention sits on a gold mention span: C0 maps to nothing
    assert s["speaker"].all.correct == 0


@pytest.mark.data
def test_every_litbank_work_aligns(shared_data: Path) -> None:
    root = shared_data / "litbank"
    for work in load_litbank(root):
        src = aligned_source(root, work)
        assert src.unaligned < 0.01 * src.nonspace, work.stem
        assert src.path.parent.name == "original"
        # every gold quote survives a round trip excerpt -> original -> excerpt
        for q in work.quotes:
            there = src.alignment.map_span_to_b(q.outer_start, q.outer_end)
            assert there is not None
            assert src.to_excerpt(there[0] - src.offset, there[1] - src.offset) == (
                q.outer_start,
                q.outer_end,
            )
